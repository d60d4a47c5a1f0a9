"""One date parser: ISO and the Russian day-first form, bad input refused naming the field."""

from datetime import date

import pytest

from core.dates import DateInvalid, parse_date


@pytest.mark.parametrize(
    "raw, day",
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("01.12.2026", date(2026, 12, 1)),
        ("1.12.2026", date(2026, 12, 1)),
        (" 31.01.2027 ", date(2027, 1, 31)),
        ("29.02.2028", date(2028, 2, 29)),
    ],
)
def test_both_forms_are_read_day_first(raw, day):
    assert parse_date(raw, "date") == day


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "2026-13-01",
        "31.11.2026",
        "29.02.2027",
        "12/01/2026",
        "2026.12.01",
        "01.12.26",
        "tomorrow",
        "2026-1-1",
        "01.12.2026T08:00",
        "٠١.١٢.٢٠٢٦",
    ],
)
def test_bad_input_names_the_field(raw):
    with pytest.raises(DateInvalid) as caught:
        parse_date(raw, "from", location="query")
    assert caught.value.loc == ("query", "from")
    assert caught.value.code == "date_invalid"
