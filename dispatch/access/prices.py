"""Which money a reader may see: the one rule every path (pages, CSV, API) asks.

The client's price (the client rate, the client amount) and the margin are the office's:
admins, managers and dispatchers. Anyone else (a foreman) sees the hours and the workers'
pay lines only.
"""

from core.tenancy import Actor
from dispatch.enums import OFFICE as OFFICE_ROLES

# Amounts that tell the client's price, by name wherever they appear (orders, timesheets).
CLIENT_PRICE = frozenset({"client_rate", "client_amount", "margin"})


def sees_client_price(actor: Actor) -> bool:
    return actor.role in OFFICE_ROLES


def shown_money(actor: Actor, names: tuple[str, ...]) -> tuple[str, ...]:
    """Those of the named amounts the reader may see, in the given order."""
    if sees_client_price(actor):
        return names
    return tuple(name for name in names if name not in CLIENT_PRICE)
