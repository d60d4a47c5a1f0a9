"""What the new-order form offers before the dispatcher types anything: tomorrow in the
branch's timezone, the branch's usual shift, and per site its client's last rates.

The usual shift is read from the branch's own recent orders (the most frequent local start
and end among its last RECENT orders; ties go to the newest), not from a knob: it follows
what the office actually does, changes with the season without anyone editing a setting,
and needs no migration. A branch with no orders yet gets DEFAULT_SHIFT.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import Session

from core.tenancy import Actor
from dispatch.models import Branch, Order, Site

RECENT = 50
DEFAULT_SHIFT = (time(8, 0), time(17, 0))
DEFAULT_ZONE = "Europe/Moscow"  # a network with no branch yet: the capital's


@dataclass(frozen=True)
class Rates:
    client_rate: Decimal
    worker_rate: Decimal


@dataclass(frozen=True)
class OrderDefaults:
    timezone: str
    today: date  # in the branch's timezone
    day: date  # tomorrow there
    start: time
    end: time
    rates: dict[int, Rates]  # site id -> its client's last order's rates
    branch: Branch | None  # whose knobs the form's words quote (None: no branch yet)


def defaults_branch(session: Session, actor: Actor) -> Branch | None:
    """The actor's branch; for the head office (no branch of its own) the network's first."""
    if actor.branch_id is not None:
        return session.get(Branch, actor.branch_id)
    # An owner's first branch, never another organisation's.
    first = select(Branch).where(actor.branch_filter(Branch.id)).order_by(Branch.id).limit(1)
    return session.scalars(first).first()


def usual_shift(session: Session, branch: Branch) -> tuple[time, time]:
    """The most frequent local (start, end) of the branch's last RECENT orders."""
    zone = ZoneInfo(branch.timezone)
    recent = session.execute(
        select(Order.starts_at, Order.ends_at)
        .where(Order.branch_id == branch.id)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(RECENT)
    ).all()
    shifts = [
        (
            starts.astimezone(zone).time().replace(second=0, microsecond=0),
            ends.astimezone(zone).time().replace(second=0, microsecond=0),
        )
        for starts, ends in recent
    ]
    if not shifts:
        return DEFAULT_SHIFT
    counts = Counter(shifts)
    best = max(counts.values())
    return next(shift for shift in shifts if counts[shift] == best)  # newest first


def last_rates(session: Session, sites: list[Site]) -> dict[int, Rates]:
    """Per site, the rates of its client's newest order (at any of the client's sites)."""
    client_ids = {site.client_id for site in sites}
    if not client_ids:
        return {}
    newest = session.execute(
        select(Order.client_id, Order.client_rate, Order.worker_rate)
        .where(Order.client_id.in_(client_ids))
        .order_by(Order.client_id, Order.created_at.desc(), Order.id.desc())
        .ext(distinct_on(Order.client_id))
    ).all()
    by_client = {client_id: Rates(client, worker) for client_id, client, worker in newest}
    return {site.id: by_client[site.client_id] for site in sites if site.client_id in by_client}


def order_defaults(
    session: Session, *, actor: Actor, sites: list[Site], now: datetime
) -> OrderDefaults:
    branch = defaults_branch(session, actor)
    zone = branch.timezone if branch else DEFAULT_ZONE
    today = now.astimezone(ZoneInfo(zone)).date()
    start, end = usual_shift(session, branch) if branch else DEFAULT_SHIFT
    return OrderDefaults(
        timezone=zone,
        today=today,
        day=today + timedelta(days=1),
        start=start,
        end=end,
        rates=last_rates(session, sites),
        branch=branch,
    )
