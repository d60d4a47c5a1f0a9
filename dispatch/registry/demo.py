"""A demo network: branches in Russia's largest cities, workers around them, clients, staff."""

import csv
import math
import random
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from functools import cache
from importlib import resources

import iuliia
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from core.clock import now
from core.tenancy import SYSTEM
from dispatch.models import Branch, Client, Site, User
from dispatch.network import organisations
from dispatch.network.formats import suggest_format
from dispatch.network.models import Organisation
from dispatch.registry import clients, sites, staff
from dispatch.registry import service as registry
from geo.points import Point
from workers.enums import WorkerStatus
from workers.models import Worker

# IANA zone for each UTC offset of the cities file (Russia keeps no daylight saving).
ZONES = {
    2: "Europe/Kaliningrad",
    3: "Europe/Moscow",
    4: "Europe/Samara",
    5: "Asia/Yekaterinburg",
    6: "Asia/Omsk",
    7: "Asia/Novosibirsk",
    8: "Asia/Irkutsk",
    9: "Asia/Yakutsk",
    10: "Asia/Vladivostok",
    11: "Asia/Magadan",
    12: "Asia/Kamchatka",
}
SKILL_WEIGHTS = {
    "loader": 40,
    "mover": 18,
    "handyman": 8,
    "warehouse_picker": 8,
    "packer": 6,
    "cleaner": 6,
    "cashier": 4,
    "snow_clearing": 4,
    "builder": 3,
    "rigger": 2,
    "kitchen_helper": 1,
}
CLIENTS = [
    "Северный склад",
    "ТрансЛогистик",
    "СтройМонтаж",
    "ГиперМаркет",
    "ПереездСервис",
    "Городская уборка",
    "ПромПак",
    "ЛесТорг",
]
STREETS = [
    "ул. Складская",
    "Промышленная ул.",
    "ул. Ленина",
    "Заводское ш.",
    "ул. Гагарина",
    "пр. Мира",
    "Индустриальная ул.",
    "ул. Транспортная",
]
ROLES_BY_BRANCH = ("manager", "dispatcher", "foreman")
# The network's logins (issue 21): the owner of the company's own offices, the call centre.
NETWORK_LOGINS = ("owner", "call_centre")
DEMO_LOGINS = ("admin", *NETWORK_LOGINS, *ROLES_BY_BRANCH)  # each named after its role
FRANCHISE_ROYALTY = Decimal("0.06")
# Published in the README: given only in dev on a loopback-only API (demo_passwords()), and
# the API will not serve other machines while a login still has it (published_logins()).
DEV_PASSWORD = "{role}-demo-2026"


@dataclass
class City:
    name: str
    population: int
    utc_offset: int
    center: Point

    @property
    def radius_km(self) -> float:
        # Bigger cities sprawl: ~27 km for Moscow, ~6 km for a city of 200,000.
        return max(6.0, 2.5 * math.sqrt(self.population / 100_000))


@dataclass
class SeedResult:
    branches: list[str] = field(default_factory=list)
    workers: int = 0
    clients: int = 0
    sites: int = 0
    logins: dict[str, str] = field(default_factory=dict)


def load_cities() -> list[City]:
    cities = [
        City(
            name=row["city"],
            population=int(row["population"]),
            utc_offset=int(row["utc_offset"].removeprefix("UTC")),
            center=Point(lat=float(row["lat"]), lon=float(row["lon"])),
        )
        for row in _rows("cities.csv")
    ]
    return sorted(cities, key=lambda c: -c.population)


@dataclass(frozen=True)
class Names:
    first: list[tuple[str, str]]  # (first name, its gender: "m" or "f")
    surnames: dict[str, list[str]]  # gender -> every surname in that gender's form

    def full_name(self, rng: random.Random) -> str:
        """'Surname First', the surname in the form of the first name's gender."""
        name, gender = rng.choice(self.first)
        return f"{rng.choice(self.surnames[gender])} {name}"


def _network(session: Session, branches: list[tuple[City, Branch]]) -> Organisation:
    """The company's own offices (the larger half of the cities) and a franchisee's (the
    rest), each branch with the format its city suggests; the own organisation is returned."""
    own = organisations.create_organisation(
        session, actor=SYSTEM, name="Бригада", kind="own", royalty_rate=Decimal("0")
    )
    franchisee = organisations.create_organisation(
        session, actor=SYSTEM, name="Бригада-Франчайзи", kind="franchisee",
        royalty_rate=FRANCHISE_ROYALTY,
    )  # fmt: skip
    half = (len(branches) + 1) // 2
    for n, (city, branch) in enumerate(branches):
        branch.brand = "Бригада"
        branch.format = suggest_format(city.center).format
        branch.organisation_id = (own if n < half else franchisee).id
    session.flush()
    return own


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("dispatch").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def load_names() -> Names:
    first = [(row["name"], row["gender"]) for row in _rows("first_names.csv")]
    surnames = _rows("surnames.csv")
    genders = {gender for _, gender in first}
    return Names(first, {gender: [row[gender] for row in surnames] for gender in genders})


def branch_code(city: str) -> str:
    latin: str = iuliia.WIKIPEDIA.translate(city)  # iuliia is untyped
    return latin.upper().replace(" ", "-")[:16]


def demo_passwords(env: str, *, on_network: bool = False) -> dict[str, str]:
    """Fixed, printable passwords in dev for an API this machine alone can reach; random
    ones anywhere else."""
    roles = DEMO_LOGINS
    if env == "dev" and not on_network:
        return {role: DEV_PASSWORD.format(role=role) for role in roles}
    return {role: secrets.token_urlsafe(12) for role in roles}


