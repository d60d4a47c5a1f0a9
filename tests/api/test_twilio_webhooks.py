"""Twilio's webhooks, signed with twilio's own RequestValidator."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from api.main import create_app
from core.clock import now
from core.settings import Settings, get_settings
from dispatch.texts.delivery import apply_early_statuses
from sms.models import Message
from tests.builders import make_branch, make_worker

TOKEN = "twilio-auth-token-for-tests"
PUBLIC = "https://brigada.example.org"


@pytest.fixture
def twilio_client(session_factory):
    settings = Settings(
        **{**get_settings().model_dump(), "twilio_auth_token": TOKEN, "public_url": PUBLIC}
    )
    with TestClient(create_app(settings, session_factory, warm=False)) as client:
        yield client


def signed(path: str, form: dict[str, str]) -> dict[str, str]:
    return {"X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(PUBLIC + path, form)}


def inbound_form(sid="SM" + "a" * 32, body="да 123"):
    return {
        "MessageSid": sid,
        "From": "+79211234567",
        "To": "+15005550006",
        "Body": body,
        "AccountSid": "AC" + "0" * 32,
    }


def _stored(session) -> int:
    return session.scalar(
        select(func.count()).select_from(Message).where(Message.direction == "in")
    )


def test_a_signed_inbound_is_stored_and_answered_with_empty_twiml(twilio_client, session):
    form = inbound_form()
    answer = twilio_client.post("/sms/inbound", data=form, headers=signed("/sms/inbound", form))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/xml")
    assert answer.text.endswith("<Response></Response>")
    stored = session.scalars(select(Message).where(Message.direction == "in")).one()
    assert (stored.body, stored.phone, stored.status) == ("да 123", "+79211234567", "received")


def test_twilio_retrying_the_same_sid_stores_it_once(twilio_client, session):
    form = inbound_form()
    for _ in range(3):
        answer = twilio_client.post("/sms/inbound", data=form, headers=signed("/sms/inbound", form))
        assert answer.status_code == 200
    assert _stored(session) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
        {
            "X-Twilio-Signature": RequestValidator("other-token").compute_signature(
                PUBLIC + "/sms/inbound", inbound_form()
            )
        },
    ],
    ids=["missing", "garbage", "other account"],
)
def test_a_bad_signature_is_403_and_records_nothing(twilio_client, session, headers):
    answer = twilio_client.post("/sms/inbound", data=inbound_form(), headers=headers)
    assert answer.status_code == 403
    assert _stored(session) == 0


def test_a_signed_request_with_changed_fields_is_refused(twilio_client, session):
    form = inbound_form()
    headers = signed("/sms/inbound", form)
    answer = twilio_client.post("/sms/inbound", data={**form, "Body": "нет"}, headers=headers)
    assert answer.status_code == 403
    assert _stored(session) == 0


def test_a_malformed_payload_names_the_field(twilio_client, session):
    form = {k: v for k, v in inbound_form().items() if k != "MessageSid"}
    answer = twilio_client.post("/sms/inbound", data=form, headers=signed("/sms/inbound", form))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["form", "MessageSid"]
    assert _stored(session) == 0


def test_without_an_auth_token_webhooks_are_refused_outside_dev(session_factory):
    settings = Settings(**{**get_settings().model_dump(), "twilio_auth_token": None})
    with TestClient(create_app(settings, session_factory, warm=False)) as client:
        assert client.post("/sms/inbound", data=inbound_form()).status_code == 403


def test_status_callback_moves_the_message_forward(twilio_client, session):
    sid = "SM" + "b" * 32
    message = Message(
        direction="out",
        kind="offer",
        phone="+79211234567",
        body="x",
        encoding="GSM-7",
        segments=1,
        status="sent",
        provider_sid=sid,
    )
    session.add(message)
    session.flush()
    form = {"MessageSid": sid, "MessageStatus": "delivered"}
    answer = twilio_client.post("/sms/status", data=form, headers=signed("/sms/status", form))
    assert answer.status_code == 200
    session.refresh(message)
    assert message.status == "delivered"
    late = {"MessageSid": sid, "MessageStatus": "sent"}
    twilio_client.post("/sms/status", data=late, headers=signed("/sms/status", late))
    session.refresh(message)
    assert message.status == "delivered"


@pytest.mark.parametrize("status", ["delivered", "undelivered", "failed", "read"])
def test_a_status_callback_for_an_inbound_sid_changes_nothing(twilio_client, session, status):
    """Status callbacks are about what we sent: a reply's id (echoed or forged) moves nothing,
    and its error code flags no worker."""
    worker = make_worker(session, branch=make_branch(session))
    form = inbound_form()
    twilio_client.post("/sms/inbound", data=form, headers=signed("/sms/inbound", form))
    reply = session.scalars(select(Message).where(Message.direction == "in")).one()
    reply.worker_id = worker.id
    session.flush()
    callback = {"MessageSid": form["MessageSid"], "MessageStatus": status, "ErrorCode": "21610"}
    answer = twilio_client.post(
        "/sms/status", data=callback, headers=signed("/sms/status", callback)
    )
    assert answer.status_code == 200
    session.refresh(reply)
    session.refresh(worker)
    assert (reply.status, reply.error_code) == ("received", None)
    assert worker.opted_out is False
    apply_early_statuses(session, now())  # nor does the reconciler's pass over kept callbacks
    session.refresh(reply)
    assert reply.status == "received"
