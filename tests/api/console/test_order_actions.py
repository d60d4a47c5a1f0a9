"""The order page that acts: every offered worker in one row, its live refresh, the per-row
actions (cancel a booking, text the offer again, a phone answer), the timesheet link, the
fill bars' names and the map legend's signs."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.clock import now
from dispatch.fill import waves
from dispatch.models import Offer
from sms.models import Message
from tests.api.console.helpers import sign_in
from tests.api.console.test_dispatcher_pages import local, order_at
from tests.builders import (
    KAZAN,
    MOSCOW,
    make_branch,
    make_branch_site,
    make_user,
    make_worker,
    offset,
)


@pytest.fixture
def office(session):
    # One wave offers everyone.
    branch, site = make_branch_site(session, wave_multiple=Decimal("10"))
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    return branch, site, dispatcher


def worker(session, branch, i, **kw):
    return make_worker(session, branch=branch, near=offset(MOSCOW, north_m=100 * i + 100), **kw)


@pytest.fixture
def scene(session, office):
    """Headcount 1, target 2: two booked, one on standby, one said NO, one silent; two of the
    booked share a name."""
    branch, site, _ = office
    twins = [
        worker(session, branch, 0, full_name="Иван Петров", phone="+79161110001"),
        worker(session, branch, 1, full_name="Иван Петров", phone="+79162220002"),
    ]
    standby, refuser, silent = (worker(session, branch, i) for i in (2, 3, 4))
    order = order_at(session, site, local(1, 8), headcount=1)
    at = now()
    waves.start_filling(session, order.id, at)
    for w, yes in ((twins[0], True), (twins[1], True), (standby, True), (refuser, False)):
        waves.answer(session, order_id=order.id, worker_id=w.id, yes=yes, source="sms", now=at)
    session.flush()
    return order, twins, standby, refuser, silent


def row(page: str, worker_id: int) -> str:
    table = re.search(r'<table class="roster">.*?</table>', page, re.S)
    assert table, page
    roster = table.group(0)
    found = re.search(rf'<tr data-worker-id="{worker_id}"[^>]*>.*?</tr>', roster, re.S)
    assert found, f"worker {worker_id} is not listed"
    return found.group(0)


def status_of(session, order, worker_id) -> str:
    session.expire_all()
    return session.scalars(
        select(Offer.status).where(Offer.order_id == order.id, Offer.worker_id == worker_id)
    ).one()


def test_every_offered_worker_has_one_row_with_standing_tail_and_folded_timeline(
    client, session, office, scene
):
    order, twins, standby, refuser, silent = scene
    sign_in(client, office[2])
    page = client.get(f"/console/orders/{order.id}?lang=en").text
    standings = {
        twins[0].id: "booked",
        twins[1].id: "booked",
        standby.id: "on standby",
        refuser.id: "declined",
        silent.id: "offer queued",
    }
    for worker_id, word in standings.items():
        line = row(page, worker_id)
        assert f'id="w-{worker_id}-standing">{word}<' in line, (worker_id, line)
        assert '<details id="w-' in line and "offered (wave 1)" in line  # folded, not gone
    # Two of one name are told apart by the phone's tail (the whole number stays unshown).
    assert "…0001" in row(page, twins[0].id) and "…0002" in row(page, twins[1].id)
    assert "+79161110001" not in page
    # Booked workers come first, then standby, the silent, and the NO last.
    roster = re.search(r'<table class="roster">.*?</table>', page, re.S).group(0)
    order_shown = [int(i) for i in re.findall(r'<tr data-worker-id="(\d+)"', roster)]
    assert order_shown.index(twins[1].id) < order_shown.index(standby.id)
    assert order_shown.index(standby.id) < order_shown.index(silent.id)
    assert order_shown.index(silent.id) < order_shown.index(refuser.id)


def test_the_standing_says_arrived_or_late_after_an_arrival(client, session, office, scene):
    order, twins, *_ = scene
    for offer, minutes in zip(
        session.scalars(select(Offer).where(Offer.worker_id.in_([w.id for w in twins]))),
        (3, 40),
        strict=True,
    ):
        offer.attendance, offer.arrived_at = "arrived", order.starts_at + timedelta(minutes=minutes)
    session.flush()
    sign_in(client, office[2])
    page = client.get(f"/console/orders/{order.id}?lang=ru").text
    words = {w.id: re.search(r'-standing">([^<]+)<', row(page, w.id)).group(1) for w in twins}
    assert sorted(words.values()) == ["на месте", "опоздание"]
    late = [w for w in twins if words[w.id] == "опоздание"][0]
    assert "(+40 мин)" in row(page, late.id)


def test_a_stranger_booked_here_shows_two_digits_and_one_only_offered_none(client, session, office):
    branch, site, dispatcher = office
    theirs = make_branch(session, center=KAZAN)
    booked = make_worker(
        session, branch=theirs, near=offset(MOSCOW, east_m=300), phone="+79163334455"
    )
    offered = make_worker(
        session, branch=theirs, near=offset(MOSCOW, east_m=400), phone="+79165556677"
    )
    order = order_at(session, site, local(1, 8), headcount=1)
    at = now()
    waves.start_filling(session, order.id, at)
    waves.answer(session, order_id=order.id, worker_id=booked.id, yes=True, source="sms", now=at)
    session.flush()
    sign_in(client, dispatcher)
    page = client.get(f"/console/orders/{order.id}?lang=en").text
    assert "…55" in row(page, booked.id) and "…4455" not in page
    assert booked.full_name in row(page, booked.id)
    quiet = row(page, offered.id)
    assert offered.full_name not in quiet and "…77" not in quiet
    assert f"worker #{offered.id}" in quiet
    # An admin sees every worker whole: four digits of each.
    sign_in(client, make_user(session, role="admin"))
    page = client.get(f"/console/orders/{order.id}?lang=en").text
    assert "…4455" in row(page, booked.id) and "…6677" in row(page, offered.id)


def test_the_live_part_answers_204_until_a_reply_changes_it(client, session, office, scene):
    order, twins, standby, refuser, silent = scene
    sign_in(client, office[2])
    page = client.get(f"/console/orders/{order.id}?lang=en").text
    assert f'hx-get="/console/orders/{order.id}/live"' in page
    assert 'hx-trigger="every 3s"' in page
    digest = re.search(r'id="order-digest" name="digest" value="([0-9a-f]+)"', page).group(1)
    reads = session.scalar(select(func.count()).select_from(AuditEntry))
    still = client.get(f"/console/orders/{order.id}/live?lang=en&digest={digest}")
    assert still.status_code == 204
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == reads  # no read
    waves.answer(
        session, order_id=order.id, worker_id=silent.id, yes=False, source="sms", now=now()
    )
    session.flush()
    moved = client.get(f"/console/orders/{order.id}/live?lang=en&digest={digest}")
    assert moved.status_code == 200 and "<html" not in moved.text
    assert f'id="w-{silent.id}-standing">declined<' in moved.text
    assert 'id="order-digest"' in moved.text and digest not in moved.text


def test_row_actions_follow_the_state(client, session, office, scene):
    order, twins, standby, refuser, silent = scene
    sign_in(client, office[2])
    page = client.get(f"/console/orders/{order.id}?lang=en").text
    booked_row, standby_row = row(page, twins[0].id), row(page, standby.id)
    assert f'id="w-{twins[0].id}-cancel-booking"' in booked_row
    assert f'id="w-{twins[0].id}-phone-no"' in booked_row
    assert "phone-yes" not in booked_row and "retext" not in booked_row
    assert "phone-no" in standby_row and "cancel-booking" not in standby_row
    assert f'id="w-{refuser.id}-phone-yes"' in row(page, refuser.id)
    assert "retext" not in row(page, silent.id)  # its text is still queued
    assert 'name="csrf"' in booked_row


def test_cancelling_a_booking_promotes_standby_and_is_audited(client, session, office, scene):
    order, twins, standby, *_ = scene
    form = sign_in(client, office[2])
    url = f"/console/orders/{order.id}/offers/{twins[0].id}/cancel-booking"
    assert client.post(url, data={"reason": "no token"}).status_code == 403
    empty = client.post(f"{url}?lang=en", data={**form, "reason": " "})
    assert empty.status_code == 422 and "a reason" in empty.text.lower()
    assert f'id="w-{twins[0].id}-error"' in empty.text
    assert status_of(session, order, twins[0].id) == "booked"
    done = client.post(url, data={**form, "reason": "client said no"}, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == f"/console/orders/{order.id}#w-{twins[0].id}"
    assert status_of(session, order, twins[0].id) == "cancelled"
    assert status_of(session, order, standby.id) == "booked"
    entry = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "offer.cancel_booking")
        .order_by(AuditEntry.id)
    ).one()
    assert entry.actor_user_id == office[2].id and entry.detail["reason"] == "client said no"
    again = client.post(f"{url}?lang=ru", data={**form, "reason": "again"})
    assert again.status_code == 409
    assert "статус работника уже изменился" in row(again.text, twins[0].id)


def test_retexting_an_unanswered_offer_queues_its_text(client, session, office, scene):
    order, twins, standby, refuser, silent = scene
    form = sign_in(client, office[2])
    offer = session.scalars(
        select(Offer).where(Offer.order_id == order.id, Offer.worker_id == silent.id)
    ).one()
    url = f"/console/orders/{order.id}/offers/{silent.id}/retext"
    # Still queued: nothing to send again.
    assert client.post(f"{url}?lang=en", data=form).status_code == 409
    offer.status = "sent"
    for text in session.scalars(select(Message).where(Message.offer_id == offer.id)):
        text.status = "delivered"
    session.flush()
    assert client.post(url, data={}).status_code == 403
    assert client.post(url, data=form, follow_redirects=False).status_code == 303
    texts = session.scalars(
        select(Message).where(Message.offer_id == offer.id, Message.kind == "offer")
    ).all()
    assert [m.status for m in texts] == ["delivered", "queued"]
    assert session.scalars(
        select(AuditEntry).where(AuditEntry.action == "offer.retext").order_by(AuditEntry.id)
    ).one()
    # A booked worker's offer is answered: refused, in words.
    answered = client.post(
        f"/console/orders/{order.id}/offers/{twins[0].id}/retext?lang=en", data=form
    )
    assert answered.status_code == 409 and "status has changed" in answered.text


def test_a_phone_answer_books_or_declines(client, session, office, scene):
    order, twins, standby, refuser, silent = scene
    form = sign_in(client, office[2])
    url = f"/console/orders/{order.id}/offers/{silent.id}/phone-answer"
    assert client.post(url, data={"answer": "yes"}).status_code == 403
    maybe = client.post(url, data={**form, "answer": "maybe"})
    assert maybe.status_code == 422 and "Ответ работника" in maybe.text  # the field, named
    done = client.post(url, data={**form, "answer": "yes"}, follow_redirects=False)
    assert done.status_code == 303
    assert status_of(session, order, silent.id) == "standby"  # the order is full
    client.post(
        f"/console/orders/{order.id}/offers/{twins[1].id}/phone-answer",
        data={**form, "answer": "no"},
    )
    assert status_of(session, order, twins[1].id) == "cancelled"
    assert status_of(session, order, standby.id) == "booked"
    answers = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "offer.phone_answer").order_by(AuditEntry.id)
    ).all()
    assert [a.detail["answer"] for a in answers] == ["yes", "no"]
    refused = client.post(
        f"/console/orders/{order.id}/offers/{refuser.id}/phone-answer?lang=en",
        data={**form, "answer": "no"},
    )
    assert refused.status_code == 409


def test_another_branch_gets_404_and_a_foreman_403(client, session, office, scene):
    order, twins, *_ = scene
    theirs = make_branch(session, center=KAZAN)
    form = sign_in(client, make_user(session, role="dispatcher", branch=theirs))
    url = f"/console/orders/{order.id}/offers/{twins[0].id}/cancel-booking"
    assert client.post(url, data={**form, "reason": "mine"}).status_code == 404
    assert client.get(f"/console/orders/{order.id}/live").status_code == 404
    form = sign_in(client, make_user(session, role="foreman", branch=office[0]))
    assert client.post(url, data={**form, "reason": "mine"}).status_code == 403
    assert status_of(session, order, twins[0].id) == "booked"


def test_a_closed_order_links_its_timesheet(client, session, office, scene):
    order = scene[0]
    sign_in(client, office[2])
    assert "timesheet-link" not in client.get(f"/console/orders/{order.id}").text
    order.status, order.closed_at = "completed", now()
    session.flush()
    page = client.get(f"/console/orders/{order.id}?lang=en").text
    assert (
        f'<a id="timesheet-link" href="/console/foreman/orders/{order.id}/close">'
        "The shift&#39;s timesheet</a>" in page
    )
    assert "cancel-booking" not in page and "phone-answer" not in page  # closed: nothing to do
    assert "/live" not in page  # and nothing left to refresh


@pytest.mark.parametrize("lang, name", [("en", "Fill of order {}"), ("ru", "Набор заказа {}")])
def test_fill_bars_have_names_and_the_legend_has_signs(client, session, office, scene, lang, name):
    order = scene[0]
    sign_in(client, office[2])
    for url in (f"/console/?lang={lang}", f"/console/orders/{order.id}?lang={lang}"):
        page = client.get(url).text
        assert f'role="progressbar" aria-label="{name.format(order.code)}"' in page, url
    page = client.get(f"/console/orders/{order.id}?lang={lang}").text
    legend = re.search(r'<ul class="legend">.*?</ul>', page, re.S).group(0)
    signs = re.findall(r'<span class="dot st-\w+" aria-hidden="true">([^<]+)</span>', legend)
    assert len(signs) == len(set(signs)) == 6  # each status its own sign, not only a colour
    assert '"mark": "✓"' in page.replace("&#34;", '"') or "\\u2713" in page


def test_a_worker_never_offered_the_order_is_404(client, session, office, scene):
    order = scene[0]
    form = sign_in(client, office[2])
    stranger = worker(session, office[0], 9)
    url = f"/console/orders/{order.id}/offers/{stranger.id}/phone-answer"
    answer = client.post(url, data={**form, "answer": "yes"})
    assert answer.status_code == 404 and "text/html" in answer.headers["content-type"]
    assert session.scalar(select(func.count()).where(Offer.worker_id == stranger.id)) == 0