def published_logins(session: Session) -> list[str]:
    """The demo logins still active with their published password: an API that other
    machines can reach must not start while there is one."""
    users = session.scalars(
        select(User).where(User.username.in_(DEMO_LOGINS), User.active.is_(True))
    )
    return sorted(
        user.username
        for user in users
        if staff.password_matches(DEV_PASSWORD.format(role=user.username), user.password_hash)
    )


def scatter(rng: random.Random, city: City, spread: float = 1.0) -> Point:
    """A point around the centre, denser in the middle like a city's population."""
    distance_km = city.radius_km * spread * rng.random()
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = distance_km / 111.32 * math.cos(bearing)
    dlon = distance_km / (111.32 * math.cos(math.radians(city.center.lat))) * math.sin(bearing)
    return Point(lat=round(city.center.lat + dlat, 6), lon=round(city.center.lon + dlon, 6))


def _skills(rng: random.Random) -> list[str]:
    names, weights = zip(*SKILL_WEIGHTS.items(), strict=True)
    return sorted(set(rng.choices(names, weights, k=rng.choice((1, 1, 2, 2, 3)))))


def _phones(rng: random.Random, count: int, session: Session) -> list[str]:
    """Unique Russian mobile numbers (+7 9XX) not yet in the database."""
    taken = set(session.scalars(select(Worker.phone)))
    phones: list[str] = []
    for n in rng.sample(range(10**9), count + len(taken)):
        phone = f"+79{n:09d}"
        if phone not in taken:
            phones.append(phone)
        if len(phones) == count:
            break
    return phones


def _worker_rows(
    rng: random.Random, city: City, branch_id: int, phones: list[str]
) -> list[dict[str, object]]:
    at = now()
    names = load_names()
    rows = []
    for phone in phones:
        roll = rng.random()
        rows.append(
            {
                "full_name": names.full_name(rng),
                "phone": phone,
                "home": scatter(rng, city).ewkt(),
                "skills": _skills(rng),
                "branch_id": branch_id,
                "language": "en" if rng.random() < 0.05 else "ru",
                "vetted": rng.random() < 0.9,
                "status": WorkerStatus.BLOCKED if roll < 0.02 else WorkerStatus.ACTIVE,
                "opted_out": 0.02 <= roll < 0.05,
                "suspended_until": at + timedelta(days=rng.randint(1, 7))
                if 0.05 <= roll < 0.08
                else None,
                "rating": Decimal(f"{min(5.0, max(0.5, rng.gauss(3.8, 0.7))):.2f}"),
                "reliability": Decimal(f"{min(0.99, max(0.3, rng.betavariate(8, 2))):.3f}"),
            }
        )
    return rows


def seed(
    session: Session,
    *,
    workers: int = 5_000,
    branches: int = 10,
    env: str = "dev",
    on_network: bool = False,
    random_seed: int = 2026,
) -> SeedResult:
    """Create the demo network in the caller's transaction. Refuses a database with branches."""
    if session.scalar(select(func.count()).select_from(Branch)):
        raise ValueError("the database already has branches; demo seed runs on an empty one")
    rng = random.Random(random_seed)
    cities = load_cities()[:branches]
    result = SeedResult()
    made: list[tuple[City, Branch]] = []
    for city in cities:
        branch = registry.create_branch(
            session,
            actor=SYSTEM,
            code=branch_code(city.name),
            name=city.name,
            timezone=ZONES[city.utc_offset],
            center=city.center,
        )
        made.append((city, branch))
        result.branches.append(branch.code)
        for client_name in rng.sample(CLIENTS, 3):
            client = clients.create_client(
                session, actor=SYSTEM, branch_id=branch.id, name=client_name
            )
            result.clients += 1
            for n in range(2):
                sites.create_site(
                    session,
                    actor=SYSTEM,
                    client_id=client.id,
                    name=f"{client_name}, площадка {n + 1}",
                    address=f"{rng.choice(STREETS)}, {rng.randint(1, 120)}",
                    location=scatter(rng, city, spread=0.6),
                )
                result.sites += 1

    total_population = sum(c.population for c, _ in made)
    phones = _phones(rng, workers, session)
    start, cumulative = 0, 0
    for city, branch in made:
        cumulative += city.population
        end = round(workers * cumulative / total_population)  # shares by population
        rows = _worker_rows(rng, city, branch.id, phones[start:end])
        if rows:
            session.execute(insert(Worker), rows)
        start = end
    result.workers = start

    passwords = demo_passwords(env, on_network=on_network)
    staff.create_user(
        session, actor=SYSTEM, username="admin", password=passwords["admin"], role="admin"
    )
    result.logins["admin"] = passwords["admin"]
    own = _network(session, made)
    staff.create_user(
        session, actor=SYSTEM, username="owner", password=passwords["owner"], role="owner",
        organisation_id=own.id,
    )  # fmt: skip
    staff.create_user(
        session, actor=SYSTEM, username="call_centre", password=passwords["call_centre"],
        role="call_centre",
    )  # fmt: skip
    result.logins.update({role: passwords[role] for role in NETWORK_LOGINS})
    first_branch = made[0][1]
    for role in ROLES_BY_BRANCH:
        user = staff.create_user(
            session,
            actor=SYSTEM,
            username=role,
            password=passwords[role],
            role=role,
            branch_id=first_branch.id,
            # The foreman's name and number are on the workers' check-in pages.
            full_name=load_names().full_name(rng) if role == "foreman" else None,
            phone=f"+7916{rng.randrange(10**7):07d}" if role == "foreman" else None,
        )
        result.logins[role] = passwords[role]
        if role == "foreman":  # runs every site of the first branch, so the demo has a roster
            session.execute(
                update(Site)
                .where(
                    Site.client_id.in_(select(Client.id).where(Client.branch_id == first_branch.id))
                )
                .values(foreman_id=user.id)
            )
    session.flush()
    return result
