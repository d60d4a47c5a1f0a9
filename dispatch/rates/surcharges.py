"""Night and day-off surcharges and the minimum hours: pure functions of plain values (no
database, no clock), called once per timesheet line (dispatch/penalties/pay.py line_of).

- Night: 22:00 to 06:00 on the branch's local clock (the Labour Code's night, art. 96).
- Day off: a minute on a local date the production calendar says is off (calendar.py).
- A minute both at night and on a day off earns both surcharges (they add up: a night on a
  holiday is paid for the night and for the holiday, as the Code pays each on its own ground).
- Breaks: the span's night and day-off minutes are apportioned pro rata to the worked minutes
  (worked / span), rounded down to the minute, so a break costs the same share of every kind
  of minute and no rule guesses when the break was taken.
- Settled hours (a disputed line agreed with the client, dispatch/shift/signoff.py): the
  worked night and day-off minutes are scaled the same way to the settled minutes (settled /
  worked, either way, rounded down), so 0 h settled earns no surcharge and the agreed hours
  keep the worked ones' share of night and day off.
- Amount = hours x rate + night minutes / 60 x rate x night_pct / 100 + day-off minutes / 60
  x rate x holiday_pct / 100, rounded to the kopeck ONCE (core/money.py) by the caller.
- Minimum hours: a worker who came and stayed to the end (attendance "arrived") is paid and
  billed at least min_hours; one who left early of their own will or was sent home unfit gets
  the hours worked; a worker released (not needed) gets the show-up pay rule's allowance, not
  this minimum.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

NIGHT_STARTS = time(22, 0)
NIGHT_ENDS = time(6, 0)
MAX_PCT = 300
MAX_MIN_HOURS = 24
HUNDRED = Decimal(100)
SIXTY = Decimal(60)


@dataclass(frozen=True)
class Split:
    """A line's worked minutes by kind (a minute may be both night and day off)."""

    night_min: int = 0
    day_off_min: int = 0


@dataclass(frozen=True)
class Terms:
    """The order's snapshot of the card's surcharge terms."""

    night_pct: int = 0
    holiday_pct: int = 0
    min_hours: Decimal = Decimal(0)


NO_SURCHARGE = Terms()


def _is_night(moment: time) -> bool:
    return moment >= NIGHT_STARTS or moment < NIGHT_ENDS


def _boundaries(start: datetime, end: datetime, zone: ZoneInfo) -> list[datetime]:
    """The local instants in (start, end) where the kind of minute may change: 06:00, 22:00
    and midnight of each local day."""
    points = []
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    while day <= last:
        for at in (time(0, 0), NIGHT_ENDS, NIGHT_STARTS):
            moment = datetime.combine(day, at, tzinfo=zone)
            if start < moment < end:
                points.append(moment)
        day += timedelta(days=1)
    return sorted(points)


def split_span(
    start: datetime, end: datetime, zone: str, is_day_off: Callable[[date], bool]
) -> Split:
    """The span's night and day-off minutes (whole minutes from start, as the hours rule)."""
    if end <= start:
        return NO_SPLIT
    tz = ZoneInfo(zone)
    night = off = 0
    edges = [start, *_boundaries(start, end, tz), end]
    for left, right in zip(edges, edges[1:], strict=False):
        # Each piece lies within one local day and one kind of hour: judge it by its start.
        minutes = int((right - start).total_seconds() // 60) - int(
            (left - start).total_seconds() // 60
        )
        local = left.astimezone(tz)
        if _is_night(local.time()):
            night += minutes
        if is_day_off(local.date()):
            off += minutes
    return Split(night, off)


NO_SPLIT = Split()


def apportion(split: Split, from_min: int, to_min: int) -> Split:
    """The split's kinds of minutes scaled from from_min to to_min minutes, each rounded down
    (a break taken pro rata; hours settled with the client keep the worked ones' shares)."""
    if from_min <= 0:
        return NO_SPLIT  # nothing worked: no minute of any kind to share out
    if to_min == from_min:
        return split
    return Split(split.night_min * to_min // from_min, split.day_off_min * to_min // from_min)


def surcharge(rate: Decimal, split: Split, terms: Terms) -> Decimal:
    """The surcharge on top of hours x rate, unrounded (the line rounds once)."""
    night = Decimal(split.night_min) / SIXTY * rate * Decimal(terms.night_pct) / HUNDRED
    off = Decimal(split.day_off_min) / SIXTY * rate * Decimal(terms.holiday_pct) / HUNDRED
    return night + off


def lifted_hours(hours: Decimal, terms: Terms, stayed: bool) -> Decimal:
    """The hours paid and billed: at least min_hours for one who stayed (see the module)."""
    if stayed and hours < terms.min_hours:
        return terms.min_hours
    return hours
