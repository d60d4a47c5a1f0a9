"""Real PostgreSQL + PostGIS and Redis; schema built by Alembic; every test rolled back."""

import os
from collections.abc import Iterator

# Settings are read once per process: point them at the test services before anything loads.
os.environ.setdefault("BRIGADA_ENV", "test")
os.environ.setdefault(
    "BRIGADA_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/brigada_test"
)
os.environ.setdefault("BRIGADA_REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("BRIGADA_SECRET_KEY", "test-secret-key-that-is-long-enough-0123456789")
os.environ.setdefault("BRIGADA_LOGIN_RATE_LIMIT", "1000/minute")
if worker := os.environ.get("PYTEST_XDIST_WORKER"):  # `pytest -n 2` (make test): gw0, gw1
    from tests.parallel import own_services

    own_services(int(worker.removeprefix("gw")))

import pytest  # noqa: E402
from alembic import command  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from api.main import create_app  # noqa: E402
from brigada.cli import alembic_config  # noqa: E402
from core.db import make_engine  # noqa: E402
from core.redis import get_redis  # noqa: E402
from core.settings import get_settings  # noqa: E402
from tests.receiver import Receiver, free_port  # noqa: E402

# Files that take 10-100 s each (browsers, running stacks, the schema fuzz) go first: on two
# workers (make test) the suite ends when the last file started ends.
SLOW_FIRST = (
    "tests/browser/",
    "tests/api/test_schema_fuzz.py",
    "tests/test_processes.py",
    "tests/test_doubled.py",
    "tests/test_scheduler_leader.py",
    "tests/test_restore_drill.py",
    "tests/api/test_sms_flood.py",
    "tests/test_sms_e2e.py",
    "tests/test_applicant_e2e.py",
    "tests/test_onsite_e2e.py",
    "tests/api/console/test_untranslated.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: not item.nodeid.startswith(SLOW_FIRST))  # stable: else as found


def reset_schema(engine) -> None:
    """An empty public schema with PostGIS, ready for `alembic upgrade head`."""
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))


def upgrade(engine, revision: str = "head") -> None:
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


@pytest.fixture(scope="session")
def engine():
    engine = make_engine(get_settings().database_url)
    reset_schema(engine)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine):
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def session_factory(connection) -> sessionmaker[Session]:
    # Commits inside the code under test release savepoints; the outer rollback undoes all.
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(session_factory) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture(autouse=True)
def clean_redis():
    get_redis().flushdb()
    yield


@pytest.fixture(scope="session")
def shared_app():
    # FastAPI builds an app's route table on the first request through each router (0.3-0.5 s
    # an app): one app per test process, not one per test.
    return create_app(get_settings(), warm=False)


@pytest.fixture
def app(shared_app, session_factory):
    """The process's app, with this test's session and the settings afresh. A swap of
    app.state.settings reaches what reads them per request only (not the limiters, made at
    create_app): a test that needs other settings makes its own app."""
    shared_app.state.sessionmaker = session_factory
    shared_app.state.settings = get_settings()
    return shared_app


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A client's webhook endpoint on 127.0.0.1 answering 200 (failing = True: 500)."""
    listening = Receiver(free_port())
    listening.failing = False
    yield listening
    listening.stop()
