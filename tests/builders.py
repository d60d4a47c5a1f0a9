"""Small builders for test data: each makes one thing with sensible defaults."""

import itertools
import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from sqlalchemy.orm import Session

from api.auth import issue_token
from core import clock
from core.settings import get_settings
from core.tenancy import SYSTEM, Actor
from dispatch.fill import waves
from dispatch.models import Branch, Client, Offer, Order, Site, User
from dispatch.orders import service as orders
from dispatch.orders.service import OrderInput
from dispatch.registry.client_side import keys as client_keys
from dispatch.registry.knobs import DEFAULTS
from dispatch.registry.staff import _hasher
from dispatch.shift import onsite
from geo.points import Point
from workers.applicants import Applicant, District
from workers.models import Worker

MOSCOW = Point(lat=55.7540, lon=37.6204)
KAZAN = Point(lat=55.7944, lon=49.1115)
PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


@lru_cache
def _password_hash() -> str:
    return _hasher().hash(PASSWORD)


def make_branch(session: Session, *, center: Point = MOSCOW, **overrides) -> Branch:
    n = next(_seq)
    values = {
        "code": f"B{n}",
        "name": f"Branch {n}",
        "timezone": "Europe/Moscow",
        "center": center.to_db(),
        **DEFAULTS,
    }
    values.update(overrides)
    branch = Branch(**values)
    session.add(branch)
    session.flush()
    return branch


def _branch_id(branch: Branch | None) -> int:
    assert branch is not None, "staff other than admins belong to a branch"
    return branch.id


def make_user(session: Session, *, role: str, branch: Branch | None = None, **overrides) -> User:
    user = User(
        username=overrides.pop("username", f"{role}{next(_seq)}"),
        password_hash=_password_hash(),
        role=role,
        branch_id=None if role == "admin" else _branch_id(branch),
        **overrides,
    )
    session.add(user)
    session.flush()
    return user


def auth(user: User) -> dict[str, str]:
    token = issue_token(get_settings(), user.id).access_token
    return {"Authorization": f"Bearer {token}"}


def make_client(session: Session, *, branch: Branch, name: str | None = None) -> Client:
    client = Client(branch_id=branch.id, name=name or f"Client {next(_seq)}")
    session.add(client)
    session.flush()
    return client


def make_client_user(session: Session, *, client: Client, admin: bool = False) -> User:
    """A user of the client (role client, of the client's branch); admin: a client admin."""
    user = User(
        username=f"client-user{next(_seq)}",
        password_hash=_password_hash(),
        role="client",
        branch_id=client.branch_id,
        client_id=client.id,
        client_admin=admin,
    )
    session.add(user)
    session.flush()
    return user


def key_auth(session: Session, *, client: Client) -> dict[str, str]:
    """The header of a new API key of the client (made as the system)."""
    _, key = client_keys.create_key(session, actor=SYSTEM, client_id=client.id, name="erp", now=NOW)
    return {"X-API-Key": key}


def make_site(session: Session, *, client: Client, at: Point = MOSCOW, **overrides) -> Site:
    site = Site(
        client_id=client.id,
        name=overrides.pop("name", None) or f"Site {next(_seq)}",
        address=overrides.pop("address", "ул. Складская, 1"),
        location=at.to_db(),
        geofence_m=250,
        **overrides,
    )
    session.add(site)
    session.flush()
    return site


def make_branch_site(
    session: Session, *, at: Point = MOSCOW, **branch_overrides
) -> tuple[Branch, Site]:
    """A branch with one client and its one site (at MOSCOW unless told)."""
    branch = make_branch(session, **branch_overrides)
    return branch, make_site(session, client=make_client(session, branch=branch), at=at)


