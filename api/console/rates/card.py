"""The branch's rate card as an editable table (issue 21): a row per skill for the branch
and per client; rows added and removed in the browser (rate_card.js), the whole card saved at
once by dispatch/rates/card.py's rule, a refusal shown in the cell it names with everything
typed kept. The branch's manager or an admin; the rest of the office reads it."""

import re
from decimal import Decimal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB, MANAGERS
from api.deps import OFFICE as OFFICE_ROLES
from api.schemas.common import IdPath
from core.csvsafe import decimal_text
from core.errors import InvalidInput
from core.tenancy import Actor
from dispatch.enums import OWNER
from dispatch.models import Client
from dispatch.rates import card as rate_card
from dispatch.registry.service import get_branch
from sms.templates import skill_name
from workers.skills import SKILLS

router = APIRouter(prefix=PREFIX, include_in_schema=False)
OFFICE = staff(*OFFICE_ROLES)
READERS = staff(*OFFICE_ROLES, OWNER)  # an owner reads their branches' cards (issue 21)
Manager = Depends(staff(*MANAGERS))
COLUMNS = (
    "client_id",
    "skill",
    "client_rate",
    "worker_rate",
    "night_pct",
    "holiday_pct",
    "min_hours",
)
NUMBER = re.compile(r"^\d{1,8}([.,]\d{1,2})?$")
WHOLE = re.compile(r"^\d{1,3}$")


def _typed_rows(rows: list[rate_card.CardRow], lang: str) -> list[dict[str, str]]:
    def text(value: Decimal) -> str:
        return decimal_text(f"{value:.2f}", lang)

    return [
        {
            "client_id": str(r.client_id or ""),
            "skill": r.skill,
            "client_rate": text(r.client_rate),
            "worker_rate": text(r.worker_rate),
            "night_pct": str(r.night_pct),
            "holiday_pct": str(r.holiday_pct),
            "min_hours": text(r.min_hours),
        }
        for r in rows
    ]


def _page(request, session, actor, branch, rows, errors, notice="", status_code=200):
    lang = language(request)
    clients = session.execute(
        select(Client.id, Client.name).where(Client.branch_id == branch.id).order_by(Client.name)
    ).all()
    blank = dict.fromkeys(COLUMNS, "")
    context = {
        "branch": branch,
        "rows": [*rows, blank] if not errors else rows,
        "blank": blank,
        "clients": [(str(cid), name) for cid, name in clients],
        "skills": [(s, skill_name(s, lang)) for s in SKILLS],
        "errors": errors,
        "notice": notice,
        "editable": actor.role in MANAGERS,
        "columns": COLUMNS,
    }
    return render(request, "rate_card.html", context, actor=actor, status_code=status_code)


@router.get("/branches/{branch_id}/rates")
def card_page(
    request: Request, branch_id: IdPath, actor: Actor = Depends(READERS), session: Session = DB
):
    branch = get_branch(session, branch_id, actor=actor)  # another branch's: 404
    rows = _typed_rows(rate_card.card_rows(session, branch.id), language(request))
    t = i18n.translator(language(request))
    notice = t("rates_saved") if "saved" in request.query_params else ""
    return _page(request, session, actor, branch, rows, {}, notice)


async def _card_form(request: Request) -> list[dict[str, str]]:
    """The posted table: each column's cells in row order, one row per index."""
    form = await request.form()
    cells = {name: [str(v) for v in form.getlist(name)] for name in COLUMNS}
    count = max((len(values) for values in cells.values()), default=0)
    return [
        {name: (cells[name][i].strip() if i < len(cells[name]) else "") for name in COLUMNS}
        for i in range(count)
    ]


def _parse(
    typed: list[dict[str, str]], t
) -> tuple[list[tuple[int, rate_card.CardRow]], dict[str, str]]:
    """The filled rows as card rows with their index as typed (a wholly blank row is none),
    or the cells' errors keyed "<row>-<column>"."""
    rows, errors = [], {}
    for i, row in enumerate(typed):
        if not any(row[name] for name in COLUMNS if name != "client_id"):
            continue
        values: dict = {}
        for name in ("client_rate", "worker_rate", "min_hours"):
            cell = row[name] or ("0" if name == "min_hours" else "")
            if not NUMBER.match(cell):
                errors[f"{i}-{name}"] = t("rates_err_number")
            else:
                values[name] = Decimal(cell.replace(",", "."))
        for name in ("night_pct", "holiday_pct"):
            cell = row[name] or "0"
            if not WHOLE.match(cell):
                errors[f"{i}-{name}"] = t("rates_err_number")
            else:
                values[name] = int(cell)
        client_id = int(row["client_id"]) if row["client_id"].isdigit() else None
        if not errors:
            rows.append((i, rate_card.CardRow(row["skill"], client_id, **values)))
    return rows, errors


@router.post("/branches/{branch_id}/rates", dependencies=[Depends(csrf_checked)])
def save_card(
    request: Request,
    branch_id: IdPath,
    typed: list[dict[str, str]] = Depends(_card_form),
    actor: Actor = Manager,
    session: Session = DB,
) -> Response:
    t = i18n.translator(language(request))
    branch = get_branch(session, branch_id, actor=actor)
    rows, errors = _parse(typed, t)
    if not errors:
        index = [i for i, _ in rows]
        try:
            card_rows = [row for _, row in rows]
            rate_card.replace_card(session, actor=actor, branch_id=branch.id, rows=card_rows)
        except InvalidInput as exc:
            session.rollback()
            at = exc.loc[1:]
            if len(at) == 2 and isinstance(at[0], int) and at[0] < len(index):
                errors[f"{index[at[0]]}-{at[1]}"] = explain(exc, t)
            else:
                errors["_card"] = explain(exc, t)
        else:
            return RedirectResponse(f"{PREFIX}/branches/{branch.id}/rates?saved=1", status_code=303)
    errors.setdefault("_card", t("rates_not_saved"))
    return _page(request, session, actor, branch, typed, errors, status_code=422)
