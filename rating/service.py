"""The ledger's use-cases: record an entry, reverse one, take a review, and recompute a
worker's figures and standing from the whole record."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TypedDict

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from core.db import flush_checked, locked
from core.errors import InvalidInput, ReasonRequired
from core.money import money
from rating import policy
from rating.errors import (
    PenaltyAlreadyReversed,
    PenaltyNotFound,
    ReversalNotReversible,
    ReviewAlreadyGiven,
)
from rating.models import PenaltyDispute, PenaltyEvent, Review
from rating.reasons import Reason
from workers.models import Worker


@dataclass(frozen=True)
class Shift:
    """A booked shift the worker came to (arrived, left early or released)."""

    order_id: int
    at: datetime  # the shift's start: orders the record


def record(
    session: Session,
    *,
    worker_id: int,
    kind: str,
    occurred_at: datetime,
    currency: str,
    reason: Reason | str,
    order_id: int | None = None,
    points: int = 0,
    fine: Decimal = Decimal("0"),
    payout: Decimal = Decimal("0"),
    automatic: bool = True,
    created_by: int | None = None,
) -> PenaltyEvent:
    if kind not in policy.LEDGER_KINDS:
        raise InvalidInput("kind", f"must be one of {', '.join(policy.LEDGER_KINDS)}")
    event = PenaltyEvent(
        worker_id=worker_id,
        order_id=order_id,
        kind=kind,
        points=points,
        fine=money(fine),
        payout=money(payout),
        currency=currency,
        occurred_at=occurred_at,
        automatic=automatic,
        created_by=created_by,
        **_reason_columns(reason),
    )
    session.add(event)
    session.flush()
    return event


class _ReasonColumns(TypedDict):
    reason: str
    reason_code: str | None
    reason_args: dict[str, str | int | float]


def _reason_columns(reason: Reason | str) -> _ReasonColumns:
    """A rule's reason keeps its code and figures beside its English; a typed one, its text."""
    if isinstance(reason, Reason):
        return {"reason": reason.text, "reason_code": reason.code, "reason_args": reason.args}
    return {"reason": reason.strip(), "reason_code": None, "reason_args": {}}


def get_event(
    session: Session, event_id: int, *, at: datetime | None = None, lock: bool = False
) -> PenaltyEvent:
    """By id; given its occurred_at too (`at`), the read opens that month's partition only."""
    query = select(PenaltyEvent).where(PenaltyEvent.id == event_id)
    if at is not None:
        query = query.where(PenaltyEvent.occurred_at == at)
    event = session.scalars(locked(query) if lock else query).one_or_none()
    if event is None:
        raise PenaltyNotFound(event_id)
    return event


def reverse(
    session: Session,
    event: PenaltyEvent,
    *,
    reason: Reason | str,
    now: datetime,
    automatic: bool = False,
    created_by: int | None = None,
) -> PenaltyEvent:
    """A compensating entry; the original is stamped reversed_at. Twice is a conflict (the
    caller holds the original's row lock; the unique reverses_id settles any race)."""
    if isinstance(reason, str) and not reason.strip():
        raise ReasonRequired("reason", "a reason is required")
    if event.kind == "reversal":
        raise ReversalNotReversible(event.id)
    if event.reversed_at is not None:
        raise PenaltyAlreadyReversed(event.id)
    reversal = PenaltyEvent(
        worker_id=event.worker_id,
        order_id=event.order_id,
        kind="reversal",
        currency=event.currency,
        occurred_at=event.occurred_at,
        automatic=automatic,
        created_by=created_by,
        reverses_id=event.id,
        **_reason_columns(reason),
    )
    event.reversed_at = now
    flush_checked(session, reversal, on_unique=PenaltyAlreadyReversed(event.id))
    return reversal


def _active() -> Select[PenaltyEvent]:
    """The entries that count: not reversed, and not reversals themselves."""
    return select(PenaltyEvent).where(
        PenaltyEvent.kind != "reversal", PenaltyEvent.reversed_at.is_(None)
    )


