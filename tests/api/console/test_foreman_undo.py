"""The foreman's page and the undo window (issue 15, items 3 and 13): a no-show tapped shows
as pending with the time left and an undo, texts nothing until the window is over; the undo
takes it back; the counters follow every tap; a crew is marked arrived in one confirmed step;
phone links are named by what they show."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.clock import now
from dispatch.models import Offer
from dispatch.shift import onsite
from rating.models import PenaltyEvent
from sms.models import Message
from tests.api.console.helpers import csrf_of, htmx_headers, sign_in
from tests.builders import (
    make_branch,
    make_foremans_site,
    make_started_order,
    make_user,
    make_worker,
)


@pytest.fixture
def shift(session):
    """A shift that started 30 min ago with three booked workers; the branch's default undo
    window (2 minutes)."""
    branch, site, foreman = make_foremans_site(session)
    workers = [
        make_worker(session, branch=branch, full_name=f"Сидоров Семён {i}") for i in range(3)
    ]
    order, offers = make_started_order(
        session, site=site, workers=workers, headcount=2, started_ago=timedelta(minutes=30)
    )
    return {
        "branch": branch,
        "order": order,
        "workers": workers,
        "offers": offers,
        "foreman": foreman,
    }


def _post(client, order, action, worker, **data):
    return client.post(
        f"/console/foreman/orders/{order.id}/{action}",
        data={"worker_id": worker.id, **data},
        headers=htmx_headers(client),
    )


def _counts(html: str, order) -> str:
    found = re.search(rf'<p [^>]*id="counts-{order.id}"[^>]*>(.*?)</p>', html, re.S)
    assert found, html
    return " ".join(found.group(0).split())


def _punishments(session, worker) -> tuple[int, list[str]]:
    entries = session.scalar(
        select(func.count()).select_from(PenaltyEvent).where(PenaltyEvent.worker_id == worker.id)
    )
    texts = session.scalars(select(Message.kind).where(Message.worker_id == worker.id)).all()
    return entries, list(texts)


def test_a_tapped_no_show_is_pending_with_a_countdown_and_an_undo(client, session, shift):
    order, worker = shift["order"], shift["workers"][0]
    sign_in(client, shift["foreman"])
    answer = _post(client, order, "mark", worker, status="no_show")
    assert answer.status_code == 200
    card = answer.text
    rid = f"w-{order.id}-{worker.id}"
    assert f'id="{rid}-undo"' in card and "Отменить неявку" in card
    assert 'name="status"' not in card  # while it waits: the undo only
    deadline = re.search(
        r'<time class="countdown"[^>]*datetime="([^"]+)"[^>]*data-left="(\d+)"', card
    )
    assert deadline and 118 <= int(deadline.group(2)) <= 120
    offer = shift["offers"][0]
    session.refresh(offer)
    assert deadline.group(1) == offer.pending_until.isoformat()
    assert re.search(r">\s*[12]:\d\d</time>", card)  # the time left, drawn without script too
    # The counters came along, out of band.
    counts = _counts(card, order)
    assert 'hx-swap-oob="true"' in counts and "ждут отмены 1" in counts
    assert _punishments(session, worker) == (0, [])

    undone = _post(client, order, "undo", worker)
    assert undone.status_code == 200 and f'id="{rid}-undo"' not in undone.text
    assert f'id="{rid}-no_show"' in undone.text and "ждут отмены" not in undone.text
    session.refresh(offer)
    assert (offer.attendance, offer.pending_mark) == (None, None)
    assert not onsite.settle_pending(session, offer.id, now() + timedelta(minutes=5))
    assert _punishments(session, worker) == (0, [])
    # Undo twice: said plainly, in the card.
    again = _post(client, order, "undo", worker)
    assert 'role="alert"' in again.text and "Отменять нечего" in again.text


def test_after_the_window_the_card_shows_the_mark_and_no_undo(client, session, shift):
    order, worker = shift["order"], shift["workers"][1]
    sign_in(client, shift["foreman"])
    _post(client, order, "mark", worker, status="no_show")
    offer = shift["offers"][1]
    session.refresh(offer)
    assert onsite.settle_pending(session, offer.id, offer.pending_until)  # the job's work
    card = client.get(
        f"/console/foreman/orders/{order.id}/workers/{worker.id}?lang=en",
        headers=htmx_headers(client),
    )
    assert card.status_code == 200 and "No-show" in card.text and "Undo" not in card.text
    assert f'id="w-{order.id}-{worker.id}-arrived"' in card.text  # a correction is offered
    entries, texts = _punishments(session, worker)
    assert entries == 1 and texts.count("penalty") == 1
    late = _post(client, order, "undo", worker)  # the page's language stays English
    assert 'role="alert"' in late.text and "Nothing to undo" in late.text


def test_the_counters_follow_each_tap(client, session, shift):
    order, (first, second, _) = shift["order"], shift["workers"]
    sign_in(client, shift["foreman"])
    page = client.get("/console/foreman?lang=en").text
    assert "3 booked, 0 came, 3 not marked" in _counts(page, order)
    assert 'role="status"' in _counts(page, order)
    answer = _post(client, order, "mark", first, status="arrived")
    assert "3 booked, 1 came, 2 not marked" in _counts(answer.text, order)
    answer = _post(client, order, "mark", second, status="released")
    assert "3 booked, 2 came, 1 not marked" in _counts(answer.text, order)


def test_all_arrived_marks_the_unmarked_after_a_confirmation(client, session, shift):
    order, (first, second, third) = shift["order"], shift["workers"]
    sign_in(client, shift["foreman"])
    page = client.get("/console/foreman?lang=en").text
    path = f"/console/foreman/orders/{order.id}/arrive-all"
    assert f'id="crew-{order.id}" href="{path}">All arrived…</a>' in page
    _post(client, order, "mark", first, status="released")
    # The confirmation lists the crew as it is now: the one marked since is left out.
    check = client.get(path).text
    listed = check[check.index('id="crew-check"') : check.index('id="crew-yes"')]
    assert second.full_name in listed and third.full_name in listed
    assert first.full_name not in listed and "Yes, all 2 arrived" in check
    ids = [second.id, third.id]
    assert client.post(path, data={"worker_id": ids}).status_code == 403  # no CSRF token
    done = client.post(
        path, data={"worker_id": ids, "csrf": csrf_of(client)}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"].endswith(f"#o-{order.id}")
    marks = dict(
        session.execute(
            select(Offer.worker_id, Offer.attendance).where(Offer.order_id == order.id)
        ).all()
    )
    assert marks == {first.id: "released", second.id: "arrived", third.id: "arrived"}
    assert f'id="crew-{order.id}"' not in client.get("/console/foreman").text
    assert "Everyone is marked." in client.get(path).text
    # Another branch's staff: 404.
    sign_in(client, make_user(session, role="dispatcher", branch=make_branch(session)))
    assert client.get(path).status_code == 404


def test_another_foreman_may_not_undo_or_read_a_card(client, session, shift):
    order, worker = shift["order"], shift["workers"][0]
    sign_in(client, shift["foreman"])
    _post(client, order, "mark", worker, status="no_show")
    sign_in(client, make_user(session, role="foreman", branch=shift["branch"]))
    assert _post(client, order, "undo", worker).status_code == 404
    assert client.get(f"/console/foreman/orders/{order.id}/workers/{worker.id}").status_code == 404
    offer = shift["offers"][0]
    session.refresh(offer)
    assert offer.pending_mark == "no_show"


def test_phone_links_are_named_by_the_number_they_show(client, session, shift):
    sign_in(client, shift["foreman"])
    page = client.get("/console/foreman").text
    links = re.findall(r'<a class="tel"([^>]*)>([^<]*)</a>', page)
    assert len(links) == 3
    for attributes, text in links:
        assert "aria-label" not in attributes  # the spoken name is the visible number
        assert f'href="tel:{text}"' in attributes and 'aria-describedby="w-' in attributes


def test_no_window_means_the_mark_counts_at_once(client, session, shift):
    shift["branch"].undo_window_s = 0
    session.flush()
    order, worker = shift["order"], shift["workers"][2]
    sign_in(client, shift["foreman"])
    card = _post(client, order, "mark", worker, status="no_show").text
    assert "Отменить неявку" not in card and "Неявка" in card
    entries, texts = _punishments(session, worker)
    assert entries == 1 and "penalty" in texts


def test_the_close_summary_counts_the_marks_waiting_and_the_close_applies_them(
    client, session, shift
):
    order, worker = shift["order"], shift["workers"][0]
    sign_in(client, shift["foreman"])
    _post(client, order, "mark", worker, status="no_show")
    summary = client.get(f"/console/foreman/orders/{order.id}/close?lang=en").text
    assert re.search(r"<dt>Waiting for an undo \(they count at the close\)</dt><dd>1</dd>", summary)
    assert re.search(r"<dt>Not marked</dt><dd>2</dd>", summary)
    assert _punishments(session, worker) == (0, [])  # the preview wrote nothing
    closed = client.post(
        f"/console/foreman/orders/{order.id}/close", data={"csrf": csrf_of(client), "end": "now"}
    )
    assert closed.status_code == 200
    entries, texts = _punishments(session, worker)
    assert entries == 1 and texts.count("penalty") == 1


def test_a_mark_past_its_window_but_not_yet_applied_offers_no_undo(client, session, shift):
    order, worker = shift["order"], shift["workers"][0]
    sign_in(client, shift["foreman"])
    _post(client, order, "mark", worker, status="no_show")
    offer = shift["offers"][0]
    session.refresh(offer)
    offer.pending_until = now() - timedelta(seconds=1)  # the job is late
    session.flush()
    card = client.get(
        f"/console/foreman/orders/{order.id}/workers/{worker.id}?lang=en",
        headers=htmx_headers(client),
    ).text
    assert "the time to undo is over: the mark counts" in card and 'data-left="0"' in card
    assert f'id="w-{order.id}-{worker.id}-undo"' not in card  # it would be refused now
    assert 'name="status"' not in card
