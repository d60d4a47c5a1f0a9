"""A client keeps at least one active admin (dispatch/registry/client_side/users.py): nobody,
the office included, switches off its last one, and two admins switching each other off at
once end with one of them still on (the client's row lock puts one after the other).

The race commits, so it builds its own branch and deletes everything afterwards."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from core.db import session_scope
from core.tenancy import SYSTEM
from dispatch.models import Client, User
from dispatch.registry import accounts
from dispatch.registry.client_side.users import remove_client_user
from dispatch.registry.errors import LastClientAdmin
from dispatch.registry.staff import actor_of
from tests.builders import make_branch_site, make_client_user, make_user
from tests.committed import purge_branch, purge_code

CODE = "CLIENTADMINS"
RUNS = 3


def test_nobody_switches_off_a_clients_last_active_admin(session):
    _, site = make_branch_site(session)
    client = session.get_one(Client, site.client_id)
    first = make_client_user(session, client=client, admin=True)
    plain = make_client_user(session, client=client)
    former = make_client_user(session, client=client, admin=True)
    former.active = False  # a switched-off admin keeps nobody's users
    session.flush()
    me = actor_of(first)
    for actor in (me, SYSTEM):
        with pytest.raises(LastClientAdmin) as refused:
            remove_client_user(session, actor=actor, client_id=client.id, user_id=first.id)
        assert refused.value.code == "last_client_admin"
    assert first.active
    remove_client_user(session, actor=me, client_id=client.id, user_id=plain.id)
    assert not plain.active
    remove_client_user(session, actor=me, client_id=client.id, user_id=former.id)  # already off
    second = make_client_user(session, client=client, admin=True)
    remove_client_user(session, actor=me, client_id=client.id, user_id=first.id)  # themselves
    assert not first.active and second.active
    with pytest.raises(LastClientAdmin):
        remove_client_user(session, actor=SYSTEM, client_id=client.id, user_id=second.id)


def test_the_staff_accounts_path_keeps_the_last_client_admin_too(session):
    """POST /users/{id}/deactivate (accounts.deactivate) follows the same rule."""
    branch, site = make_branch_site(session)
    client = session.get_one(Client, site.client_id)
    only = make_client_user(session, client=client, admin=True)
    manager = actor_of(make_user(session, role="manager", branch=branch))
    with pytest.raises(LastClientAdmin):
        accounts.deactivate(session, actor=manager, user_id=only.id)
    assert only.active
    other = make_client_user(session, client=client, admin=True)
    accounts.deactivate(session, actor=manager, user_id=only.id)
    assert not only.active and other.active


@pytest.fixture
def clients(factory):
    """RUNS clients of one branch, each with two admins: (client id, admin, admin)."""
    with session_scope(factory) as session:
        purge_code(session, CODE)
        branch, site = make_branch_site(session, code=CODE)
        client = session.get_one(Client, site.client_id)
        pairs = []
        for run in range(RUNS):
            if run:
                client = Client(branch_id=branch.id, name=f"{CODE} {run}")
                session.add(client)
                session.flush()
            admins = [make_client_user(session, client=client, admin=True) for _ in range(2)]
            pairs.append((client.id, *admins))
        branch_id = branch.id
    yield pairs
    with session_scope(factory) as session:
        purge_branch(session, branch_id)


def _race(factory, client_id: int, one: User, other: User) -> list[str]:
    """Each admin switches the other off, both released at once."""
    barrier = threading.Barrier(2)

    def switch_off(actor: User, target: User) -> str:
        barrier.wait()
        try:
            with session_scope(factory) as session:
                remove_client_user(
                    session, actor=actor_of(actor), client_id=client_id, user_id=target.id
                )
        except LastClientAdmin:
            return "refused"
        return "done"

    with ThreadPoolExecutor(max_workers=2) as pool:
        racing = (pool.submit(switch_off, one, other), pool.submit(switch_off, other, one))
        return sorted(f.result() for f in racing)


def test_two_admins_switching_each_other_off_at_once_leave_one(factory, clients):
    for client_id, one, other in clients:
        assert _race(factory, client_id, one, other) == ["done", "refused"]
        with session_scope(factory) as session:
            active = [session.get_one(User, u.id).active for u in (one, other)]
        assert sorted(active) == [False, True]
