"""Worker search and profiles (with their penalty ledger), and the message log. The phone
simulator, in outbox mode, is phone.py."""

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain
from api.console.manage.owners import narrowed
from api.console.office.words.phone import WORDS as PHONE_WORDS
from api.console.registry.worker_page.availability import availability_context
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB, OFFICE, WORKER_DESK, limit_worker_reads
from api.schemas.common import IdPath
from core.clock import now
from core.csvsafe import decimal_text
from core.errors import Conflict, Forbidden, InvalidInput
from core.ids import MAX_ID
from core.tenancy import Actor
from dispatch.enums import OFFICE_READERS, OWNER
from dispatch.models import Branch
from dispatch.penalties import record
from dispatch.texts import messaging
from rating import service as ledger
from rating.models import PenaltyEvent
from sms.templates import skill_name
from workers import service as workers
from workers.models import Worker
from workers.skills import SKILLS

router = APIRouter(prefix=PREFIX, include_in_schema=False)

REASON_MAX = 1000  # as the API's reversal

i18n.add(PHONE_WORDS)

Office = Depends(staff(*OFFICE))
Desk = Depends(staff(*WORKER_DESK))  # the workers' pages: the office and recruiters
# Read, and by an owner too (their branches' workers, issue 21): the profile, the message log.
Reading = Depends(staff(*WORKER_DESK, OWNER))
LogReading = Depends(staff(*OFFICE_READERS))


def _office_reading(request: Request, actor: Actor = Office) -> Actor:
    limit_worker_reads(request, actor)  # one quota with the API's worker reads
    return actor


def _desk_reading(request: Request, actor: Actor = Desk) -> Actor:
    limit_worker_reads(request, actor)
    return actor


def _log_reading(request: Request, actor: Actor = LogReading) -> Actor:
    limit_worker_reads(request, actor)
    return actor


# Pages that show workers' names, phones or homes: each counts as a worker read.
Reader = Depends(_office_reading)
DeskReader = Depends(_desk_reading)


# -- helpers -------------------------------------------------------------------------------


def _clock(session: Session, actor: Actor) -> Callable[[datetime | None], str]:
    """Times in the actor's branch's zone (UTC for the head office)."""
    branch = session.get(Branch, actor.branch_id) if actor.branch_id is not None else None
    zone = ZoneInfo(branch.timezone) if branch else UTC

    def when(at: datetime | None) -> str:
        return at.astimezone(zone).strftime("%d.%m.%Y %H:%M") if at else "—"

    return when


def common_context(session: Session, request: Request, actor: Actor) -> dict:
    lang = language(request)
    return {
        "when": _clock(session, actor),
        "skill_name": lambda skill: skill_name(skill, lang),
        "outbox": request.app.state.settings.resolved_sms_backend == "outbox",
        "now": now(),
    }


def reason_words(t, lang: str, entry: PenaltyEvent) -> str:
    """Why the entry was made: a rule's reason in words by its code (numbers as the language
    writes them), a reason a person typed as typed."""
    if entry.reason_code is None:
        return entry.reason
    args = {
        name: decimal_text(f"{value:g}", lang) if isinstance(value, float) else value
        for name, value in entry.reason_args.items()
    }
    if entry.reason_code == "sent_home":  # why: a stable code (SENT_HOME_REASONS)
        args["why"] = t(f"sent_home_why_{args.get('why')}")
    return t(f"ledger_reason_{entry.reason_code}").format(**args)