def _waived(since: datetime | None = None) -> Select[PenaltyEvent]:
    """Entries that a person reversed (not a rule), or that a worker's dispute left unanswered
    by its deadline reversed: either stands against a later settling of the marks. `since`:
    none occurred before it (both sides bounded: each then opens only its recent months)."""
    reversal = aliased(PenaltyEvent)
    unanswered = (
        select(PenaltyDispute.id)
        .where(PenaltyDispute.penalty_id == PenaltyEvent.id)
        .where(PenaltyDispute.penalty_at == PenaltyEvent.occurred_at)
        .where(PenaltyDispute.status == "auto_reversed")
        .exists()
    )
    query = (
        select(PenaltyEvent)
        .join(
            reversal,
            (reversal.reverses_id == PenaltyEvent.id)
            & (
                reversal.occurred_at == PenaltyEvent.occurred_at
            ),  # a reversal's month is its entry's
        )
        .where(reversal.automatic.is_(False) | unanswered)
    )
    if since is not None:
        query = query.where(PenaltyEvent.occurred_at >= since, reversal.occurred_at >= since)
    return query


def active_events(
    session: Session,
    worker_id: int,
    order_id: int | None = None,
    *,
    since: datetime | None = None,
) -> list[PenaltyEvent]:
    """since: none occurred before it (policy.entries_from for an order's)."""
    query = _active().where(PenaltyEvent.worker_id == worker_id)
    if order_id is not None:
        query = query.where(PenaltyEvent.order_id == order_id)
    if since is not None:
        query = query.where(PenaltyEvent.occurred_at >= since)
    return list(session.scalars(query.order_by(PenaltyEvent.occurred_at, PenaltyEvent.id)))


def waived_events(
    session: Session, worker_id: int, order_id: int, *, since: datetime | None = None
) -> list[PenaltyEvent]:
    query = _waived(since).where(
        PenaltyEvent.worker_id == worker_id, PenaltyEvent.order_id == order_id
    )
    return list(session.scalars(query))


@dataclass(frozen=True)
class OrderEntries:
    """One worker's entries on one order, as the marks settle them."""

    waived: list[PenaltyEvent]
    active: list[PenaltyEvent]


def entries_on(
    session: Session, worker_id: int, order_id: int, *, since: datetime | None = None
) -> OrderEntries:
    """since: none occurred before it (policy.entries_from: the order's months only)."""
    return OrderEntries(
        waived_events(session, worker_id, order_id, since=since),
        active_events(session, worker_id, order_id, since=since),
    )


def entries_on_order(
    session: Session, order_id: int, *, since: datetime | None = None
) -> dict[int, OrderEntries]:
    """entries_on for every worker of the order at once, in two reads (a close settles many);
    a worker with no entries is absent."""
    by_worker: dict[int, OrderEntries] = defaultdict(lambda: OrderEntries([], []))
    on_order = PenaltyEvent.order_id == order_id
    for event in session.scalars(_waived(since).where(on_order)):
        by_worker[event.worker_id].waived.append(event)
    if since is not None:
        on_order = on_order & (PenaltyEvent.occurred_at >= since)
    active = _active().where(on_order).order_by(PenaltyEvent.occurred_at, PenaltyEvent.id)
    for event in session.scalars(active):
        by_worker[event.worker_id].active.append(event)
    return dict(by_worker)


def history(session: Session, worker_id: int) -> list[PenaltyEvent]:
    """Every entry, reversals included, newest first (what a dispatcher reads)."""
    return list(
        session.scalars(
            select(PenaltyEvent)
            .where(PenaltyEvent.worker_id == worker_id)
            .order_by(PenaltyEvent.created_at.desc(), PenaltyEvent.id.desc())
        )
    )


