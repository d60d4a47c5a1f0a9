"""The matcher and the single-worker check agree on every rule (hypothesis): random workers,
each with a random mix of faults and near misses, around a random order; for each worker the
matcher's list, the "why not" answer and the booking check give the verdict the drawn faults
call for, rule by rule."""

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.tenancy import SYSTEM
from dispatch.enums import OFFER_STATUSES
from dispatch.fill import eligibility, waves
from dispatch.fill.errors import BookedElsewhere, NotEligible
from dispatch.models import ClientBlock
from tests.builders import (
    MOSCOW,
    NOW,
    make_branch,
    make_client,
    make_offer,
    make_order,
    make_site,
    make_worker,
    offset,
)
from workers import availability

AGREE = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# A YES is not refused for these: the offer was made within its wave's radius, and the worker
# holds an offer of this order by then.
# Nor for the worker's own pause or busy day: their YES to an offer made before it wins.
NOT_RECHECKED = ("too_far", "already_offered", "paused", "said_busy")


@dataclass(frozen=True)
class Draw:
    """One worker: the rules they break, and near misses that must not count."""

    faults: frozenset[str]  # codes of the rules this worker breaks
    reach: float  # home distance as a share of the radius (kept off the edge itself)
    suspension_ended: bool  # a suspension that ended a minute ago
    patent_miss: str  # "none", "expires_on_the_day" or "valid_for_long" (all pass)
    other_skill_too: bool  # a second skill beside the order's (or instead of it)
    booking_miss: str  # "none", "back_to_back" or "overlapping_declined"
    other_client_block: bool  # blocked by another client only
    offer_status: str  # the status of an offer of this order (for already_offered)
    rating: float

    def expected(self) -> list[str]:
        return [code for code in eligibility.CODES if code in self.faults]


DRAWS = st.builds(
    Draw,
    faults=st.frozensets(st.sampled_from(eligibility.CODES), max_size=3),
    reach=st.floats(0, 0.97),
    suspension_ended=st.booleans(),
    patent_miss=st.sampled_from(["none", "expires_on_the_day", "valid_for_long"]),
    other_skill_too=st.booleans(),
    booking_miss=st.sampled_from(["none", "back_to_back", "overlapping_declined"]),
    other_client_block=st.booleans(),
    offer_status=st.sampled_from(OFFER_STATUSES),
    rating=st.sampled_from([1.0, 3.5, 4.0, 5.0]),
)


def _make(session, draw: Draw, world: dict, bearing: int):
    faults = draw.faults
    east, north = (1, 0) if bearing % 2 else (0, 1)
    reach = draw.reach + 1.06 if "too_far" in faults else draw.reach  # never within 3% of it
    metres = reach * world["order"].radius_m
    suspended_until = None
    if "suspended" in faults:
        suspended_until = NOW + timedelta(days=3)
    elif draw.suspension_ended:
        suspended_until = NOW - timedelta(minutes=1)
    # The shift's day in Moscow (the branch's zone); a patent valid through it passes.
    day = world["order"].starts_at.astimezone(ZoneInfo("Europe/Moscow")).date()
    patent = {"none": None, "expires_on_the_day": day, "valid_for_long": day + timedelta(days=90)}
    patent_expires_on = patent[draw.patent_miss]
    if "patent_expired" in faults:
        patent_expires_on = day - timedelta(days=1)
    skills = ["cashier"] if "no_skill" in faults else ["loader"]
    if draw.other_skill_too:
        skills.append("mover")
    worker = make_worker(
        session,
        branch=world["branch"],
        near=offset(MOSCOW, east_m=east * metres, north_m=north * metres),
        status="blocked" if "inactive" in faults else "active",
        vetted="not_vetted" not in faults,
        skills=skills,
        opted_out="opted_out" in faults,
        suspended_until=suspended_until,
        phone_invalid="phone_unreachable" in faults,
        patent_expires_on=patent_expires_on,
        rating=draw.rating,
    )
    if "booked_elsewhere" in faults:
        make_offer(session, order=world["overlapping"], worker=worker)
    if draw.booking_miss == "overlapping_declined":
        make_offer(session, order=world["overlapping_too"], worker=worker, status="declined")
    elif draw.booking_miss == "back_to_back":
        make_offer(session, order=world["before"], worker=worker)
    if "blocked_by_client" in faults:
        session.add(ClientBlock(client_id=world["client"].id, worker_id=worker.id, reason="x"))
    if draw.other_client_block:
        session.add(
            ClientBlock(client_id=world["other_client"].id, worker_id=worker.id, reason="y")
        )
    if "already_offered" in faults:
        make_offer(session, order=world["order"], worker=worker, status=draw.offer_status)
    # A pause that ended a minute ago passes; a busy day other than the shift's, and a free
    # one on it, pass too.
    worker.paused_until = NOW + timedelta(days=2) if "paused" in faults else None
    if "paused" not in faults and draw.suspension_ended:
        worker.paused_until = NOW - timedelta(minutes=1)
    busy = day if "said_busy" in faults else day + timedelta(days=1)
    availability.record(session, worker.id, (busy,), free=False, now=NOW)
    if "said_busy" not in faults and draw.other_client_block:
        availability.record(session, worker.id, (day,), free=True, now=NOW)
    session.flush()
    return worker


