"""PostgreSQL's own client programs (pg_dump, pg_restore, createdb, dropdb), run against the
database a SQLAlchemy URL names: the password goes through the environment, never argv."""

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

# Debian keeps a server's own tools here when its wrappers are not on PATH.
PG_BIN_DIR = Path("/usr/lib/postgresql/15/bin")


# libpq parameters a URL's query may carry, and the variables that pass them to the programs.
LIBPQ_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}


class PgToolFailed(RuntimeError):
    """A PostgreSQL program exited non-zero; the message holds its stderr."""


def tool(name: str) -> str:
    """The program on PATH, else the installed PostgreSQL 15's."""
    found = shutil.which(name)
    if found:
        return found
    candidate = PG_BIN_DIR / name
    if candidate.exists():
        return str(candidate)
    raise PgToolFailed(f"{name} is not on PATH nor in {PG_BIN_DIR}: install postgresql-client-15")


@dataclass(frozen=True)
class Database:
    """One database of a server, as SQLAlchemy and libpq each want it."""

    url: URL

    @classmethod
    def of(cls, url: str) -> "Database":
        return cls(make_url(url))

    @property
    def name(self) -> str:
        return self.url.database or ""

    def sibling(self, name: str) -> "Database":
        """Another database on the same server, same credentials."""
        return Database(self.url.set(database=name))

    @property
    def sqlalchemy_url(self) -> str:
        return self.url.render_as_string(hide_password=False)

    def env(self) -> dict[str, str]:
        """libpq's variables for the server (PGHOST...), so no password shows in `ps`."""
        env = dict(os.environ)
        pairs = {
            "PGHOST": self.url.host,
            "PGPORT": str(self.url.port) if self.url.port else None,
            "PGUSER": self.url.username,
            "PGPASSWORD": self.url.password,
        }
        env.update({key: str(value) for key, value in pairs.items() if value})
        for name, value in self.url.query.items():  # ?host=/run/postgresql&sslmode=verify-full
            if name in LIBPQ_ENV and isinstance(value, str):
                env[LIBPQ_ENV[name]] = value
        return env


def run(name: str, *args: str, db: Database) -> str:
    """Run a PostgreSQL program for `db`'s server; its stdout, or PgToolFailed with stderr."""
    done = subprocess.run(
        [tool(name), *args], env=db.env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise PgToolFailed(f"{name} exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout
