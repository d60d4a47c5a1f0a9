"""Invoices and acts (JSON, PDF, CSV) and the franchisees' royalty statements (issue 21)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from api.deps import DB, MANAGERS, require
from api.routes.billing.schemas import InvoiceIn, InvoiceOut, RoyaltyOut
from api.schemas.common import IdPath
from core.clock import now
from core.tenancy import Actor
from dispatch.billing import documents, royalties, service
from dispatch.billing.pdf import file_of

router = APIRouter(prefix="/api/v1")

INVOICE_READERS = (*MANAGERS, "owner", "client")
ROYALTY_READERS = ("admin", "owner")
Format = Annotated[Literal["json", "pdf", "csv"], Query(alias="format")]
Kind = Annotated[Literal["invoice", "act"], Query()]
Language = Annotated[Literal["ru", "en"], Query()]


def _file(body: bytes, media: str, name: str) -> Response:
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.post("/invoices", status_code=201, response_model=InvoiceOut, tags=["billing"])
def create_invoice(
    body: InvoiceIn, actor: Actor = Depends(require(*MANAGERS)), session: Session = DB
) -> InvoiceOut:
    """An invoice of the client's lines of the period that may be invoiced (docs/billing.md);
    409 nothing_to_invoice when none may, 422 legal_details_missing naming the field."""
    invoice = service.create_invoice(
        session, actor=actor, client_id=body.client_id, first=body.from_, last=body.to, now=now()
    )
    return InvoiceOut.of(invoice, service.groups(session, invoice))


@router.get("/invoices", response_model=list[InvoiceOut], tags=["billing"])
def list_invoices(
    actor: Actor = Depends(require(*INVOICE_READERS)), session: Session = DB
) -> list[InvoiceOut]:
    return [
        InvoiceOut.of(i, service.groups(session, i))
        for i in service.list_invoices(session, actor=actor)
    ]


@router.get(
    "/invoices/{invoice_id}",
    response_model=InvoiceOut,
    responses={
        200: {
            "content": {"application/pdf": {}, "text/csv": {}},
            "description": "JSON, or the invoice's (document=act: the act's) PDF or CSV with "
            "format=pdf|csv, in the language of ?lang= (Russian by default)",
        }
    },
    tags=["billing"],
)
def get_invoice(
    invoice_id: IdPath,
    fmt: Format = "json",
    document: Kind = "invoice",
    lang: Language = "ru",
    actor: Actor = Depends(require(*INVOICE_READERS)),
    session: Session = DB,
) -> InvoiceOut | Response:
    """The invoice; ?format=pdf|csv its document, &document=act the act of services."""
    invoice = service.get_invoice(session, invoice_id, actor=actor)
    if fmt == "json":
        return InvoiceOut.of(invoice, service.groups(session, invoice))
    doc = documents.document(session, invoice, kind=document, language=lang)
    return _file(*file_of(doc, fmt))


@router.get(
    "/organisations/{organisation_id}/royalties",
    response_model=RoyaltyOut,
    responses={200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv"}},
    tags=["billing"],
)
def royalty_statement(
    organisation_id: IdPath,
    month: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", examples=["2026-11"])],
    fmt: Format = "json",
    lang: Language = "ru",
    actor: Actor = Depends(require(*ROYALTY_READERS)),
    session: Session = DB,
) -> RoyaltyOut | Response:
    """What the organisation owes for the month: royalty_rate x the net of its branches'
    invoices issued that month (an own organisation: not applicable, 0)."""
    first = royalties.parse_month(month)
    statement = royalties.statement(session, organisation_id, actor=actor, month=first)
    if fmt == "csv":
        return _file(
            royalties.as_csv(statement, lang), "text/csv; charset=utf-8", f"royalties-{month}.csv"
        )
    return RoyaltyOut.of(statement)
