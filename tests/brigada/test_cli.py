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


def test_user_add_makes_an_owner_of_a_named_organisation_and_a_call_centre_user():
    from decimal import Decimal

    from dispatch.network.models import Organisation

    runner = CliRunner()
    with session_scope() as session:
        organisation = Organisation(
            name="CLI Франчайзи", kind="franchisee", royalty_rate=Decimal("0.05")
        )
        session.add(organisation)
        session.flush()
        organisation_id = organisation.id
    base = ["user", "add", "--password", "a-long-password"]
    try:
        owner = runner.invoke(
            app,
            [
                *base,
                "--username",
                "cli-owner",
                "--role",
                "owner",
                "--organisation",
                "CLI Франчайзи",
            ],
        )
        assert owner.exit_code == 0, owner.output
        centre = runner.invoke(app, [*base, "--username", "cli-cc", "--role", "call_centre"])
        assert centre.exit_code == 0, centre.output
        with session_scope() as session:
            made = authenticate(session, username="cli-owner", password="a-long-password")
            assert made is not None and made.organisation_id == organisation_id
            assert made.branch_id is None
        unknown = runner.invoke(
            app, [*base, "--username", "cli-owner2", "--role", "owner", "--organisation", "Nope"]
        )
        assert unknown.exit_code == 2 and "organisation" in unknown.output
        none = runner.invoke(app, [*base, "--username", "cli-owner3", "--role", "owner"])
        assert none.exit_code == 2 and "organisation" in none.output
    finally:
        with session_scope() as session:
            users = select(User.id).where(User.username.in_(["cli-owner", "cli-cc"]))
            ids = list(session.scalars(users))
            session.execute(delete(AuditEntry).where(AuditEntry.actor == "system"))
            session.execute(delete(User).where(User.id.in_(ids)))
            session.execute(delete(Organisation).where(Organisation.id == organisation_id))
