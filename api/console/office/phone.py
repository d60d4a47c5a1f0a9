"""The phone simulator (outbox mode only): a worker's thread as their phone would show it, and
their reply posted to our own webhook as Twilio would post it."""

import hashlib
import secrets

import httpx
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator

from api.console import i18n
from api.console.registry.workers import Office, Reader, common_context
from api.console.web import PREFIX, PageRefused, csrf_checked, language, render
from api.deps import DB, limit_worker_reads
from api.schemas.common import IdPath
from core import audit
from core.settings import Settings
from core.tenancy import Actor
from dispatch.texts.messaging import since
from sms.enums import MessageStatus
from sms.models import Message
from workers import service as workers
from workers.models import Worker

router = APIRouter(prefix=PREFIX, include_in_schema=False)

BODY_MAX = 1600  # Twilio's longest message body
THREAD = 100  # messages the phone shows
SIM_SID = "SMsim"  # simulated replies: 'SMsim' + 29 random hex digits, 34 like Twilio's ids


def outbox_only(request: Request) -> None:
    """With Twilio sending for real there is nothing to simulate: the pages are not there."""
    if request.app.state.settings.resolved_sms_backend != "outbox":
        raise PageRefused(404, "phone_outbox_only")


Outbox = Depends(outbox_only)


def post_inbound(url: str, fields: dict[str, str], headers: dict[str, str]) -> int:
    """POST a form to our own webhook and give its HTTP status (tests swap this out)."""
    return httpx.post(url, data=fields, headers=headers, timeout=5.0).status_code


def twilio_form(settings: Settings, *, phone: str, body: str) -> dict[str, str]:
    """The fields Twilio posts for an inbound SMS."""
    return {
        "MessageSid": SIM_SID + secrets.token_hex(15)[:29],
        "AccountSid": settings.twilio_account_sid or "AC" + "0" * 32,
        "From": phone,
        "To": settings.twilio_from or "simulator",
        "Body": body,
        "NumMedia": "0",
    }


def _conversation(session: Session, worker: Worker) -> list[Message]:
    """Oldest first: texts to and from the worker, and replies the inbox job has not yet tied
    to the worker (received, known only by the phone number; a partial index finds them)."""
    pending = and_(Message.status == MessageStatus.RECEIVED, Message.phone == worker.phone)
    query = (
        select(Message)
        .where(or_(Message.worker_id == worker.id, pending), since(worker.created_at))
        .order_by(Message.id.desc())
        .limit(THREAD)
    )
    return list(reversed(session.scalars(query).all()))


def _version(messages: list[Message]) -> str:
    """Changes when a message comes or moves on: the poll swaps only then."""
    seen = ";".join(f"{m.id}:{m.status}" for m in messages)
    return hashlib.sha256(seen.encode()).hexdigest()[:16]


@router.get("/phone", dependencies=[Outbox])
def phone_pick(request: Request, q: str = "", actor: Actor = Reader, session: Session = DB):
    found = workers.search_workers(session, actor=actor, text=q)
    context = {"q": q, "found": found}
    context.update(common_context(session, request, actor))
    return render(request, "phone_pick.html", context, actor=actor)


def _phone(
    request: Request,
    session: Session,
    actor: Actor,
    worker_id: int,
    *,
    body: str = "",
    errors: dict[str, str] | None = None,
    alert: str | None = None,
    status_code: int = 200,
) -> Response:
    worker = workers.read_worker(session, worker_id, actor=actor)  # audited
    messages = _conversation(session, worker)
    context = {
        "worker": worker,
        "messages": messages,
        "version": _version(messages),
        "body": body,
        "errors": errors or {},
        "alert": alert,
        "body_max": BODY_MAX,
    }
    context.update(common_context(session, request, actor))
    return render(request, "phone_worker.html", context, actor=actor, status_code=status_code)


@router.get("/phone/{worker_id}", dependencies=[Outbox])
def phone_page(request: Request, worker_id: IdPath, actor: Actor = Reader, session: Session = DB):
    return _phone(request, session, actor, worker_id)


@router.get("/phone/{worker_id}/thread", dependencies=[Outbox])
def phone_thread(
    request: Request, worker_id: IdPath, v: str = "", actor: Actor = Office, session: Session = DB
) -> Response:
    """The poll's fragment; 204 (htmx keeps what it has) when nothing changed. Not audited:
    it repeats every 2 s, and opening the page audited the read."""
    worker = workers.find_worker(session, worker_id, actor=actor)
    messages = _conversation(session, worker)
    version = _version(messages)
    if v == version:
        return Response(status_code=204)
    context = {"worker": worker, "messages": messages, "version": version}
    context.update(common_context(session, request, actor))
    return render(request, "phone_thread.html", context, actor=actor)


@router.post("/phone/{worker_id}/reply", dependencies=[Outbox, Depends(csrf_checked)])
def phone_reply(
    request: Request,
    worker_id: IdPath,
    body: str = Form(default=""),
    actor: Actor = Office,
    session: Session = DB,
) -> Response:
    """The worker's reply, posted to /sms/inbound exactly as Twilio would post it: signed for
    our public URL, so the signature check, the storage and the inbox job are the real path."""
    t = i18n.translator(language(request))
    worker = workers.find_worker(session, worker_id, actor=actor)
    text = body.strip()
    problem = None
    if not text:
        problem = t("phone_body_required")
    elif len(text) > BODY_MAX:
        problem = t("phone_body_too_long")
    elif "\x00" in text:
        problem = t("phone_bad_text")
    if problem:  # nothing sent: showing the page again is a read like opening it
        limit_worker_reads(request, actor)
        return _phone(
            request, session, actor, worker.id, body=body, errors={"body": problem}, status_code=422
        )
    settings: Settings = request.app.state.settings
    url = settings.public_url.rstrip("/") + "/sms/inbound"
    fields = twilio_form(settings, phone=worker.phone, body=text)
    headers = {}
    if settings.twilio_auth_token:
        signature = RequestValidator(settings.twilio_auth_token).compute_signature(url, fields)
        headers["X-Twilio-Signature"] = signature
    # Nothing is written yet: end the read, so no transaction (nor pooled connection) is held
    # while the webhook, which needs one of its own, is called.
    session.commit()
    try:
        answered = post_inbound(url, fields, headers)
    except httpx.HTTPError as exc:
        alert: str | None = t("phone_unreachable").format(error=str(exc) or type(exc).__name__)
    else:
        alert = None if answered == 200 else t("phone_refused").format(status=answered)
    audit.log(
        session,
        actor,
        "phone.reply",
        "worker",
        [worker.id],
        worker.branch_id,
        provider_sid=fields["MessageSid"],
        accepted=alert is None,
    )
    if alert is None:
        return RedirectResponse(f"{PREFIX}/phone/{worker.id}#reply", status_code=303)
    return _phone(request, session, actor, worker.id, body=body, alert=alert, status_code=502)
