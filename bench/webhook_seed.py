"""The webhook bench's scene: its own database (brigada_webhook_bench), Redis db and port,
the settings its processes get (taken here, before the project is first imported), and the
data: a Moscow branch, a client and its sites, a dispatcher and the workers.
"""

import math
import random
import secrets
from dataclasses import dataclass

import stage

RESULTS, HOST = stage.RESULTS, stage.HOST
DB_NAME = "brigada_webhook_bench"
REDIS_DB = 9
PORT = stage.free_port()
SETTINGS = stage.settings(database=DB_NAME, redis_db=REDIS_DB, port=PORT)
BASE_URL = SETTINGS["BRIGADA_PUBLIC_URL"]
TWILIO_AUTH_TOKEN = SETTINGS["BRIGADA_TWILIO_AUTH_TOKEN"]
stage.take(SETTINGS)

import psycopg  # noqa: E402

from core.db import session_scope  # noqa: E402
from core.tenancy import SYSTEM  # noqa: E402
from dispatch.models import Branch, Client, Site  # noqa: E402
from dispatch.registry import staff  # noqa: E402
from dispatch.registry.knobs import DEFAULTS  # noqa: E402
from geo.points import Point  # noqa: E402

MOSCOW = Point(lat=55.7540, lon=37.6204)
USERNAME, PASSWORD = "bench-dispatcher", secrets.token_urlsafe(16)


# ---------------------------------------------------------------------------------------------
# Database, Redis and seed data


def offset(point: Point, rng: random.Random, max_km: float) -> Point:
    """A point up to max_km from point, uniform in distance (denser near the centre)."""
    distance, bearing = max_km * rng.random(), rng.uniform(0, 2 * math.pi)
    dlat = distance / 111.32 * math.cos(bearing)
    dlon = distance / (111.32 * math.cos(math.radians(point.lat))) * math.sin(bearing)
    return Point(lat=round(point.lat + dlat, 6), lon=round(point.lon + dlon, 6))


@dataclass
class Scene:
    site_ids: list[int]
    phones: list[str]


def seed(workers: int, sites: int, rng: random.Random) -> Scene:
    """A Moscow branch with the defaults of tests/builders.py make_branch, a client, sites
    within 5 km of the centre, a dispatcher, and workers within 15 km (~90% eligible)."""
    with session_scope() as session:
        branch = Branch(
            code="MSK", name="Москва", timezone="Europe/Moscow", center=MOSCOW.to_db(), **DEFAULTS
        )
        session.add(branch)
        session.flush()
        client = Client(branch_id=branch.id, name="ООО Склад-Логистик")
        session.add(client)
        session.flush()
        site_rows = [
            Site(
                client_id=client.id,
                name=f"Склад {i + 1}",
                address=f"ул. Складская, {i + 1}",
                location=offset(MOSCOW, rng, 5.0).to_db(),
                geofence_m=250,
            )
            for i in range(sites)
        ]
        session.add_all(site_rows)
        staff.create_user(
            session,
            actor=SYSTEM,
            username=USERNAME,
            password=PASSWORD,
            role="dispatcher",
            branch_id=branch.id,
        )
        session.flush()
        site_ids, branch_id = [s.id for s in site_rows], branch.id
    phones, rows = [], []
    for i in range(workers):
        phone = f"+7999{i:07d}"
        phones.append(phone)
        home = offset(MOSCOW, rng, 15.0)
        skills = ["loader"] if rng.random() < 0.7 else ["loader", rng.choice(["mover", "packer"])]
        rows.append(
            (
                f"Работник {i}",
                phone,
                home.ewkt(),
                skills,
                branch_id,
                rng.random() > 0.1,  # vetted
                round(rng.uniform(2.5, 5.0), 2),
                round(rng.uniform(0.5, 1.0), 3),
            )
        )
    with psycopg.connect(stage.libpq_url(DB_NAME)) as conn, conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO workers (full_name, phone, home, skills, branch_id, vetted, rating,"
            " reliability) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
    with psycopg.connect(stage.libpq_url(DB_NAME), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return Scene(site_ids=site_ids, phones=phones)
