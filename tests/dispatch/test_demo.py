"""The demo network: branches in the biggest cities, workers where people live, one login a role."""

import pytest
from sqlalchemy import func, select, text

from dispatch import demo, staff
from dispatch.models import Branch, Client, Site, User
from dispatch.staff import authenticate
from workers.models import Worker
from workers.phones import to_e164


@pytest.fixture
def seeded(session):
    return demo.seed(session, workers=400, branches=3, env="dev")


def test_seed_makes_branches_in_the_largest_cities(session, seeded):
    assert seeded.branches == ["MOSKVA", "SANKT-PETERBURG", "NOVOSIBIRSK"]
    zones = dict(session.execute(select(Branch.code, Branch.timezone)).all())
    assert zones == {
        "MOSKVA": "Europe/Moscow",
        "SANKT-PETERBURG": "Europe/Moscow",
        "NOVOSIBIRSK": "Asia/Novosibirsk",
    }
    assert session.scalar(select(func.count()).select_from(Client)) == seeded.clients == 9
    assert session.scalar(select(func.count()).select_from(Site)) == seeded.sites == 18


def test_workers_follow_population_and_live_near_their_branch(session, seeded):
    assert session.scalar(select(func.count()).select_from(Worker)) == seeded.workers == 400
    per_branch = dict(
        session.execute(
            select(Branch.code, func.count(Worker.id)).join(Worker).group_by(Branch.code)
        ).all()
    )
    # Moscow 11.5 M, St Petersburg 4.8 M, Novosibirsk 1.5 M people.
    assert per_branch["MOSKVA"] > per_branch["SANKT-PETERBURG"] > per_branch["NOVOSIBIRSK"] > 0
    assert abs(per_branch["MOSKVA"] - 400 * 11.51 / 17.86) < 3
    far = session.scalar(
        text(
            "SELECT count(*) FROM workers w JOIN branches b ON b.id = w.branch_id "
            "WHERE NOT ST_DWithin(w.home, b.center, 30000)"
        )
    )
    assert far == 0


def test_seeded_phones_are_valid_unique_mobiles(session, seeded):
    phones = list(session.scalars(select(Worker.phone)))
    assert len(set(phones)) == len(phones)
    assert all(to_e164(phone) == phone for phone in phones)


def test_one_login_per_role_with_dev_passwords(session, seeded):
    roles = dict(session.execute(select(User.username, User.role)).all())
    assert roles == {
        "admin": "admin",
        "manager": "manager",
        "dispatcher": "dispatcher",
        "foreman": "foreman",
    }
    for username, password in seeded.logins.items():
        assert authenticate(session, username=username, password=password) is not None


def test_passwords_are_random_outside_dev():
    first, second = demo.demo_passwords("prod"), demo.demo_passwords("prod")
    assert first["admin"] != second["admin"]
    assert first["admin"] != demo.demo_passwords("dev")["admin"]


def test_seed_refuses_a_database_with_branches(session, seeded):
    with pytest.raises(ValueError, match="already has branches"):
        demo.seed(session, workers=10, branches=1)


def test_a_seed_for_an_api_on_the_network_gives_no_published_password(session):
    """Issue 13, item 12: the published passwords exist only for a loopback-only API."""
    result = demo.seed(session, workers=10, branches=1, env="dev", on_network=True)
    assert all(
        password != demo.DEV_PASSWORD.format(role=role) for role, password in result.logins.items()
    )
    assert demo.published_logins(session) == []


def test_published_logins_names_the_demo_logins_that_keep_their_password(session, seeded):
    assert demo.published_logins(session) == ["admin", "dispatcher", "foreman", "manager"]
    manager = session.scalars(select(User).where(User.username == "manager")).one()
    manager.password_hash = staff.hash_password("a-private-password")
    admin = session.scalars(select(User).where(User.username == "admin")).one()
    admin.active = False
    session.flush()
    assert demo.published_logins(session) == ["dispatcher", "foreman"]