def _id_filter(raw: str, name: str, error: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_ID:
        raise InvalidInput(name, error, location="query")
    return int(raw)


# -- workers -------------------------------------------------------------------------------


def _list_reading(request: Request, actor: Actor = Depends(staff(*WORKER_DESK, OWNER))) -> Actor:
    limit_worker_reads(request, actor)  # an owner reads their branches' workers (issue 21)
    return actor


@router.get("/workers")
def workers_page(
    request: Request,
    q: str = "",
    skill: str = "",
    branch: str = Query("", max_length=12),
    actor: Actor = Depends(_list_reading),
    session: Session = DB,
) -> Response:
    actor = narrowed(actor, branch)  # an owner's one branch
    errors: dict[str, str] = {}
    found: list[Worker] = []
    if skill and skill not in SKILLS:
        errors["skill"] = i18n.translator(language(request))("workers_bad_skill")
    else:
        found = workers.search_workers(session, actor=actor, text=q, skill=skill or None)
    context = {"q": q, "skill": skill, "skills": SKILLS, "found": found, "errors": errors}
    context.update(common_context(session, request, actor))
    return render(
        request, "workers_search.html", context, actor=actor, status_code=422 if errors else 200
    )


def _profile(
    request: Request,
    session: Session,
    actor: Actor,
    worker_id: int,
    *,
    error: str | None = None,
    error_entry: int | None = None,
    reason: str = "",
    forget_error: str | None = None,
    status_code: int = 200,
) -> Response:
    limit_worker_reads(request, actor)  # also when a refused reversal shows the page again
    worker = workers.read_worker(session, worker_id, actor=actor)  # audited
    entries = record.worker_penalties(session, worker.id, actor=actor)
    t, lang = i18n.translator(language(request)), language(request)
    kinds = {e.id: e.kind for e in entries}
    context = {
        "reason_words": lambda entry: reason_words(t, lang, entry),
        # A payout taken back is said as such, not as a penalty lifted.
        "of_payout": lambda key, entry_id: (
            f"{key}_compensation" if kinds.get(entry_id) == "compensation" else key
        ),
        "worker": worker,
        "entries": entries,  # newest first
        "reversible": {  # a recruiter reverses nothing: the ledger is the office's
            e.id for e in entries if actor.role in OFFICE and record.may_reverse(session, actor, e)
        },
        "history": sorted(entries, key=lambda e: (e.occurred_at, e.id)),
        # The texts tell of orders (sites, times): the office's, not a recruiter's.
        "rows": messaging.list_messages(session, actor=actor, worker_id=worker.id, limit=50)
        if actor.role in OFFICE_READERS
        else [],
        "error": error,
        "error_entry": error_entry,
        "reason": reason,
        "reversed": request.query_params.get("reversed", ""),
        # issue 19: the days and the pause the worker texted (worker_page/availability.py)
        "pause_outcome": request.query_params.get("pause", ""),
        **availability_context(session, worker, now()),
        "forget_error": forget_error,  # issue 19: "forget this worker" refused
        "forgotten": request.query_params.get("forgotten", ""),
    }
    context.update(common_context(session, request, actor))
    return render(request, "workers_profile.html", context, actor=actor, status_code=status_code)


@router.get("/workers/{worker_id}")
def worker_page(
    request: Request, worker_id: IdPath, actor: Actor = Reading, session: Session = DB
) -> Response:
    return _profile(request, session, actor, worker_id)


@router.post("/penalties/{penalty_id}/reverse", dependencies=[Depends(csrf_checked)])
def reverse_penalty(
    request: Request,
    penalty_id: IdPath,
    reason: str = Form(default=""),
    actor: Actor = Office,
    session: Session = DB,
) -> Response:
    t = i18n.translator(language(request))
    error, status_code = None, 422
    if not reason.strip():
        error = t("workers_reason_required")
    elif len(reason) > REASON_MAX or "\x00" in reason:
        error = t("workers_reason_too_long")
    else:
        try:
            with session.begin_nested():  # a refusal leaves nothing behind
                reversal = record.reverse_penalty(
                    session, penalty_id, actor=actor, reason=reason, now=now()
                )
        except Conflict as exc:  # already reversed, or a reversal itself
            error, status_code = explain(exc, t), 409
        except Forbidden as exc:  # recorded on another branch's order: that branch decides
            error, status_code = explain(exc, t), 403
        else:
            target = f"{PREFIX}/workers/{reversal.worker_id}?reversed={penalty_id}#ledger"
            return RedirectResponse(target, status_code=303)
    # Refused: the same page again, the reason kept. Unknown or not ours: 404, as the API.
    event = ledger.get_event(session, penalty_id)
    record.worker_penalties(session, event.worker_id, actor=actor)
    return _profile(
        request,
        session,
        actor,
        event.worker_id,
        error=error,
        error_entry=penalty_id,
        reason=reason,
        status_code=status_code,
    )


# -- the message log -----------------------------------------------------------------------


@router.get("/messages")
def messages_page(
    request: Request,
    order: str = "",
    order_id: str = "",
    worker_id: str = "",
    direction: str = "",
    actor: Actor = Depends(_log_reading),  # phones and names
    session: Session = DB,
) -> Response:
    t = i18n.translator(language(request))
    errors: dict[str, str] = {}
    ids: dict[str, int | None] = {}
    for name, raw in (("order_id", order_id), ("worker_id", worker_id)):
        try:
            ids[name] = _id_filter(raw, name, t("messages_bad_id"))
        except InvalidInput as exc:
            errors["order" if name == "order_id" else name] = exc.msg  # shown by its field
    # The order as the dispatcher knows it: by the code in its texts, not the internal id.
    code = order.strip().lstrip("#")
    if code and not (code.isascii() and code.isdigit() and len(code) <= 9):
        errors["order"] = t("messages_bad_code")
    by_code = code or None
    if direction not in ("", "in", "out"):
        errors["direction"] = t("messages_bad_direction")
    rows: list[messaging.MessageLine] = []
    if not errors:
        rows = messaging.list_messages(
            session, actor=actor, direction=direction or None, limit=200, order_code=by_code, **ids
        )
    context = {
        "rows": rows,
        "errors": errors,
        "filters": {
            "order": order,
            "order_id": order_id,
            "worker_id": worker_id,
            "direction": direction,
        },
    }
    context.update(common_context(session, request, actor))
    return render(
        request, "messages_log.html", context, actor=actor, status_code=422 if errors else 200
    )
