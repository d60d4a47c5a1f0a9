"""A worker whose work patent has expired by the shift's day is not offered work: the matcher
skips them, the candidate check says why; the dispatcher is warned 14 days before."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.tenancy import SYSTEM
from dispatch.fill import eligibility, waves
from dispatch.models import Offer
from dispatch.registry import workforce
from tests.builders import MOSCOW, NOW, auth, make_order, make_user, make_worker, offset


def _day(order):
    return order.starts_at.astimezone(ZoneInfo("Europe/Moscow")).date()


def test_an_expired_patent_is_skipped_by_the_matcher(session, branch, site):
    order = make_order(session, site=site, headcount=3)
    day = _day(order)
    lapsed = make_worker(session, branch=branch, rating=5.0, patent_expires_on=day - timedelta(1))
    last_day = make_worker(
        session, branch=branch, near=offset(MOSCOW, east_m=200), patent_expires_on=day
    )
    citizen = make_worker(session, branch=branch, near=offset(MOSCOW, east_m=400))
    waves.start_filling(session, order.id, NOW)
    offered = set(session.scalars(select(Offer.worker_id).where(Offer.order_id == order.id)))
    assert offered == {last_day.id, citizen.id}
    assert lapsed.id not in {
        c.worker_id for c, _ in waves.preview_candidates(session, order, NOW, 50, actor=SYSTEM)
    }


def test_the_day_is_the_shifts_in_the_branchs_zone(session, branch, site):
    # 00:30 in Moscow is 21:30 UTC the evening before: the patent must last the Moscow day.
    order = make_order(session, site=site, starts_in=timedelta(hours=9, minutes=30))
    assert order.starts_at.date() < _day(order)
    worker = make_worker(session, branch=branch, patent_expires_on=order.starts_at.date())
    verdict = eligibility.for_offer(session, order, worker.id, NOW, order.radius_m)
    assert verdict.failed == ["patent_expired"]


def test_the_candidate_check_says_why(client, session, branch, site):
    order = make_order(session, site=site)
    worker = make_worker(session, branch=branch, patent_expires_on=_day(order) - timedelta(1))
    headers = auth(make_user(session, role="dispatcher", branch=branch))
    answer = client.get(f"/api/v1/orders/{order.id}/candidates/{worker.id}", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["failed"] == [
        {"code": "patent_expired", "text": "work patent expired by the shift's day"}
    ]


def test_a_patent_expiring_within_14_days_is_warned(session, branch, dispatcher):
    today = NOW.astimezone(ZoneInfo("Europe/Moscow")).date()
    soon = make_worker(session, branch=branch, patent_expires_on=today + timedelta(days=14))
    make_worker(session, branch=branch, patent_expires_on=today + timedelta(days=15))
    make_worker(session, branch=branch, status="blocked", patent_expires_on=today)
    warned = workforce.expiring_patents(session, actor=dispatcher, now=NOW)
    assert [w.id for w in warned] == [soon.id]
