"""An order's rates at placement (and when the office changes them): the card's, through the
one lookup (card.py), unless the office types others with a reason.

- No rates typed: the card's (the client's row, else the branch's); no row: refused, naming
  the rate missing (no_agreed_rate, the behaviour from before the card).
- Rates typed that equal the card's: the card's (its source kept).
- Rates typed that differ from the card's: need a reason (rate_reason, 422 naming it); the
  order's source is "manual", the card's surcharge terms still hold; audited
  order.rates_override with the card's and the typed rates.
- Rates typed with no card row: "manual", no surcharges, no minimum.
The order stores the snapshot (client_rate, worker_rate, night_pct, holiday_pct, min_hours,
rate_source): a later card change never reprices an order placed before it."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from core import audit
from core.money import money
from core.tenancy import Actor
from dispatch.models import Order
from dispatch.rates.card import CardRow, lookup
from dispatch.rates.errors import NoAgreedRate, RateReasonMissing
from dispatch.rates.surcharges import NO_SURCHARGE, Terms

RATES = ("client_rate", "worker_rate")
MAX_REASON = 500


@dataclass(frozen=True)
class OrderRates:
    client_rate: Decimal
    worker_rate: Decimal
    terms: Terms
    source: str  # card, client, manual
    card: CardRow | None = None  # the card's row, when the typed rates override it
    reason: str | None = None

    def stamp(self, order: Order) -> None:
        """The snapshot onto the order."""
        order.client_rate, order.worker_rate = money(self.client_rate), money(self.worker_rate)
        order.night_pct, order.holiday_pct = self.terms.night_pct, self.terms.holiday_pct
        order.min_hours, order.rate_source = self.terms.min_hours, self.source


def order_rates(
    session: Session,
    *,
    branch_id: int,
    client_id: int,
    skill: str,
    sent: dict[str, Decimal | None],
    reason: str | None,
) -> OrderRates:
    """The rates an order takes (see the module); sent: client_rate and worker_rate typed
    (None: not typed)."""
    found = lookup(session, branch_id, client_id, skill)
    if found is None:
        for name in RATES:
            if sent.get(name) is None:
                raise NoAgreedRate(name, f"{name} is required: no rate is agreed for {skill}")
        return OrderRates(
            _given(sent, "client_rate"), _given(sent, "worker_rate"), NO_SURCHARGE, "manual"
        )
    card = found.row
    rates = {
        name: sent.get(name) if sent.get(name) is not None else getattr(card, name)
        for name in RATES
    }
    if all(money(rates[name]) == getattr(card, name) for name in RATES):  # type: ignore[arg-type]
        return OrderRates(card.client_rate, card.worker_rate, card.terms, found.source)
    why = (reason or "").strip()
    if not why:
        raise RateReasonMissing("rate_reason", "rates other than the card's need a reason")
    if len(why) > MAX_REASON:
        raise RateReasonMissing("rate_reason", f"a reason is at most {MAX_REASON} characters")
    return OrderRates(
        _given(rates, "client_rate"), _given(rates, "worker_rate"), card.terms, "manual", card, why
    )


def _given(values: dict[str, Decimal | None], name: str) -> Decimal:
    value = values[name]
    assert value is not None
    return value


def audit_override(session: Session, actor: Actor, order: Order, rates: OrderRates) -> None:
    """order.rates_override: the card's rates, the typed ones and the reason (none: nothing)."""
    if rates.card is None:
        return
    audit.log(
        session,
        actor,
        "order.rates_override",
        "order",
        [order.id],
        order.branch_id,
        card={name: f"{getattr(rates.card, name):.2f}" for name in RATES},
        typed={name: f"{getattr(rates, name):.2f}" for name in RATES},
        reason=rates.reason,
    )
