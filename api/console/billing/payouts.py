"""The branch's payouts pages (issue 21): its payout batches, newest first; a batch for a
period, previewed (workers and amounts) before it is made; one batch with its workers, marked
paid (the date, the method) and its bank CSV. dispatch/penalties/batches.py decides and
audits; the workers' names are shown and audited by dispatch/access/privacy.py."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.billing.payout_words import PAYOUT_WORDS
from api.console.errors import explain
from api.console.i18n import translator
from api.console.office.dispatcher import BOARD, OFFICE
from api.console.web import PREFIX, csrf_checked, language, render
from api.deps import DB, limit_worker_reads
from api.errors import status_of
from api.exports import csv_for
from api.schemas.common import IdPath
from core.clock import now
from core.dates import parse_date
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.tenancy import Actor
from dispatch.models import Branch
from dispatch.penalties import batches
from dispatch.penalties.batch_models import METHODS
from dispatch.registry import service as registry

router = APIRouter(prefix=PREFIX, include_in_schema=False)
REFUSED = (InvalidInput, Conflict, NotFound, Forbidden)

i18n.add(PAYOUT_WORDS)


def _when(zone: str):
    tz = ZoneInfo(zone)
    return lambda at: at.astimezone(tz).strftime("%d.%m.%Y %H:%M") if at else ""


def _period(view_from: date, view_to: date) -> str:
    return f"{view_from:%d.%m.%Y} – {view_to:%d.%m.%Y}"


@router.get("/payouts")
def my_payouts(request: Request, actor: Actor = BOARD, session: Session = DB):
    """The office's own branch; the head office (an owner: of theirs) picks one."""
    if actor.branch_id is not None:
        return RedirectResponse(f"{PREFIX}/branches/{actor.branch_id}/payouts", status_code=303)
    branches = registry.list_branches(session, actor=actor)
    context = {"branches": branches, "page": "payouts", "title": "payouts_title"}
    return render(request, "branch_pick.html", context, actor=actor)


