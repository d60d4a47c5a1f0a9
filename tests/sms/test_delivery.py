"""Sending the outbox exactly once (a dead sender included), acting on failures, and status
callbacks."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.clock import now
from dispatch.fill import waves
from dispatch.models import Offer
from dispatch.texts import delivery
from sms import sending
from sms.gateways import GatewayError, OutboxGateway, Sent
from sms.models import EarlyStatus, Message
from sms.sending import CLAIM_STALE, SendLater
from tests.builders import (
    NOW,
    make_branch,
    make_client,
    make_order,
    make_site,
    make_worker,
    steps,
)


class Refusing:
    """A gateway at the edge we don't own, refusing with a given Twilio error."""

    name = "refusing"

    def __init__(self, code: str, kind: str, transient: bool = False):
        self.error = GatewayError("refused", code=code, transient=transient, kind=kind)
        self.calls = 0

    def send(self, *, to: str, body: str) -> Sent:
        self.calls += 1
        raise self.error


class Counting(OutboxGateway):
    """Takes every message, and remembers them as a provider would (for find_sent)."""

    def __init__(self):
        self.calls = 0
        self.taken: list[tuple[str, str, str]] = []  # (sid, to, body), oldest first
        self.lookups = 0

    def send(self, *, to: str, body: str) -> Sent:
        self.calls += 1
        sent = super().send(to=to, body=body)
        self.taken.append((sent.provider_sid, to, body))
        return sent

    def find_sent(self, *, to: str, body: str, since) -> list[str]:
        self.lookups += 1
        return [sid for sid, t, b in reversed(self.taken) if (t, b) == (to, body)]


def always() -> bool:
    return True


@pytest.fixture
def offered(session):
    branch = make_branch(session)
    worker = make_worker(session, branch=branch)
    order = make_order(session, site=make_site(session, client=make_client(session, branch=branch)))
    waves.start_filling(session, order.id, NOW)
    message = session.scalars(select(Message).where(Message.order_id == order.id)).one()
    return worker, order, message


def test_a_message_is_sent_once_and_its_offer_becomes_sent(session, offered):
    worker, order, message = offered
    gateway = Counting()
    assert delivery.deliver(steps(session), message.id, gateway, always).result == "sent"
    assert delivery.deliver(steps(session), message.id, gateway, always).result == "skipped"
    assert gateway.calls == 1
    session.refresh(message)
    assert message.status == "sent" and message.provider_sid.startswith("OB")
    offer = session.scalars(select(Offer).where(Offer.order_id == order.id)).one()
    assert offer.status == "sent"


def test_a_transient_failure_leaves_the_row_queued_for_a_retry(session, offered):
    _, _, message = offered
    with pytest.raises(SendLater):
        delivery.deliver(steps(session), message.id, Refusing("20429", "transient", True), always)
    session.refresh(message)
    assert message.status == "queued" and message.provider_sid is None


def test_no_rate_slot_means_later(session, offered):
    _, _, message = offered
    gateway = Counting()
    with pytest.raises(SendLater):
        delivery.deliver(steps(session), message.id, gateway, lambda: False)
    assert gateway.calls == 0


@pytest.mark.parametrize(
    "code, kind, flag",
    [("21610", "opted_out", "opted_out"), ("21211", "invalid_number", "phone_invalid")],
)
def test_permanent_failures_are_recorded_and_acted_on(session, offered, code, kind, flag):
    worker, _, message = offered
    gateway = Refusing(code, kind)
    assert delivery.deliver(steps(session), message.id, gateway, always).result == "failed"
    assert delivery.deliver(steps(session), message.id, gateway, always).result == "skipped"
    assert gateway.calls == 1  # never retried
    session.refresh(message)
    session.refresh(worker)
    assert message.status == "failed" and message.error_code == code
    assert getattr(worker, flag) is True


def test_status_callbacks_only_move_forward(session, offered):
    _, _, message = offered
    delivery.deliver(steps(session), message.id, OutboxGateway(), always)
    sid = message.provider_sid
    assert delivery.record_status(session, provider_sid=sid, status="delivered", error_code=None)
    assert not delivery.record_status(session, provider_sid=sid, status="sent", error_code=None)
    assert message.status == "delivered"
    assert not delivery.record_status(
        session, provider_sid="SMunknown", status="sent", error_code=None
    )


def test_an_undelivered_callback_with_an_opt_out_code_opts_the_worker_out(session, offered):
    worker, _, message = offered
    delivery.deliver(steps(session), message.id, OutboxGateway(), always)
    delivery.record_status(
        session, provider_sid=message.provider_sid, status="undelivered", error_code="21610"
    )
    assert message.status == "undelivered" and message.error_code == "21610"
    assert worker.opted_out is True


