"""A worker's standing in the console: vetting as a recorded act (with a passport and a work
patent), block and unblock with a reason, opting back in to SMS at the worker's request, and
the patents about to expire. The rules are workers/vetting.py's; the roles the API's."""

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console.errors import explain
from api.console.i18n import translator
from api.console.registry import worker_form  # noqa: F401  (registers the words of both pages)
from api.console.registry.workers import common_context
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB, WORKER_DESK, limit_worker_reads
from api.schemas.common import IdPath
from core.clock import now
from core.dates import DateInvalid, parse_date
from core.errors import Conflict, InvalidInput
from core.tenancy import Actor
from dispatch.changes import blocked
from dispatch.registry import workforce
from workers import service as workers
from workers import vetting
from workers.models import VETTING_RESULTS, Worker
from workers.vetting import Document

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Vetter = Depends(staff(*WORKER_DESK))
VET_FIELDS = ("result", "note", "passport_number", "patent_number", "patent_expires_on")


def _today(session: Session, actor: Actor, worker: Worker) -> date:
    return workforce.branch_today(session, worker.branch_id, actor=actor, now=now())


def _standing(session: Session, actor: Actor, worker: Worker) -> dict:
    """What the profile's panel and the standing page both show."""
    blocked = worker.status == "blocked"  # the block's when and why: only while it stands
    return {
        "worker": worker,
        "warning": vetting.patent_warning(worker, _today(session, actor, worker)),
        "blocked": vetting.last_act(session, worker, "worker.block") if blocked else None,
    }


@router.get("/workers/patents")
def expiring_patents(request: Request, actor: Actor = Vetter, session: Session = DB) -> Response:
    """htmx: the patents expiring within 14 days (or expired), for the workers page."""
    limit_worker_reads(request, actor)  # names are shown
    at = now()
    today = workforce.branch_today(session, actor.branch_id, actor=actor, now=at)
    found = workforce.expiring_patents(session, actor=actor, now=at)
    context = {"found": [(w, vetting.patent_warning(w, today)) for w in found]}
    context.update(common_context(session, request, actor))
    return render(request, "patents_expiring.html", context, actor=actor)


@router.get("/workers/{worker_id}/standing")
def standing_panel(
    request: Request, worker_id: IdPath, actor: Actor = Vetter, session: Session = DB
) -> Response:
    """htmx: the panel on the worker's profile (no name, phone or papers: not a read)."""
    worker = workers.find_worker(session, worker_id, actor=actor)
    context = _standing(session, actor, worker)
    context.update(common_context(session, request, actor))
    return render(request, "worker_standing.html", context, actor=actor)


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    worker_id: int,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    limit_worker_reads(request, actor)  # the name and the papers' numbers
    worker = workers.read_worker(session, worker_id, actor=actor)  # audited
    context = _standing(session, actor, worker)
    context.update(
        {
            "history": vetting.vettings(session, worker),
            "values": values or {},
            "errors": errors or {},
            "done": request.query_params.get("done", ""),
            # What a block did (dispatch/changes/blocked.py): the count let go, the codes
            # of the orders under way where the booking stays.
            "released": request.query_params.get("released", ""),
            "under_way": [c for c in request.query_params.get("under_way", "").split(",") if c],
        }
    )
    context.update(common_context(session, request, actor))
    return render(request, "worker_vetting.html", context, actor=actor, status_code=status_code)


@router.get("/workers/{worker_id}/vetting")
def standing_page(
    request: Request, worker_id: IdPath, actor: Actor = Vetter, session: Session = DB
) -> Response:
    return _page(request, session, actor, worker_id)


def _documents(values: dict[str, str], t) -> tuple[list[Document], list[str], dict[str, str]]:
    """The papers typed: a passport if its number is, a patent if anything of it is."""
    docs: list[Document] = []
    kinds: list[str] = []
    if values["passport_number"]:
        docs.append(Document("passport", values["passport_number"]))
        kinds.append("passport")
    if values["patent_number"] or values["patent_expires_on"]:
        expires: date | None = None
        if values["patent_expires_on"]:
            try:
                expires = parse_date(values["patent_expires_on"], "patent_expires_on")
            except DateInvalid as exc:
                return [], [], {"patent_expires_on": explain(exc, t)}
        docs.append(Document("patent", values["patent_number"], expires))
        kinds.append("patent")
    return docs, kinds, {}