def make_worker(session: Session, *, branch: Branch, near: Point = MOSCOW, **overrides) -> Worker:
    n = next(_seq)
    values = {
        "full_name": f"Иванов Иван {n}",
        "phone": f"+7921{n:07d}",
        "home": near.to_db(),
        "skills": ["loader"],
        "branch_id": branch.id,
        "vetted": True,
    }
    values.update(overrides)
    worker = Worker(**values)
    session.add(worker)
    session.flush()
    return worker


NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def make_district(session: Session, *, branch: Branch, name: str, at: Point = MOSCOW) -> District:
    """issue 19: a district of the branch's city, for an applicant's "where do you live"."""
    district = District(branch_id=branch.id, name=name, centre=at.to_db())
    session.add(district)
    session.flush()
    return district


def make_applicant(
    session: Session, *, branch: Branch, near: Point = MOSCOW, **overrides
) -> Applicant:
    """issue 19: an applicant who finished the SMS dialogue, in the branch's recruiting queue."""
    n = next(_seq)
    values = {
        "phone": f"+7903{n:07d}",
        "status": "queued",
        "step": "done",
        "language": "ru",
        "last_message_at": NOW,
        "consent_version": "2026-12",
        "consent_at": NOW,
        "full_name": f"Соискатель Пётр {n}",
        "skills": ["loader", "packer"],
        "home": near.to_db(),
        "branch_id": branch.id,
    }
    values.update(overrides)
    applicant = Applicant(**values)
    session.add(applicant)
    session.flush()
    return applicant


def make_order(
    session: Session,
    *,
    site: Site,
    headcount: int = 2,
    skill: str = "loader",
    starts_in: timedelta = timedelta(days=1),
    hours: int = 8,
    now: datetime = NOW,
    **overrides,
) -> Order:
    """An order through the real intake (checks, code, target), as the system."""
    starts_at = now + starts_in
    data = OrderInput(
        site_id=site.id,
        skill=skill,
        headcount=headcount,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        **{
            "client_rate": Decimal("250.00"),
            "worker_rate": Decimal("120.00"),
            # typed rates other than a rate card's need a reason (dispatch/rates/order_rates.py)
            "rate_reason": "the test's rates",
            **overrides,
        },
    )
    return orders.create_order(session, actor=SYSTEM, data=data, now=now)


def book(session: Session, order: Order, workers: list[Worker], *, now: datetime = NOW) -> None:
    """Book the workers through the real fill: the first wave, then a YES from each."""
    waves.start_filling(session, order.id, now)
    for i, worker in enumerate(workers):
        offer = waves.answer(
            session,
            order_id=order.id,
            worker_id=worker.id,
            yes=True,
            source="phone",
            now=now + timedelta(seconds=i),
        )
        assert offer.status == "booked", f"worker {worker.id} got {offer.status}"


def offset(point: Point, north_m: float = 0.0, east_m: float = 0.0) -> Point:
    """A point moved by metres (good enough for a few kilometres)."""
    lat = point.lat + north_m / 111_320
    lon = point.lon + east_m / (111_320 * math.cos(math.radians(point.lat)))
    return Point(lat=lat, lon=lon)


def make_offer(
    session: Session, *, order: Order, worker: Worker, status: str = "booked", **overrides
):
    """An offer row as the fill engine would leave it, without running the fill engine."""
    offer = Offer(
        order_id=order.id,
        worker_id=worker.id,
        status=status,
        wave=1,
        rank=1,
        distance_m=0,
        score=1,
        rating=worker.rating,
        reliability=worker.reliability,
        **overrides,
    )
    session.add(offer)
    session.flush()
    return offer


def steps(session: Session):
    """A transaction factory for code that commits in steps (a send: claim, then the answer),
    each step a savepoint of the test's own transaction: rolled back alone if it raises."""

    @contextmanager
    def step() -> Iterator[Session]:
        with session.begin_nested():
            yield session

    return step


# -- shifts: reviews, sign-off, the foreman's marks ------------------------------------------


