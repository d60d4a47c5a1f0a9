"""Fault tests run against servers of their own: a private PostgreSQL cluster (a fresh
database per test, copied from a migrated template), a private Redis per test and a fake
Twilio. They kill and restart only those; the shared PostgreSQL and Redis are never touched,
and this process's own settings point nowhere, so nothing here can reach them by accident.

Each test adds one figure line (`figure(...)`); they are printed at the end of the run and
written to test-results/faults.txt.
"""

import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.brokers import settings_afresh
from tests.faults.fake_twilio import FakeTwilio
from tests.faults.servers import PrivatePostgres, PrivateRedis
from tests.faults.stack import FaultStack

FIGURES: list[str] = []
FIGURES_FILE = Path(__file__).resolve().parents[2] / "test-results" / "faults.txt"
NOWHERE = {
    "BRIGADA_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/nowhere",
    "BRIGADA_REDIS_URL": "redis://127.0.0.1:1/0",
}


@pytest.fixture(scope="package", autouse=True)
def nothing_shared():
    saved = {name: os.environ.get(name) for name in NOWHERE}
    os.environ.update(NOWHERE)
    settings_afresh()
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    settings_afresh()


@pytest.fixture(autouse=True)
def clean_redis():
    """Replaces tests/conftest.py's: a fault test never flushes the shared Redis."""
    yield


@pytest.fixture(scope="package")
def postgres():
    root = Path(tempfile.mkdtemp(prefix="brigada-faults-pg-"))
    cluster = PrivatePostgres(root)
    try:
        cluster.init()
        cluster.start()
        cluster.make_template()
        yield cluster
    finally:
        if cluster.running():
            cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def database(postgres):
    if not postgres.running():  # a test that stopped it failed before starting it again
        postgres.start()
    name = postgres.new_database()
    yield postgres.url(name)
    if not postgres.running():
        postgres.start()
    postgres.drop_database(name)


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def twilio():
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


@pytest.fixture
def stack(tmp_path, database, private_redis, twilio):
    running = FaultStack(
        tmp_path, database_url=database, redis_url=private_redis.url, twilio=twilio
    )
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def figure(request):
    def note(text: str) -> None:
        FIGURES.append(f"{request.node.name}: {text}")

    return note


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section("fault figures")
    for line in FIGURES:
        terminalreporter.write_line(line)
    FIGURES_FILE.parent.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    with FIGURES_FILE.open("a") as out:
        out.write(f"# run of {stamp}\n" + "".join(f"{line}\n" for line in FIGURES))
