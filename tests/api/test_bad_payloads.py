"""Oversized bodies and malformed Twilio payloads are refused cleanly (4xx) and store nothing."""

import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from api.main import MAX_BODY_BYTES, create_app
from api.routes.workers import MAX_IMPORT_BYTES
from core.settings import Settings, get_settings
from dispatch.models import Order, User
from sms.models import Message
from tests.builders import auth, make_branch, make_client, make_site, make_user
from workers.models import Worker

TOKEN = "twilio-auth-token-for-bad-payloads"
PUBLIC = "https://brigada.example.org"
MB = 1024 * 1024


@pytest.fixture
def twilio_client(session_factory):
    settings = Settings(
        **{**get_settings().model_dump(), "twilio_auth_token": TOKEN, "public_url": PUBLIC}
    )
    with TestClient(create_app(settings, session_factory)) as client:
        yield client


@pytest.fixture
def office(session):
    branch = make_branch(session)
    site = make_site(session, client=make_client(session, branch=branch))
    return branch, site, auth(make_user(session, role="dispatcher", branch=branch))


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def inbound(sid: str = "SM" + "a" * 32, **fields: str) -> dict[str, str]:
    return {"MessageSid": sid, "From": "+79211234567", "To": "+15005550006", "Body": "да", **fields}


def post_signed(client, form: dict[str, str], path: str = "/sms/inbound"):
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + path, form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature})


def stored_replies(session) -> int:
    return count(session, Message, Message.direction == "in")


# --- oversized bodies ---------------------------------------------------------------------


def _order_json_of(size: int, site_id: int) -> bytes:
    head = f'{{"site_id": {site_id}, "skill": "loader", "note": "'.encode()
    return head + b"x" * (size - len(head) - 2) + b'"}'


def test_a_10_mb_json_order_is_413_and_stores_nothing(client, session, office):
    _, site, headers = office
    body = _order_json_of(10 * MB, site.id)
    answer = client.post(
        "/api/v1/orders", content=body, headers={**headers, "Content-Type": "application/json"}
    )
    assert answer.status_code == 413
    assert len(answer.content) < 1000  # not the 10 MB echoed back in a 422
    assert count(session, Order) == 0


def test_a_streamed_body_without_a_length_is_cut_off_at_the_limit(client, session, office):
    _, site, headers = office
    body = _order_json_of(3 * MB, site.id)
    sent = []

    def chunks():
        for start in range(0, len(body), 64 * 1024):
            sent.append(start)
            yield body[start : start + 64 * 1024]

    answer = client.post(
        "/api/v1/orders", content=chunks(), headers={**headers, "Content-Type": "application/json"}
    )
    assert answer.status_code == 413
    assert "content-length" not in {k.lower() for k in answer.request.headers}
    assert count(session, Order) == 0


def test_a_body_just_under_the_limit_is_read(client, office):
    _, site, headers = office
    body = _order_json_of(MAX_BODY_BYTES - 10, site.id)
    answer = client.post(
        "/api/v1/orders", content=body, headers={**headers, "Content-Type": "application/json"}
    )
    assert answer.status_code == 422  # read, then refused for what it says


def test_a_huge_inbound_form_is_413_and_stores_nothing(twilio_client, session):
    answer = post_signed(twilio_client, inbound(Body="x" * (2 * MB)))
    assert answer.status_code == 413
    assert stored_replies(session) == 0


