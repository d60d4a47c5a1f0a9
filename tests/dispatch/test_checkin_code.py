"""The site check-in code (dispatch/shift/codes.py): the code of now and of the step before
accepted, an older one expired, another order's refused without naming it, no shift, the
words of five languages, and wrong guesses limited per worker. The SMS goes the real way:
intake, the inbox (which hands it on), then the check-in job's function."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.jobs import pending_jobs
from core.settings import get_settings
from dispatch.models import Branch, Offer, Order, Site
from dispatch.replies import inbox, intake
from dispatch.shift import codes
from dispatch.shift.errors import CheckInRefused
from sms import templates
from sms.commands import CHECKIN_READ, CHECKIN_WAITING
from sms.models import Message
from tests.builders import NOW, book, make_branch_site, make_order, make_worker

STEP = timedelta(seconds=codes.STEP_S)
_sid = iter(range(10**6))


@pytest.fixture
def shift(session):
    """A worker booked on a 4 h order starting in an hour: check-in is open (from 3 h before)."""
    branch, site = make_branch_site(session)
    worker = make_worker(session, branch=branch)
    order = make_order(session, site=site, headcount=1, starts_in=timedelta(hours=1), hours=4)
    book(session, order, [worker])
    return order, worker


def offer_of(session, order: Order, worker) -> Offer:
    return session.scalars(
        select(Offer).where(Offer.order_id == order.id, Offer.worker_id == worker.id)
    ).one()


def texted(session, worker, body: str, at=NOW) -> tuple[str, Message | None]:
    """The text through intake and the inbox, then the job's work; what it did, and the reply."""
    message_id = intake.receive(
        session, provider_sid=f"SMcode{next(_sid):028d}", from_phone=worker.phone, body=body
    )
    assert message_id is not None
    assert inbox.handle_inbound(session, message_id, at) == "check-in code handed on"
    assert ("dispatch.checkin_by_code", (message_id,)) in pending_jobs(session)
    assert (
        session.scalars(select(Message).where(Message.id == message_id)).one().kind
        == CHECKIN_WAITING
    )
    did = codes.by_sms(session, message_id, at)
    assert (
        session.scalars(select(Message).where(Message.id == message_id)).one().kind == CHECKIN_READ
    )
    assert codes.by_sms(session, message_id, at) == "skipped"  # delivered twice: acted on once
    reply = session.scalars(
        select(Message)
        .where(Message.worker_id == worker.id, Message.direction == "out")
        .where(Message.kind.like("checkin_code%"))
        .order_by(Message.id.desc())
        .limit(1)
    ).first()
    return did, reply


def text_of(kind: str, language: str = "ru") -> str:
    return templates.default_text(kind, language)[0]


def test_the_code_is_six_digits_held_for_its_step_and_the_secret_made_once(session, shift):
    order, _ = shift
    assert order.checkin_secret is None  # made when first needed
    code = codes.current(session, order, NOW)
    secret = order.checkin_secret
    assert re.fullmatch(r"\d{6}", code.code) and secret is not None
    assert code.valid_until == NOW + STEP  # NOW is 12:00:00, a step's start
    assert codes.current(session, order, NOW + STEP - timedelta(seconds=1)) == code
    later = codes.current(session, order, NOW + STEP)
    assert later.valid_until == NOW + 2 * STEP
    assert order.checkin_secret == secret  # kept, not made again
    # Another order's secret is its own.
    other = make_order(session, site=session.get_one(Site, order.site_id), headcount=1)
    codes.current(session, other, other.starts_at)
    assert other.checkin_secret not in (None, secret)


def test_the_code_is_shown_only_while_check_in_is_open(session, shift):
    order, _ = shift
    with pytest.raises(CheckInRefused) as early:
        codes.current(session, order, order.starts_at - timedelta(hours=3, seconds=1))
    assert early.value.reason == "too_early"
    with pytest.raises(CheckInRefused) as late:
        codes.current(session, order, order.ends_at + timedelta(seconds=1))
    assert late.value.reason == "expired"
    assert codes.current(session, order, order.ends_at).code


def test_the_right_code_by_sms_checks_in_for_the_foreman_to_confirm(session, shift):
    order, worker = shift
    at = NOW + timedelta(minutes=3)
    code = codes.current(session, order, at).code
    did, reply = texted(session, worker, f"ПРИШЕЛ {code}", at)
    assert did == f"checked in by code on {order.code}"
    offer = offer_of(session, order, worker)
    assert offer.checked_in_at == at and offer.checkin_method == "code"
    assert offer.checkin_distance_m is None and offer.attendance is None  # the foreman confirms
    assert reply is not None and reply.kind == "checkin_code_ok" and order.code in reply.body
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "checkin", AuditEntry.entity == "offer")
    ).one()
    assert entry.entity_ids == [offer.id] and entry.detail["method"] == "code"
    assert code not in str(entry.detail) and order.checkin_secret not in str(entry.detail)
    # Again: the first check-in stands.
    did, reply = texted(session, worker, f"ПРИШЕЛ {code}", at + timedelta(minutes=1))
    assert did == f"check-in code repeated on {order.code}"
    assert reply is not None and reply.kind == "checkin_code_repeated"
    assert offer_of(session, order, worker).checked_in_at == at


def test_the_previous_steps_code_is_accepted_an_older_one_is_expired(session, shift):
    order, worker = shift
    at = NOW + timedelta(minutes=1)  # just after the code changed at 12:00
    before = codes.current(session, order, at - STEP).code
    older = codes.current(session, order, at - 2 * STEP).code
    assert len({before, older, codes.current(session, order, at).code}) == 3
    did, reply = texted(session, worker, f"HERE {older}", at)
    assert did == "check-in code expired"
    assert reply is not None and reply.body == text_of("checkin_code_expired", worker.language)
    assert offer_of(session, order, worker).checked_in_at is None
    did, _ = texted(session, worker, f"here {before}", at)
    assert did == f"checked in by code on {order.code}"


def test_another_orders_code_is_refused_without_naming_it(session, shift):
    order, worker = shift
    branch_site = session.get_one(Site, order.site_id)
    elsewhere = make_order(
        session, site=branch_site, headcount=1, starts_in=timedelta(hours=2), hours=3
    )
    theirs = codes.current(session, elsewhere, NOW).code
    codes.current(session, order, NOW)  # ours exists too
    did, reply = texted(session, worker, f"ПРИШЕЛ {theirs}", NOW)
    assert did == "check-in code other_order"
    assert reply is not None and reply.kind == "checkin_code_other"
    assert elsewhere.code not in reply.body and theirs not in reply.body
    assert offer_of(session, order, worker).checked_in_at is None


def test_a_wrong_or_missing_code_and_no_shift_are_told_apart(session, shift):
    order, worker = shift
    right = codes.current(session, order, NOW).code
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    did, reply = texted(session, worker, f"ПРИШЁЛ {wrong}", NOW)
    assert did == "check-in code wrong" and reply is not None
    assert reply.body == text_of("checkin_code_wrong")
    did, reply = texted(session, worker, "ПРИШЕЛ", NOW)
    assert did == "check-in code missing" and reply is not None
    assert reply.kind == "checkin_code_missing"
    # Booked only tomorrow: no shift to check in on now.
    branch, site = make_branch_site(session)
    idle = make_worker(session, branch=branch)
    book(session, make_order(session, site=site, headcount=1), [idle])
    did, reply = texted(session, idle, f"ПРИШЕЛ {right}", NOW)
    assert did == "check-in code no_shift" and reply is not None
    assert reply.kind == "checkin_code_no_shift"


@pytest.mark.parametrize(
    "body",
    [
        "ПРИШЕЛ {c}",
        "пришёл {a} {b}",
        "ПPИШEЛ {a}-{b}",  # Latin look-alikes among the Cyrillic
        "Here {a} - {b}",
        "KELDIM {c}",
        "келдим {c}",
        "омадам {c}",
        "жеттим {c}",
        "arrived {c}.",
    ],
)
def test_the_words_and_the_codes_typing(session, shift, body):
    order, worker = shift
    code = codes.current(session, order, NOW).code
    typed = body.format(c=code, a=code[:3], b=code[3:])
    did, _ = texted(session, worker, typed, NOW)
    assert did == f"checked in by code on {order.code}"


def test_a_worker_on_two_shifts_today_checks_in_on_the_one_whose_code_it_is(session):
    branch, site = make_branch_site(session)
    worker = make_worker(session, branch=branch)
    first = make_order(session, site=site, headcount=1, starts_in=timedelta(minutes=30), hours=1)
    second = make_order(session, site=site, headcount=1, starts_in=timedelta(hours=2), hours=3)
    book(session, first, [worker])
    book(session, second, [worker])
    codes.current(session, first, NOW)
    code = codes.current(session, second, NOW).code
    did, _ = texted(session, worker, f"ПРИШЕЛ {code}", NOW)
    assert did == f"checked in by code on {second.code}"
    assert offer_of(session, second, worker).checked_in_at == NOW
    assert offer_of(session, first, worker).checked_in_at is None


def test_wrong_guesses_are_limited_per_worker(session, shift):
    order, worker = shift
    right = codes.current(session, order, NOW).code
    limiter = codes.limiter_for(get_settings().redis_url)
    guesses = [f"{(int(right) + k) % 10**6:06d}" for k in range(1, 7)]
    for guess in guesses[:5]:
        verdict = codes.check_in_by_code(session, worker.id, (guess,), now=NOW, limiter=limiter)
        assert verdict.outcome == "wrong"
    # Past 5 an hour even the right code is not looked at: six digits cannot be tried in bulk.
    blocked = codes.check_in_by_code(session, worker.id, (right,), now=NOW, limiter=limiter)
    assert blocked.outcome == "limited"
    did, reply = texted(session, worker, f"ПРИШЕЛ {right}", NOW)
    assert did == "check-in code limited" and reply is not None
    assert reply.kind == "checkin_code_limited"
    assert offer_of(session, order, worker).checked_in_at is None
    # Another worker is not held back by them.
    other = make_worker(session, branch=session.get_one(Branch, order.branch_id))
    assert not limiter.blocked(other.id)
