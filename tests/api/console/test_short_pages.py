"""Short orders on the console: "short by N" once on the board, a warning on the order page
and a line on the foreman's page, in Russian and English; the two pushes (the next wave now,
the widest radius now) by form with CSRF, audited, one wave however often they are sent."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.clock import now
from dispatch.fill import waves
from dispatch.models import Offer, Order
from tests.api.console.helpers import sign_in
from tests.api.console.test_dispatcher_pages import local, order_at, row
from tests.builders import (
    KAZAN,
    MOSCOW,
    make_branch,
    make_client,
    make_order,
    make_site,
    make_user,
    make_worker,
    offset,
)


@pytest.fixture
def scene(session):
    """An order for tomorrow whose first ring (10 km) holds two workers, a wave asking for
    six: the ring is dry at once. Three more live 13 km out, and two 35 km out."""
    branch = make_branch(session)
    foreman = make_user(session, role="foreman", branch=branch)
    site = make_site(
        session, client=make_client(session, branch=branch), at=MOSCOW, foreman_id=foreman.id
    )
    for east_m, count in ((2_000, 2), (13_000, 3), (35_000, 2)):
        for i in range(count):
            make_worker(session, branch=branch, near=offset(MOSCOW, east_m=east_m + 10 * i))
    order = order_at(session, site, local(1, 9), headcount=3)
    waves.start_filling(session, order.id, now())
    assert order.ring_dry_at is not None
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    return {
        "branch": branch,
        "site": site,
        "order": order,
        "dispatcher": dispatcher,
        "foreman": foreman,
    }


def offers_of(session, order) -> int:
    return session.scalar(select(func.count()).select_from(Offer).where(Offer.order_id == order.id))


def pushes(session, order) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.action.like("order.%_now"), AuditEntry.entity_ids.contains([order.id])
            )
            .order_by(AuditEntry.id)
        )
    )


@pytest.mark.parametrize(
    "lang, flag, next_wave, widen",
    [
        ("en", "⚠ short by 3", "Send the next wave now", "Widen to 40 km now"),
        ("ru", "⚠ не хватает 3 чел.", "Следующая волна сейчас", "Расширить до 40 км сейчас"),
    ],
)
def test_the_board_says_short_by_n_once_with_the_pushes(
    client, session, scene, lang, flag, next_wave, widen
):
    order = scene["order"]
    sign_in(client, scene["dispatcher"])
    line = row(client.get(f"/console/?lang={lang}").text, order)
    assert 'class="short"' in line and line.count(flag) == 1
    assert next_wave in line and widen in line
    assert f'action="/console/orders/{order.id}/next-wave"' in line
    assert 'name="wave" value="1"' in line and 'name="back" value="board"' in line
    assert 'name="csrf"' in line


def status_cell(line: str) -> str:
    """The words of the board row's status cell, tags stripped."""
    cells = re.findall(r"<td>(.*?)</td>", line, re.S)
    [cell] = [c for c in cells if "badge" in c]
    return " ".join(re.sub(r"<[^>]+>", " ", cell).split())


def test_a_short_status_is_said_once_not_short_short(client, session, scene):
    order = scene["order"]
    order.status = "short"  # as the fill leaves it with nobody left at the widest radius
    session.flush()
    sign_in(client, scene["dispatcher"])
    line = row(client.get("/console/?lang=en").text, order)
    assert status_cell(line) == "⚠ short by 3 Send the next wave now Widen to 40 km now"
    order.status = "filling"
    session.flush()
    filling = row(client.get("/console/?lang=en").text, order)
    assert status_cell(filling).startswith("filling ⚠ short by 3 ")
    # Enough for the headcount but below the booking target: no flag, the status word says it.
    order.status, order.headcount = "short", 2
    for offer in session.scalars(select(Offer).where(Offer.order_id == order.id)):
        offer.status = "booked"
    session.flush()
    line = row(client.get("/console/?lang=en").text, order)
    assert status_cell(line) == "below target" and 'class="short"' not in line


def test_a_ring_with_people_to_spare_shows_no_shortage(client, session, scene):
    for i in range(5):
        make_worker(session, branch=scene["branch"], near=offset(MOSCOW, north_m=1_000 + 10 * i))
    order = order_at(session, scene["site"], local(1, 11), headcount=1)  # a wave of 4 of 7
    waves.start_filling(session, order.id, now())
    assert order.ring_dry_at is None
    sign_in(client, scene["dispatcher"])
    assert "short by" not in row(client.get("/console/?lang=en").text, order)
    page = client.get(f"/console/orders/{order.id}?lang=en").text
    assert 'id="short"' not in page and "/next-wave" not in page


