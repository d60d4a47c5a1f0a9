"""Invoices: made by the branch's managers for one client and a period, from the lines
dispatch/billing/lines.py lets in; numbered per branch and year; read by the office, the
organisation's owner and the client's own users."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import audit
from core.db import locked
from core.errors import InvalidInput
from core.money import money
from core.tenancy import Actor
from dispatch.billing.errors import (
    InvoiceLineTaken,
    InvoiceNotFound,
    InvoicesManagersOnly,
    LegalDetailsMissing,
    NothingToInvoice,
)
from dispatch.billing.lines import Candidate, candidates
from dispatch.billing.models import Invoice, InvoiceLine
from dispatch.client_models import INVOICE_LINE_KEY
from dispatch.enums import MANAGERS
from dispatch.models import Branch, Client, Order, Site
from dispatch.registry.errors import ClientNotFound

ZERO = Decimal("0.00")
MAX_PERIOD_DAYS = 366
FIRST_YEAR, LAST_YEAR = 2000, 2999  # a date out of these is a typing slip, not a period
READERS = (*MANAGERS, "owner")  # and a client's own users, their client's invoices
# What an invoice cannot go out without (an INN of 10 digits is a company's: it has a KPP).
BRANCH_DETAILS = ("legal_name", "inn", "legal_address", "bank_name", "bik", "bank_account")
CLIENT_DETAILS = ("inn", "legal_address")
# The details copied onto the invoice (Invoice.seller, Invoice.buyer; migration 0055 too).
SELLER = (*BRANCH_DETAILS, "kpp", "ogrn", "correspondent_account")
BUYER = ("name", *CLIENT_DETAILS, "kpp", "ogrn")
Details = dict[str, str | None]


def amounts(net: Decimal, vat_rate: Decimal | None) -> tuple[Decimal, Decimal]:
    """VAT (net x rate, half up to the kopeck; 0 without VAT) and the total."""
    vat = money(net * vat_rate) if vat_rate is not None else ZERO
    return vat, money(net + vat)


def snapshot(branch: Branch, client: Client) -> tuple[Details, Details]:
    """The seller's (branch's) and the buyer's (client's) details as they are now."""
    return (
        {name: getattr(branch, name) for name in SELLER},
        {name: getattr(client, name) for name in BUYER},
    )


def check_details(seller: Details, buyer: Details) -> None:
    """The first missing legal detail, named ("client.inn"): 422, nothing written."""
    for side, row, names in (
        ("branch", seller, BRANCH_DETAILS),
        ("client", buyer, CLIENT_DETAILS),
    ):
        for name in names:
            if not (row.get(name) or "").strip():
                raise LegalDetailsMissing(f"{side}.{name}")
        if len(row.get("inn") or "") == 10 and not (row.get("kpp") or "").strip():
            raise LegalDetailsMissing(f"{side}.kpp")


def _client_seen(session: Session, client_id: int, actor: Actor) -> Client:
    client = session.get(Client, client_id)
    if client is None or not actor.sees_branch(client.branch_id):
        raise ClientNotFound(client_id)
    return client


def _check_period(first: date, last: date) -> None:
    for name, day in (("from", first), ("to", last)):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise InvalidInput(name, f"is not a date between {FIRST_YEAR} and {LAST_YEAR}")
    if last < first:
        raise InvalidInput("to", "is before from")
    if (last - first).days > MAX_PERIOD_DAYS:
        raise InvalidInput("to", f"a period is at most {MAX_PERIOD_DAYS} days")


def preview(
    session: Session, *, actor: Actor, client_id: int, first: date, last: date, now: datetime
) -> list[Candidate]:
    """The lines an invoice would take now, and those it would leave out (with the reason)."""
    if actor.role not in MANAGERS:
        raise InvoicesManagersOnly()
    _check_period(first, last)
    client = _client_seen(session, client_id, actor)
    branch = session.get_one(Branch, client.branch_id)
    return candidates(session, branch, client, first, last, now)


def _next_seq(session: Session, branch_id: int, year: int) -> int:
    """The branch's next number of the year; the caller holds the branch row's lock, and a
    rolled-back invoice leaves no gap (the number is the count of the rows kept)."""
    last = session.scalar(
        select(func.max(Invoice.seq)).where(Invoice.branch_id == branch_id, Invoice.year == year)
    )
    return (last or 0) + 1


def _violated(exc: IntegrityError) -> str | None:
    """The name of the constraint the database refused the write by."""
    diag = getattr(exc.orig, "diag", None)
    return getattr(diag, "constraint_name", None)


def create_invoice(
    session: Session, *, actor: Actor, client_id: int, first: date, last: date, now: datetime
) -> Invoice:
    if actor.role not in MANAGERS:
        raise InvoicesManagersOnly()
    _check_period(first, last)
    client = _client_seen(session, client_id, actor)
    # The house's lock order: the period's orders first (what a dispute, a settlement or a
    # correction of a line locks), then the branch row, under which the number is taken.
    found = candidates(
        session, session.get_one(Branch, client.branch_id), client, first, last, now, lock=True
    )
    branch = session.scalars(locked(select(Branch).where(Branch.id == client.branch_id))).one()
    seller, buyer = snapshot(branch, client)
    check_details(seller, buyer)
    taken = [c for c in found if not c.left_out]
    if not taken:
        raise NothingToInvoice()
    net = money(sum((c.amount for c in taken), ZERO))
    vat, total = amounts(net, branch.vat_rate)
    today = now.astimezone(ZoneInfo(branch.timezone)).date()
    seq = _next_seq(session, branch.id, today.year)
    invoice = Invoice(
        branch_id=branch.id,
        client_id=client.id,
        number=f"{branch.code}-{today.year}-{seq:04d}",
        year=today.year,
        seq=seq,
        issued_on=today,
        period_from=first,
        period_to=last,
        net=net,
        vat_rate=branch.vat_rate,
        vat=vat,
        total=total,
        created_by=actor.user_id,
        seller=seller,
        buyer=buyer,
    )
    try:
        with session.begin_nested():
            session.add(invoice)
            session.flush()
            session.add_all(
                InvoiceLine(
                    invoice_id=invoice.id,
                    order_id=c.order.id,
                    worker_id=c.line.worker_id,
                    hours=c.line.billed_hours,
                    amount=c.amount,
                )
                for c in taken
            )
            session.flush()
    except IntegrityError as exc:
        if _violated(exc) == INVOICE_LINE_KEY:  # a line another invoice took first
            raise InvoiceLineTaken() from exc
        raise  # any other violation is a defect, not a race: it says so
    audit.log(
        session,
        actor,
        "invoice.create",
        "invoice",
        [invoice.id],
        branch.id,
        number=invoice.number,
        client_id=client.id,
        lines=len(taken),
        total=str(total),
    )
    return invoice


def get_invoice(session: Session, invoice_id: int, *, actor: Actor) -> Invoice:
    """The invoice if the actor may read it: a stranger's is not found (404), not refused."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise InvoiceNotFound(invoice_id)
    if actor.is_client:
        if actor.client_id != invoice.client_id:
            raise InvoiceNotFound(invoice_id)
    elif actor.role not in READERS or not actor.sees_branch(invoice.branch_id):
        raise InvoiceNotFound(invoice_id)
    return invoice


