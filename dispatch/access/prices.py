"""Which money a reader may see: the one rule every path (pages, CSV, API) asks.

The client's price (the client rate, the client amount) and the margin are the office's:
admins, managers and dispatchers. A foreman sees the hours and the workers' pay lines only.
A client (a client user or key) sees its own side only: the client rate and the client
amount, never what the workers are paid, their fines or the margin. An owner sees what the
office of their branches sees; the call centre what a client sees (the client rate).
"""

from core.tenancy import Actor
from dispatch.enums import CALL_CENTRE, OWNER
from dispatch.enums import OFFICE as OFFICE_ROLES

# Amounts that tell the client's price, by name wherever they appear (orders, timesheets).
CLIENT_PRICE = frozenset({"client_rate", "client_amount", "client_surcharge", "margin"})
# Amounts that tell what the workers are paid (and the firm's margin): never the client's.
WORKER_PAY = frozenset(
    {"worker_rate", "base_pay", "worker_surcharge", "allowances", "fines", "worker_pay", "margin"}
)


def sees_client_price(actor: Actor) -> bool:
    return actor.role in (*OFFICE_ROLES, OWNER, CALL_CENTRE)


def sees_worker_pay(actor: Actor) -> bool:
    return not (actor.is_client or actor.role == CALL_CENTRE)


def shown_money(actor: Actor, names: tuple[str, ...]) -> tuple[str, ...]:
    """Those of the named amounts the reader may see, in the given order (names that are no
    amount pass)."""
    if not sees_worker_pay(actor):
        return tuple(name for name in names if name not in WORKER_PAY)
    if sees_client_price(actor):
        return names
    return tuple(name for name in names if name not in CLIENT_PRICE)
