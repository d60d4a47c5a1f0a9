"""Russia's production calendar: is a day a day off? One definition, from the data
(dispatch/data/production_calendar.csv, its source in dispatch/data/README.md): a holiday or a
day moved off is off; a Saturday or Sunday made a working day is not; otherwise Saturday and
Sunday are off. A year outside the data counts only the weekends (YEARS says which it knows)."""

import csv
from datetime import date
from functools import cache
from importlib import resources

OFF_KINDS = ("holiday", "day_off")
WORKDAY = "workday"


@cache
def _calendar() -> tuple[frozenset[date], frozenset[date]]:
    text = resources.files("dispatch").joinpath("data/production_calendar.csv").read_text("utf-8")
    off, worked = set(), set()
    for row in csv.DictReader(text.splitlines()):
        day = date.fromisoformat(row["date"])
        if row["kind"] in OFF_KINDS:
            off.add(day)
        elif row["kind"] == WORKDAY:
            worked.add(day)
        else:
            raise ValueError(f"production calendar: unknown kind {row['kind']!r} on {day}")
    return frozenset(off), frozenset(worked)


def years() -> frozenset[int]:
    """The years the data covers."""
    off, worked = _calendar()
    return frozenset(day.year for day in off | worked)


def is_day_off(day: date) -> bool:
    off, worked = _calendar()
    if day in worked:
        return False
    return day in off or day.weekday() >= 5
