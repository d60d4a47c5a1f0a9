"""A console list as a CSV download: the one helper every list page calls for its
`export.csv` route. The file is written by api/exports.py (the reader's language, a UTF-8
BOM so Excel reads Cyrillic, `;` and a decimal comma in Russian, core/csvsafe.py's guard
against formulas); the download itself is audited, naming the path, the rows and the ids it
handed out. What the rows show of a worker is the list's own: each list reads through the
same privacy rule as its page (dispatch/access/privacy.py), never more."""

from collections.abc import Sequence
from datetime import UTC
from typing import Any

from fastapi import Request, Response
from sqlalchemy.orm import Session

from api.exports import csv_for
from core import audit
from core.csvsafe import Table, Word
from core.tenancy import Actor
from dispatch.models import Branch


def branch_timezone(session: Session, actor: Actor) -> str:
    """Times in the actor's branch's zone (UTC for the head office)."""
    branch = session.get(Branch, actor.branch_id) if actor.branch_id is not None else None
    return branch.timezone if branch else str(UTC)


def yes_no(value: bool | None) -> Word | None:
    return None if value is None else Word("yes" if value else "no")


def csv_download(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    what: str,
    columns: Sequence[str],
    rows: list[list[Any]],
    filename: str,
    ids: Sequence[int] = (),
    timezone: str | None = None,
) -> Response:
    """The list as a CSV file (`columns` are codes: the header reads t("csv_<code>")), the
    download audited as `<what>.export` with the ids it carries."""
    audit.log(
        session,
        actor,
        f"{what}.export",
        what,
        sorted(set(ids)),
        actor.branch_id,
        via=request.url.path,
        rows=len(rows),
        query=str(request.url.query)[:500] or None,
    )
    table = Table(list(columns), rows, timezone or branch_timezone(session, actor))
    return csv_for(request, table, filename)