@pytest.mark.parametrize("code, flag", [("21610", "opted_out"), ("30005", "phone_invalid")])
def test_a_report_on_a_number_the_worker_no_longer_has_flags_nothing(session, offered, code, flag):
    worker, _, message = offered
    delivery.deliver(steps(session), message.id, OutboxGateway(), always)
    worker.phone = "+79990001122"  # changed after the text went to the old number
    session.flush()
    delivery.record_status(
        session, provider_sid=message.provider_sid, status="undelivered", error_code=code
    )
    session.refresh(worker)
    assert message.error_code == code  # the text's own record keeps what happened
    assert getattr(worker, flag) is False


class CallingBack(Counting):
    """A provider whose delivery report outruns our record of its answer."""

    def __init__(self, session, status: str, error_code: str | None = None):
        super().__init__()
        self.session, self.status, self.error_code = session, status, error_code

    def send(self, *, to: str, body: str) -> Sent:
        sent = super().send(to=to, body=body)
        known = delivery.record_status(
            self.session,
            provider_sid=sent.provider_sid,
            status=self.status,
            error_code=self.error_code,
        )
        assert not known  # no row holds the id yet: kept for later
        return sent


def early_statuses(session) -> list[tuple[str, str]]:
    return [
        tuple(row) for row in session.execute(select(EarlyStatus.provider_sid, EarlyStatus.status))
    ]


def test_a_callback_that_outruns_the_record_is_applied_once_the_id_is_recorded(session, offered):
    _, _, message = offered
    gateway = CallingBack(session, "delivered")
    assert delivery.deliver(steps(session), message.id, gateway, always).result == "sent"
    assert early_statuses(session) == [(message.provider_sid, "delivered")]
    assert delivery.apply_early_statuses(session, now()) == 1  # the reconciler's pass
    session.refresh(message)
    assert message.status == "delivered"
    assert early_statuses(session) == []


def test_a_report_on_a_dead_senders_text_waits_for_the_claim_to_be_settled(session, offered):
    worker, _, message = offered
    gateway = Counting()
    die_after_claim(session, message, gateway, provider_took_it=True)
    sid = gateway.taken[-1][0]
    for status, code in (("sent", None), ("undelivered", "21610")):
        delivery.record_status(session, provider_sid=sid, status=status, error_code=code)
    assert sorted(early_statuses(session)) == [(sid, "sent"), (sid, "undelivered")]

    assert delivery.apply_early_statuses(session, now()) == 0  # no row holds the SID yet
    age_claim(session, message)
    assert delivery.deliver(steps(session), message.id, gateway, always).result == "sent"
    assert delivery.apply_early_statuses(session, now()) == 2
    session.refresh(message)
    session.refresh(worker)
    assert (message.provider_sid, message.status, message.error_code) == (
        sid,
        "undelivered",
        "21610",
    )
    assert worker.opted_out is True
    assert early_statuses(session) == []


def test_reports_nobody_claims_are_forgotten_after_a_day(session):
    delivery.record_status(session, provider_sid="SMstray", status="delivered", error_code=None)
    delivery.record_status(session, provider_sid="SMstray", status="delivered", error_code=None)
    assert early_statuses(session) == [("SMstray", "delivered")]  # a repeat is kept once
    delivery.apply_early_statuses(session, now())
    assert early_statuses(session) == [("SMstray", "delivered")]
    delivery.apply_early_statuses(session, now() + delivery.EARLY_STATUS_KEPT * 2)
    assert early_statuses(session) == []


def test_stuck_messages_are_found_for_the_reconciler(session, offered):
    _, _, message = offered
    later = message.created_at + timedelta(minutes=5)
    assert message.id in delivery.stuck_messages(session, later, timedelta(minutes=1))["sms.send"]
    delivery.deliver(steps(session), message.id, OutboxGateway(), always)
    assert (
        message.id not in delivery.stuck_messages(session, later, timedelta(minutes=1))["sms.send"]
    )


# --- a sender that dies: the claim is committed before the provider call ------------------


def die_after_claim(session, message, gateway, *, provider_took_it: bool) -> None:
    """A sender killed after its claim was committed: before or after the provider took the
    text, never having recorded the answer."""
    with steps(session)() as step:
        claimed = sending.claim(step, message.id, now())
    if provider_took_it:
        sending.hand_over(claimed, gateway)
    session.refresh(message)
    assert message.status == "sending" and message.provider_sid is None


def age_claim(session, message, by=CLAIM_STALE + timedelta(seconds=1)) -> None:
    message.claimed_at = message.claimed_at - by
    session.flush()


