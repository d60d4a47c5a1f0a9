"""The reports' royalty: the statements' figure (dispatch/billing/royalties.py), not a share of
the rollups' revenue. royalty = the organisation's rate x the net of the invoices its branches
issued (issued_on, the branch's local date), rounded once per organisation and month, the
statement's unit; so a calendar month's total is the sum of that month's statements. Invoices
are few (one per client and billing period), so they are read as they are."""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Date, Integer, cast, extract, func, select
from sqlalchemy.orm import Session

from dispatch.billing.models import Invoice
from dispatch.billing.royalties import royalty_of, royalty_rate
from dispatch.models import Branch
from dispatch.network.models import Organisation

ZERO = Decimal("0.00")
# The groupings an invoice answers (its branch, client and issue date); an invoice is not
# split by site, skill or start hour: those rows carry no royalty, their totals do.
KEYS: dict[str, Any] = {
    "branch": lambda: Invoice.branch_id,
    "client": lambda: Invoice.client_id,
    "day": lambda: Invoice.issued_on,
    "weekday": lambda: cast(extract("isodow", Invoice.issued_on), Integer),
    "month": lambda: cast(func.date_trunc("month", Invoice.issued_on), Date),
}


def royalties(
    session: Session,
    where: list[ColumnElement[bool]],
    first: date,
    last: date,
    group_by: str | None = None,
) -> dict[Any, Decimal]:
    """The royalty of the invoices issued first..last (inclusive) under `where` (over
    Invoice.branch_id), by the grouping's key (None: one total under the key None)."""
    key = KEYS[group_by]() if group_by else None
    month = cast(func.date_trunc("month", Invoice.issued_on), Date)
    query = (
        select(
            Branch.organisation_id,
            month.label("month"),
            *([key.label("key")] if key is not None else []),
            func.sum(Invoice.net).label("turnover"),
        )
        .join(Branch, Branch.id == Invoice.branch_id)
        .where(*where, Invoice.issued_on.between(first, last))
        .group_by(Branch.organisation_id, month, *([key] if key is not None else []))
    )
    found: dict[Any, Decimal] = defaultdict(lambda: ZERO)
    rates: dict[int | None, Decimal] = {}
    for row in session.execute(query).mappings():
        org_id = row["organisation_id"]
        if org_id not in rates:
            owner = session.get(Organisation, org_id) if org_id is not None else None
            rates[org_id] = royalty_rate(owner)
        found[row.get("key")] += royalty_of(row["turnover"], rates[org_id])
    return dict(found)


def total(session: Session, where: list[ColumnElement[bool]], first: date, last: date) -> Decimal:
    return royalties(session, where, first, last).get(None, ZERO)
