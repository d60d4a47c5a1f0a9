"""The recruiter's pages: the branch's applicants (dispatch/applicants/recruiting.py decides,
audits and texts), an applicant's card with the invitation, the approval (a vetting: the
passport and any work patent seen, as on the worker's vetting page) and the refusal."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain
from api.console.i18n import translator
from api.console.recruiting.words import WORDS
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB, WORKER_DESK, limit_worker_reads
from api.errors import status_of
from api.schemas.common import IdPath
from core.clock import now
from core.dates import DateInvalid, parse_date
from core.errors import Conflict, InvalidInput, NotFound
from core.tenancy import Actor
from dispatch.applicants import recruiting
from sms.templates import skill_name
from workers.vetting import Document

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Recruiter = Depends(staff(*WORKER_DESK))
i18n.add(WORDS)


def _view(request: Request) -> dict:
    lang = language(request)
    return {
        "skill_name": lambda skill: skill_name(skill, lang),
        "language_name": lambda code: translator(lang)(f"recruiting_lang_{code}"),
    }


def _local(row: recruiting.Row):
    zone = ZoneInfo(row.branch.timezone)
    return lambda at: at.astimezone(zone).strftime("%d.%m.%Y %H:%M") if at else ""


@router.get("/recruiting")
def queue_page(request: Request, actor: Actor = Recruiter, session: Session = DB) -> Response:
    limit_worker_reads(request, actor)  # names and phones are shown
    rows = recruiting.queue(session, actor=actor)
    context = {"rows": [(row, _local(row)) for row in rows], **_view(request)}
    return render(request, "recruiting.html", context, actor=actor)


def _card(
    request: Request,
    session: Session,
    actor: Actor,
    applicant_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    limit_worker_reads(request, actor)
    row = recruiting.read(session, applicant_id, actor=actor)  # audited
    context = {
        "row": row,
        "local": _local(row),
        "errors": errors or {},
        "values": values or {},
        "done": request.query_params.get("done", ""),
        "waiting": row.applicant.status in recruiting.WAITING,
        "place_max": recruiting.PLACE_MAX,
        **_view(request),
    }
    return render(request, "recruiting_card.html", context, actor=actor, status_code=status_code)


@router.get("/recruiting/{applicant_id}")
def card_page(
    request: Request, applicant_id: IdPath, actor: Actor = Recruiter, session: Session = DB
) -> Response:
    return _card(request, session, actor, applicant_id)


def _done(applicant_id: int, done: str) -> Response:
    return RedirectResponse(f"{PREFIX}/recruiting/{applicant_id}?done={done}", 303)


@router.post("/recruiting/{applicant_id}/invite", dependencies=[Depends(csrf_checked)])
def invite(
    request: Request,
    applicant_id: IdPath,
    at: str = Form("", max_length=40),
    place: str = Form("", max_length=200),
    actor: Actor = Recruiter,
    session: Session = DB,
) -> Response:
    t = translator(language(request))
    values = {"at": at, "place": place}
    try:
        when = datetime.fromisoformat(at.strip())
    except ValueError:
        errors = {"at": t("recruiting_bad_time")}
        return _card(request, session, actor, applicant_id, errors=errors, values=values,
                     status_code=422)  # fmt: skip
    try:
        with session.begin_nested():
            recruiting.invite(
                session, applicant_id, actor=actor, at=when.replace(tzinfo=None), place=place,
                now=now(),
            )  # fmt: skip
    except (InvalidInput, Conflict, NotFound) as exc:
        field = exc.loc[-1] if isinstance(exc, InvalidInput) else "invite"
        return _card(request, session, actor, applicant_id, errors={str(field): explain(exc, t)},
                     values=values, status_code=status_of(exc))  # fmt: skip
    return _done(applicant_id, "invited")


def _documents(passport: str, patent: str, expires: str) -> tuple[list[Document], list[str]]:
    docs: list[Document] = []
    if passport.strip():
        docs.append(Document("passport", passport))
    if patent.strip() or expires.strip():
        until: date | None = parse_date(expires, "patent_expires_on") if expires.strip() else None
        docs.append(Document("patent", patent, until))
    return docs, [d.kind for d in docs]


def _field(exc: InvalidInput, kinds: list[str]) -> str:
    """The domain's field (documents.1.expires_on) as the form's (patent_expires_on)."""
    parts = [str(p) for p in exc.loc[1:]]
    if parts[:1] == ["documents"]:
        if len(parts) >= 3 and parts[1].isdigit() and int(parts[1]) < len(kinds):
            kind, name = kinds[int(parts[1])], parts[2]
            return f"{kind}_{'number' if name in ('number', 'kind') else name}"
        return "passport_number"
    return parts[0] if parts and parts[0] in ("note", "patent_expires_on") else "approve"


@router.post("/recruiting/{applicant_id}/approve", dependencies=[Depends(csrf_checked)])
def approve(
    request: Request,
    applicant_id: IdPath,
    passport_number: str = Form("", max_length=100),
    patent_number: str = Form("", max_length=100),
    patent_expires_on: str = Form("", max_length=40),
    note: str = Form("", max_length=1100),
    actor: Actor = Recruiter,
    session: Session = DB,
) -> Response:
    t = translator(language(request))
    values = {
        "passport_number": passport_number,
        "patent_number": patent_number,
        "patent_expires_on": patent_expires_on,
        "note": note,
    }
    kinds: list[str] = []
    try:
        docs, kinds = _documents(passport_number, patent_number, patent_expires_on)
        with session.begin_nested():  # a refusal writes nothing: no worker, no vetting
            worker = recruiting.approve(
                session, applicant_id, actor=actor, documents=docs, note=note, now=now()
            )
    except DateInvalid as exc:
        errors = {"patent_expires_on": explain(exc, t)}
    except InvalidInput as exc:
        errors = {_field(exc, kinds): explain(exc, t)}
    except (Conflict, NotFound) as exc:
        errors = {"approve": explain(exc, t)}
    else:
        return RedirectResponse(
            f"{PREFIX}/recruiting/{applicant_id}?done=approved&worker={worker.id}", 303
        )
    return _card(request, session, actor, applicant_id, errors=errors, values=values,
                 status_code=422)  # fmt: skip


@router.post("/recruiting/{applicant_id}/refuse", dependencies=[Depends(csrf_checked)])
def refuse(
    request: Request,
    applicant_id: IdPath,
    reason: str = Form("", max_length=1100),
    actor: Actor = Recruiter,
    session: Session = DB,
) -> Response:
    t = translator(language(request))
    try:
        with session.begin_nested():
            recruiting.refuse(session, applicant_id, actor=actor, note=reason, now=now())
    except (InvalidInput, Conflict, NotFound) as exc:
        return _card(request, session, actor, applicant_id, errors={"reason": explain(exc, t)},
                     values={"reason": reason}, status_code=status_of(exc))  # fmt: skip
    return _done(applicant_id, "refused")
