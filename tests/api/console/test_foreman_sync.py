"""The foreman's offline queue sent home (issue 20): a mark keeps the time it was tapped
within the existing bounds (a phone's clock a little fast is taken as now, further ahead is
refused), a mark made impossible meanwhile comes back as a conflict in the foreman's words
and writes nothing, a review is sent the same way; the app's manifest and service worker
are served for the foreman's pages."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.clock import now
from dispatch.fill import waves
from rating.models import Review
from tests.api.console.helpers import csrf_of, sign_in
from tests.builders import make_foremans_site, make_started_order, make_worker


@pytest.fixture
def shift(session):
    """A shift that started 30 min ago with three booked workers; marks apply at once."""
    branch, site, foreman = make_foremans_site(session, undo_window_s=0)
    workers = [make_worker(session, branch=branch, full_name=f"Котов Кирилл {i}") for i in range(3)]
    order, offers = make_started_order(
        session, site=site, workers=workers, started_ago=timedelta(minutes=30)
    )
    return {"order": order, "workers": workers, "offers": offers, "foreman": foreman}


def _mark(client, order, worker, status, at, *, lang="ru", csrf=True, key=None):
    headers = {"Idempotency-Key": key or str(uuid.uuid4())}
    if csrf:
        headers["X-CSRF-Token"] = csrf_of(client)
    return client.post(
        f"/console/foreman/orders/{order.id}/marks?lang={lang}",
        json={"worker_id": worker.id, "status": status, "at": at},
        headers=headers,
    )


def _marks_audited(session, offer) -> int:
    return session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "attendance.mark", AuditEntry.entity_ids.contains([offer.id]))
    )


def test_a_queued_mark_keeps_the_time_it_was_tapped(client, session, shift):
    order, worker, offer = shift["order"], shift["workers"][0], shift["offers"][0]
    sign_in(client, shift["foreman"])
    tapped = (now() - timedelta(minutes=12)).astimezone().replace(microsecond=123000)
    answer = _mark(client, order, worker, "arrived", tapped.isoformat(), lang="en")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["ok"] is True
    # The card as it now stands and the counters out of band, as a tap's answer.
    assert f'id="w-{order.id}-{worker.id}"' in body["row"]
    assert f'id="w-{order.id}-{worker.id}-left_early"' in body["row"]
    assert "3 booked, 1 came, 2 not marked" in " ".join(body["row"].split())
    session.refresh(offer)
    assert offer.attendance == "arrived" and offer.arrived_at == tapped
    assert _marks_audited(session, offer) == 1
    # Left early, also tapped offline: its own time, after the arrival.
    left = tapped + timedelta(minutes=5)
    assert _mark(client, order, worker, "left_early", left.isoformat()).status_code == 200
    session.refresh(offer)
    assert (offer.attendance, offer.arrived_at, offer.left_at) == ("left_early", tapped, left)


def test_a_fast_clock_is_taken_as_now_and_the_bounds_still_apply(client, session, shift):
    order, (first, second, third) = shift["order"], shift["workers"]
    sign_in(client, shift["foreman"])
    before = now()
    skewed = _mark(client, order, first, "arrived", (before + timedelta(seconds=50)).isoformat())
    assert skewed.status_code == 200, skewed.text
    offer = shift["offers"][0]
    session.refresh(offer)
    assert before <= offer.arrived_at <= now()  # kept as the sync's now, not in the future
    ahead = _mark(client, order, second, "arrived", (now() + timedelta(minutes=10)).isoformat())
    assert ahead.status_code == 422
    assert ahead.json() == {
        "ok": False,
        "code": "mark_in_future",
        "message": "Время отметки ещё не наступило.",
    }
    early = order.starts_at - timedelta(hours=3, minutes=1)
    too_early = _mark(client, order, second, "arrived", early.isoformat())
    assert too_early.status_code == 422 and too_early.json()["code"] == "arrival_too_early"
    naive = _mark(client, order, third, "arrived", "2026-01-01T10:00:00")
    assert naive.status_code == 422 and naive.json()["code"] == "invalid_input"
    garbage = _mark(client, order, third, "arrived", "вчера")
    assert garbage.status_code == 422 and garbage.json()["ok"] is False
    for offer in shift["offers"][1:]:
        session.refresh(offer)
        assert offer.attendance is None and _marks_audited(session, offer) == 0


def test_a_worker_released_meanwhile_is_a_conflict_and_writes_nothing(client, session, shift):
    order, worker = shift["order"], shift["workers"][1]
    offer = shift["offers"][1]
    sign_in(client, shift["foreman"])
    tapped = now() - timedelta(minutes=3)
    # The office takes the booking back while the foreman's phone has no signal.
    waves.cancel_booking(session, order, waves.lock_offer(session, order, worker.id), now())
    answer = _mark(client, order, worker, "arrived", tapped.isoformat(), lang="en")
    assert answer.status_code == 409
    assert answer.json() == {
        "ok": False,
        "code": "not_booked",
        "message": "while there was no network, the office took this worker off the order.",
    }
    session.refresh(offer)
    assert offer.attendance is None and offer.arrived_at is None
    assert _marks_audited(session, offer) == 0


def test_another_foremans_order_and_a_post_without_the_token(client, session, shift):
    order, worker = shift["order"], shift["workers"][0]
    sign_in(client, shift["foreman"])
    stamp = now().isoformat()
    assert _mark(client, order, worker, "arrived", stamp, csrf=False).status_code == 403
    _, _, other = make_foremans_site(session)
    sign_in(client, other)
    refused = _mark(client, order, worker, "arrived", stamp)
    assert refused.status_code == 404 and refused.json()["code"] == "order_not_found"
    offer = shift["offers"][0]
    session.refresh(offer)
    assert offer.attendance is None


def test_a_queued_review_is_recorded_once(client, session, shift):
    order, worker = shift["order"], shift["workers"][2]
    sign_in(client, shift["foreman"])
    path = f"/console/foreman/orders/{order.id}/review-sync"
    review = {"worker_id": worker.id, "stars": 4, "comment": "Аккуратно"}
    headers = {"X-CSRF-Token": csrf_of(client), "Idempotency-Key": "r-1"}
    # Before the arrival is in: the worker did not come (yet): refused, nothing written.
    early = client.post(path, json=review, headers=headers)
    assert early.status_code == 409 and early.json()["code"] == "did_not_work"
    assert _mark(client, order, worker, "arrived", now().isoformat()).status_code == 200
    headers["Idempotency-Key"] = "r-2"
    assert client.post(path, json=review, headers=headers).json() == {"ok": True}
    given = session.scalars(select(Review).where(Review.order_id == order.id)).all()
    assert [(r.worker_id, r.stars, r.comment) for r in given] == [(worker.id, 4, "Аккуратно")]
    headers["Idempotency-Key"] = "r-3"  # a second review, not a retry: the rule refuses it
    again = client.post(path, json=review, headers=headers)
    assert again.status_code == 409 and again.json()["code"] == "review_already_given"


def test_the_app_is_installable_from_the_foremans_page(client, session, shift):
    sign_in(client, shift["foreman"])
    page = client.get("/console/foreman?lang=en").text
    assert '<link rel="manifest" href="/console/foreman/manifest.webmanifest?lang=en">' in page
    assert 'src="/static/console/foreman_offline.js"' in page
    assert 'id="offline-count"' in page and "Waiting to send: {n}" in page
    client.cookies.clear()  # the phone asks for the manifest without the session
    manifest = client.get("/console/foreman/manifest.webmanifest?lang=en")
    assert manifest.status_code == 200
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    body = manifest.json()
    assert body["start_url"] == body["scope"] == "/console/foreman"
    assert body["display"] == "standalone" and body["short_name"] == "Shift"
    icon = client.get(body["icons"][0]["src"])
    assert icon.status_code == 200 and icon.text.startswith("<svg")
    worker = client.get("/console/foreman/sw.js")
    assert worker.status_code == 200
    assert worker.headers["content-type"].startswith("application/javascript")
    assert worker.headers["service-worker-allowed"] == "/console/foreman"
    assert 'addEventListener("fetch"' in worker.text
    for asset in ("foreman_offline.js", "foreman_send.js", "foreman.js", "foreman.css"):
        assert f"/static/console/{asset}" in worker.text
        assert client.get(f"/static/console/{asset}").status_code == 200


def test_a_mark_sent_again_is_recorded_once_and_a_closed_shift_refuses(client, session, shift):
    order, worker, offer = shift["order"], shift["workers"][0], shift["offers"][0]
    sign_in(client, shift["foreman"])
    tapped = (now() - timedelta(minutes=7)).isoformat()
    # The answer was lost on the way and the phone sends it again: one mark, one audit row.
    key = str(uuid.uuid4())
    for _ in range(2):
        answer = _mark(client, order, worker, "arrived", tapped, key=key)
        assert answer.status_code == 200 and answer.json()["ok"] is True
    session.refresh(offer)
    assert _marks_audited(session, offer) == 1
    order.closed_at = now()  # the dispatcher closed the shift while the phone was offline
    session.flush()
    late = _mark(client, order, shift["workers"][1], "arrived", tapped, lang="en")
    assert late.status_code == 409
    assert late.json() == {
        "ok": False,
        "code": "attendance_final",
        "message": "The shift is closed; the marks are final.",
    }


def test_a_queued_sent_home_keeps_its_reason_and_without_one_is_refused(client, session, shift):
    order, worker, offer = shift["order"], shift["workers"][1], shift["offers"][1]
    sign_in(client, shift["foreman"])
    came = (now() - timedelta(minutes=20)).astimezone()
    assert _mark(client, order, worker, "arrived", came.isoformat()).status_code == 200
    sent = (now() - timedelta(minutes=5)).astimezone()
    headers = {"Idempotency-Key": str(uuid.uuid4()), "X-CSRF-Token": csrf_of(client)}
    url = f"/console/foreman/orders/{order.id}/marks?lang=en"
    bare = {"worker_id": worker.id, "status": "sent_home", "at": sent.isoformat()}
    refused = client.post(url, json=bare, headers=headers)
    assert refused.status_code == 422 and refused.json()["ok"] is False
    session.refresh(offer)
    assert offer.attendance == "arrived"  # the refusal wrote nothing
    headers["Idempotency-Key"] = str(uuid.uuid4())
    answer = client.post(url, json={**bare, "reason": "no_safety_gear"}, headers=headers)
    assert answer.status_code == 200, answer.text
    session.refresh(offer)
    assert (offer.attendance, offer.left_at, offer.sent_home_reason) == (
        "sent_home",
        sent,
        "no_safety_gear",
    )


def _tap(client, order, worker, status, *, key, tapped=None, reason=""):
    """A tap as htmx posts it online, or as the phone's queue posts it again after its answer
    was lost: the same route and form, the key it was first posted with, the tapped time."""
    headers = {"HX-Request": "true", "Idempotency-Key": key}
    if tapped is not None:
        headers["X-Tapped-At"] = tapped
    form = {"csrf": csrf_of(client), "worker_id": str(worker.id), "status": status}
    if reason:
        form["reason"] = reason
    return client.post(f"/console/foreman/orders/{order.id}/mark", data=form, headers=headers)


def test_an_online_tap_whose_answer_was_lost_is_recorded_once(client, session, shift):
    order, worker, offer = shift["order"], shift["workers"][0], shift["offers"][0]
    sign_in(client, shift["foreman"])
    key = str(uuid.uuid4())
    first = _tap(client, order, worker, "arrived", key=key)  # its answer never reached the phone
    assert first.status_code == 200, first.text
    session.refresh(offer)
    arrived = offer.arrived_at
    later = (now() + timedelta(seconds=30)).isoformat()  # sent again later, with the tap's time
    again = _tap(client, order, worker, "arrived", key=key, tapped=later)
    assert again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.text == first.text
    session.refresh(offer)
    assert offer.arrived_at == arrived and _marks_audited(session, offer) == 1
    # The same key to the queue's JSON route is another request: refused, never recorded
    # twice (which is why the phone sends a lost tap again to the route it was tapped on).
    other = _mark(client, order, worker, "arrived", now().isoformat(), key=key)
    assert other.status_code == 422 and _marks_audited(session, offer) == 1


def test_a_lost_tap_that_never_arrived_keeps_the_time_it_was_tapped(client, session, shift):
    order, worker, offer = shift["order"], shift["workers"][1], shift["offers"][1]
    sign_in(client, shift["foreman"])
    tapped = (now() - timedelta(minutes=6)).astimezone()
    answer = _tap(
        client, order, worker, "arrived", key=str(uuid.uuid4()), tapped=tapped.isoformat()
    )
    assert answer.status_code == 200 and "Idempotent-Replayed" not in answer.headers
    session.refresh(offer)
    assert offer.attendance == "arrived" and offer.arrived_at == tapped
    assert _marks_audited(session, offer) == 1


def test_a_sent_home_worker_can_be_reviewed_from_the_card(client, session, shift):
    order, worker = shift["order"], shift["workers"][2]
    sign_in(client, shift["foreman"])
    assert _mark(client, order, worker, "arrived", now().isoformat()).status_code == 200
    home = _tap(client, order, worker, "sent_home", key="h-1", reason="no_safety_gear")
    assert home.status_code == 200, home.text
    rid = f"w-{order.id}-{worker.id}"
    assert f'<details class="quick-review" id="{rid}-review">' in home.text  # not hidden
    page = client.get("/console/foreman?lang=en").text
    assert f'<details class="quick-review" id="{rid}-review">' in page
    # The offline script's set is the same one (dispatch/enums.py CAME).
    came = 'data-came=\'["arrived", "left_early", "released", "sent_home"]\''
    assert came in page
