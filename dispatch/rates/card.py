"""The branch's rate card and the ONE lookup of the rates an order takes (docs/rates.md).

A card row is the branch's (client_id None: rate_cards) or one client's (client_rates, the
rates agreed with that client, also edited on the client's page): per skill the client rate,
the worker rate, the night and day-off surcharges in percent and the minimum hours. The
lookup: the client's row for the skill, else the branch's row for the skill, else none."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core import audit
from core.money import money
from core.tenancy import Actor
from dispatch.client_models import ClientRate
from dispatch.enums import MANAGERS
from dispatch.models import Branch, Client
from dispatch.rates.errors import CardManagersOnly, CardRowInvalid, CardRowTwice
from dispatch.rates.models import RateCard
from dispatch.rates.surcharges import MAX_MIN_HOURS, MAX_PCT, Terms
from dispatch.registry.service import get_branch
from workers.skills import normalise_skill

MAX_ROWS = 500  # rows in one branch's card


@dataclass(frozen=True)
class CardRow:
    skill: str
    client_id: int | None  # None: the branch's row
    client_rate: Decimal
    worker_rate: Decimal
    night_pct: int = 0
    holiday_pct: int = 0
    min_hours: Decimal = Decimal(0)

    @property
    def terms(self) -> Terms:
        return Terms(self.night_pct, self.holiday_pct, self.min_hours)

    def shown(self) -> dict[str, Any]:
        """As the audit and the API write it (money as strings)."""
        row = asdict(self)
        for name in ("client_rate", "worker_rate", "min_hours"):
            row[name] = f"{row[name]:.2f}"
        return row


def _row(stored: RateCard | ClientRate, client_id: int | None) -> CardRow:
    return CardRow(
        stored.skill,
        client_id,
        stored.client_rate,
        stored.worker_rate,
        stored.night_pct,
        stored.holiday_pct,
        stored.min_hours,
    )


def _clients_of(session: Session, branch_id: int) -> list[int]:
    return list(session.scalars(select(Client.id).where(Client.branch_id == branch_id)))


def card_rows(session: Session, branch_id: int) -> list[CardRow]:
    """The branch's rows (by skill), then its clients' rows (by client, skill)."""
    own = session.scalars(
        select(RateCard).where(RateCard.branch_id == branch_id).order_by(RateCard.skill)
    )
    clients = session.scalars(
        select(ClientRate)
        .join(Client, Client.id == ClientRate.client_id)
        .where(Client.branch_id == branch_id)
        .order_by(ClientRate.client_id, ClientRate.skill)
    )
    return [_row(r, None) for r in own] + [_row(r, r.client_id) for r in clients]


def get_card(session: Session, *, actor: Actor, branch_id: int) -> list[CardRow]:
    get_branch(session, branch_id, actor=actor)  # another's branch: 404
    return card_rows(session, branch_id)


def _field(i: int, name: str) -> tuple[str, ...]:
    return cast(tuple[str, ...], (i, name))  # loc ["body", 2, "night_pct"]: the row's index


def check_row(i: int, row: CardRow, clients: Sequence[int]) -> CardRow:
    """One row checked and normalised; a refusal names the row's field."""
    skill = normalise_skill(row.skill, field=_field(i, "skill"))
    if row.client_id is not None and row.client_id not in clients:
        raise CardRowInvalid(_field(i, "client_id"), "not a client of this branch")
    for name in ("client_rate", "worker_rate"):
        if getattr(row, name) < 0:
            raise CardRowInvalid(_field(i, name), "a rate cannot be negative")
        if getattr(row, name) >= Decimal("1e8"):
            raise CardRowInvalid(_field(i, name), "a rate must be under 100000000")
    for name in ("night_pct", "holiday_pct"):
        if not 0 <= getattr(row, name) <= MAX_PCT:
            raise CardRowInvalid(_field(i, name), f"a surcharge is 0 to {MAX_PCT} percent")
    if not 0 <= row.min_hours <= MAX_MIN_HOURS:
        raise CardRowInvalid(_field(i, "min_hours"), f"minimum hours are 0 to {MAX_MIN_HOURS}")
    return CardRow(
        skill,
        row.client_id,
        money(row.client_rate),
        money(row.worker_rate),
        row.night_pct,
        row.holiday_pct,
        money(row.min_hours),
    )


def may_write_card(actor: Actor) -> bool:
    """Who changes the card, its clients' agreed rates included: the branch's manager or an
    admin (a dispatcher sees them; the console shows them read-only)."""
    return actor.role in MANAGERS


def check_card_writer(actor: Actor) -> None:
    if not may_write_card(actor):
        raise CardManagersOnly("only a manager or an admin changes the rate card")


def lock_card(session: Session, actor: Actor, branch_id: int) -> Branch:
    """Every writer of the card (the branch's rows and a client's agreed rates) passes here:
    one rule for who may, and the branch row locked so two writers take turns."""
    check_card_writer(actor)
    return get_branch(session, branch_id, actor=actor, lock=True)


def replace_card(
    session: Session, *, actor: Actor, branch_id: int, rows: Sequence[CardRow]
) -> list[CardRow]:
    """The branch's card becomes exactly these rows (its clients' rows included: a client
    left out has no agreed rates any more). Checked whole before anything is written."""
    branch = lock_card(session, actor, branch_id)
    if len(rows) > MAX_ROWS:
        raise CardRowInvalid((), f"at most {MAX_ROWS} rows")
    clients = _clients_of(session, branch.id)
    checked: dict[tuple[int | None, str], CardRow] = {}
    for i, row in enumerate(rows):
        good = check_row(i, row, clients)
        if (good.client_id, good.skill) in checked:
            raise CardRowTwice(_field(i, "skill"), f"{good.skill} is listed twice")
        checked[(good.client_id, good.skill)] = good
    before = card_rows(session, branch.id)
    session.execute(delete(RateCard).where(RateCard.branch_id == branch.id))
    session.execute(delete(ClientRate).where(ClientRate.client_id.in_(clients)))
    for row in checked.values():
        values = asdict(row)
        client_id = values.pop("client_id")
        if client_id is None:
            session.add(RateCard(branch_id=branch.id, **values))
        else:
            session.add(ClientRate(client_id=client_id, **values))
    session.flush()
    after = card_rows(session, branch.id)
    audit.log(
        session,
        actor,
        "branch.rate_card",
        "branch",
        [branch.id],
        branch.id,
        before=[r.shown() for r in before],
        after=[r.shown() for r in after],
    )
    return after


@dataclass(frozen=True)
class Found:
    row: CardRow
    source: str  # "client": the client's own row; "card": the branch's


def lookup(session: Session, branch_id: int, client_id: int, skill: str) -> Found | None:
    """THE lookup: the client's row for the skill, else the branch's, else None."""
    agreed = session.get(ClientRate, (client_id, skill))
    if agreed is not None:
        return Found(_row(agreed, client_id), "client")
    own = session.get(RateCard, (branch_id, skill))
    if own is not None:
        return Found(_row(own, None), "card")
    return None
