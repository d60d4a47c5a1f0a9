"""Calendar dates as people type them: ISO (2026-12-01) or the Russian way (01.12.2026).

One parser for every date the API and the console take in (query filters, form fields), so
a dispatcher who types what their spreadsheet shows is understood, and bad input is refused
naming the field.
"""

import re
from datetime import date, time

from core.errors import InvalidInput

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", re.ASCII)  # day first
FORMATS = "YYYY-MM-DD or DD.MM.YYYY"
_HH_MM = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")  # a clock time as typed: 7:30, 07:30


class DateInvalid(InvalidInput):
    """A date that is neither YYYY-MM-DD nor DD.MM.YYYY, or no such day."""

    code = "date_invalid"


def parse_date(raw: str, field: str, *, location: str = "body") -> date:
    """The date written as 2026-12-01 or 01.12.2026 (day first); DateInvalid names the field."""
    text = (raw or "").strip()
    if match := _ISO.fullmatch(text):
        year, month, day = match.groups()
    elif match := _DOTTED.fullmatch(text):
        day, month, year = match.groups()
    else:
        raise DateInvalid(field, f"a date is written {FORMATS}", location=location)
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise DateInvalid(field, f"there is no such day: {text}", location=location) from None


def clock_time(raw: str) -> time | None:
    """A time of day typed as H:MM or HH:MM (24-hour), surrounding spaces ignored; None if
    it is not one. The one reading of every time the console's forms ask for."""
    match = _HH_MM.fullmatch((raw or "").strip())
    return time(int(match[1]), int(match[2])) if match else None
