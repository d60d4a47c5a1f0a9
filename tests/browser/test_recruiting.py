"""Issue 19 in a real browser: a recruiter opens the applicants' queue from the menu, invites
an applicant who registered by SMS to an interview, is refused an approval without a passport,
then approves them with one: a vetted worker of the branch now, texted so."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from core.db import session_scope
from sms.models import Message
from tests.builders import PASSWORD, make_applicant, make_branch, make_user
from tests.scenarios import committed
from workers.applicants import Applicant
from workers.models import Worker

BRANCH_CODE = "BROWSERREC"
TIMEOUT_MS = 20_000
NAME = "Юлдашев Бахтиёр"
PHONE = "+79957009911"


def _forget_the_phone() -> None:
    """The applicant and the texts to their phone a run (or a crashed one) left."""
    with session_scope() as session:
        session.execute(delete(Applicant).where(Applicant.phone == PHONE))
        session.execute(delete(Message).where(Message.phone == PHONE, Message.worker_id.is_(None)))


@pytest.fixture
def desk(engine):
    _forget_the_phone()
    with committed(BRANCH_CODE, "SMrec"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE, name="Казань")
            user = make_user(session, role="recruiter", branch=branch, username="rec-browser")
            make_applicant(session, branch=branch, phone=PHONE, full_name=NAME)
            username = user.username
        yield username
    _forget_the_phone()


@pytest.fixture
def stack(desk, tmp_path):
    from tests.stack import running_stack

    with running_stack(tmp_path) as running:
        yield running


def _kinds() -> list[str]:
    with session_scope() as session:
        return list(
            session.scalars(
                select(Message.kind)
                .where(Message.phone == PHONE, Message.direction == "out")
                .order_by(Message.id)
            )
        )


def test_a_recruiter_invites_and_approves_an_applicant(desk, stack, browser, shots):
    base = stack.base
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{base}/console/login?lang=ru")
    page.locator("#username").fill(desk)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()

    # 1. The queue, from the menu: the applicant with their phone and work.
    page.get_by_role("link", name="Соискатели").click()
    expect(page).to_have_url(f"{base}/console/recruiting")
    row = page.locator("#applicants tbody tr").filter(has_text=NAME)
    expect(row).to_contain_text(PHONE)
    expect(row).to_contain_text("грузчик, упаковщик")
    expect(row).to_contain_text("ждёт приглашения")
    shots(page, "recruiting-queue")

    # 2. Invited: the date, time and place are texted.
    row.get_by_role("link", name=NAME).click()
    expect(page.locator("h1")).to_have_text(NAME)
    page.get_by_label("Дата и время").fill("2099-01-15T10:30")
    page.get_by_label("Место", exact=True).fill("ул. Баумана, 5, офис 3")
    page.get_by_role("button", name="Отправить приглашение").click()
    expect(page.get_by_role("status").first).to_contain_text("Приглашение отправлено")
    expect(page.locator("#interview")).to_have_text("15.01 10:30, ул. Баумана, 5, офис 3")
    expect(page.locator("#status")).to_have_text("приглашён")
    assert _kinds() == ["applicant_invite"]
    shots(page, "recruiting-invited")

    # 3. An approval without a passport is refused beside the field; nothing is written.
    page.get_by_role("button", name="Принять на работу").click()
    expect(page.locator("#err-passport_number")).not_to_be_empty()
    with session_scope() as session:
        assert session.scalars(select(Worker).where(Worker.phone == PHONE)).first() is None
    shots(page, "recruiting-no-passport")

    # 4. Approved with the passport: a vetted worker of the branch, texted so.
    page.get_by_label("Номер паспорта").fill("9215 654321")
    page.get_by_role("button", name="Принять на работу").click()
    expect(page.get_by_role("status").first).to_contain_text("Принят")
    expect(page.locator("#status")).to_have_text("принят")
    shots(page, "recruiting-approved")
    page.get_by_role("link", name="Карточка работника").click()
    expect(page.locator("h1")).to_contain_text(NAME)
    with session_scope() as session:
        worker = session.scalars(select(Worker).where(Worker.phone == PHONE)).one()
        assert worker.vetted and worker.skills == ["loader", "packer"]
        approved = session.scalars(
            select(Message).where(Message.worker_id == worker.id, Message.direction == "out")
        ).one()
        assert approved.kind == "applicant_approved" and "Казань" in approved.body
    context.close()