@pytest.mark.parametrize(
    "lang, title, why",
    [
        ("en", "Short by 3", "Nobody more to offer the order to within 10 km. 0 of 3 booked."),
        (
            "ru",
            "Не хватает 3 чел.",
            "В радиусе 10 км больше некому предложить заказ. Записано 0 из 3.",
        ),
    ],
)
def test_the_order_page_warns_and_offers_the_pushes(client, session, scene, lang, title, why):
    order = scene["order"]
    sign_in(client, scene["dispatcher"])
    page = client.get(f"/console/orders/{order.id}?lang={lang}").text
    block = re.search(r'<section class="card short-warning" id="short".*?</section>', page, re.S)
    assert block, "no warning on the order page"
    text = block.group(0)
    assert f"⚠ {title}" in text and why in text
    assert f'action="/console/orders/{order.id}/next-wave"' in text
    assert f'action="/console/orders/{order.id}/widen"' in text
    assert 'name="back" value="order"' in text
    assert page.index('id="short"') < page.index('id="summary-h"')  # near the top


def test_the_next_wave_now_from_the_order_page_sends_one_wave(client, session, scene):
    order = scene["order"]
    form = sign_in(client, scene["dispatcher"])
    before = offers_of(session, order)
    data = {**form, "wave": "1", "back": "order"}
    first = client.post(f"/console/orders/{order.id}/next-wave", data=data, follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == f"/console/orders/{order.id}#short"
    session.refresh(order)
    assert order.wave == 2 and order.radius_m == 15_000
    assert offers_of(session, order) == before + 3
    again = client.post(f"/console/orders/{order.id}/next-wave", data=data, follow_redirects=False)
    assert again.status_code == 303  # the double click lands on the same page, sends nothing
    session.refresh(order)
    assert order.wave == 2 and offers_of(session, order) == before + 3
    [entry] = pushes(session, order)
    assert entry.action == "order.next_wave_now" and entry.detail["offers"] == 3


def test_widening_from_the_board_goes_back_to_the_board(client, session, scene):
    order = scene["order"]
    form = sign_in(client, scene["dispatcher"])
    answer = client.post(
        f"/console/orders/{order.id}/widen",
        data={**form, "wave": "1", "back": "board"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == f"/console/#order-{order.id}"
    session.refresh(order)
    assert order.radius_m == 40_000 and offers_of(session, order) == 7
    line = row(client.get("/console/?lang=en").text, order)
    assert "short by 3" in line and "Widen to" not in line and "Send the next wave now" in line


def test_a_push_needs_the_form_token_and_an_office_role(client, session, scene):
    order = scene["order"]
    sign_in(client, scene["dispatcher"])
    forged = client.post(f"/console/orders/{order.id}/next-wave", data={"wave": "1"})
    assert forged.status_code == 403
    form = sign_in(client, scene["foreman"])
    refused = client.post(f"/console/orders/{order.id}/widen", data={**form, "wave": "1"})
    assert refused.status_code == 403
    session.refresh(order)
    assert order.wave == 1 and pushes(session, order) == []


def test_another_branchs_order_is_not_found(client, session, scene):
    theirs = make_branch(session, center=KAZAN)
    site = make_site(session, client=make_client(session, branch=theirs), at=KAZAN)
    order = make_order(session, site=site, now=now())
    form = sign_in(client, scene["dispatcher"])
    answer = client.post(f"/console/orders/{order.id}/next-wave", data={**form, "wave": "0"})
    assert answer.status_code == 404


@pytest.mark.parametrize(
    "lang, words",
    [
        ("en", "The order is no longer being filled"),
        ("ru", "Заказ больше не набирается"),
    ],
)
def test_a_push_after_the_start_is_refused_in_words(client, session, scene, lang, words):
    order = scene["order"]
    order.starts_at = now() - timedelta(minutes=5)
    session.flush()
    form = sign_in(client, scene["dispatcher"])
    answer = client.post(
        f"/console/orders/{order.id}/next-wave?lang={lang}", data={**form, "wave": "1"}
    )
    assert answer.status_code == 409 and words in answer.text
    assert session.get(Order, order.id).wave == 1


@pytest.mark.parametrize("lang, line", [("en", "⚠ short by 2"), ("ru", "⚠ не хватает 2 чел.")])
def test_the_foreman_sees_short_by_n(client, session, scene, lang, line):
    order = scene["order"]
    first = session.scalars(select(Offer).where(Offer.order_id == order.id)).first()
    waves.answer(
        session, order_id=order.id, worker_id=first.worker_id, yes=True, source="sms", now=now()
    )
    sign_in(client, scene["foreman"])
    page = client.get(f"/console/foreman?lang={lang}").text
    section = re.search(
        rf'<section class="shift" aria-labelledby="o-{order.id}">.*?</section>', page, re.S
    )
    assert section and section.group(0).count(line) == 1
    assert "/next-wave" not in page  # the pushes are the office's