def list_invoices(session: Session, *, actor: Actor, limit: int = 200) -> list[Invoice]:
    """The invoices the actor reads, newest first."""
    query = select(Invoice).order_by(Invoice.issued_on.desc(), Invoice.id.desc()).limit(limit)
    if actor.is_client:
        query = query.where(Invoice.client_id == actor.client_id)
    elif actor.role not in READERS:
        return []
    else:
        query = query.where(actor.branch_filter(Invoice.branch_id))
    return list(session.scalars(query))


@dataclass(frozen=True)
class Group:
    """The invoice's lines of one order, as the documents show them (no worker names)."""

    day: date
    order_code: str
    site: str
    skill: str
    workers: int
    hours: Decimal
    rate: Decimal
    at_rate: Decimal  # rate x hours, to the kopeck
    surcharge: Decimal  # night and day-off surcharges (and the lines' own roundings)
    amount: Decimal  # at_rate + surcharge: the lines' client amounts


def groups(session: Session, invoice: Invoice) -> list[Group]:
    rows = session.execute(
        select(
            Order.starts_at,
            Order.code,
            Site.name,
            Order.skill,
            Order.client_rate,
            func.count(InvoiceLine.id),
            func.sum(InvoiceLine.hours),
            func.sum(InvoiceLine.amount),
        )
        .join(Order, Order.id == InvoiceLine.order_id)
        .join(Site, Site.id == Order.site_id)
        .where(InvoiceLine.invoice_id == invoice.id)
        .group_by(Order.id, Site.name)
        .order_by(Order.starts_at, Order.id)
    ).all()
    zone = ZoneInfo(session.get_one(Branch, invoice.branch_id).timezone)
    return [
        Group(
            day=starts.astimezone(zone).date(),
            order_code=code,
            site=site,
            skill=skill,
            workers=count,
            hours=money(hours),
            rate=money(rate),
            at_rate=money(rate * hours),
            surcharge=money(amount) - money(rate * hours),
            amount=money(amount),
        )
        for starts, code, site, skill, rate, count, hours, amount in rows
    ]


def clients_to_invoice(session: Session, *, actor: Actor) -> list[Client]:
    """The clients of the branches the actor invoices for (the console's form)."""
    if actor.role not in MANAGERS:
        return []
    query = select(Client).where(actor.branch_filter(Client.branch_id)).order_by(Client.name)
    return list(session.scalars(query.limit(1000)))


def client_names(session: Session, invoices: list[Invoice]) -> dict[int, str]:
    """The names of the invoices' clients, by id (the invoices' list shows them)."""
    ids = {invoice.client_id for invoice in invoices}
    if not ids:
        return {}
    rows = session.execute(select(Client.id, Client.name).where(Client.id.in_(ids)))
    return {client_id: name for client_id, name in rows}