def _vet_error(exc: InvalidInput, kinds: list[str], t) -> dict[str, str]:
    """The domain's field (documents.1.expires_on) as the form's (patent_expires_on)."""
    parts = [str(p) for p in exc.loc[1:]]
    if parts[:1] == ["documents"]:
        if len(parts) >= 3 and parts[1].isdigit() and int(parts[1]) < len(kinds):
            kind, field = kinds[int(parts[1])], parts[2]
            name = f"{kind}_{'number' if field in ('number', 'kind') else field}"
            return {name: explain(exc, t)}
        return {"passport_number": explain(exc, t)}
    return {parts[0] if parts and parts[0] in VET_FIELDS else "note": explain(exc, t)}


@router.post("/workers/{worker_id}/vetting", dependencies=[Depends(csrf_checked)])
def record_vetting(
    request: Request,
    worker_id: IdPath,
    result: str = Form(""),
    note: str = Form(""),
    passport_number: str = Form(""),
    patent_number: str = Form(""),
    patent_expires_on: str = Form(""),
    actor: Actor = Vetter,
    session: Session = DB,
) -> Response:
    t = translator(language(request))
    typed = (result, note, passport_number, patent_number, patent_expires_on)
    values = {name: value.strip() for name, value in zip(VET_FIELDS, typed, strict=True)}
    errors: dict[str, str] = {}
    if values["result"] not in VETTING_RESULTS:
        errors["result"] = t("wform_required")
    docs, kinds, date_errors = _documents(values, t)
    errors.update(date_errors)
    if not errors:
        try:
            with session.begin_nested():  # a refusal writes nothing
                workforce.vet_worker(
                    session,
                    worker_id,
                    actor=actor,
                    result=values["result"],
                    note=values["note"],
                    documents=docs,
                    now=now(),
                )
        except InvalidInput as exc:
            errors = _vet_error(exc, kinds, t)
        else:
            return RedirectResponse(f"{PREFIX}/workers/{worker_id}/vetting?done=vetted", 303)
    return _page(request, session, actor, worker_id, values=values, errors=errors, status_code=422)


def _act(
    request: Request,
    session: Session,
    actor: Actor,
    worker_id: int,
    *,
    field: str,
    text: str,
    done: str,
) -> Response:
    t = translator(language(request))
    told: dict[str, str] = {"done": done}
    try:
        with session.begin_nested():
            if done == "opted_in":
                workforce.opt_worker_in(session, worker_id, actor=actor, note=text)
            elif done == "blocked":
                act = blocked.block_worker(session, worker_id, actor=actor, reason=text, now=now())
                told["released"] = str(len({r.order_id for r in act.released}))
                told["under_way"] = ",".join(u.code for u in act.under_way)
            else:
                workforce.unblock_worker(session, worker_id, actor=actor, reason=text)
    except InvalidInput as exc:
        error, status_code = explain(exc, t), 422
    except Conflict as exc:  # already blocked, not blocked, not opted out: someone was first
        error, status_code = explain(exc, t), 409
    else:
        query = urlencode({k: v for k, v in told.items() if v})
        return RedirectResponse(f"{PREFIX}/workers/{worker_id}/vetting?{query}", 303)
    return _page(
        request,
        session,
        actor,
        worker_id,
        values={field: text},
        errors={field: error},
        status_code=status_code,
    )


@router.post("/workers/{worker_id}/block", dependencies=[Depends(csrf_checked)])
def block(
    request: Request,
    worker_id: IdPath,
    reason: str = Form(""),
    actor: Actor = Vetter,
    session: Session = DB,
) -> Response:
    return _act(
        request, session, actor, worker_id, field="block_reason", text=reason, done="blocked"
    )


@router.post("/workers/{worker_id}/unblock", dependencies=[Depends(csrf_checked)])
def unblock(
    request: Request,
    worker_id: IdPath,
    reason: str = Form(""),
    actor: Actor = Vetter,
    session: Session = DB,
) -> Response:
    return _act(
        request, session, actor, worker_id, field="unblock_reason", text=reason, done="unblocked"
    )


@router.post("/workers/{worker_id}/opt-in", dependencies=[Depends(csrf_checked)])
def opt_in(
    request: Request,
    worker_id: IdPath,
    note: str = Form(""),
    actor: Actor = Vetter,
    session: Session = DB,
) -> Response:
    return _act(request, session, actor, worker_id, field="optin_note", text=note, done="opted_in")