def test_a_fresh_claim_is_left_to_its_sender(session, offered):
    _, _, message = offered
    gateway = Counting()
    die_after_claim(session, message, gateway, provider_took_it=False)

    with pytest.raises(SendLater, match="another sender"):
        delivery.deliver(steps(session), message.id, gateway, always)

    assert gateway.calls == 0 and gateway.lookups == 0
    session.refresh(message)
    assert message.status == "sending"


def test_a_stale_claim_the_provider_took_is_recorded_not_sent_again(session, offered):
    worker, order, message = offered
    gateway = Counting()
    die_after_claim(session, message, gateway, provider_took_it=True)
    age_claim(session, message)

    assert delivery.deliver(steps(session), message.id, gateway, always).result == "sent"

    assert gateway.calls == 1 and gateway.lookups == 1
    session.refresh(message)
    assert message.status == "sent" and message.provider_sid == gateway.taken[0][0]
    offer = session.scalars(select(Offer).where(Offer.order_id == order.id)).one()
    assert offer.status == "sent"


def test_a_stale_claim_the_provider_never_saw_is_sent_once(session, offered):
    _, _, message = offered
    gateway = Counting()
    die_after_claim(session, message, gateway, provider_took_it=False)
    age_claim(session, message)

    assert delivery.deliver(steps(session), message.id, gateway, always).result == "sent"
    assert delivery.deliver(steps(session), message.id, gateway, always).result == "skipped"

    assert gateway.calls == 1 and gateway.lookups == 1
    session.refresh(message)
    assert message.status == "sent" and message.provider_sid == gateway.taken[0][0]


def test_the_same_words_already_recorded_on_another_row_are_not_taken_for_this_one(
    session, offered
):
    worker, _, message = offered
    gateway = Counting()
    twin = Message(
        direction="out",
        kind=message.kind,
        worker_id=worker.id,
        phone=message.phone,
        body=message.body,
        encoding=message.encoding,
        segments=message.segments,
        status="queued",
    )
    session.add(twin)
    session.flush()
    assert delivery.deliver(steps(session), twin.id, gateway, always).result == "sent"
    die_after_claim(session, message, gateway, provider_took_it=False)
    age_claim(session, message)

    assert delivery.deliver(steps(session), message.id, gateway, always).result == "sent"

    assert gateway.calls == 2  # the twin's text was the twin's: this one went out itself
    session.refresh(message)
    assert message.provider_sid == gateway.taken[1][0] != twin.provider_sid


class Silent(Counting):
    """Takes the message and times out before answering (the answer never comes)."""

    def send(self, *, to: str, body: str) -> Sent:
        super().send(to=to, body=body)
        raise GatewayError(
            "read timeout", code=None, transient=True, kind="transient", maybe_taken=True
        )


def test_no_answer_keeps_the_claim_and_the_provider_is_asked_before_a_resend(session, offered):
    _, _, message = offered
    gateway = Silent()
    with pytest.raises(SendLater, match="read timeout"):
        delivery.deliver(steps(session), message.id, gateway, always)
    session.refresh(message)
    assert message.status == "sending" and message.claimed_at is not None
    age_claim(session, message)

    assert delivery.deliver(steps(session), message.id, gateway, always).result == "sent"

    assert gateway.calls == 1 and gateway.lookups == 1
    session.refresh(message)
    assert message.provider_sid == gateway.taken[0][0]


class Unreachable(Counting):
    def find_sent(self, *, to: str, body: str, since) -> list[str]:
        raise GatewayError("down", code=None, transient=True, kind="transient")


def test_a_stale_claim_waits_while_the_provider_cannot_be_asked(session, offered):
    _, _, message = offered
    gateway = Unreachable()
    die_after_claim(session, message, gateway, provider_took_it=True)
    age_claim(session, message)

    with pytest.raises(SendLater, match="cannot check"):
        delivery.deliver(steps(session), message.id, gateway, always)

    assert gateway.calls == 1  # only the dead sender's
    session.refresh(message)
    assert message.status == "sending"


def test_stale_claims_are_found_for_the_reconciler(session, offered):
    _, _, message = offered
    die_after_claim(session, message, Counting(), provider_took_it=False)
    claimed = message.claimed_at
    grace = timedelta(seconds=5)

    fresh = delivery.stuck_messages(session, claimed + CLAIM_STALE - grace, grace)
    stale = delivery.stuck_messages(session, claimed + CLAIM_STALE + grace, grace)

    assert message.id not in fresh["sms.send"]
    assert message.id in stale["sms.send"]