def _csv_of(size: int) -> bytes:
    """A CSV of at least `size` bytes in under 20,000 rows (rows with long names)."""
    head = b"full_name,phone,lat,lon,skills\n"
    row = f"Петров Пётр {'Петрович ' * 12},8 921 555 00 11,55.7,37.6,loader\n".encode()
    return head + row * -(-(size - len(head)) // len(row))


def test_the_csv_import_takes_files_over_the_json_limit(client, session, office):
    branch, _, headers = office
    data = _csv_of(2 * MB)
    assert len(data) > MAX_BODY_BYTES
    answer = client.post(
        "/api/v1/workers/import",
        files={"file": ("w.csv", io.BytesIO(data), "text/csv")},
        data={"branch_id": str(branch.id), "dry_run": "true"},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text[:300]
    assert count(session, Worker) == 0  # a dry run


@pytest.mark.parametrize("size", [MAX_IMPORT_BYTES + 1, 8 * MB], ids=["just over 5 MB", "8 MB"])
def test_a_csv_over_5_mb_is_413_and_stores_nothing(client, session, office, size):
    branch, _, headers = office
    answer = client.post(
        "/api/v1/workers/import",
        files={"file": ("w.csv", io.BytesIO(_csv_of(size)), "text/csv")},
        data={"branch_id": str(branch.id)},
        headers=headers,
    )
    assert answer.status_code == 413
    assert count(session, Worker) == 0


# --- malformed Twilio payloads --------------------------------------------------------------


@pytest.mark.parametrize(
    "form, field",
    [
        ({k: v for k, v in inbound().items() if k != "MessageSid"}, "MessageSid"),
        (inbound(sid=""), "MessageSid"),
        ({k: v for k, v in inbound().items() if k != "From"}, "From"),
        (inbound(Body="д" * 5_000), "Body"),
        (inbound(Body="да\x00"), "Body"),
        (inbound(sid="SM" + "b" * 100), "MessageSid"),
        (inbound(From="+7921123456789012345"), "From"),
        (inbound(From="+7921\x00"), "From"),
    ],
    ids=[
        "no MessageSid",
        "empty MessageSid",
        "no From",
        "5,000-character Body",
        "NUL in Body",
        "102-character MessageSid",
        "20-character From",
        "NUL in From",
    ],
)
def test_a_malformed_signed_inbound_is_422_naming_the_field_and_stores_nothing(
    twilio_client, session, form, field
):
    answer = post_signed(twilio_client, form)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["form", field]
    assert stored_replies(session) == 0


def test_non_utf8_bytes_in_a_signed_inbound_are_422_and_store_nothing(twilio_client, session):
    """%FF%FE is no UTF-8: read leniently it would be stored as two U+FFFD characters."""
    as_read = inbound(Body="\ufffd\ufffdhi")
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/sms/inbound", as_read)
    raw = (
        f"MessageSid={as_read['MessageSid']}&From=%2B79211234567&To=%2B15005550006&Body=%FF%FEhi"
    ).encode()
    answer = twilio_client.post(
        "/sms/inbound",
        content=raw,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
        },
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["form", "Body"]
    assert stored_replies(session) == 0


@pytest.mark.parametrize(
    "content, content_type",
    [
        (b"\xff\xfe\x00\x01garbage", "application/x-www-form-urlencoded"),
        (b'{"MessageSid": "SM1", "From": "+79211234567"}', "application/json"),
        (b"", "application/x-www-form-urlencoded"),
        (b"MessageSid=SM1&From=%2B79211234567&Body=%FF", "text/plain"),
    ],
    ids=["binary", "json", "empty", "text/plain"],
)
def test_unsigned_junk_is_refused_and_stores_nothing(twilio_client, session, content, content_type):
    answer = twilio_client.post(
        "/sms/inbound", content=content, headers={"Content-Type": content_type}
    )
    assert 400 <= answer.status_code < 500
    assert stored_replies(session) == 0


@pytest.mark.parametrize(
    "form, field",
    [
        ({"MessageSid": "SM\x00", "MessageStatus": "delivered"}, "MessageSid"),
        ({"MessageSid": "SM1", "MessageStatus": "failed", "ErrorCode": "3" * 40}, "ErrorCode"),
        ({"MessageStatus": "delivered"}, "MessageSid"),
    ],
    ids=["NUL in MessageSid", "40-character ErrorCode", "no MessageSid"],
)
def test_a_malformed_status_callback_is_422_naming_the_field(twilio_client, form, field):
    answer = post_signed(twilio_client, form, "/sms/status")
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["form", field]


def test_a_well_formed_inbound_still_goes_through(twilio_client, session):
    assert post_signed(twilio_client, inbound(Body="д" * 1_600)).status_code == 200
    assert stored_replies(session) == 1


# --- found by hand while fuzzing: each was a 500 from the database or the calendar ----------


@pytest.mark.parametrize(
    "path, params, loc",
    [
        ("/api/v1/workers", {"offset": 2**63}, ["query", "offset"]),
        ("/api/v1/audit", {"before_id": 2**63}, ["query", "before_id"]),
        ("/api/v1/audit", {"entity": "worker\x00"}, ["query", "entity"]),
        ("/api/v1/audit", {"action": "\x00"}, ["query", "action"]),
        ("/api/v1/audit", {"entity": "w" * 61}, ["query", "entity"]),
    ],
    ids=["worker offset past bigint", "audit id past bigint", "NUL entity", "NUL action", "long"],
)
def test_out_of_range_queries_are_422_naming_the_parameter(client, session, path, params, loc):
    headers = auth(make_user(session, role="admin"))
    answer = client.get(path, params=params, headers=headers)
    assert answer.status_code == 422, answer.text
    assert loc in [e["loc"] for e in answer.json()["detail"]]


def test_a_payout_report_to_the_last_calendar_day_is_422(client, session, office):
    branch, _, headers = office
    answer = client.get(
        f"/api/v1/branches/{branch.id}/payouts",
        params={"from": "9999-12-01", "to": "9999-12-31"},
        headers=headers,
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["query", "to"]


def test_a_new_user_of_a_branch_that_is_not_there_is_404_and_stores_nothing(client, session):
    """Found by the schema fuzz: the dangling branch id was a 500 from the foreign key."""
    admin = make_user(session, role="admin")
    users = count(session, User)
    body = {"username": "nobodys", "password": "long-enough-pass", "role": "dispatcher"}
    answer = client.post(
        "/api/v1/users", json={**body, "branch_id": 2**31 - 1}, headers=auth(admin)
    )
    assert answer.status_code == 404, answer.text
    assert count(session, User) == users
