"""The rates a manager agreed with a client, per skill: what the client pays an hour and what
the worker is paid: the rate card's client rows (dispatch/rates/card.py, which also sets their
surcharges and minimum hours). An order placed without rates takes them (the card's lookup);
the client's own users never type rates, and see only their side (client_rate)."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core import audit
from core.money import money
from core.tenancy import Actor
from dispatch.client_models import ClientRate
from dispatch.rates.card import check_card_writer, lock_card
from dispatch.rates.errors import ClientMoved
from dispatch.registry.clients import get_client
from dispatch.registry.errors import RateInvalid
from workers.skills import normalise_skill

MAX_RATES = 100  # skills a client can have agreed rates for


@dataclass(frozen=True)
class AgreedRate:
    skill: str
    client_rate: Decimal
    worker_rate: Decimal


def list_rates(session: Session, *, actor: Actor, client_id: int) -> list[ClientRate]:
    client = get_client(session, client_id, actor=actor)  # another's client: 404
    query = select(ClientRate).where(ClientRate.client_id == client.id)
    return list(session.scalars(query.order_by(ClientRate.skill)))


def replace_rates(
    session: Session, *, actor: Actor, client_id: int, rates: Sequence[AgreedRate]
) -> list[ClientRate]:
    """The client's rates become exactly these (a skill left out has none any more)."""
    check_card_writer(actor)  # before the lookup: a dispatcher is refused alike everywhere
    client = get_client(session, client_id, actor=actor)  # another's client: 404
    branch = lock_card(session, actor, client.branch_id)  # the card's lock: branch, then client
    client = get_client(session, client_id, actor=actor, lock=True)
    if client.branch_id != branch.id:  # moved between the two reads: the lock is not its card's
        raise ClientMoved(client.id)
    if len(rates) > MAX_RATES:
        raise RateInvalid((), f"at most {MAX_RATES} rates")
    checked: dict[str, AgreedRate] = {}
    for i, rate in enumerate(rates):
        skill = normalise_skill(rate.skill, field=(str(i), "skill"))
        if skill in checked:
            raise RateInvalid((str(i), "skill"), f"{skill} is listed twice")
        for name in ("client_rate", "worker_rate"):
            if getattr(rate, name) < 0:
                raise RateInvalid((str(i), name), "a rate cannot be negative")
        checked[skill] = AgreedRate(skill, money(rate.client_rate), money(rate.worker_rate))
    # The rate card's terms of a skill kept (surcharges, minimum hours: edited on the card).
    kept = {
        row.skill: {
            "night_pct": row.night_pct,
            "holiday_pct": row.holiday_pct,
            "min_hours": row.min_hours,
        }
        for row in session.scalars(select(ClientRate).where(ClientRate.client_id == client.id))
    }
    session.execute(delete(ClientRate).where(ClientRate.client_id == client.id))
    rows = [
        ClientRate(
            client_id=client.id,
            skill=rate.skill,
            client_rate=rate.client_rate,
            worker_rate=rate.worker_rate,
            **kept.get(rate.skill, {}),
        )
        for rate in checked.values()
    ]
    session.add_all(rows)
    session.flush()
    audit.log(
        session,
        actor,
        "client.rates",
        "client",
        [client.id],
        client.branch_id,
        rates={s: [f"{r.client_rate:f}", f"{r.worker_rate:f}"] for s, r in checked.items()},
    )
    return sorted(rows, key=lambda row: row.skill)
