"""Request and response bodies of invoices and royalty statements (issue 21)."""

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import Body, Id
from dispatch.billing.models import Invoice
from dispatch.billing.royalties import Statement
from dispatch.billing.service import Group


class InvoiceIn(Body):
    model_config = ConfigDict(populate_by_name=True)
    client_id: Id
    from_: date = Field(alias="from", examples=["2026-11-01"])
    to: date = Field(examples=["2026-11-30"])


class InvoiceGroupOut(BaseModel):
    """One order's lines on the invoice (no worker names: personal data)."""

    day: date
    order_code: str
    site: str
    skill: str
    workers: int
    hours: Decimal
    rate: Decimal
    at_rate: Decimal  # rate x hours, to the kopeck
    surcharge: Decimal  # night and day-off surcharges: at_rate + surcharge = amount
    amount: Decimal

    @classmethod
    def of(cls, group: Group) -> "InvoiceGroupOut":
        return cls(**group.__dict__)


class InvoiceOut(BaseModel):
    id: int
    number: str
    branch_id: int
    client_id: int
    issued_on: date
    period_from: date
    period_to: date
    lines: list[InvoiceGroupOut]
    net: Decimal
    vat_rate: Decimal | None  # None: without VAT ("VAT not charged")
    vat: Decimal
    total: Decimal

    @classmethod
    def of(cls, invoice: Invoice, groups: list[Group]) -> "InvoiceOut":
        return cls(
            id=invoice.id,
            number=invoice.number,
            branch_id=invoice.branch_id,
            client_id=invoice.client_id,
            issued_on=invoice.issued_on,
            period_from=invoice.period_from,
            period_to=invoice.period_to,
            lines=[InvoiceGroupOut.of(g) for g in groups],
            net=invoice.net,
            vat_rate=invoice.vat_rate,
            vat=invoice.vat,
            total=invoice.total,
        )


class RoyaltyInvoiceOut(BaseModel):
    id: int
    number: str
    branch: str
    client: str
    issued_on: date
    net: Decimal


class RoyaltyOut(BaseModel):
    month: str
    organisation: dict[str, object]
    applicable: bool  # false: an own organisation pays no royalty
    rate: Decimal
    turnover: Decimal
    royalty: Decimal
    invoices: list[RoyaltyInvoiceOut]

    @classmethod
    def of(cls, s: Statement) -> "RoyaltyOut":
        org = s.organisation
        return cls(
            month=s.month.strftime("%Y-%m"),
            organisation={"id": org.id, "name": org.name, "kind": org.kind},
            applicable=s.applicable,
            rate=s.rate,
            turnover=s.turnover,
            royalty=s.royalty,
            invoices=[
                RoyaltyInvoiceOut(
                    id=inv.id,
                    number=inv.number,
                    branch=code,
                    client=client,
                    issued_on=inv.issued_on,
                    net=inv.net,
                )
                for inv, code, client in s.invoices
            ],
        )
