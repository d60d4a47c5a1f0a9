"""Royalty statements: what a franchisee organisation owes the network for a month.

turnover = the net (without VAT) of the invoices its branches issued that month (issued_on,
the branch's local date); royalty = royalty_rate x turnover, half up to the kopeck. An "own"
organisation (the network's) pays none: its statement says so (applicable false, royalty 0)."""

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.csvsafe import BOM, STYLES, writer
from core.errors import InvalidInput
from core.money import money
from core.tenancy import Actor
from dispatch.billing.errors import RoyaltiesForbidden
from dispatch.billing.models import Invoice
from dispatch.models import Branch, Client
from dispatch.network.errors import OrganisationNotFound
from dispatch.network.models import Organisation

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Statement:
    month: date  # the month's first day
    organisation: Organisation
    applicable: bool  # a franchisee's; an own organisation pays no royalty
    rate: Decimal
    turnover: Decimal
    royalty: Decimal
    invoices: list[tuple[Invoice, str, str]]  # the invoice, its branch's code, its client


def royalty_rate(organisation: Organisation | None) -> Decimal:
    """The share of turnover an organisation pays the network: a franchisee's rate; the
    network's own offices (or a branch of none) pay nothing. The one rule: statements and the
    reports' rollups both ask it."""
    if organisation is None or organisation.kind != "franchisee":
        return Decimal("0")
    return organisation.royalty_rate


def royalty_of(turnover: Decimal, rate: Decimal) -> Decimal:
    """The royalty of a turnover (net of the invoices) at a rate, half up to the kopeck, rounded
    once per statement (organisation, month). The one rule: statements and reports ask it."""
    return money(turnover * rate)


def parse_month(text: str) -> date:
    try:
        year, month = (int(part) for part in text.split("-"))
        if not 2000 <= year <= 2999:
            raise ValueError(year)
        return date(year, month, 1)
    except ValueError:
        raise InvalidInput("month", "is not a month: YYYY-MM", location="query") from None


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _check_reader(actor: Actor, organisation_id: int) -> None:
    if actor.role == "admin" and actor.whole_network:
        return
    if actor.role == "owner":
        if actor.organisation_id != organisation_id:
            raise OrganisationNotFound(organisation_id)  # another's: as if there were none
        return
    raise RoyaltiesForbidden()


def statement(session: Session, organisation_id: int, *, actor: Actor, month: date) -> Statement:
    _check_reader(actor, organisation_id)
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise OrganisationNotFound(organisation_id)
    rows = session.execute(
        select(Invoice, Branch.code, Client.name)
        .join(Branch, Branch.id == Invoice.branch_id)
        .join(Client, Client.id == Invoice.client_id)
        .where(
            Branch.organisation_id == organisation.id,
            Invoice.issued_on >= month,
            Invoice.issued_on < _next_month(month),
        )
        .order_by(Invoice.issued_on, Invoice.number)
    ).all()
    turnover = money(sum((invoice.net for invoice, _, _ in rows), ZERO))
    applicable = organisation.kind == "franchisee"
    rate = royalty_rate(organisation)
    return Statement(
        month=month,
        organisation=organisation,
        applicable=applicable,
        rate=rate,
        turnover=turnover,
        royalty=royalty_of(turnover, rate),
        invoices=[(invoice, code, client) for invoice, code, client in rows],
    )


def statements(session: Session, *, actor: Actor, month: date) -> list[Statement]:
    """Every organisation's statement of the month the actor reads (admin: all; owner: own)."""
    if actor.role == "owner" and actor.organisation_id is not None:
        ids = [actor.organisation_id]
    else:
        _check_reader(actor, 0)
        ids = list(session.scalars(select(Organisation.id).order_by(Organisation.name)))
    return [statement(session, i, actor=actor, month=month) for i in ids]


CSV_LABELS = {
    "ru": ("Роялти", "Счёт", "Филиал", "Клиент", "Дата", "Сумма без НДС", "Оборот", "Ставка",
           "не применяется"),
    "en": ("Royalty", "Invoice", "Branch", "Client", "Date", "Net", "Turnover", "Rate",
           "not applicable"),
}  # fmt: skip


def as_csv(s: Statement, language: str = "ru") -> bytes:
    """The statement as a spreadsheet of the language opens it: its invoices, then the sums."""
    royalty, invoice_, branch_, client_, date_, net, turnover, rate_, na = CSV_LABELS[language]
    style = STYLES[language]
    out = io.StringIO()
    out.write(BOM)
    sheet = writer(out, delimiter=style.delimiter)
    sheet.writerow([royalty, s.organisation.name, s.month.strftime("%m.%Y")])
    sheet.writerow([invoice_, branch_, client_, date_, net])
    for invoice, branch, client in s.invoices:
        day = invoice.issued_on.strftime(style.date_format)
        sheet.writerow([invoice.number, branch, client, day, style.number(str(invoice.net))])
    sheet.writerow([turnover, "", "", "", style.number(str(s.turnover))])
    sheet.writerow([rate_, "", "", "", style.number(str(s.rate)) if s.applicable else na])
    sheet.writerow([royalty, "", "", "", style.number(str(s.royalty))])
    return out.getvalue().encode("utf-8")
