"""One database and one Redis db per pytest-xdist worker (make test runs `pytest -n 2`): every
test rolls back or flushes only what is its own, and the processes a test starts inherit the
worker's addresses from the environment."""

import os

import psycopg
from sqlalchemy.engine import make_url


def own_services(worker: int) -> None:
    """Point this worker's settings at <database>_gw<N> (created if missing) and at the Redis
    db below the shared one by N; called before the settings are first read."""
    url = make_url(os.environ["BRIGADA_DATABASE_URL"])
    name = f"{url.database}_gw{worker}"
    with psycopg.connect(url.set(drivername="postgresql").render_as_string(False)) as conn:
        conn.autocommit = True  # CREATE DATABASE runs outside a transaction
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["BRIGADA_DATABASE_URL"] = url.set(database=name).render_as_string(False)
    redis = make_url(os.environ["BRIGADA_REDIS_URL"])
    shared_db = int(redis.database or 0)
    if worker > shared_db:
        raise RuntimeError(f"Redis has no db {shared_db - worker} for xdist worker {worker}")
    os.environ["BRIGADA_REDIS_URL"] = redis.set(database=str(shared_db - worker)).render_as_string(
        False
    )
