"""The key store (core/idempotency.py): claim, answer again, clash, expiry and the sweep."""

import json
from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import delete, func, select

from brigada.scheduler import PERIODIC
from core import idempotency
from core.clock import now
from core.db import session_scope
from core.forgetting import scrub_everywhere
from core.idempotency import (
    WITHHELD_BODY,
    Answer,
    IdempotencyAnswerWithheld,
    IdempotencyKey,
    IdempotencyKeyReused,
    IdempotencyKeyUnanswered,
    claim,
    fingerprint,
    release,
    store,
    sweep,
)
from core.idempotency_tasks import idempotency_expired
from tests.builders import NOW

PRINT = fingerprint("POST", "/api/v1/orders", [b'{"a": 1}'])


def _claim(session, key="k", *, owner="user:1", print_=PRINT, now=NOW):
    return claim(session, owner=owner, key=key, fingerprint=print_, now=now)


def _answered(session, key_id):
    store(session, key_id, status_code=201, headers=[["content-type", "x/y"]], body=b"{}")


def test_a_new_key_is_held_and_once_answered_answers_again(session):
    key_id = _claim(session)
    assert isinstance(key_id, int)
    _answered(session, key_id)
    assert _claim(session) == Answer(201, [["content-type", "x/y"]], b"{}")


def test_a_held_key_without_an_answer_is_refused_not_run_twice(session):
    _claim(session)
    with pytest.raises(IdempotencyKeyUnanswered):
        _claim(session)


def test_another_request_under_a_used_key_is_refused(session):
    _answered(session, _claim(session))
    with pytest.raises(IdempotencyKeyReused) as refused:
        _claim(session, print_=fingerprint("POST", "/api/v1/orders", [b'{"a": 2}']))
    assert refused.value.loc == ("header", "Idempotency-Key")


def test_the_same_key_of_another_owner_is_theirs(session):
    _answered(session, _claim(session, owner="user:1"))
    assert isinstance(_claim(session, owner="key:1"), int)


@pytest.mark.parametrize(
    ("age", "renewed"),
    [(timedelta(hours=24) - timedelta(seconds=1), False), (timedelta(hours=24), True)],
)
def test_a_key_24_hours_old_is_new_again(session, age, renewed):
    key_id = _claim(session)
    _answered(session, key_id)
    other = fingerprint("PUT", "/elsewhere", [])
    if not renewed:
        with pytest.raises(IdempotencyKeyReused):
            _claim(session, print_=other, now=NOW + age)
        return
    assert _claim(session, print_=other, now=NOW + age) == key_id
    row = session.get(IdempotencyKey, key_id)
    session.refresh(row)
    assert (row.fingerprint, row.created_at, row.status_code, row.body) == (
        other,
        NOW + age,
        None,
        None,
    )


def test_a_released_key_can_be_claimed_again(session):
    release(session, _claim(session))
    assert isinstance(_claim(session), int)


def test_the_fingerprint_tells_method_path_and_body_apart():
    prints = {
        fingerprint("POST", "/a", [b"ab", b"c"]),
        fingerprint("POST", "/a", [b"a", b"bc"]),
        fingerprint("PUT", "/a", [b"ab", b"c"]),
        fingerprint("POST", "/a?x=1", [b"ab", b"c"]),
        fingerprint("POST", "/a", []),
    }
    assert len(prints) == 5
    assert fingerprint("post", "/a", [b"x"]) == fingerprint("POST", "/a", [b"x"])


def test_the_sweep_deletes_keys_older_than_24_hours_only(session):
    old = [_claim(session, f"old{i}", now=NOW - timedelta(hours=25)) for i in range(3)]
    young = _claim(session, "young", now=NOW - timedelta(hours=23))
    assert sweep(session, NOW, batch=2) == 2
    assert sweep(session, NOW, batch=2) == 1
    assert sweep(session, NOW) == 0
    left = set(session.scalars(select(IdempotencyKey.id).where(IdempotencyKey.owner == "user:1")))
    assert left == {young} and not left & set(old)


def test_the_hourly_job_sweeps_committed_keys(engine):
    owner = "user:2000000002"
    with session_scope() as session:
        session.execute(delete(IdempotencyKey).where(IdempotencyKey.owner == owner))
        for i in range(3):
            _claim(session, f"old{i}", owner=owner, now=now() - timedelta(days=2))
        _claim(session, "young", owner=owner, now=now())
    try:
        idempotency_expired.fn()
        with session_scope() as session:
            left = session.scalars(select(IdempotencyKey.key).where(IdempotencyKey.owner == owner))
            assert list(left) == ["young"]
            assert (
                session.scalar(
                    select(func.count())
                    .select_from(IdempotencyKey)
                    .where(IdempotencyKey.created_at <= now() - idempotency.KEEP)
                )
                == 0
            )
    finally:
        with session_scope() as session:
            session.execute(delete(IdempotencyKey).where(IdempotencyKey.owner == owner))


def test_the_sweep_is_scheduled_hourly():
    assert [s for job, s in PERIODIC if job.actor_name == "core.idempotency_expired"] == [3600]


def test_an_answer_mentioning_a_forgotten_person_is_withheld_others_kept(session):
    phone, name = "+79160001234", "Абдуллаев Шухрат"
    theirs, other, secret = (
        _claim(session, "theirs"),
        _claim(session, "other"),
        _claim(session, "s"),
    )
    # The name as json.dumps writes it by default (ASCII-escaped), the phone as digits.
    mention = json.dumps({"name": name, "phone": phone[1:]}).encode()
    headers = [["content-type", "application/json"], ["location", f"/w?phone={quote(phone)}"]]
    store(session, theirs, status_code=201, headers=headers, body=mention)
    store(session, other, status_code=201, headers=[["location", "/w/2"]], body=b'{"id": 2}')
    idempotency.withhold(session, secret, status_code=201)
    assert idempotency.withhold_mentioning(session, [phone, phone[1:], name]) == 1
    again = _claim(session, "theirs")
    assert again == Answer(201, [["content-type", "application/json"]], WITHHELD_BODY)
    assert _claim(session, "other") == Answer(201, [["location", "/w/2"]], b'{"id": 2}')
    with pytest.raises(IdempotencyAnswerWithheld):
        _claim(session, "s")
    assert idempotency.withhold_mentioning(session, ["id"]) == 0  # too short to be a needle


def test_the_forget_scan_withholds_the_answers_mentioning_its_needles(session):
    """Every forgetting path (a worker's, an applicant's, the closed applications' sweep) runs
    core/forgetting.py's scan: the stored answers go with it."""
    key_id = _claim(session, "applicant")
    body = b'{"phone": "+79160005566", "status": "invited"}'
    store(session, key_id, status_code=200, headers=[], body=body)
    scrub_everywhere(session, ["+79160005566", "79160005566"])
    assert _claim(session, "applicant") == Answer(
        200, [["content-type", "application/json"]], WITHHELD_BODY
    )
