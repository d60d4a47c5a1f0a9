"""Bulk import of workers from a CSV file, with a report row by row."""

import csv
import io
from dataclasses import dataclass, field
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import DomainError, InvalidInput
from core.tenancy import Actor
from geo.points import Point
from workers.errors import PhoneTaken
from workers.models import Worker
from workers.phones import to_e164
from workers.service import (
    WorkerFields,
    check_changes,
    check_new_worker,
    create_worker,
    update_worker,
)

REQUIRED_COLUMNS = ("full_name", "phone", "lat", "lon", "skills")
OPTIONAL_COLUMNS = ("language", "vetted")
MAX_ROWS = 20_000
_TRUE = {"1", "true", "yes", "y", "да", "x", "+"}
_FALSE = {"0", "false", "no", "n", "нет", "-"}


class Rejected(TypedDict):
    """A report line: the message for people, the stable code for programs."""

    row: int
    field: str | None
    msg: str
    code: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    dry_run: bool = False


def _number(raw: str, name: str) -> float:
    try:
        return float(raw.strip().replace(",", "."))
    except ValueError:
        raise InvalidInput(name, f"{raw!r} is not a number") from None


def _flag(raw: str, name: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidInput(name, f"{raw!r} is not yes/no")


def _row_fields(row: dict[str, str], branch_id: int) -> WorkerFields:
    home = Point(lat=_number(row["lat"], "lat"), lon=_number(row["lon"], "lon"))
    language = (row.get("language") or "").strip().lower() or None
    vetted_raw = (row.get("vetted") or "").strip()
    return WorkerFields(
        full_name=row["full_name"],
        phone=row["phone"],
        home=home,
        skills=[
            s for s in row["skills"].replace(";", ",").replace("|", ",").split(",") if s.strip()
        ],
        branch_id=branch_id,
        language=language,
        vetted=_flag(vetted_raw, "vetted") if vetted_raw else None,  # blank keeps (or: not yet)
    )


def read_rows(data: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Decode (UTF-8, with or without BOM; ';' or ',' separated) and check the header."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("file", "the file is not UTF-8 text") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # newline="": the csv module reads the line ends itself, so a quoted cell may hold one.
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise InvalidInput("file", f"missing columns: {', '.join(missing)}")
        reader.fieldnames = header
        rows: list[tuple[int, dict[str, str]]] = []
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise InvalidInput("file", f"more than {MAX_ROWS} rows; split the file")
            # The reader's line number, so blank lines count as a spreadsheet counts them.
            rows.append((reader.line_num, {k: (v or "") for k, v in row.items() if k is not None}))
    except csv.Error as exc:  # a stray quote or line end, a cell over csv's size limit
        raise InvalidInput("file", f"unreadable after line {reader.line_num}: {exc}") from None
    return header, rows


def import_workers(
    session: Session,
    *,
    actor: Actor,
    data: bytes,
    branch_id: int,
    default_region: str,
    dry_run: bool = False,
) -> ImportReport:
    """Create new phones, update this branch's existing ones, reject each bad row with its field.

    Each row runs in its own savepoint: a bad row writes nothing, good rows are kept. A dry
    run checks each row with the same rules and writes nothing at all (no id drawn, no audit).
    """
    _, rows = read_rows(data)
    report = ImportReport(dry_run=dry_run)
    import_rows(
        session,
        actor=actor,
        rows=rows,
        branch_id=branch_id,
        default_region=default_region,
        report=report,
        seen={},
    )
    return report


def import_rows(
    session: Session,
    *,
    actor: Actor,
    rows: list[tuple[int, dict[str, str]]],
    branch_id: int,
    default_region: str,
    report: ImportReport,
    seen: dict[str, int],
) -> None:
    """Import (or, on a dry-run report, check) rows read by read_rows, adding to the report.

    `seen` maps each phone already stored from this file to its row: a batch of a large file
    passes the same dict on, so a phone repeated across batches is still refused."""
    dry_run = report.dry_run
    for number, row in rows:
        try:
            with session.begin_nested():
                fields = _row_fields(row, branch_id)
                phone = to_e164(fields.phone or "", default_region)
                if phone in seen:
                    raise InvalidInput("phone", f"{phone} repeats row {seen[phone]}")
                query = select(Worker).where(Worker.phone == phone)
                if not dry_run:
                    query = query.with_for_update(key_share=True)
                existing = session.scalars(query).one_or_none()
                if existing is None:
                    if dry_run:
                        check_new_worker(fields, default_region)
                    else:
                        create_worker(
                            session, actor=actor, fields=fields, default_region=default_region
                        )
                    report.created += 1
                elif existing.branch_id == branch_id:
                    fields.branch_id = None  # an update keeps the worker where they are
                    if dry_run:
                        check_changes(fields, default_region)
                    else:
                        update_worker(
                            session,
                            existing,
                            actor=actor,
                            fields=fields,
                            default_region=default_region,
                        )
                    report.updated += 1
                else:
                    raise PhoneTaken(phone)
                seen[phone] = number  # only rows that were stored count as taken
        except InvalidInput as exc:
            report.rejected.append(_rejected(number, exc.loc[1], exc.msg, exc))
        except PhoneTaken as exc:
            report.rejected.append(_rejected(number, "phone", str(exc), exc))
        except DomainError as exc:
            report.rejected.append(_rejected(number, None, str(exc), exc))


def _rejected(row: int, field: str | None, msg: str, exc: DomainError) -> Rejected:
    return {"row": row, "field": field, "msg": msg, "code": exc.code}


def phones_stored(
    rows: list[tuple[int, dict[str, str]]], default_region: str, rejected_rows: set[int]
) -> dict[str, int]:
    """The `seen` of rows already imported (a batch job started again): each phone of a row
    that was not rejected, by its first row."""
    seen: dict[str, int] = {}
    for number, row in rows:
        if number in rejected_rows:
            continue
        try:
            seen.setdefault(to_e164(row.get("phone") or "", default_region), number)
        except DomainError:
            continue
    return seen
