"""The console's lists as CSV downloads, each through api/console/exports.csv_download: the
branch's workers, the worker search, the board of orders, the message log and the staff
list. Each reads through the same service as its page, so a row shows of a worker exactly
what the page would (dispatch/access/privacy.py), and the same roles may have it."""

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.exports import csv_download, yes_no
from api.console.web import PREFIX, staff
from api.deps import DB, MANAGERS, OFFICE, limit_worker_reads
from api.exports import export_language
from core.clock import now
from core.csvsafe import Word
from core.ids import MAX_ID
from core.tenancy import Actor
from dispatch.orders import board
from dispatch.registry import service as registry
from dispatch.registry.staff import list_users
from dispatch.texts import messaging
from geo.points import Point
from sms.templates import skill_name
from workers import service as workers
from workers.models import Worker
from workers.skills import SKILLS

router = APIRouter(prefix=PREFIX, include_in_schema=False)
PAGE = 5_000  # workers read per query (each page's read audited by the service)
SEARCH_MAX = 5_000  # a search's download: the page shows 50 of these
MESSAGES_MAX = 5_000  # the log's download: the page shows 200


def _office_reading(request: Request, actor: Actor = Depends(staff(*OFFICE))) -> Actor:
    limit_worker_reads(request, actor)  # one quota with the pages' and the API's worker reads
    return actor


Reader = Depends(_office_reading)
Managers = Depends(staff(*MANAGERS))


def _worker_row(worker: Worker, lang: str) -> list:
    home = Point.from_db(worker.home)
    return [
        worker.id,
        worker.full_name,
        worker.phone,
        ", ".join(skill_name(skill, lang) for skill in worker.skills),
        Word(f"export_lang_{worker.language}") if worker.language else None,
        yes_no(worker.vetted),
        Word(f"export_st_{worker.shown_status(now())}"),
        worker.rating,
        worker.reliability,
        home.lat,
        home.lon,
    ]


WORKER_COLUMNS = [
    "worker_id",
    "full_name",
    "phone",
    "export_skills",
    "export_language",
    "export_vetted",
    "export_status",
    "export_rating",
    "export_reliability",
    "export_lat",
    "export_lon",
]


@router.get("/workers/export.csv")
def workers_export(request: Request, actor: Actor = Reader, session: Session = DB) -> Response:
    """Every worker of the branch (the network's, for an admin): its own base, seen whole."""
    found: list[Worker] = []
    while True:
        page = workers.list_workers(session, actor=actor, limit=PAGE, offset=len(found))
        found += [worker for worker, _ in page]
        if len(page) < PAGE:
            break
    return csv_download(
        request,
        session,
        actor,
        what="worker",
        columns=WORKER_COLUMNS,
        rows=[_worker_row(w, export_language(request)) for w in found],
        ids=[w.id for w in found],
        filename="workers.csv",
    )


@router.get("/workers/search.csv")
def search_export(
    request: Request, q: str = "", skill: str = "", actor: Actor = Reader, session: Session = DB
) -> Response:
    """The worker search as the page runs it (the same words, the same skill)."""
    if skill and skill not in SKILLS:
        return RedirectResponse(f"{PREFIX}/workers?{request.url.query}", status_code=303)
    found = workers.search_workers(
        session, actor=actor, text=q, skill=skill or None, limit=SEARCH_MAX
    )
    return csv_download(
        request,
        session,
        actor,
        what="worker",
        columns=WORKER_COLUMNS,
        rows=[_worker_row(w, export_language(request)) for w in found],
        ids=[w.id for w in found],
        filename="workers-search.csv",
    )


