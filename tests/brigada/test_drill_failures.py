"""`brigada backup` and `brigada restore-drill` when something fails: exit 1 only for
differences found, 2 for any failure, the scratch database dropped even on SIGTERM, and a dump
under its final name only once its figures are beside it (real PostgreSQL and programs; a fake
program only where the failure is the program's)."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from brigada import pgtools
from brigada.backup import backup
from brigada.cli import ROOT, app
from brigada.figures import figures_path
from core.settings import get_settings


def server() -> pgtools.Database:
    return pgtools.Database.of(get_settings().database_url)


def scratch() -> str:
    return f"{server().name}_drill_t{uuid.uuid4().hex[:8]}"


def exists(name: str) -> bool:
    found = pgtools.run(
        "psql",
        "-tAc",
        f"SELECT 1 FROM pg_database WHERE datname = '{name}'",
        "postgres",
        db=server(),
    )
    return found.strip() == "1"


def fake_program(folder: Path, name: str, body: str) -> Path:
    """A program of that name earlier on PATH than PostgreSQL's own."""
    folder.mkdir(exist_ok=True)
    program = folder / name
    program.write_text(f"#!/bin/sh\n{body}\n")
    program.chmod(0o755)
    return folder


def brigada(*args: str, path_first: Path | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if path_first is not None:
        env["PATH"] = f"{path_first}:{env['PATH']}"
    return subprocess.Popen(
        [sys.executable, "-m", "brigada.cli", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_drill_that_cannot_read_the_dumps_figures_exits_2_with_the_error(tmp_path):
    dump = tmp_path / "nightly.dump"
    dump.write_bytes(b"PGDMP")
    figures_path(dump).write_text("{not json")
    done = CliRunner().invoke(app, ["restore-drill", str(dump)])
    assert done.exit_code == 2, done.output  # not 1, which says "the copy differs"
    assert done.stderr.startswith("error: JSONDecodeError"), done.output


def test_a_backup_that_cannot_reach_the_database_exits_2_with_the_error(tmp_path):
    # Nothing listens on port 1.
    env_url = "postgresql+psycopg://postgres@127.0.0.1:1/brigada"
    dump = tmp_path / "nightly.dump"
    proc = subprocess.run(
        [sys.executable, "-m", "brigada.cli", "backup", str(dump)],
        env={**os.environ, "PYTHONPATH": str(ROOT), "BRIGADA_DATABASE_URL": env_url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: OperationalError") and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_dump_gets_its_name_only_after_its_figures_are_written(engine, tmp_path):
    dump = tmp_path / "nightly.dump"
    figures_path(dump).mkdir()  # the figures cannot be written there
    with pytest.raises(IsADirectoryError):
        backup(get_settings().database_url, dump)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nightly.dump.figures.json"]


def test_a_failed_dropdb_is_reported_after_a_good_comparison_and_exits_2(
    engine, tmp_path, monkeypatch
):
    calls: list[list[str]] = []

    def run(argv, **kwargs):  # PostgreSQL's programs run for real, but for a refusing dropdb
        calls.append(argv)
        if Path(argv[0]).name == "dropdb":
            return subprocess.CompletedProcess(argv, 1, "", "database is being accessed")
        return subprocess.run(argv, **kwargs)

    monkeypatch.setattr(pgtools, "subprocess", SimpleNamespace(run=run))
    dump, into = tmp_path / "nightly.dump", scratch()
    backup(get_settings().database_url, dump)
    try:
        done = CliRunner().invoke(app, ["restore-drill", str(dump), "--into", into])
        assert done.exit_code == 2, done.output
        assert "result: OK" in done.stdout
        assert f"CLEANUP FAILED: {into} is left on the server: dropdb exited 1" in done.stdout
        assert "database is being accessed" in done.stdout
    finally:
        monkeypatch.undo()
        pgtools.run("dropdb", "--if-exists", into, db=server())
    programs = {Path(argv[0]).name: argv[1:] for argv in calls}
    # A migration holding a table does not make the backup wait forever...
    assert "--lock-wait-timeout=60s" in programs["pg_dump"]
    # ...and a restore does not need the dumped server's roles.
    assert {"--no-owner", "--no-acl"} <= set(programs["pg_restore"])


def test_a_drill_that_fails_and_cannot_drop_reports_the_first_failure(engine, tmp_path):
    dump, into = tmp_path / "nightly.dump", scratch()
    dump.write_bytes(b"not a dump")
    refusing = fake_program(tmp_path / "bin", "dropdb", "echo 'dropdb: in use' >&2; exit 1")
    try:
        proc = brigada("restore-drill", str(dump), "--into", into, path_first=refusing)
        _, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 2, stderr
        assert stderr.startswith("error: PgToolFailed: pg_restore exited 1"), stderr
    finally:
        pgtools.run("dropdb", "--if-exists", into, db=server())


def test_sigterm_mid_drill_still_drops_the_scratch_database(engine, tmp_path):
    dump, into = tmp_path / "nightly.dump", scratch()
    dump.write_bytes(b"not a dump")
    slow = fake_program(tmp_path / "bin", "pg_restore", "exec sleep 30")
    proc = brigada("restore-drill", str(dump), "--into", into, path_first=slow)
    try:
        deadline = time.monotonic() + 30
        while not exists(into):  # createdb done, pg_restore running
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
        assert proc.returncode == 143, stderr
        assert not exists(into)
    finally:
        if proc.poll() is None:
            proc.kill()
        pgtools.run("dropdb", "--if-exists", into, db=server())
