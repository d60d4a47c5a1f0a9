"""Reading our CSV exports back as a spreadsheet of the reader's language would."""

import csv
import io

from api.console.i18n import TEXTS
from api.console.words.exports import WORDS
from api.exports import write_csv  # noqa: F401 - registers the export words
from core.csvsafe import BOM, STYLES


def read_csv(body: bytes | str, language: str = "en") -> list[dict[str, str]]:
    """Rows keyed by column code (the header's words mapped back), BOM checked and dropped."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    assert text.startswith(BOM), "an export starts with a UTF-8 BOM"
    reader = csv.reader(io.StringIO(text[len(BOM) :]), delimiter=STYLES[language].delimiter)
    header, *rows = list(reader)
    codes = {TEXTS[language][key]: key.removeprefix("csv_") for key in WORDS}
    names = [codes[word] for word in header]
    return [dict(zip(names, row, strict=True)) for row in rows]


def number(cell: str) -> str:
    """A number as the API writes it (point decimals)."""
    return cell.replace(",", ".")
