"""`brigada user deactivate|activate|set-password` against the real test database (committed,
then cleaned up): issue 13, item 9."""

import uuid

import pytest
from sqlalchemy import delete, select
from typer.testing import CliRunner

from brigada.cli import app
from core.audit import AuditEntry
from core.db import session_scope
from dispatch.models import Branch, User
from dispatch.registry.staff import authenticate
from geo.points import Point
from tests.builders import PASSWORD, make_branch, make_user

NEW_PASSWORD = "typed-at-the-prompt-1"


@pytest.fixture
def foreman():
    """A committed foreman of a committed branch; everything removed afterwards."""
    tag = uuid.uuid4().hex[:6].upper()
    with session_scope() as session:
        branch = make_branch(session, center=Point(lat=56.0, lon=92.9), code=f"CLI-{tag}")
        user = make_user(session, role="foreman", branch=branch, username=f"cli-{tag.lower()}")
        ids = (branch.id, user.id, user.username)
    yield ids
    with session_scope() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.entity_ids.contains([ids[1]])))
        session.execute(delete(User).where(User.branch_id == ids[0]))
        session.execute(delete(Branch).where(Branch.id == ids[0]))


def _user(user_id: int) -> User:
    with session_scope() as session:
        return session.get_one(User, user_id)


def test_deactivate_and_activate_by_username(foreman):
    _, user_id, username = foreman
    runner = CliRunner()

    off = runner.invoke(app, ["user", "deactivate", username.upper()])

    assert off.exit_code == 0, off.output
    assert f"deactivated {username}" in off.output
    user = _user(user_id)
    assert (user.active, user.token_version) == (False, 1)
    with session_scope() as session:
        assert authenticate(session, username=username, password=PASSWORD) is None
        [entry] = session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.action == "user.deactivate", AuditEntry.entity_ids.contains([user_id])
            )
            .order_by(AuditEntry.id)
        )
        assert entry.actor == "system"

    on = runner.invoke(app, ["user", "activate", username])

    assert on.exit_code == 0, on.output
    assert _user(user_id).active is True
    missing = runner.invoke(app, ["user", "deactivate", "nobody-by-this-name"])
    assert missing.exit_code == 2
    assert "user nobody-by-this-name not found" in missing.output


def test_set_password_prompts_and_is_one_time_unless_told_otherwise(foreman):
    _, user_id, username = foreman
    runner = CliRunner()

    made = runner.invoke(
        app, ["user", "set-password", username], input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n"
    )

    assert made.exit_code == 0, made.output
    assert NEW_PASSWORD not in made.output  # hidden at the prompt, never echoed
    user = _user(user_id)
    assert user.password_change_required is True and user.token_version == 1
    with session_scope() as session:
        assert authenticate(session, username=username, password=NEW_PASSWORD) is not None

    permanent = runner.invoke(
        app, ["user", "set-password", username, "--password", "another-long-one", "--permanent"]
    )

    assert permanent.exit_code == 0, permanent.output
    assert _user(user_id).password_change_required is False
    weak = runner.invoke(app, ["user", "set-password", username, "--password", "short"])
    assert weak.exit_code == 2
    assert "password must have 10+ characters" in weak.output
    with session_scope() as session:
        assert authenticate(session, username=username, password="another-long-one") is not None


def test_the_command_line_keeps_the_last_active_admin_too():
    tag = uuid.uuid4().hex[:6]
    with session_scope() as session:
        assert session.scalar(select(User.id).where(User.role == "admin", User.active)) is None
        admin = make_user(session, role="admin", username=f"cli-admin-{tag}")
        admin_id, name = admin.id, admin.username
    try:
        refused = CliRunner().invoke(app, ["user", "deactivate", name])
        assert refused.exit_code == 2
        assert "last active admin" in refused.output
        assert _user(admin_id).active is True
    finally:
        with session_scope() as session:
            session.execute(delete(User).where(User.id == admin_id))
