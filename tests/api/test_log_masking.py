"""No phone number, password, secret key, Twilio auth token or bearer token in any log record,
with every logger at DEBUG (SQLAlchemy then echoes each statement with its parameters)."""

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import sessionmaker
from twilio.request_validator import RequestValidator

from api.main import create_app
from core.logmask import MaskingFilter, settings_secrets
from core.settings import Settings, get_settings
from tests.builders import PASSWORD, make_branch, make_user

TWILIO_TOKEN = "twilio-auth-token-for-log-tests"
PUBLIC = "https://brigada.example.org"
WORKER_PHONE = "+7 921 555-12-34"  # stored as +79215551234
SENDER_PHONE = "+79265550987"


def _digits(phone: str) -> str:
    return "".join(c for c in phone if c.isdigit())


@pytest.fixture
def debug_logs(caplog):
    """Every logger at DEBUG and into caplog, those that do not propagate included."""
    caplog.set_level(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    for logger in loggers:
        caplog.set_level(logging.DEBUG, logger=logger.name)
    silent = [logger for logger in loggers if not logger.propagate]
    for logger in silent:
        logger.addHandler(caplog.handler)
    yield caplog
    for logger in silent:
        logger.removeHandler(caplog.handler)


@pytest.fixture
def echoing_client(engine, debug_logs):
    """The app on a connection opened after DEBUG was switched on, so SQL is echoed."""
    settings = Settings(
        **{**get_settings().model_dump(), "twilio_auth_token": TWILIO_TOKEN, "public_url": PUBLIC}
    )
    with engine.connect() as connection:
        outer = connection.begin()
        factory = sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        with factory() as session, TestClient(create_app(settings, factory, warm=False)) as client:
            yield client, session
        outer.rollback()


def _texts(records: list[logging.LogRecord]) -> list[str]:
    formatter = logging.Formatter("%(name)s %(message)s")
    return [formatter.format(record) for record in records]


def test_a_login_a_new_worker_and_an_inbound_sms_leave_no_secret_in_the_logs(
    echoing_client, debug_logs
):
    client, session = echoing_client
    branch = make_branch(session)
    user = make_user(session, role="dispatcher", branch=branch)
    session.commit()

    login = client.post(
        "/api/v1/auth/token", data={"username": user.username, "password": PASSWORD}
    )
    assert login.status_code == 200, login.text
    token = login.json()["access_token"]
    worker = {
        "full_name": "Сидоров Сидор",
        "phone": WORKER_PHONE,
        "home": {"lat": 55.7, "lon": 37.6},
        "skills": ["loader"],
        "branch_id": branch.id,
    }
    created = client.post(
        "/api/v1/workers", json=worker, headers={"Authorization": f"Bearer {token}"}
    )
    assert created.status_code == 201, created.text
    form = {"MessageSid": "SM" + "c" * 32, "From": SENDER_PHONE, "To": "+15005550006", "Body": "да"}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(PUBLIC + "/sms/inbound", form)
    inbound = client.post("/sms/inbound", data=form, headers={"X-Twilio-Signature": signature})
    assert inbound.status_code == 200, inbound.text

    texts = _texts(debug_logs.records)
    # The check reads what was really logged: the statements that stored the phones.
    assert any("INSERT INTO workers" in text for text in texts)
    assert any("INSERT INTO messages" in text for text in texts)
    forbidden = {
        "the worker's phone": _digits(WORKER_PHONE),
        "the worker's phone without its country code": _digits(WORKER_PHONE)[1:],
        "the sender's phone": _digits(SENDER_PHONE)[1:],
        "the password": PASSWORD,
        "the secret key": get_settings().secret_key,
        "the Twilio auth token": TWILIO_TOKEN,
        "the bearer token": token,
        "a password hash": "$argon2id$",
    }
    leaks = [
        f"{what} in: {text[:300]}"
        for text in texts
        for what, value in forbidden.items()
        if value in text
    ]
    assert not leaks, "\n".join(leaks)
    assert any("*********34" in text for text in texts)  # masked, last two digits kept


def test_records_made_elsewhere_are_masked_too(app, debug_logs):
    """What uvicorn, Twilio's client and a failed statement log in production, as they log it
    (the app installed the masking when it was made)."""
    settings = get_settings()
    start = len(debug_logs.records)
    access = logging.getLogger("uvicorn.access")
    access.info(
        '%s - "%s %s HTTP/%s" %d',
        "10.0.0.7:51000",
        "GET",
        "/console/workers?q=%2B79215551234",
        "1.1",
        200,
    )
    access.info(
        '%s - "%s %s HTTP/%s" %d', "10.0.0.7:51000", "GET", "/c/17-Ab3dEf9hIj_k", "1.1", 200
    )
    logging.getLogger("twilio.http_client").info(
        "POST Request: https://api.twilio.com/2010-04-01/Messages.json?To=%2B79215551234"
    )
    logging.getLogger("brigada.jobs").warning(
        "sent with Authorization: Bearer eyJhbGciOi.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    )
    logging.getLogger("brigada.jobs").info(
        "connecting to postgresql://app:%s@db/brigada", "pw-1234567"
    )
    logging.getLogger("brigada.jobs").info("the secret key is %s", settings.secret_key)
    try:
        raise RuntimeError("DETAIL:  Key (phone)=(+79215551234) already exists.")
    except RuntimeError:
        logging.getLogger("brigada.jobs").exception("could not store 8 (921) 555-12-34")

    records = debug_logs.records[start:]
    assert len(records) == 7
    joined = "\n".join(_texts(records))
    for secret in ("79215551234", "9215551234", "555-12-34", "Ab3dEf9hIj_k", "eyJ", "pw-1234567"):
        assert secret not in joined
    assert settings.secret_key not in joined
    # uvicorn's access formatter unpacks its five arguments: they must still be there.
    assert records[0].args[2] == "/console/workers?q=%2B*********34"
    assert "/c/17-***" in joined


@pytest.mark.parametrize(
    "text, masked",
    [
        ("+79211234567", "+*********67"),
        ("+7 (921) 123-45-67", "+*********67"),
        ("8 921 123-45-67", "*********67"),
        ("tel 89211234567.", "tel *********67."),
        ("+374 91 234567", "+*********67"),
        ("q=%2B79211234567&x=1", "q=%2B*********67&x=1"),
        ("order 482 at 2026-11-27 08:00:00+03:00, 15 booked", None),
        ("SM0123456789abcdef0123456789abcdef", None),
        ("password=hunter2&username=ivan", "password=***&username=ivan"),
        ('{"auth_token": "abc123xyz"}', '{"auth_token": "***"}'),
        ("redis://:s3cr3t-pass@10.0.0.2:6379/0", "redis://:***@10.0.0.2:6379/0"),
    ],
)
def test_what_the_filter_masks_and_what_it_leaves(text, masked):
    assert MaskingFilter().mask(text) == (text if masked is None else masked)


def test_known_secrets_are_masked_wherever_they_appear():
    masking = MaskingFilter(["a-long-secret-value", "short"])
    assert masking.mask("x a-long-secret-value y short") == "x *** y short"  # 8+ characters only


def test_the_replica_urls_password_is_a_known_secret():
    settings = Settings(
        **{
            **get_settings().model_dump(),
            "database_replica_url": "postgresql+psycopg://reports:replica-pass-0123@replica/b",
        }
    )
    assert "replica-pass-0123" in settings_secrets(settings)
