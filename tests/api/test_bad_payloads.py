"""Oversized bodies and malformed Twilio payloads are refused cleanly (4xx) and store nothing."""

import io
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from api.console.web import SESSION_COOKIE
from api.main import MAX_BODY_BYTES, create_app
from api.routes.registry.workers import MAX_IMPORT_BYTES
from core.settings import Settings, get_settings
from dispatch.models import Order, Site, User
from dispatch.texts import links
from sms.models import Message
from tests.builders import (
    auth,
    make_branch_site,
    make_offer,
    make_order,
    make_user,
    make_worker,
)
from workers.models import Worker

TOKEN = "twilio-auth-token-for-bad-payloads"
PUBLIC = "https://brigada.example.org"
MB = 1024 * 1024


@pytest.fixture
def twilio_client(session_factory):
    settings = Settings(
        **{**get_settings().model_dump(), "twilio_auth_token": TOKEN, "public_url": PUBLIC}
    )
    with TestClient(create_app(settings, session_factory, warm=False)) as client:
        yield client


@pytest.fixture
def office(session):
    branch, site = make_branch_site(session)
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


# --- found by attacking from outside: each was a 500 -----------------------------------------


def _token_for_subject(subject) -> str:
    at = datetime.now(UTC)
    claims = {"sub": subject, "ver": 0, "iat": at, "exp": at + timedelta(hours=1)}
    return jwt.encode(claims, get_settings().secret_key, algorithm="HS256")


SUBJECTS = ["abc", "1.5", "99999999999", "2147483648", "0", "-1", " 1", "1e3", "١", "9" * 5000]


@pytest.mark.parametrize("subject", SUBJECTS, ids=lambda s: repr(s)[:16])
def test_a_token_whose_subject_is_not_a_user_id_is_401(client, subject):
    token = _token_for_subject(subject)
    answer = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401, answer.text
    client.cookies.set(SESSION_COOKIE, token)  # the console reads the same token
    page = client.get("/console/", follow_redirects=False)
    assert page.status_code == 303 and "/console/login" in page.headers["location"]


NON_FINITE = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"]


@pytest.mark.parametrize("number", NON_FINITE)
@pytest.mark.parametrize("field", ["headcount", "site_id"])
def test_a_non_finite_number_in_a_new_order_is_422_naming_the_field(
    client, session, office, field, number
):
    _, site, headers = office
    values = {"site_id": str(site.id), "skill": '"loader"', "headcount": "2", field: number}
    body = "{" + ", ".join(f'"{k}": {v}' for k, v in values.items()) + "}"
    answer = client.post(
        "/api/v1/orders", content=body, headers={**headers, "Content-Type": "application/json"}
    )
    assert answer.status_code == 422, answer.text
    assert ["body", field] in [e["loc"] for e in answer.json()["detail"]]
    assert count(session, Order) == 0


@pytest.mark.parametrize(
    "location, fields",
    [
        ('{"lat": NaN, "lon": 30}', {"lat"}),
        ('{"lat": 59, "lon": Infinity}', {"lon"}),
        ('{"lat": 1e999, "lon": -1e999}', {"lat", "lon"}),
        ('{"lat": "north", "lon": 30}', {"lat"}),
        ('{"lat": {"deg": 59}, "lon": [30]}', {"lat", "lon"}),
        ('{"lat": null}', {"lat", "lon"}),
        ('{"lon": 30}', {"lat"}),
    ],
)
def test_a_malformed_site_location_is_422_naming_lat_or_lon(
    client, session, office, location, fields
):
    _, site, headers = office
    before = count(session, Site)
    fields_before = f'"client_id": {site.client_id}, "name": "Yard", "address": "Main 1"'
    body = f'{{{fields_before}, "location": {location}}}'
    answer = client.post(
        "/api/v1/sites", content=body, headers={**headers, "Content-Type": "application/json"}
    )
    assert answer.status_code == 422, answer.text
    named = {e["loc"][-1] for e in answer.json()["detail"] if e["loc"][:2] == ["body", "location"]}
    assert named == fields
    assert count(session, Site) == before


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_at_a_check_in_link_is_4xx(client, session, office, depth):
    _, site, _ = office
    order = make_order(session, site=site, starts_in=timedelta(minutes=10))
    offer = make_offer(session, order=order, worker=make_worker(session, branch=office[0]))
    body = '{"lat": ' * depth + "1" + "}" * depth
    for link in (
        links.token_for(offer.id, get_settings().secret_key),
        f"{offer.id}-AAAAAAAAAAAA",
    ):
        answer = client.post(
            f"/c/{link}", content=body, headers={"Content-Type": "application/json"}
        )
        assert 400 <= answer.status_code < 500, answer.text[:200]
    session.refresh(offer)
    assert offer.checked_in_at is None
