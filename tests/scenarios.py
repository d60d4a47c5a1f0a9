"""Set-ups the end-to-end tests share (the SMS day, the on-site day, the browser day, the
orders API): a committed branch ready to fill, workers around its site, the order a dispatcher
posts, the shift moved in time. One thing each is tests/builders.py."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.db import session_scope
from dispatch.models import Branch, Client, Offer, Order
from tests.builders import MOSCOW, make_branch, make_client, make_worker, offset
from tests.committed import purge_e2e


@contextmanager
def committed(branch_code: str, sid_prefix: str) -> Iterator[None]:
    """An end-to-end test's committed data: what an interrupted run left is purged first, and
    everything after (the branch, and the inbound SMS whose MessageSid starts so)."""
    purge_e2e(branch_code, sid_prefix)
    try:
        yield
    finally:
        purge_e2e(branch_code, sid_prefix)


def branch_to_fill(
    session: Session, code: str, *, client_name: str | None = None
) -> tuple[Branch, Client]:
    """A branch whose first wave offers everyone in reach (wave_multiple 10), and a client."""
    branch = make_branch(session, code=code, wave_multiple=Decimal("10"))
    return branch, make_client(session, branch=branch, name=client_name)


def worker_grid(
    session: Session,
    *,
    branch: Branch,
    count: int,
    columns: int,
    spacing_m: int,
    south_m: int,
    west_m: int,
    phone_prefix: str,
) -> dict[int, str]:
    """count workers living on a grid around MOSCOW, `columns` wide and spacing_m apart, its
    first corner south_m south and west_m west of the centre; their phones are phone_prefix
    and the worker's place on the grid (7 digits). Worker id -> phone."""
    phones = {}
    for i in range(count):
        north, east = spacing_m * (i // columns) - south_m, spacing_m * (i % columns) - west_m
        home = offset(MOSCOW, north_m=north, east_m=east)
        worker = make_worker(session, branch=branch, near=home, phone=f"{phone_prefix}{i:07d}")
        phones[worker.id] = worker.phone
    return phones


def order_body(site_id: int, *, headcount: int, starts_at: datetime, **changes) -> dict:
    """The JSON of POST /api/v1/orders: loaders for 8 hours, 250.00 from the client and
    120.00 to the worker an hour."""
    body = {
        "site_id": site_id,
        "skill": "loader",
        "headcount": headcount,
        "starts_at": starts_at.isoformat(),
        "ends_at": (starts_at + timedelta(hours=8)).isoformat(),
        "client_rate": "250.00",
        "worker_rate": "120.00",
    }
    return {**body, **changes}


def offers_of(order_id: int) -> dict[int, Offer]:
    """The order's offers by worker id, as committed."""
    with session_scope() as session:
        query = select(Offer).where(Offer.order_id == order_id)
        return {o.worker_id: o for o in session.scalars(query)}


def move_shift(order_id: int, starts_at: datetime) -> None:
    """The liberty a day-long test takes: the order's 8-hour shift starts at starts_at (an
    UPDATE, committed), so the test need not wait for it."""
    with session_scope() as session:
        session.execute(
            update(Order)
            .where(Order.id == order_id)
            .values(starts_at=starts_at, ends_at=starts_at + timedelta(hours=8))
        )
