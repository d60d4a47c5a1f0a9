"""The demo network: branches in the biggest cities, workers where people live, one login a role."""

import random

import pytest
from sqlalchemy import func, select, text

from dispatch.models import Branch, Client, Site, User
from dispatch.registry import demo, staff
from dispatch.registry.staff import authenticate
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
        "owner": "owner",  # of the company's own offices (issue 21)
        "call_centre": "call_centre",
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


def test_the_demo_network_has_an_own_company_and_a_franchisee(session, seeded):
    owner = session.scalars(select(User).where(User.username == "owner")).one()
    branches = session.scalars(select(Branch).order_by(Branch.id)).all()
    own = [b for b in branches if b.organisation_id == owner.organisation_id]
    assert 0 < len(own) < len(branches)  # the rest are the franchisee's
    assert branches[0] in own and branches[0].format == "capital"  # Moscow, the largest city
    assert all(b.format in ("200-600k", "600k-1M", "capital") for b in branches)


def test_published_logins_names_the_demo_logins_that_keep_their_password(session, seeded):
    assert demo.published_logins(session) == [
        "admin", "call_centre", "dispatcher", "foreman", "manager", "owner"
    ]  # fmt: skip
    manager = session.scalars(select(User).where(User.username == "manager")).one()
    manager.password_hash = staff.hash_password("a-private-password")
    admin = session.scalars(select(User).where(User.username == "admin")).one()
    admin.active = False
    session.flush()
    assert demo.published_logins(session) == ["call_centre", "dispatcher", "foreman", "owner"]


# Feminine forms of Russian surnames, written out apart from the data file: -ов/-ев/-ёв/-ин
# take -а, -ский/-ой/-ый take -ая; other endings (Кравец, Толстых) do not change.
def _feminine(surname: str) -> str:
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if surname.endswith(("ский", "цкий")):
        return surname[:-2] + "ая"
    if surname.endswith(("ый", "ой")):
        return surname[:-2] + "ая"
    return surname


def _genders() -> dict[str, str]:
    return dict(demo.load_names().first)


def test_the_name_data_agree_with_the_grammar():
    names = demo.load_names()
    assert set(names.surnames) == {"m", "f"}
    for male, female in zip(names.surnames["m"], names.surnames["f"], strict=True):
        assert female == _feminine(male), male
    # Every woman's first name here ends in -а or -я, every man's does not.
    for name, gender in names.first:
        assert name.endswith(("а", "я")) == (gender == "f"), name


def test_every_demo_name_agrees_in_gender(session, seeded):
    names = demo.load_names()
    seen = set()
    for full_name in session.scalars(select(Worker.full_name)):
        surname, first = full_name.split(" ")
        gender = _genders()[first]
        assert surname in names.surnames[gender], full_name
        other = {"m": "f", "f": "m"}[gender]  # never the other gender's own form
        assert surname not in set(names.surnames[other]) - set(names.surnames[gender]), full_name
        seen.add(gender)
    assert seen == {"m", "f"}  # both kinds of name were drawn
    foreman = session.scalars(select(User).where(User.username == "foreman")).one()
    surname, first = foreman.full_name.split(" ")
    assert surname in names.surnames[_genders()[first]] and foreman.phone.startswith("+7916")


def test_the_careless_names_of_issue_15_never_occur():
    rng = random.Random(1)
    names = demo.load_names()
    drawn = {names.full_name(rng) for _ in range(5_000)}
    assert "Смирнов Наталья" not in drawn and "Николаев Наталья" not in drawn
    assert "Смирнова Наталья" in drawn and "Николаева Наталья" in drawn
