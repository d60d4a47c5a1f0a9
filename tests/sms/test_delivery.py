"""Sending the outbox exactly once, acting on failures, and status callbacks."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from dispatch import delivery, fill
from dispatch.models import Offer
from sms.gateways import GatewayError, OutboxGateway, Sent
from sms.models import Message
from sms.sending import SendLater
from tests.builders import NOW, make_branch, make_client, make_order, make_site, make_worker


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
    def __init__(self):
        self.calls = 0

    def send(self, *, to: str, body: str) -> Sent:
        self.calls += 1
        return super().send(to=to, body=body)


def always() -> bool:
    return True


@pytest.fixture
def offered(session):
    branch = make_branch(session)
    worker = make_worker(session, branch=branch)
    order = make_order(session, site=make_site(session, client=make_client(session, branch=branch)))
    fill.start_filling(session, order.id, NOW)
    message = session.scalars(select(Message).where(Message.order_id == order.id)).one()
    return worker, order, message


def test_a_message_is_sent_once_and_its_offer_becomes_sent(session, offered):
    worker, order, message = offered
    gateway = Counting()
    assert delivery.deliver(session, message.id, gateway, always).result == "sent"
    assert delivery.deliver(session, message.id, gateway, always).result == "skipped"
    assert gateway.calls == 1
    session.refresh(message)
    assert message.status == "sent" and message.provider_sid.startswith("OB")
    offer = session.scalars(select(Offer).where(Offer.order_id == order.id)).one()
    assert offer.status == "sent"


def test_a_transient_failure_leaves_the_row_queued_for_a_retry(session, offered):
    _, _, message = offered
    with pytest.raises(SendLater), session.begin_nested():
        delivery.deliver(session, message.id, Refusing("20429", "transient", True), always)
    session.refresh(message)
    assert message.status == "queued" and message.provider_sid is None


def test_no_rate_slot_means_later(session, offered):
    _, _, message = offered
    gateway = Counting()
    with pytest.raises(SendLater):
        delivery.deliver(session, message.id, gateway, lambda: False)
    assert gateway.calls == 0


@pytest.mark.parametrize(
    "code, kind, flag",
    [("21610", "opted_out", "opted_out"), ("21211", "invalid_number", "phone_invalid")],
)
def test_permanent_failures_are_recorded_and_acted_on(session, offered, code, kind, flag):
    worker, _, message = offered
    gateway = Refusing(code, kind)
    assert delivery.deliver(session, message.id, gateway, always).result == "failed"
    assert delivery.deliver(session, message.id, gateway, always).result == "skipped"
    assert gateway.calls == 1  # never retried
    session.refresh(message)
    session.refresh(worker)
    assert message.status == "failed" and message.error_code == code
    assert getattr(worker, flag) is True


def test_status_callbacks_only_move_forward(session, offered):
    _, _, message = offered
    delivery.deliver(session, message.id, OutboxGateway(), always)
    sid = message.provider_sid
    assert delivery.record_status(session, provider_sid=sid, status="delivered", error_code=None)
    assert not delivery.record_status(session, provider_sid=sid, status="sent", error_code=None)
    assert message.status == "delivered"
    assert not delivery.record_status(
        session, provider_sid="SMunknown", status="sent", error_code=None
    )


def test_an_undelivered_callback_with_an_opt_out_code_opts_the_worker_out(session, offered):
    worker, _, message = offered
    delivery.deliver(session, message.id, OutboxGateway(), always)
    delivery.record_status(
        session, provider_sid=message.provider_sid, status="undelivered", error_code="21610"
    )
    assert message.status == "undelivered" and message.error_code == "21610"
    assert worker.opted_out is True


def test_stuck_messages_are_found_for_the_reconciler(session, offered):
    _, _, message = offered
    later = message.created_at + timedelta(minutes=5)
    assert message.id in delivery.stuck_messages(session, later, timedelta(minutes=1))["sms.send"]
    delivery.deliver(session, message.id, OutboxGateway(), always)
    assert (
        message.id not in delivery.stuck_messages(session, later, timedelta(minutes=1))["sms.send"]
    )
