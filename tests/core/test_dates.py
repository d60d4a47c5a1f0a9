"""One date parser: ISO and the Russian day-first form, bad input refused naming the field."""

from datetime import date, time

import pytest

from core.dates import DateInvalid, clock_time, parse_date


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


@pytest.mark.parametrize(
    "raw, expected",
    [("7:30", time(7, 30)), (" 07:05 ", time(7, 5)), ("23:59", time(23, 59)), ("0:00", time(0))],
)
def test_a_clock_time_is_read_as_typed(raw, expected):
    assert clock_time(raw) == expected


@pytest.mark.parametrize("raw", ["24:00", "7:60", "7.30", "730", "", "07:30:00", "7:3"])
def test_anything_else_is_no_clock_time(raw):
    assert clock_time(raw) is None
