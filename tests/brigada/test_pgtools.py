"""The PostgreSQL programs get the server from the URL, the password only by environment."""

import subprocess
from types import SimpleNamespace

from brigada import pgtools
from brigada.pgtools import Database


def test_a_url_becomes_libpq_variables():
    db = Database.of(
        "postgresql+psycopg://brigada:s3cret@/brigada?host=/run/postgresql&sslmode=require"
    )
    env = db.env()
    assert (env["PGHOST"], env["PGSSLMODE"]) == ("/run/postgresql", "require")
    assert (env["PGUSER"], env["PGPASSWORD"]) == ("brigada", "s3cret")
    assert db.name == "brigada"
    assert db.sibling("brigada_drill").sqlalchemy_url.endswith(
        "/brigada_drill?host=%2Frun%2Fpostgresql&sslmode=require"
    )


def test_host_and_port_of_the_url():
    env = Database.of("postgresql+psycopg://postgres@10.0.0.5:5433/brigada").env()
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"]) == ("10.0.0.5", "5433", "postgres")


def test_the_password_goes_to_the_program_by_environment_never_in_its_arguments(monkeypatch):
    calls: list[tuple[list[str], dict[str, str]]] = []

    def run(argv, *, env, **kwargs):  # the edge: the process the program would run as
        calls.append((argv, env))
        return subprocess.CompletedProcess(argv, 0, stdout="", stderr="")

    # Only pgtools' view of subprocess: nothing else in the process is affected.
    monkeypatch.setattr(pgtools, "subprocess", SimpleNamespace(run=run))
    db = Database.of("postgresql+psycopg://brigada:s3cret@db.example:5433/brigada")
    pgtools.run("pg_dump", "--format=custom", db.name, db=db)
    pgtools.run("dropdb", "brigada_drill", db=db)
    assert len(calls) == 2
    for argv, env in calls:
        assert not [arg for arg in argv if "s3cret" in arg], argv
        assert env["PGPASSWORD"] == "s3cret"
        assert [key for key, value in env.items() if "s3cret" in value] == ["PGPASSWORD"]
        assert (env["PGHOST"], env["PGPORT"], env["PGUSER"]) == ("db.example", "5433", "brigada")
    assert calls[0][0][1:] == ["--format=custom", "brigada"]