@router.get("/board.csv")
def board_export(
    request: Request, actor: Actor = Depends(staff(*OFFICE)), session: Session = DB
) -> Response:
    """The board: today's and tomorrow's orders, as the page shows them (no worker on it)."""
    t = i18n.translator(export_language(request))
    lines = board.board(session, actor=actor, now=now())
    rows = [
        [
            line.order.code,
            line.branch_code,
            line.site_name,
            line.site_address,
            line.order.starts_at,
            line.order.ends_at,
            t(f"order_st_{line.order.status}"),
            line.order.headcount,
            line.order.booking_target,
            line.booked,
            line.standby,
            None if line.fill_probability is None else round(line.fill_probability * 100),
            line.shortage.by or None,
        ]
        for line in lines
    ]
    columns = [
        "order",
        "export_branch",
        "export_site",
        "export_address",
        "export_starts_at",
        "export_ends_at",
        "export_status",
        "export_headcount",
        "export_target",
        "export_booked",
        "export_standby",
        "export_fill_chance",
        "export_short_by",
    ]
    ids = [line.order.id for line in lines]
    return csv_download(
        request,
        session,
        actor,
        what="order",
        columns=columns,
        rows=rows,
        ids=ids,
        filename="board.csv",
    )


def _id(raw: str) -> int | None | bool:
    """An id filter as the log's page reads it: None when blank, False when not an id."""
    raw = raw.strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_ID:
        return False
    return int(raw)


@router.get("/messages.csv")
def messages_export(
    request: Request,
    order: str = "",
    order_id: str = "",
    worker_id: str = "",
    direction: str = "",
    actor: Actor = Reader,
    session: Session = DB,
) -> Response:
    """The message log with the page's filters; a filter the page would refuse goes to the
    page, which says why beside the field."""
    by_order, by_worker = _id(order_id), _id(worker_id)
    code = order.strip().lstrip("#")
    if (
        by_order is False
        or by_worker is False
        or (code and not (code.isascii() and code.isdigit() and len(code) <= 9))
        or direction not in ("", "in", "out")
    ):
        query = urlencode(
            {"order": order, "order_id": order_id, "worker_id": worker_id, "direction": direction}
        )
        return RedirectResponse(f"{PREFIX}/messages?{query}", status_code=303)
    lines = messaging.list_messages(
        session,
        actor=actor,
        order_id=by_order or None,
        order_code=code or None,
        worker_id=by_worker or None,
        direction=direction or None,
        limit=MESSAGES_MAX,
    )
    t = i18n.translator(export_language(request))
    keep_days = request.app.state.settings.message_body_keep_days
    removed = t("messages_body_removed").format(days=keep_days)  # a blanked text, said so
    rows = [
        [
            m.created_at,
            Word(m.direction),
            t(f"messages_kind_{m.kind}"),
            m.order_code,
            m.worker_id,
            m.name,
            m.phone,  # as the log shows it: masked, or none, for another branch's worker
            t(f"messages_st_{m.status}"),
            m.body if m.body_removed_at is None else removed,
        ]
        for m in lines
    ]
    columns = [
        "export_time",
        "export_direction",
        "export_kind",
        "order",
        "worker_id",
        "full_name",
        "phone",
        "export_status",
        "export_text",
    ]
    ids = [m.worker_id for m in lines if m.worker_id is not None and m.name is not None]
    return csv_download(
        request,
        session,
        actor,
        what="message",
        columns=columns,
        rows=rows,
        ids=ids,
        filename="messages.csv",
    )


@router.get("/staff.csv")
def staff_export(request: Request, actor: Actor = Managers, session: Session = DB) -> Response:
    """The staff list a manager sees (their branch's; the network's for an admin)."""
    t = i18n.translator(export_language(request))
    branches: dict[int | None, str] = {
        b.id: b.code for b in registry.list_branches(session, actor=actor)
    }
    users = list_users(session, actor=actor)
    rows = [
        [u.username, t(f"staff_role_{u.role}"), branches.get(u.branch_id, ""), yes_no(u.active)]
        for u in users
    ]
    columns = ["export_username", "export_role", "export_branch", "export_active"]
    return csv_download(
        request,
        session,
        actor,
        what="user",
        columns=columns,
        rows=rows,
        ids=[u.id for u in users],
        filename="staff.csv",
    )
