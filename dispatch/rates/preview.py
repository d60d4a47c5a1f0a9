"""What an order will bring before it is placed (the new-order form's margin preview): the
card's rates for the client and skill, the night and day-off hours of the shift, and the
expected revenue, pay and margin for the headcount, by the timesheet's own rule
(surcharges.py; a full shift worked, no break, the minimum hours applied). Reads only."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from core.money import hours_of, money
from dispatch.rates import surcharges
from dispatch.rates.calendar import is_day_off
from dispatch.rates.card import Found, lookup
from dispatch.rates.surcharges import NO_SURCHARGE

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Preview:
    card: Found | None  # the card's row for the client and skill (None: no row)
    client_rate: Decimal | None  # the rates the order would take (typed, else the card's)
    worker_rate: Decimal | None
    differs: bool  # typed rates other than the card's: a reason is needed
    hours: Decimal  # per worker, after the minimum hours
    night_hours: Decimal
    day_off_hours: Decimal
    revenue: Decimal | None  # for the headcount (None: no rates to count with)
    pay: Decimal | None
    margin: Decimal | None
    margin_pct: Decimal | None


def preview(
    session: Session,
    *,
    branch_id: int,
    client_id: int,
    skill: str,
    zone: str,
    headcount: int,
    starts_at: datetime,
    ends_at: datetime,
    typed: tuple[Decimal | None, Decimal | None] = (None, None),
) -> Preview:
    found = lookup(session, branch_id, client_id, skill)
    terms = found.row.terms if found else NO_SURCHARGE
    card = (found.row.client_rate, found.row.worker_rate) if found else (None, None)
    client_rate = typed[0] if typed[0] is not None else card[0]
    worker_rate = typed[1] if typed[1] is not None else card[1]
    differs = found is not None and (client_rate, worker_rate) != card
    split = surcharges.split_span(starts_at, ends_at, zone, is_day_off)
    hours = surcharges.lifted_hours(
        hours_of(int((ends_at - starts_at).total_seconds() // 60)), terms, True
    )
    night, day_off = hours_of(split.night_min), hours_of(split.day_off_min)
    if client_rate is None or worker_rate is None:
        return Preview(found, client_rate, worker_rate, differs, hours, night, day_off, *[None] * 4)
    each = (
        money(rate * hours + surcharges.surcharge(rate, split, terms))
        for rate in (client_rate, worker_rate)
    )
    revenue, pay = (amount * headcount for amount in each)
    margin = revenue - pay
    pct = money(margin * 100 / revenue) if revenue else None
    return Preview(
        found, client_rate, worker_rate, differs, hours, night, day_off, revenue, pay, margin, pct
    )
