"""The load bench's network: its own database (brigada_load_bench), Redis db and port, the
settings its processes get (taken here, before the project is first imported), and the
seeded branches, each with a dispatcher, a foreman, a client with 4 sites and its workers.
"""

import random
import secrets

import stage

RESULTS = stage.RESULTS
DB_NAME = "brigada_load_bench"
WAVE_TIMEOUT_MIN = 240  # the longest a branch may set
REDIS_DB = 8
PORT = stage.free_port()
SETTINGS = stage.settings(database=DB_NAME, redis_db=REDIS_DB, port=PORT)
BASE_URL = SETTINGS["BRIGADA_PUBLIC_URL"]
TWILIO_AUTH_TOKEN = SETTINGS["BRIGADA_TWILIO_AUTH_TOKEN"]
stage.take(SETTINGS)

import psycopg  # noqa: E402

from api.auth import issue_token  # noqa: E402
from core.db import session_scope  # noqa: E402
from core.settings import get_settings  # noqa: E402
from core.tenancy import SYSTEM  # noqa: E402
from dispatch.registry import clients as client_registry  # noqa: E402
from dispatch.registry import demo, staff  # noqa: E402
from dispatch.registry import service as registry  # noqa: E402
from dispatch.registry import sites as site_registry  # noqa: E402

# --- set-up ----------------------------------------------------------------------------------


def seed(branches: int, per_branch: int, rng: random.Random) -> list[dict]:
    """Branches with a dispatcher, a foreman (running all four sites) and workers."""
    network, phone = [], 0
    cities = demo.load_cities()[:branches]
    for city in cities:
        with session_scope() as session:
            branch = registry.create_branch(
                session,
                actor=SYSTEM,
                code=demo.branch_code(city.name),
                name=city.name,
                timezone=demo.ZONES[city.utc_offset],
                center=city.center,
                # One 30-offer wave per order, as the day is specified: the compression keeps
                # replies back for tens of minutes, which would time every wave out.
                policy={"wave_timeout_min": WAVE_TIMEOUT_MIN},
            )
            client = client_registry.create_client(
                session, actor=SYSTEM, branch_id=branch.id, name=f"Склад {city.name}"
            )
            users = {
                role: staff.create_user(
                    session,
                    actor=SYSTEM,
                    username=f"{role}-{branch.code.lower()}",
                    password=secrets.token_urlsafe(12),
                    role=role,
                    branch_id=branch.id,
                )
                for role in ("dispatcher", "foreman")
            }
            sites = [
                site_registry.create_site(
                    session,
                    actor=SYSTEM,
                    client_id=client.id,
                    name=f"Площадка {n + 1}",
                    address=f"ул. Складская, {n + 1}",
                    location=stage.near(city.center, rng, 5.0),
                    foreman_id=users["foreman"].id,
                )
                for n in range(4)
            ]
            network.append(
                {
                    "branch_id": branch.id,
                    "timezone": branch.timezone,
                    "sites": [s.id for s in sites],
                    "dispatcher": users["dispatcher"].id,
                    "foreman": users["foreman"].id,
                }
            )
        rows = []
        for _ in range(per_branch):
            phone += 1
            home = stage.near(city.center, rng, 12.0)
            rows.append((f"Работник {phone}", f"+7998{phone:07d}", home.ewkt(), network[-1]))
        with (
            psycopg.connect(stage.libpq_url(DB_NAME)) as conn,
            conn.cursor() as cur,
            cur.copy(
                "COPY workers (full_name, phone, home, skills, branch_id, vetted) FROM STDIN"
            ) as copy,
        ):
            for name, number, ewkt, owner in rows:
                copy.write_row((name, number, ewkt, ["loader"], owner["branch_id"], True))
    with psycopg.connect(stage.libpq_url(DB_NAME), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    settings = get_settings()
    for entry in network:
        entry["office"] = _bearer(settings, entry["dispatcher"])
        entry["site_foreman"] = _bearer(settings, entry["foreman"])
    return network


def _bearer(settings, user_id: int) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(settings, user_id).access_token}"}
