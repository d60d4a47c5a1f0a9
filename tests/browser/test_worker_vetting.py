"""Issue 17 item 2 in a real browser: a dispatcher registers a worker with a pin on the map,
vets them with a passport and a work patent expiring soon, sees the patent warning on the
profile and on the workers page, blocks them and unblocks them with a reason. Screenshots of
each step go to test-results/console/."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.clock import now
from core.db import session_scope
from geo.points import Point
from tests.builders import PASSWORD, make_branch, make_user
from tests.scenarios import committed
from workers.models import Worker

BRANCH_CODE = "BROWSERVET"
TIMEOUT_MS = 20_000
NAME = "Каримов Рустам"
PHONE = "8 995 700-11-22"


@pytest.fixture
def desk(engine):
    with committed(BRANCH_CODE, "SMvet"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE)
            user = make_user(session, role="dispatcher", branch=branch, username="vet-dispatcher")
            username = user.username
        yield username


@pytest.fixture
def stack(desk, tmp_path):
    from tests.stack import running_stack

    with running_stack(tmp_path) as running:
        yield running


def test_a_dispatcher_registers_vets_blocks_and_unblocks_a_worker(desk, stack, browser, shots):
    base = stack.base
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{base}/console/login?lang=ru")
    page.locator("#username").fill(desk)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/console/")

    # 1. The workers page: the way to register one, and nobody's patent expiring yet.
    page.goto(f"{base}/console/workers")
    expect(page.locator("#patents")).to_contain_text("Ни у кого патент не истекает")
    page.get_by_role("link", name="Зарегистрировать работника").click()
    expect(page).to_have_url(f"{base}/console/workers/new")
    shots(page, "vet-new-worker-form")

    # 2. The home by a pin: a click on the map fills latitude and longitude.
    page.get_by_label("Фамилия, имя, отчество").fill(NAME)
    page.get_by_label("Мобильный телефон").fill(PHONE)
    expect(page.locator("#worker-map.leaflet-container")).to_be_visible()
    page.locator("#worker-map").click(position={"x": 300, "y": 150})
    expect(page.locator("#worker-map .leaflet-marker-icon")).to_be_visible()
    expect(page.locator("#f-lat")).not_to_have_value("")
    lat = float(page.locator("#f-lat").input_value())
    assert 54.5 < lat < 57.0, lat  # near the branch's centre (Moscow)
    page.get_by_label("грузчик").check()
    shots(page, "vet-pin-placed")
    page.get_by_role("button", name="Зарегистрировать").click()
    expect(page.locator("h1")).to_have_text(NAME)
    with session_scope() as session:
        worker = session.scalars(select(Worker).where(Worker.phone == "+79957001122")).one()
        worker_id = worker.id
        assert abs(Point.from_db(worker.home).lat - lat) < 1e-5  # where the pin was put
        assert worker.skills == ["loader"]
    expect(page.locator("#standing")).to_contain_text("Не допущен(а)")
    shots(page, "vet-registered-profile")

    # 3. A vetting refused: an expired patent cannot approve; the field says so, values kept.
    page.locator("#standing").get_by_role("link", name="Допуск, блокировка, СМС").click()
    expect(page).to_have_url(f"{base}/console/workers/{worker_id}/vetting")
    page.get_by_label("Допустить").check()
    page.get_by_label("Номер паспорта").fill("4510 123456")
    page.get_by_label("Номер патента (если нужен)").fill("77 2400123")
    page.get_by_label("Патент действует до").fill((now().date() - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Записать решение").click()
    expect(page.locator("#err-patent_expires_on")).to_contain_text("Срок патента уже истёк")
    expect(page.get_by_label("Номер паспорта")).to_have_value("4510 123456")
    shots(page, "vet-expired-patent-refused")

    # 4. Approved with a patent expiring in 10 days: recorded, and warned about.
    soon = now().date() + timedelta(days=10)
    page.get_by_label("Патент действует до").fill(soon.isoformat())
    page.get_by_role("button", name="Записать решение").click()
    expect(page.get_by_role("status").first).to_contain_text("Решение записано")
    expect(page.locator("main")).to_contain_text("Допущен(а) к работе")
    expect(page.locator("main")).to_contain_text("Патент скоро истекает")
    expect(page.locator("main ol")).to_contain_text("паспорт 4510 123456")
    shots(page, "vet-approved-patent-warning")

    # 5. The workers page lists the patent about to expire.
    page.goto(f"{base}/console/workers")
    expect(page.locator("#patents")).to_contain_text(NAME)
    expect(page.locator("#patents")).to_contain_text(soon.strftime("%d.%m.%Y"))
    shots(page, "vet-patents-expiring-list")

    # 6. Blocked with a reason; a block without one is refused beside the field.
    page.goto(f"{base}/console/workers/{worker_id}/vetting")
    page.get_by_role("button", name="Заблокировать").click()
    expect(page.locator("#err-block_reason")).to_contain_text("укажите причину")
    page.get_by_label("Причина", exact=True).fill("Не вышел на смену без предупреждения")
    page.get_by_role("button", name="Заблокировать").click()
    expect(page.locator("main")).to_contain_text("Работник заблокирован.")
    expect(page.locator("main")).to_contain_text("Не вышел на смену без предупреждения")
    shots(page, "vet-blocked")

    # 7. Unblocked with a reason.
    page.get_by_label("Причина", exact=True).fill("Объяснился, больше не повторится")
    page.get_by_role("button", name="Разблокировать").click()
    expect(page.locator("main")).to_contain_text("Работник разблокирован.")
    expect(page.get_by_role("button", name="Заблокировать")).to_be_visible()
    shots(page, "vet-unblocked")
    with session_scope() as session:
        worker = session.get(Worker, worker_id)
        assert (worker.status, worker.vetted, worker.patent_expires_on) == ("active", True, soon)
    context.close()
