"""The `brigada` command against the real test database (committed, then cleaned up)."""

from sqlalchemy import delete, select
from typer.testing import CliRunner

from brigada.cli import app
from core.audit import AuditEntry
from core.db import session_scope
from dispatch.models import Branch, User
from dispatch.registry.staff import authenticate
from geo.points import Point
from tests.builders import make_branch


def test_user_add_creates_a_login_and_names_bad_input():
    runner = CliRunner()
    with session_scope() as session:
        branch = make_branch(session, center=Point(lat=56.0, lon=92.9), code="CLI-TEST")
        branch_id = branch.id
    try:
        made = runner.invoke(
            app,
            [
                "user",
                "add",
                "--username",
                "cli-foreman",
                "--password",
                "a-long-password",
                "--role",
                "foreman",
                "--branch",
                "cli-test",
            ],
        )
        assert made.exit_code == 0, made.output
        assert "added foreman cli-foreman" in made.output
        with session_scope() as session:
            user = authenticate(session, username="cli-foreman", password="a-long-password")
            assert user is not None and user.branch_id == branch_id

        short = runner.invoke(
            app, ["user", "add", "--username", "x", "--password", "short", "--role", "admin"]
        )
        assert short.exit_code == 2
        assert "password" in short.output
        unknown = runner.invoke(
            app,
            [
                "user",
                "add",
                "--username",
                "y",
                "--password",
                "a-long-password",
                "--role",
                "dispatcher",
                "--branch",
                "NOPE",
            ],
        )
        assert unknown.exit_code == 2
        assert "branch NOPE not found" in unknown.output
    finally:
        with session_scope() as session:
            ids = list(session.scalars(select(User.id).where(User.branch_id == branch_id)))
            session.execute(delete(AuditEntry).where(AuditEntry.actor == "system"))
            session.execute(delete(User).where(User.id.in_(ids)))
            session.execute(delete(Branch).where(Branch.id == branch_id))


def test_jobs_alive_fails_without_a_heartbeat():
    # The autouse fixture emptied Redis: no jobs process has beaten yet.
    result = CliRunner().invoke(app, ["jobs-alive"])
    assert result.exit_code == 1
    assert "no heartbeat yet" in result.output
