"""The branch's invoices in the console: the list, a form for a new one with a preview of
the lines it takes and those it leaves out (and why), and the invoice's and act's PDF and CSV.
The rules are dispatch/billing's; this page only shows and asks."""

from datetime import date, timedelta
from typing import Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.billing.invoice_words import WORDS
from api.console.errors import explain
from api.console.i18n import translator
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB
from api.errors import status_of
from api.schemas.common import IdPath
from core.clock import now
from core.errors import DomainError
from core.tenancy import Actor
from dispatch.billing import documents, service
from dispatch.billing.pdf import file_of
from dispatch.enums import MANAGERS

router = APIRouter(prefix=PREFIX, include_in_schema=False)
READERS = staff(*MANAGERS, "owner")
MAKERS = staff(*MANAGERS)

i18n.add(WORDS)


def _last_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    form: dict | None = None,
    preview: list | None = None,
    error: str | None = None,
    status: int = 200,
):
    first, last = _last_month(now().date())
    invoices = service.list_invoices(session, actor=actor)
    context = {
        "invoices": invoices,
        "client_names": service.client_names(session, invoices),
        "clients": service.clients_to_invoice(session, actor=actor),
        "form": form or {"client_id": None, "from": first.isoformat(), "to": last.isoformat()},
        "preview": preview,
        "error": error,
        "made": request.query_params.get("made"),
    }
    return render(request, "invoices.html", context, actor=actor, status_code=status)


@router.get("/invoices")
def invoices_page(
    request: Request,
    client_id: int | None = Query(None, ge=1, le=2**31 - 1),
    first: date | None = Query(None, alias="invoice_from"),
    last: date | None = Query(None, alias="invoice_to"),
    actor: Actor = Depends(READERS),
    session: Session = DB,
) -> Response:
    """The list; with a client and a period, the preview of the invoice they would make."""
    if client_id is None or first is None or last is None:
        return _page(request, session, actor)
    form = {"client_id": client_id, "from": first.isoformat(), "to": last.isoformat()}
    try:
        preview = service.preview(
            session, actor=actor, client_id=client_id, first=first, last=last, now=now()
        )
    except DomainError as exc:
        error = explain(exc, translator(language(request)))
        return _page(request, session, actor, form=form, error=error, status=status_of(exc))
    return _page(request, session, actor, form=form, preview=preview)


@router.post("/invoices", dependencies=[Depends(csrf_checked)])
def make_invoice(
    request: Request,
    client_id: int = Form(..., ge=1, le=2**31 - 1),
    first: date = Form(..., alias="invoice_from"),
    last: date = Form(..., alias="invoice_to"),
    actor: Actor = Depends(MAKERS),
    session: Session = DB,
) -> Response:
    form = {"client_id": client_id, "from": first.isoformat(), "to": last.isoformat()}
    try:
        with session.begin_nested():  # a refusal leaves nothing half-done
            invoice = service.create_invoice(
                session, actor=actor, client_id=client_id, first=first, last=last, now=now()
            )
    except DomainError as exc:
        error = explain(exc, translator(language(request)))
        return _page(request, session, actor, form=form, error=error, status=status_of(exc))
    query = urlencode({"made": invoice.number})
    return RedirectResponse(f"{PREFIX}/invoices?{query}#invoice-{invoice.id}", status_code=303)


@router.get("/invoices/{invoice_id}/file")
def invoice_file(
    request: Request,
    invoice_id: IdPath,
    kind: Literal["invoice", "act"] = Query("invoice", alias="doc_kind"),
    fmt: Literal["pdf", "csv"] = Query("pdf", alias="doc_format"),
    actor: Actor = Depends(READERS),
    session: Session = DB,
) -> Response:
    """The invoice's or act's PDF or CSV, in the reader's language."""
    invoice = service.get_invoice(session, invoice_id, actor=actor)
    doc = documents.document(session, invoice, kind=kind, language=language(request))
    body, media, name = file_of(doc, fmt)
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