def make_crew(
    session: Session, *, branch: Branch, n: int, near: Point = MOSCOW, spacing_m: float = 10
) -> list[Worker]:
    """n workers of the branch living a few metres apart (east of `near`): one wave reaches all."""
    return [
        make_worker(session, branch=branch, near=offset(near, east_m=spacing_m * i))
        for i in range(n)
    ]


def arrive_all(session: Session, order: Order, workers: list[Worker], *, foreman: Actor) -> None:
    """The foreman marks each worker arrived at the start."""
    for worker in workers:
        onsite.mark_attendance(
            session,
            order.id,
            actor=foreman,
            worker_id=worker.id,
            status="arrived",
            at=order.starts_at,
            now=order.starts_at,
        )


def make_worked_shift(
    session: Session,
    *,
    site: Site,
    foreman: Actor,
    crew: int = 3,
    headcount: int | None = None,
    spacing_m: float = 10,
    close: str | None = None,  # "scheduled": closed at its end, the hours as scheduled
    **order_overrides,
) -> tuple[Order, list[Worker]]:
    """An order of the site filled through the real engine by `crew` workers who all came on
    time (the foreman's marks); closed at its end when `close` says how."""
    client = session.get_one(Client, site.client_id)
    branch = session.get_one(Branch, client.branch_id)
    workers = make_crew(session, branch=branch, n=crew, spacing_m=spacing_m)
    order = make_order(session, site=site, headcount=headcount or crew, **order_overrides)
    book(session, order, workers)
    arrive_all(session, order, workers, foreman=foreman)
    if close is not None:
        onsite.close_shift(session, order.id, actor=foreman, now=order.ends_at, end=close)
    return order, workers


def make_foremans_site(session: Session, **branch_overrides) -> tuple[Branch, Site, User]:
    """A branch with one client's site run by the branch's foreman (the site's foreman_id)."""
    branch, site = make_branch_site(session, **branch_overrides)
    foreman = make_user(session, role="foreman", branch=branch)
    site.foreman_id = foreman.id
    session.flush()
    return branch, site, foreman


def make_started_order(
    session: Session,
    *,
    site: Site,
    workers: list[Worker],
    started_ago: timedelta,
    headcount: int | None = None,
    **order_overrides,
) -> tuple[Order, list[Offer]]:
    """An order placed yesterday that started `started_ago` (real time), the workers booked on
    it by offer rows (no fill engine): a shift under way for the pages' and the API's tests."""
    yesterday = clock.now() - timedelta(days=1)
    order = make_order(
        session,
        site=site,
        headcount=headcount or len(workers),
        now=yesterday,
        starts_in=timedelta(days=1) - started_ago,
        **order_overrides,
    )
    offers = [make_offer(session, order=order, worker=w, booked_at=yesterday) for w in workers]
    return order, offers


def close_through_api(client, order: Order, workers: list[Worker], *, foreman: User) -> None:
    """The foreman marks each worker arrived at the start and closes the order, by the API
    (a TestClient), as the sign-off pages' tests begin."""
    for worker in workers:
        body = {"worker_id": worker.id, "status": "arrived", "at": order.starts_at.isoformat()}
        marked = client.post(
            f"/api/v1/orders/{order.id}/attendance", json=body, headers=auth(foreman)
        )
        assert marked.is_success, marked.text
    closed = client.post(f"/api/v1/orders/{order.id}/close", headers=auth(foreman))
    assert closed.is_success, closed.text


def make_closed_through_api(
    client, session: Session, *, crew: int, started_ago: timedelta, **branch_overrides
) -> tuple[Branch, Site, Order, list[Worker]]:
    """A closed order of its site's foreman: `crew` workers who all came, marked and closed
    by the API (close_through_api): what a sign-off begins with."""
    branch, site, foreman = make_foremans_site(session, **branch_overrides)
    workers = [make_worker(session, branch=branch) for _ in range(crew)]
    order, _ = make_started_order(session, site=site, workers=workers, started_ago=started_ago)
    close_through_api(client, order, workers, foreman=foreman)
    return branch, site, order, workers