def _world(session, radius_m: int) -> dict:
    branch = make_branch(session)
    client, other_client = make_client(session, branch=branch), make_client(session, branch=branch)
    site = make_site(session, client=client, at=MOSCOW)
    order = make_order(session, site=site)
    order.radius_m = radius_m
    elsewhere = make_site(session, client=other_client, at=offset(MOSCOW, north_m=50_000))
    overlapping = make_order(session, site=elsewhere, starts_in=timedelta(days=1, hours=7))
    overlapping_too = make_order(session, site=elsewhere, starts_in=timedelta(hours=20))
    before = make_order(session, site=elsewhere, starts_in=timedelta(hours=16))
    assert before.ends_at == order.starts_at  # back to back: no overlap
    session.flush()
    return {
        "branch": branch,
        "client": client,
        "other_client": other_client,
        "order": order,
        "overlapping": overlapping,
        "overlapping_too": overlapping_too,
        "before": before,
    }


def _booking_refusal(session, order, worker_id) -> type[Exception] | None:
    nested = session.begin_nested()
    try:
        waves._check_can_book(session, order, worker_id, NOW)
    except (NotEligible, BookedElsewhere) as exc:
        return type(exc)
    finally:
        nested.rollback()
    return None


@AGREE
@given(
    draws=st.lists(DRAWS, min_size=1, max_size=8),
    radius_m=st.sampled_from([3_000, 10_000, 25_000]),
)
def test_the_matcher_and_the_single_worker_check_agree_on_every_rule(session, draws, radius_m):
    example = session.begin_nested()
    try:
        world = _world(session, radius_m)
        order = world["order"]
        workers = [_make(session, draw, world, i) for i, draw in enumerate(draws)]
        listed = {
            c.worker_id for c, _ in waves.preview_candidates(session, order, NOW, 100, actor=SYSTEM)
        }
        for draw, worker in zip(draws, workers, strict=True):
            expected = draw.expected()
            verdict = eligibility.for_offer(session, order, worker.id, NOW, radius_m)
            assert verdict.failed == expected, draw
            assert (worker.id in listed) == (not expected), draw
            at_booking = [c for c in expected if c not in NOT_RECHECKED]
            booking = eligibility.at_booking(session, order, worker.id, NOW)
            assert booking.failed == at_booking, draw
            assert (booking.clash_code is not None) == ("booked_elsewhere" in draw.faults), draw
            refusal = _booking_refusal(session, order, worker.id)
            if not at_booking:
                assert refusal is None, draw
            elif at_booking == ["booked_elsewhere"]:
                assert refusal is BookedElsewhere, draw
            else:
                assert refusal is NotEligible, draw
    finally:
        example.rollback()
