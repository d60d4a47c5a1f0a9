"""A number the SMS provider refused (`phone_invalid`, set by dispatch/texts/delivery.py): staff see
"number unreachable", and giving the worker another number clears it; the same number again,
however it is written, does not."""

import pytest

from dispatch.registry.staff import actor_of
from tests.builders import auth, make_branch, make_user, make_worker
from workers.importing import import_workers
from workers.models import Worker

URL = "/api/v1/workers"


@pytest.fixture
def branch(session):
    return make_branch(session)


@pytest.fixture
def dispatcher(session, branch):
    return make_user(session, role="dispatcher", branch=branch)


@pytest.fixture
def dead(session, branch):
    return make_worker(session, branch=branch, phone="+79215550044", phone_invalid=True)


def _stored(session, worker) -> Worker:
    session.expire_all()
    return session.get_one(Worker, worker.id)


def test_patching_a_new_phone_clears_the_flag(client, session, dead, dispatcher):
    answer = client.patch(
        f"{URL}/{dead.id}", json={"phone": "8 921 555-00-45"}, headers=auth(dispatcher)
    )
    assert answer.status_code == 200, answer.text
    assert _stored(session, dead).phone_invalid is False
    assert answer.json()["phone_unreachable"] is False


@pytest.mark.parametrize(
    "change",
    [{"phone": "8 (921) 555-00-44"}, {"full_name": "Другое Имя"}, {"skills": ["mover"]}],
    ids=["the same number written otherwise", "a name", "skills"],
)
def test_other_changes_keep_the_flag(client, session, dead, dispatcher, change):
    answer = client.patch(f"{URL}/{dead.id}", json=change, headers=auth(dispatcher))
    assert answer.status_code == 200, answer.text
    assert answer.json()["phone_unreachable"] is True
    assert _stored(session, dead).phone_invalid is True


def test_the_worker_read_says_the_number_is_unreachable(client, session, dead, branch, dispatcher):
    fine = make_worker(session, branch=branch)
    headers = auth(dispatcher)
    assert client.get(f"{URL}/{dead.id}", headers=headers).json()["phone_unreachable"] is True
    assert client.get(f"{URL}/{fine.id}", headers=headers).json()["phone_unreachable"] is False
    listed = {w["id"]: w["phone_unreachable"] for w in client.get(URL, headers=headers).json()}
    assert listed == {dead.id: True, fine.id: False}


def test_a_csv_row_of_the_same_number_keeps_the_flag(session, dead, branch, dispatcher):
    """The import finds workers by their number: a row can update, never change, a phone."""
    manager = make_user(session, role="manager", branch=branch)
    data = "full_name,phone,lat,lon,skills\nНовое Имя,8 921 555-00-44,55.75,37.62,loader\n"
    report = import_workers(
        session,
        actor=actor_of(manager),
        data=data.encode(),
        branch_id=branch.id,
        default_region="RU",
    )
    assert (report.updated, report.rejected) == (1, [])
    stored = _stored(session, dead)
    assert (stored.full_name, stored.phone_invalid) == ("Новое Имя", True)