def add_review(
    session: Session,
    *,
    order_id: int,
    worker_id: int,
    stars: int,
    complaint: bool,
    comment: str | None,
    created_by: int | None,
    complaint_reason: str | None = None,
    source: str = "foreman",
) -> Review:
    if not 1 <= stars <= 5:
        raise InvalidInput("stars", "must be 1 to 5")
    review = Review(
        order_id=order_id,
        worker_id=worker_id,
        stars=stars,
        complaint=complaint,
        comment=(comment or "").strip() or None,
        complaint_reason=complaint_reason,
        created_by=created_by,
        source=source,
    )
    flush_checked(
        session,
        review,
        on_unique=ReviewAlreadyGiven(worker_id, order_id),
    )
    return review


def counted_stars(session: Session, worker_id: int) -> list[int]:
    """Stars of the worker's reviews, except a complaint whose penalty was reversed."""
    rows = session.execute(
        select(Review.stars)
        .outerjoin(
            PenaltyEvent,
            (PenaltyEvent.id == Review.penalty_id)
            & (PenaltyEvent.occurred_at == Review.penalty_at),
        )
        .where(Review.worker_id == worker_id, PenaltyEvent.reversed_at.is_(None))
        .order_by(Review.id)
    )
    return [stars for (stars,) in rows]


@dataclass(frozen=True)
class Refreshed:
    figures: policy.Figures  # as stored: the rating capped while a no-show is recent
    standing: policy.Standing
    newly_suspended: bool  # suspended_until moved later than it was and is in the future


def refresh(
    session: Session,
    worker: Worker,
    *,
    attended: list[Shift],
    strike_policy: policy.StrikePolicy,
    now: datetime,
) -> Refreshed:
    """Rating, reliability, the recent no-show, strikes and suspension recomputed from the
    whole record at `now` and stored on the worker (the caller holds the worker's row lock)."""
    events = active_events(session, worker.id)
    by_order: dict[int, set[str]] = {}
    for event in events:
        if event.order_id is not None:
            by_order.setdefault(event.order_id, set()).add(event.kind)
    # (time, order, came or None, on time or None); a no-show's late arrival counts as a no-show.
    observations: list[tuple[datetime, int, bool | None, bool | None]] = []
    timeline: list[policy.Mark] = []
    for shift in attended:
        kinds = by_order.get(shift.order_id, set())
        if "no_show" not in kinds:
            observations.append((shift.at, shift.order_id, True, "late" not in kinds))
        if not kinds & set(policy.PENALTY_KINDS):
            timeline.append(policy.Mark(shift.at, "clean"))
    for event in events:
        if event.kind in ("no_show", "late_cancellation"):
            observations.append((event.occurred_at, event.order_id or 0, False, None))
        if event.kind in policy.PENALTY_KINDS:
            timeline.append(policy.Mark(event.occurred_at, event.kind))
    observations.sort(key=lambda o: (o[0], o[1]))
    came = [c for _, _, c, _ in observations if c is not None]
    on_time = [t for _, _, _, t in observations if t is not None]
    formula = policy.figures(came, on_time, counted_stars(session, worker.id))
    no_shows = [event.occurred_at for event in events if event.kind == "no_show"]
    recent = policy.recent_no_show(no_shows, strike_policy.strike_window_days, now)
    figures = policy.Figures(policy.shown_rating(formula.rating, recent), formula.reliability)
    standing = policy.standing(timeline, strike_policy, now)
    before = worker.suspended_until
    worker.rating, worker.reliability = figures.rating, figures.reliability
    # The matcher ranks the worker last until no_show_until (read against its own clock).
    worker.no_show_at = recent.at if recent else None
    worker.no_show_until = recent.until if recent else None
    worker.strikes, worker.suspended_until = standing.strikes, standing.suspended_until
    newly = (
        standing.suspended_until is not None
        and standing.suspended_until > now
        and (before is None or standing.suspended_until > before)
    )
    session.flush()
    return Refreshed(figures, standing, newly)
