"""Weekly patterns: an order placed again on some weekdays until a date, each day's copy taken
in lead_h hours before its start by the scheduler's dispatch.repeat_due job (every 60 s).

- A day's start is the template's local start time (the branch's timezone, by zoneinfo) on
  that date; the shift is as long as the template's. The template's own day and the days
  before it are never placed again.
- Each day is placed once: its order_pattern_days row is claimed first, and the unique
  (pattern_id, day) lets one job through however often it runs or in however many
  processes; the rest find the day taken and move on.
- A day whose start came inside the lead time before the pattern was made is placed at the
  next run; a day already started is never placed.
- A day the intake refuses (the site's foreman left, say) is recorded with the refusal's
  code and skipped for good, audited; the pattern goes on with the next day.
- Past `until` the pattern places nothing more; deleting it stops it at once (the orders it
  already placed stay: cancel them one by one).
- Cancelling the template cancels that day only: the pattern goes on copying it (a client who
  calls off one Monday still wants the others); deleting the pattern is what stops it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core import audit
from core.db import flush_checked, locked
from core.errors import Conflict, InvalidInput, NotFound
from core.jobs import enqueue_after_commit
from core.tenancy import SYSTEM, Actor
from dispatch.models import Branch, Order, OrderPattern, PatternDay
from dispatch.orders import service as orders
from dispatch.orders.service import MAX_AHEAD
from dispatch.repeat.copies import place_copy
from dispatch.repeat.errors import (
    LeadOutOfRange,
    PatternNotFound,
    UntilBeforeOrder,
    UntilInPast,
    UntilTooFarAhead,
    WeekdaysInvalid,
)

MAX_LEAD_H = 168  # a week ahead at most: the next week's day is the next copy's business


class DayTaken(Conflict):
    """Another run placed this day already (never leaves here)."""

    code = "pattern_day_taken"


@dataclass
class PatternInput:
    order_id: int
    weekdays: list[int]
    until: date
    lead_h: int


def local_day(order: Order, branch: Branch) -> date:
    return order.starts_at.astimezone(ZoneInfo(branch.timezone)).date()


def day_start(order: Order, branch: Branch, day: date) -> datetime:
    """The template's local start time on `day`, in the branch's timezone."""
    zone = ZoneInfo(branch.timezone)
    local: time = order.starts_at.astimezone(zone).time()
    return datetime.combine(day, local, tzinfo=zone)


def _check(data: PatternInput, template: Order, branch: Branch, now: datetime) -> list[int]:
    days = data.weekdays
    if not days or any(not 1 <= d <= 7 for d in days) or len(set(days)) != len(days):
        raise WeekdaysInvalid("weekdays", "weekdays are 1 (Monday) to 7 (Sunday), each once")
    if not 1 <= data.lead_h <= MAX_LEAD_H:
        raise LeadOutOfRange("lead_h", f"the lead time is 1 to {MAX_LEAD_H} hours")
    today = now.astimezone(ZoneInfo(branch.timezone)).date()
    if data.until < today:
        raise UntilInPast("until", "the last day must be today or later")
    if data.until <= local_day(template, branch):
        raise UntilBeforeOrder("until", "the last day must come after the order's own day")
    if data.until > today + MAX_AHEAD:
        raise UntilTooFarAhead("until", "the last day must be within a year")
    return sorted(days)


def create_pattern(
    session: Session, *, actor: Actor, data: PatternInput, now: datetime
) -> OrderPattern:
    """A weekly repeat of a visible order (another branch's: not found); days already within
    their lead time are placed by a job as soon as this commits."""
    template = orders.get_order(session, data.order_id, actor=actor, options=orders.ORDER_BRANCH)
    weekdays = _check(data, template, template.branch, now)
    pattern = OrderPattern(
        order_id=template.id,
        branch_id=template.branch_id,
        weekdays=weekdays,
        until=data.until,
        lead_h=data.lead_h,
        created_by=actor.user_id,
    )
    session.add(pattern)
    session.flush()
    audit.log(
        session,
        actor,
        "order_pattern.create",
        "order_pattern",
        [pattern.id],
        pattern.branch_id,
        order_id=template.id,
        weekdays=weekdays,
        until=data.until.isoformat(),
        lead_h=data.lead_h,
    )
    enqueue_after_commit(session, "dispatch.repeat_pattern", pattern.id)
    return pattern


def _visible(query: Select[OrderPattern], actor: Actor) -> Select[OrderPattern]:
    query = query.where(OrderPattern.stopped_at.is_(None))
    query = query.where(actor.branch_filter(OrderPattern.branch_id))
    return query


def get_pattern(
    session: Session, pattern_id: int, *, actor: Actor, lock: bool = False
) -> OrderPattern:
    query = _visible(select(OrderPattern).where(OrderPattern.id == pattern_id), actor)
    pattern = session.scalars(locked(query) if lock else query).one_or_none()
    if pattern is None:
        raise PatternNotFound(pattern_id)
    return pattern


def list_patterns(
    session: Session, *, actor: Actor, order_id: int | None = None
) -> list[OrderPattern]:
    """The live (not deleted) patterns the actor sees, of one order if asked."""
    query = _visible(select(OrderPattern), actor)
    if order_id is not None:
        query = query.where(OrderPattern.order_id == order_id)
    return list(session.scalars(query.order_by(OrderPattern.id)))


def placed_orders(session: Session, pattern_ids: list[int]) -> dict[int, list[Order]]:
    """The orders each pattern placed so far, by day."""
    rows = session.execute(
        select(PatternDay.pattern_id, Order)
        .join(Order, Order.id == PatternDay.order_id)
        .where(PatternDay.pattern_id.in_(pattern_ids))
        .order_by(PatternDay.day)
    )
    placed: dict[int, list[Order]] = {key: [] for key in pattern_ids}
    for pattern_id, order in rows:
        placed[pattern_id].append(order)
    return placed


def stop_pattern(session: Session, pattern_id: int, *, actor: Actor, now: datetime) -> None:
    """Delete a pattern: it places nothing more (a run under way finishes its day first)."""
    pattern = get_pattern(session, pattern_id, actor=actor, lock=True)
    pattern.stopped_at = now
    pattern.stopped_by = actor.user_id
    session.flush()
    audit.log(
        session,
        actor,
        "order_pattern.delete",
        "order_pattern",
        [pattern.id],
        pattern.branch_id,
        order_id=pattern.order_id,
    )


def patterns_due(session: Session, now: datetime) -> list[int]:
    """Live patterns not yet past their last day (a day of slack for the timezones)."""
    query = select(OrderPattern.id).where(
        OrderPattern.stopped_at.is_(None),
        OrderPattern.until >= (now - timedelta(days=1)).date(),
    )
    return list(session.scalars(query.order_by(OrderPattern.id)))


def due_days(pattern: OrderPattern, template: Order, branch: Branch, now: datetime) -> list[date]:
    """The pattern's days whose order is due now: within lead_h of a start still ahead."""
    today = now.astimezone(ZoneInfo(branch.timezone)).date()
    first = max(today - timedelta(days=1), local_day(template, branch) + timedelta(days=1))
    last = min(pattern.until, today + timedelta(days=pattern.lead_h // 24 + 2))
    lead = timedelta(hours=pattern.lead_h)
    days = []
    day = first
    while day <= last:
        start = day_start(template, branch, day)
        if day.isoweekday() in pattern.weekdays and now < start <= now + lead:
            days.append(day)
        day += timedelta(days=1)
    return days


def place_days(session: Session, pattern_id: int, now: datetime) -> list[Order]:
    """Place each due day's order of one pattern, each day once (the unique day decides)."""
    pattern = session.scalars(
        locked(select(OrderPattern).where(OrderPattern.id == pattern_id))
    ).one_or_none()
    if pattern is None or pattern.stopped_at is not None:
        return []
    template = orders.get_order(
        session, pattern.order_id, actor=SYSTEM, options=orders.ORDER_BRANCH
    )
    placed = []
    for day in due_days(pattern, template, template.branch, now):
        claim = PatternDay(pattern_id=pattern.id, day=day)
        try:
            flush_checked(session, claim, on_unique=DayTaken())
        except DayTaken:
            continue
        try:
            with session.begin_nested():  # a refused day leaves no half-placed order
                order = place_copy(
                    session,
                    template,
                    day_start(template, template.branch, day),
                    actor=SYSTEM,
                    now=now,
                    pattern_id=pattern.id,
                )
        except (InvalidInput, Conflict, NotFound) as exc:
            claim.refused = exc.code
            audit.log(
                session,
                SYSTEM,
                "order_pattern.day_refused",
                "order_pattern",
                [pattern.id],
                pattern.branch_id,
                day=day.isoformat(),
                code=exc.code,
            )
        else:
            claim.order_id = order.id
            placed.append(order)
        session.flush()
    return placed