def _branch_page(
    request: Request,
    session: Session,
    actor: Actor,
    branch_id: int,
    *,
    day_from: str = "",
    day_to: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    branch = session.get(Branch, branch_id) if actor.sees_branch(branch_id) else None
    listed = batches.batches_of(session, branch_id, actor=actor)  # another branch's: 404
    assert branch is not None
    preview = None
    if day_from and day_to and error is None:
        try:
            limit_worker_reads(request, actor)  # the workers' names: a worker read
            preview = batches.preview(
                session,
                branch_id,
                actor=actor,
                date_from=parse_date(day_from, "from", location="query"),
                date_to=parse_date(day_to, "to", location="query"),
                now=now(),
            )
        except REFUSED as exc:
            error, status_code = explain(exc, translator(language(request))), status_of(exc)
    context = {
        "branch": branch,
        "batches": listed,
        "preview": preview,
        "day_from": day_from,
        "day_to": day_to,
        "error": error,
        "period": _period,
        "when": _when(branch.timezone),
    }
    return render(request, "payouts.html", context, actor=actor, status_code=status_code)


@router.get("/branches/{branch_id}/payouts")
def payouts_page(
    request: Request,
    branch_id: IdPath,
    actor: Actor = BOARD,  # an owner reads (no batch made: read_only)
    session: Session = DB,
) -> Response:
    """?from=&to=: the period previewed (read as typed; a bad date is said on the page)."""
    day_from = request.query_params.get("from", "")[:20]
    day_to = request.query_params.get("to", "")[:20]
    return _branch_page(request, session, actor, branch_id, day_from=day_from, day_to=day_to)


@router.post("/branches/{branch_id}/payouts", dependencies=[Depends(csrf_checked)])
def make_batch(
    request: Request,
    branch_id: IdPath,
    day_from: str = Form("", alias="period_from", max_length=20),
    day_to: str = Form("", alias="period_to", max_length=20),
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
) -> Response:
    try:
        with session.begin_nested():  # a refusal leaves nothing half-done
            batch = batches.make_batch(
                session,
                branch_id,
                actor=actor,
                date_from=parse_date(day_from, "from"),
                date_to=parse_date(day_to, "to"),
                now=now(),
            )
    except REFUSED as exc:
        error = explain(exc, translator(language(request)))
        return _branch_page(
            request,
            session,
            actor,
            branch_id,
            day_from=day_from,
            day_to=day_to,
            error=error,
            status_code=status_of(exc),
        )
    return RedirectResponse(f"{PREFIX}/payout-batches/{batch.id}?done=made", status_code=303)


def _batch_page(
    request: Request,
    session: Session,
    actor: Actor,
    batch_id: int,
    *,
    done: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    limit_worker_reads(request, actor)  # the workers' names: a worker read
    view = batches.batch_view(session, batch_id, actor=actor)
    branch = session.get_one(Branch, view.branch_id)
    context = {
        "view": view,
        "batch": view.batch,
        "branch": branch,
        "methods": METHODS,
        "today": now().astimezone(ZoneInfo(branch.timezone)).date().isoformat(),
        "done": done,
        "error": error,
        "period": _period,
        "when": _when(branch.timezone),
    }
    return render(request, "payout_batch.html", context, actor=actor, status_code=status_code)


@router.get("/payout-batches/{batch_id}")
def batch_page(
    request: Request,
    batch_id: IdPath,
    done: str = "",
    actor: Actor = BOARD,  # an owner reads (not marked nor deleted: read_only)
    session: Session = DB,
) -> Response:
    shown = done if done in ("made", "marked") else None
    return _batch_page(request, session, actor, batch_id, done=shown)


@router.get("/payout-batches/{batch_id}/bank.csv")
def bank_csv(
    request: Request, batch_id: IdPath, actor: Actor = BOARD, session: Session = DB
) -> Response:
    """The bank's file, as GET /api/v1/payout-batches/{id}?format=csv gives it."""
    limit_worker_reads(request, actor)
    view = batches.batch_view(session, batch_id, actor=actor)
    name = f"payout-batch-{batch_id}-{view.date_from}-{view.date_to}.csv"
    return csv_for(request, batches.bank_table(view), name)


def _paid_at(session: Session, batch_id: int, actor: Actor, day: date) -> datetime:
    """Noon of the day in the branch's zone; today's, no later than now (a later day is
    refused by the rule: not in the future)."""
    batch = batches.get_batch(session, batch_id, actor)
    zone = ZoneInfo(session.get_one(Branch, batch.branch_id).timezone)
    at = datetime.combine(day, time(12), zone)
    moment = now()
    return min(at, moment) if day == moment.astimezone(zone).date() else at


@router.post("/payout-batches/{batch_id}/paid", dependencies=[Depends(csrf_checked)])
def mark_paid(
    request: Request,
    batch_id: IdPath,
    paid_on: str = Form("", max_length=20),
    method: str = Form("", alias="payout_method", max_length=10),
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
) -> Response:
    try:
        with session.begin_nested():
            day = parse_date(paid_on, "paid_at")
            at = _paid_at(session, batch_id, actor, day)
            batches.mark_paid(session, batch_id, actor=actor, paid_at=at, method=method, now=now())
    except REFUSED as exc:
        error = explain(exc, translator(language(request)))
        return _batch_page(
            request, session, actor, batch_id, error=error, status_code=status_of(exc)
        )
    return RedirectResponse(f"{PREFIX}/payout-batches/{batch_id}?done=marked", status_code=303)


@router.post("/payout-batches/{batch_id}/delete", dependencies=[Depends(csrf_checked)])
def delete_batch(
    request: Request, batch_id: IdPath, actor: Actor = Depends(OFFICE), session: Session = DB
) -> Response:
    try:
        with session.begin_nested():
            branch_id = batches.get_batch(session, batch_id, actor).branch_id
            batches.delete_batch(session, batch_id, actor=actor)
    except REFUSED as exc:
        error = explain(exc, translator(language(request)))
        return _batch_page(
            request, session, actor, batch_id, error=error, status_code=status_of(exc)
        )
    return RedirectResponse(f"{PREFIX}/branches/{branch_id}/payouts", status_code=303)
