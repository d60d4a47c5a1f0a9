"""A generated network for the reports' tests: branches of two organisations, each with its
clients, sites and workers, and a month of orders written as the engine leaves them (offers
booked before and after the start, attendance, late arrivals, the ledger's fines and
show-up pay, cancellations by the client, the office and late ones by workers)."""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core import audit
from dispatch.models import Branch, Offer, Order, User
from dispatch.network.models import Organisation
from rating.models import PenaltyEvent
from tests.builders import (
    make_branch,
    make_client,
    make_client_user,
    make_site,
    make_user,
    make_worker,
)

ZONES = ("Europe/Moscow", "Asia/Yekaterinburg", "Asia/Novosibirsk")


@dataclass
class Network:
    organisations: list[Organisation]
    branches: list[Branch]
    first: date
    last: date
    orders: list[Order] = field(default_factory=list)
    users: dict[int, User] = field(default_factory=dict)  # branch id -> its manager

    def first_utc(self, days: int) -> datetime:
        """The UTC moment `days` after the first generated day began (in Moscow, roughly)."""
        return datetime.combine(self.first + timedelta(days=days), time(), UTC)

    def cell_of(self, order: Order) -> tuple:
        """The report_days key of an order: (day, branch, client, site, skill, start hour)."""
        zone = next(b.timezone for b in self.branches if b.id == order.branch_id)
        local = order.starts_at.astimezone(ZoneInfo(zone))
        return (
            local.date(),
            order.branch_id,
            order.client_id,
            order.site_id,
            order.skill,
            local.hour,
        )


def _order(branch: Branch, site, client_id: int, rng: random.Random, day: date, n: int) -> Order:
    tz = ZoneInfo(branch.timezone)
    starts = datetime.combine(day, time(rng.choice((6, 7, 8, 9, 14, 20, 23))), tz).astimezone(UTC)
    headcount = rng.randint(1, 3)
    return Order(
        code=f"R{n:06d}",
        branch_id=branch.id,
        client_id=client_id,
        site_id=site.id,
        skill=rng.choice(("loader", "cleaner")),
        headcount=headcount,
        starts_at=starts,
        ends_at=starts + timedelta(hours=rng.choice((4, 8))),
        client_rate=Decimal(rng.choice(("250.00", "333.33"))),
        worker_rate=Decimal("120.00"),
        overbook_factor=Decimal("1.00"),
        overbooking_mode="fixed",
        fill_goal=Decimal("0.900"),
        booking_target=headcount,
        status="completed",
        radius_m=5000,
        created_at=starts - timedelta(minutes=rng.randint(60, 3000)),
    )


def _ledger(order: Order, worker_id: int, kind: str, fine: str, payout: str = "0") -> PenaltyEvent:
    return PenaltyEvent(
        worker_id=worker_id,
        order_id=order.id,
        kind=kind,
        points=1 if kind != "compensation" else 0,
        fine=Decimal(fine),
        payout=Decimal(payout),
        currency="RUB",
        occurred_at=order.starts_at,
        automatic=True,
        reason=kind,
    )


def make_network(
    session: Session,
    *,
    branches: int = 10,
    days: int = 30,
    first: date = date(2026, 10, 1),
    seed: int = 21,
) -> Network:
    rng = random.Random(seed)
    orgs = [
        Organisation(name=f"Org {seed}-{i}", kind=k, royalty_rate=Decimal(r))
        for i, (k, r) in enumerate((("own", "0"), ("franchisee", "0.0625")))
    ]
    session.add_all(orgs)
    session.flush()
    net = Network(orgs, [], first, first + timedelta(days=days - 1))
    n = 0
    for b in range(branches):
        branch = make_branch(
            session,
            timezone=ZONES[b % len(ZONES)],
            organisation_id=orgs[b % 2].id,
            late_grace_min=5 + b % 3,
        )
        net.branches.append(branch)
        manager = make_user(session, role="manager", branch=branch)
        net.users[branch.id] = manager
        clients = [make_client(session, branch=branch) for _ in range(2)]
        client_users = [make_client_user(session, client=c) for c in clients]
        sites = [make_site(session, client=c) for c in clients]
        crew = [
            make_worker(
                session, branch=branch, reliability=Decimal(rng.choice(("0.6", "0.8", "0.95")))
            )
            for _ in range(6)
        ]
        for d in range(days):
            day = first + timedelta(days=d)
            for _ in range(rng.randint(1, 3)):
                n += 1
                which = rng.randrange(2)
                order = _order(branch, sites[which], clients[which].id, rng, day, n)
                if n % 5 == 0:  # topped up just after the start: its late bookings due later
                    order.topped_up_at = order.starts_at + timedelta(minutes=5)
                session.add(order)
                session.flush()
                net.orders.append(order)
                _offers(session, order, crew, rng, manager, client_users[which])
    session.flush()
    return net


def _offers(session, order, crew, rng, manager, client_user) -> None:  # noqa: ANN001, PLR0912
    chosen = rng.sample(crew, min(len(crew), order.headcount + rng.randint(0, 2)))
    cancelled = rng.random() < 0.12
    for i, worker in enumerate(chosen):
        booked_at = order.created_at + timedelta(minutes=rng.randint(1, 120) + i)
        if rng.random() < 0.1:
            booked_at = order.starts_at + timedelta(minutes=rng.randint(1, 30))  # after the start
        status = rng.choices(("booked", "declined", "cancelled"), (0.8, 0.1, 0.1))[0]
        offer = Offer(
            order_id=order.id,
            worker_id=worker.id,
            status=status,
            wave=1,
            rank=i + 1,
            distance_m=100,
            score=1,
            rating=worker.rating,
            reliability=worker.reliability,
            booked_at=booked_at if status != "declined" else None,
            cancelled_late=status == "cancelled" and rng.random() < 0.5,
        )
        session.add(offer)
        session.flush()
        if status != "booked":
            continue
        if cancelled:
            offer.status = "cancelled"
            if rng.random() < 0.5:
                session.add(_ledger(order, worker.id, "compensation", "0", "300.00"))
            continue
        mark = rng.choices(("arrived", "no_show", "left_early", "released", None), (6, 1, 1, 1, 1))[
            0
        ]
        offer.attendance = mark
        if mark in ("arrived", "left_early", "released"):
            offer.arrived_at = order.starts_at + timedelta(minutes=rng.randint(-15, 25))
        if mark == "left_early":
            offer.left_at = order.starts_at + timedelta(hours=2)
        if mark == "no_show":
            session.add(_ledger(order, worker.id, "no_show", "300.00"))
        elif offer.arrived_at and offer.arrived_at > order.starts_at + timedelta(minutes=10):
            session.add(_ledger(order, worker.id, "late", "50.00"))
    if cancelled:
        order.status = "cancelled"
        order.cancel_reason = "generated"
        by = client_user if rng.random() < 0.5 else manager
        audit.record(
            session,
            actor_user_id=by.id,
            actor=by.username,
            action="order.cancel",
            entity="order",
            entity_ids=[order.id],
            branch_id=order.branch_id,
        )
    elif rng.random() < 0.1:
        order.status = "in_progress"  # not yet closed: no money, not in calibration
    else:
        order.closed_at = order.ends_at
    session.flush()
