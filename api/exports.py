"""Every CSV the API and the console hand out is written here, for its reader: in their
language (headers and coded cells from the word tables; `;` and a decimal comma in Russian,
`,` and a point in English; dates 01.12.2026 or 2026-12-01), with a UTF-8 BOM so Excel reads
it as UTF-8, times in the branch's timezone to the second, and core/csvsafe.py's guard
against formulas.

The reader's language: `?lang=ru|en` if given, else the console's language cookie (the
language a console user chose), else the best of ru/en in Accept-Language, else English (so
an API client that asks for nothing gets a comma-separated file, as before)."""

from fastapi import Request, Response

from api.console import i18n
from api.console.web import LANG_COOKIE
from api.console.words.exports import WORDS
from core.csvsafe import STYLES, Table, table_csv

i18n.add(WORDS)

CSV = "text/csv; charset=utf-8"
DEFAULT_LANGUAGE = "en"


def _accepted(header: str) -> str | None:
    """The most wanted of our languages in an Accept-Language header (ru-RU counts as ru)."""
    best, best_q = None, 0.0
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        base = tag.strip().lower().split("-")[0]
        try:
            q = float(params.strip()[2:]) if params.strip().startswith("q=") else 1.0
        except ValueError:
            q = 0.0
        if base in i18n.LANGUAGES and q > best_q:
            best, best_q = base, q
    return best


def export_language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in i18n.LANGUAGES:
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in i18n.LANGUAGES:
        return cookie
    return _accepted(request.headers.get("accept-language", "")) or DEFAULT_LANGUAGE


def write_csv(table: Table, language: str) -> bytes:
    """The table as a CSV for a reader of that language."""
    t = i18n.translator(language)
    return table_csv(
        table,
        header=[t(f"csv_{column}") for column in table.columns],
        style=STYLES[language],
        words=lambda code: t(f"csv_{code}"),
    )


def csv_for(request: Request, table: Table, filename: str) -> Response:
    """Write a CSV for this reader: the one way an export leaves the app."""
    language = export_language(request)
    return Response(
        write_csv(table, language),
        media_type=CSV,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Language": language,
            "Vary": "Accept-Language, Cookie",
        },
    )
