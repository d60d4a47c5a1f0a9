"""An owner's console (issue 21): the page they land on lists their organisation's branches,
each with its board, clients and workers to open, read-only (the pages show no write buttons
and the server refuses writes anyway); the managers of those branches are theirs to keep on
the staff page. An admin sees the same list for the whole network."""

import dataclasses

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.web import PREFIX, render, staff
from api.deps import DB
from core.tenancy import Actor
from dispatch.enums import CALL_CENTRE, OWNER
from dispatch.registry import service as registry

router = APIRouter(prefix=PREFIX, include_in_schema=False)

i18n.add(
    {
        "network_title": ("Мои филиалы", "My branches"),
        "network_hint": (
            "Филиалы вашей организации: табло, клиенты и работники каждого — только для "
            "просмотра; управляющих вы добавляете и отключаете на странице сотрудников.",
            "Your organisation's branches: each one's board, clients and workers, to read; "
            "you add and switch off their managers on the staff page.",
        ),
        "network_none": (
            "У вашей организации пока нет филиалов.",
            "Your organisation has no branch yet.",
        ),
        "network_pick": ("Филиал", "Branch"),
        "network_open": ("Открыть табло", "Open the board"),
        "network_board": ("Табло", "Board"),
        "network_clients": ("Клиенты", "Clients"),
        "network_workers": ("Работники", "Workers"),
        "network_sites": ("Объекты", "Sites"),
        "network_payouts": ("Выплаты", "Payouts"),
        "network_rates": ("Ставки", "Rate card"),
        "call_centre_nav": ("Колл-центр", "Call centre"),
    }
)


def narrowed(actor: Actor, raw: str) -> Actor:
    """An owner (or the call centre) looking at one branch (?branch=ID): the actor seeing that
    branch alone; for an owner, another organisation's branch leaves them seeing nothing."""
    if actor.role not in (OWNER, CALL_CENTRE) or not raw.isdigit() or len(raw) > 10:
        return actor
    wanted = frozenset({int(raw)})
    seen = wanted if actor.branch_ids is None else actor.branch_ids & wanted
    return dataclasses.replace(actor, branch_ids=seen)


@router.get("/network")
def network_page(
    request: Request,
    actor: Actor = Depends(staff("admin", OWNER)),
    session: Session = DB,
) -> Response:
    branches = registry.list_branches(session, actor=actor)
    return render(request, "network.html", {"branches": branches}, actor=actor)
