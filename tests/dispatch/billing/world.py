"""A billing world: a branch and a client with their legal details, and closed orders whose
workers came (the real fill, marks and close), to invoice."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from core.tenancy import Actor
from dispatch.models import Branch, Client, Order, Site
from dispatch.registry.staff import actor_of
from dispatch.shift import onsite
from tests.builders import arrive_all, book, make_branch_site, make_crew, make_order, make_user
from workers.models import Worker

BRANCH_DETAILS = {
    "legal_name": 'ООО "Бригада Север"',
    "inn": "7707083893",
    "kpp": "773601001",
    "legal_address": "г. Москва, ул. Вавилова, 19",
    "bank_name": "ПАО Сбербанк",
    "bik": "044525225",
    "bank_account": "40702810938000000001",
    "correspondent_account": "30101810400000000225",
}
CLIENT_DETAILS = {
    "inn": "7736207543",
    "kpp": "770401001",
    "legal_address": "г. Москва, ул. Льва Толстого, 16",
}


@dataclass
class World:
    branch: Branch
    client: Client
    site: Site
    manager: Actor
    foreman: Actor
    crew: list[Worker]


def make_world(
    session: Session, *, vat_rate: Decimal | None = Decimal("0.22"), n: int = 2, **branch
) -> World:
    branch_row, site = make_branch_site(session, undo_window_s=0, vat_rate=vat_rate, **branch)
    for name, value in BRANCH_DETAILS.items():
        setattr(branch_row, name, value)
    client = session.get_one(Client, site.client_id)
    for name, value in CLIENT_DETAILS.items():
        setattr(client, name, value)
    foreman = actor_of(make_user(session, role="foreman", branch=branch_row))
    site.foreman_id = foreman.user_id
    manager = actor_of(make_user(session, role="manager", branch=branch_row))
    crew = make_crew(session, branch=branch_row, n=n, spacing_m=7)
    session.flush()
    return World(branch_row, client, site, manager, foreman, crew)


def worked_order(
    session: Session, world: World, *, day: int = 1, rate: str = "250.00", hours: int = 8
) -> Order:
    """A closed order (the day's, `day` days after the builders' NOW) the crew worked whole."""
    order = make_order(
        session,
        site=world.site,
        headcount=len(world.crew),
        starts_in=timedelta(days=day),
        hours=hours,
        client_rate=Decimal(rate),
    )
    book(session, order, world.crew)
    arrive_all(session, order, world.crew, foreman=world.foreman)
    onsite.close_shift(session, order.id, actor=world.foreman, now=order.ends_at)
    return order


def later(order: Order, days: float) -> datetime:
    assert order.closed_at is not None
    return order.closed_at + timedelta(days=days)
