"""Deletion on request's shared parts (issue 19 item 5), for a worker's
(dispatch/replies/forget.py) and an applicant's (dispatch/applicants/forget.py): the one-time
code a person confirms with (kept as a keyed hash with an expiry; the code itself is only
texted), and the scan that replaces every remaining mention of their data in any text or JSON
column of any table by GONE.

The scan rewrites free text (notes, reasons, audit details, an import's rejected rows); it
leaves alone what identifies a row: a column under a unique index (two rewritten values would
collide: the owner's code forgets such a value itself, as forget.py gives a worker the
placeholder "deleted:<id>" and deletes an applicant's row) and the name and phone columns of
people's own records (PEOPLE_COLUMNS: another worker of the same name keeps their name; the
forgotten person's own row is its owner's to anonymise or delete). The answers kept under
Idempotency-Keys are bytes, not text: those mentioning a needle lose their body
(core/idempotency.py withhold_mentioning, docs/idempotency.md)."""

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.idempotency import withhold_mentioning
from core.settings import get_settings

CODE_TTL = timedelta(hours=24)
GONE = "[deleted]"
MIN_NAME = 5  # a shorter name is no safe needle: it would hit other people's words
SKIPPED_TABLES = ("alembic_version", "spatial_ref_sys")
# Each person's own name and phone: forgotten with their own record, never by the scan.
PEOPLE_COLUMNS = frozenset(
    {
        ("workers", "full_name"),
        ("workers", "phone"),
        ("applicants", "full_name"),
        ("applicants", "phone"),
        ("users", "full_name"),
        ("users", "phone"),
        ("clients", "contact_person"),
        ("clients", "contact_phone"),
        ("sites", "contact_name"),
        ("sites", "contact_phone"),
    }
)


@dataclass(frozen=True)
class OneTimeCode:
    code: str  # texted, never stored
    digest: str  # kept with the person's row
    until: datetime


def _digest(subject: str, code: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"{subject}:{code}".encode(), hashlib.sha256).hexdigest()


def new_code(subject: str, now: datetime) -> OneTimeCode:
    """A 4-digit code for this subject ("<worker id>", "applicant:<id>"), valid CODE_TTL."""
    code = f"{secrets.randbelow(10_000):04d}"
    return OneTimeCode(code, _digest(subject, code), now + CODE_TTL)


def code_holds(
    subject: str, digest: str | None, until: datetime | None, given: str, now: datetime
) -> bool:
    """The code given is the subject's pending one, in time."""
    if digest is None or until is None or until < now:
        return False
    return hmac.compare_digest(digest, _digest(subject, given))


def needles(phone: str | None, name: str | None) -> list[str]:
    """What the scan looks for: a phone in E.164 and its digits, a name long enough to be safe."""
    found = [phone, phone.lstrip("+")] if phone else []
    if name and len(name.strip()) >= MIN_NAME:
        found.append(name.strip())
    return found


def _columns(session: Session) -> list[tuple[str, str, str]]:
    """Every text, varchar and JSON column of every table of ours that the scan may rewrite:
    (table, column, type); none under a unique index, none of PEOPLE_COLUMNS."""
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
    unique = set(unique_columns(session))
    return [
        (t, c, d)
        for t, c, d in rows
        if t not in SKIPPED_TABLES and (t, c) not in unique and (t, c) not in PEOPLE_COLUMNS
    ]


def unique_columns(session: Session) -> list[tuple[str, str]]:
    """(table, column) of every column under a unique index (a primary key's too)."""
    rows = session.execute(
        text(
            "SELECT DISTINCT t.relname, a.attname FROM pg_index i "
            "JOIN pg_class t ON t.oid = i.indrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indisunique AND n.nspname = current_schema() ORDER BY 1, 2"
        )
    )
    return [(t, c) for t, c in rows]


# A letter or digit, Cyrillic named too: [[:alnum:]] alone is ASCII in a database whose
# LC_CTYPE is C.
_LETTER = "[[:alnum:]\u0400-\u04ff]"


def _pattern(needle: str) -> str:
    """A PostgreSQL regular expression matching the needle as a whole word: "Ахмед" is not
    replaced inside "Ахмедов", nor a phone's digits inside a longer number."""
    literal = "".join(ch if ch.isalnum() else "\\" + ch for ch in needle)
    return f"(?<!{_LETTER}){literal}(?!{_LETTER})"


def scrub_everywhere(session: Session, found: list[str]) -> int:
    """Replace each needle (longest first: a phone before its digits), as a whole word, by GONE
    in every text and JSON column the scan may rewrite (_columns); how many rows changed. A
    needle shorter than MIN_NAME (a document number typed as "1") is left out: it would hit
    other people's words."""
    ordered = sorted({n for n in found if n and len(n) >= MIN_NAME}, key=len, reverse=True)
    if not ordered:
        return 0
    # The stored answers of Idempotency-Keys (bytes, not text: not in _columns) lose theirs.
    withhold_mentioning(session, ordered)
    changed = 0
    for table, column, kind in _columns(session):
        is_json = kind in ("jsonb", "json")
        # In JSON a needle is matched as it is written inside a string (quotes escaped).
        forms = [json.dumps(n, ensure_ascii=False)[1:-1] if is_json else n for n in ordered]
        target = f'"{column}"::text' if is_json else f'"{column}"'
        replaced = target
        params: dict[str, str] = {"gone": GONE}
        conditions = []
        for i, form in enumerate(forms):
            params[f"p{i}"] = _pattern(form)
            replaced = f"regexp_replace({replaced}, :p{i}, :gone, 'g')"
            conditions.append(f"{target} ~ :p{i}")
        value = f"({replaced})::{kind}" if is_json else replaced
        result = session.execute(
            text(f'UPDATE "{table}" SET "{column}" = {value} WHERE {" OR ".join(conditions)}'),
            params,
        )
        changed += result.rowcount or 0  # type: ignore[attr-defined]
    return changed
