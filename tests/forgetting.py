"""What a deletion on request must leave behind: nothing. find_everywhere scans every text,
varchar and JSON column of every table of the schema (information_schema, so a table added
later, an applicants' one, is scanned too) for each needle; the deletion tests assert it
finds none of a forgotten worker's name, phone (E.164 and its digits) or document numbers."""

import json
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

SKIPPED_TABLES = ("alembic_version", "spatial_ref_sys")


@dataclass(frozen=True)
class Found:
    table: str
    column: str
    needle: str
    value: str

    def __str__(self) -> str:
        return f"{self.table}.{self.column} holds {self.needle!r}: {self.value[:120]!r}"


def text_columns(session: Session) -> list[tuple[str, str, str]]:
    """(table, column, type) of every text, varchar and JSON column of the current schema."""
    rows = session.execute(
        text(
            "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
            "JOIN information_schema.tables t ON t.table_schema = c.table_schema "
            "AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE' "
            "WHERE c.table_schema = current_schema() "
            "AND c.data_type IN ('text', 'character varying', 'jsonb', 'json') "
            "ORDER BY c.table_name, c.column_name"
        )
    )
    return [(t, c, d) for t, c, d in rows if t not in SKIPPED_TABLES]


def phone_needles(phone: str) -> list[str]:
    """A phone as it may be kept: E.164 and its digits alone."""
    return [phone, phone.lstrip("+")]


def find_everywhere(session: Session, needles: list[str]) -> list[Found]:
    """Every row of every text or JSON column holding one of the needles (case-insensitive;
    inside JSON, also as JSON writes the needle in a string)."""
    session.flush()
    found = []
    for table, column, kind in text_columns(session):
        for needle in needles:
            forms = {needle}
            if kind in ("jsonb", "json"):
                forms |= {json.dumps(needle)[1:-1], json.dumps(needle, ensure_ascii=False)[1:-1]}
            for form in sorted(forms):
                rows = session.execute(
                    text(
                        f'SELECT "{column}"::text FROM "{table}" '
                        f'WHERE strpos(lower("{column}"::text), lower(:needle)) > 0'
                    ),
                    {"needle": form},
                ).scalars()
                found += [Found(table, column, needle, value) for value in rows]
    return found
