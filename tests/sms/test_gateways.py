"""SMS gateways: the real twilio client against Twilio's own spec (Prism), and error mapping."""

import json
import re
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException

from core.settings import Settings
from sms.gateways import (
    ApiBaseHttpClient,
    GatewayConfigError,
    GatewayError,
    OutboxGateway,
    Sent,
    TwilioGateway,
    from_twilio_error,
    make_gateway,
    twilio_errors,
)
from tests.sms import prism

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
SERVICE_SID = "MG" + "fedcba9876543210" * 2
MESSAGES_PATH = "/2010-04-01/Accounts/{AccountSid}/Messages.json"
CALLBACK = "https://brigada.example/sms/status"


@pytest.fixture(scope="module")
def twilio_mock():
    server = prism.start()
    yield server
    server.stop()


def gateway_at(api_base: str, **overrides) -> TwilioGateway:
    options = dict(
        account_sid=ACCOUNT_SID,
        auth_token="test-auth-token",
        from_number="+15005550006",
        messaging_service_sid=None,
        status_callback=CALLBACK,
        api_base=api_base,
    )
    return TwilioGateway(**(options | overrides))


# --- Twilio's spec, served by Prism -------------------------------------------------------


def test_a_message_twilio_accepts_comes_back_with_its_sid_and_status(twilio_mock):
    example = prism.spec_example(prism.SPEC, MESSAGES_PATH, "post", "201")
    seen = len(twilio_mock.log())

    sent = gateway_at(twilio_mock.base_url).send(to="+79161234567", body="Смена завтра в 7:00")

    assert re.fullmatch(r"SM[0-9a-fA-F]{32}", sent.provider_sid)
    assert sent == Sent(provider_sid=example["sid"], status=example["status"])
    log = twilio_mock.log()[seen:]
    assert f"post /2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json" in log
    assert "The request passed the validation rules" in log


def test_a_messaging_service_can_send_instead_of_a_number(twilio_mock):
    gateway = gateway_at(twilio_mock.base_url, from_number=None, messaging_service_sid=SERVICE_SID)
    seen = len(twilio_mock.log())

    assert gateway.send(to="+79161234567", body="Hi").status == "queued"
    assert "The request passed the validation rules" in twilio_mock.log()[seen:]


@pytest.fixture(scope="module")
def lenient_twilio_mock():
    server = prism.start(errors=False)
    yield server
    server.stop()


def test_a_stale_claim_is_looked_up_in_twilios_message_list(lenient_twilio_mock):
    example = prism.spec_example(prism.SPEC, MESSAGES_PATH, "get", "200")["messages"][0]
    gateway = gateway_at(lenient_twilio_mock.base_url)
    seen = len(lenient_twilio_mock.log())
    long_ago = datetime(2019, 1, 1, tzinfo=UTC)

    found = gateway.find_sent(to=example["to"], body=example["body"], since=long_ago)
    other_words = gateway.find_sent(to=example["to"], body="Смена завтра", since=long_ago)
    too_old = gateway.find_sent(to=example["to"], body=example["body"], since=datetime.now(UTC))

    assert (found, other_words, too_old) == ([example["sid"]], [], [])
    log = lenient_twilio_mock.log()[seen:]
    assert f"get /2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json" in log
    assert "The request passed the validation rules" in log


def test_a_message_list_that_will_not_load_is_transient(twilio_mock):
    # The strict mock refuses to serve the list example (its page URIs are not absolute).
    gateway = gateway_at(twilio_mock.base_url)

    with pytest.raises(GatewayError) as raised:
        gateway.find_sent(to="+79161234567", body="Hi", since=datetime.now(UTC))

    assert raised.value.transient and "Unable to fetch page" in str(raised.value)


def test_twilio_without_a_sender_is_refused_at_construction():
    with pytest.raises(GatewayConfigError, match="from number or a messaging service"):
        gateway_at("http://127.0.0.1:1", from_number=None, messaging_service_sid=None)


@pytest.mark.parametrize(
    "overrides, complaint",
    [
        ({"messaging_service_sid": "MG-not-a-sid"}, "body property MessagingServiceSid must match"),
        ({"status_callback": "not a url"}, 'body property StatusCallback must match format "uri"'),
        ({"account_sid": "AC-short"}, "path parameter accountsid must match pattern"),
    ],
)
def test_a_request_the_spec_refuses_is_rejected_for_good(twilio_mock, overrides, complaint):
    gateway = gateway_at(twilio_mock.base_url, **overrides)
    seen = len(twilio_mock.log())

    with pytest.raises(GatewayError) as raised:
        gateway.send(to="+79161234567", body="Hi")

    assert (raised.value.kind, raised.value.transient, raised.value.code) == (
        "rejected",
        False,
        None,
    )
    assert "HTTP 422" in str(raised.value)
    assert complaint in twilio_mock.log()[seen:]


# --- a real HTTP peer answering as Twilio does when things go wrong ------------------------


def twilio_error(status: int, code: int) -> tuple[int, dict]:
    return status, {
        "code": code,
        "message": f"Twilio error {code}",
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


ANSWERS = {
    "+15550000500": twilio_error(500, 20500),
    "+15550000503": twilio_error(503, 20503),
    "+15550000429": twilio_error(429, 20429),
    "+15550021610": twilio_error(400, 21610),
    "+15550021211": twilio_error(400, 21211),
    "+15550021614": twilio_error(400, 21614),
    "+15550021408": twilio_error(400, 21408),
    "+15550021612": twilio_error(400, 21612),
    "+15550020003": twilio_error(401, 20003),
    "+15550021606": twilio_error(400, 21606),
    # RFC 9457 problem details, which newer Twilio APIs answer with.
    "+15550009457": (
        503,
        {
            "type": "https://www.twilio.com/docs/errors/20503",
            "title": "Unavailable",
            "status": 503,
            "code": 20503,
        },
    ),
}
SLOW = "+15550000000"


class TwilioLike(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the message list: what this server was sent, newest first)
        self.server.received.append((self.path, dict(self.headers), {}))
        to = parse_qs(urlsplit(self.path).query)["To"][0]
        listed = [
            {
                "sid": f"SM{n:032x}",
                "to": form["To"],
                "body": form["Body"],
                "direction": "outbound-api",
                "date_created": formatdate(usegmt=True),
            }
            for n, (path, _, form) in enumerate(self.server.received)
            if path.endswith("Messages.json") and form.get("To") == to
        ]
        listed.append(
            {
                "sid": "SM" + "f" * 32,
                "to": to,
                "body": "Hi",
                "direction": "inbound",
                "date_created": formatdate(usegmt=True),
            }
        )
        self._answer(
            200, {"messages": listed[::-1], "next_page_uri": None, "page": 0, "page_size": 50}
        )

    def do_POST(self):  # noqa: N802 (http.server's naming)
        length = int(self.headers["Content-Length"])
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        self.server.received.append((self.path, dict(self.headers), form))
        if form["To"] == SLOW:
            time.sleep(1.0)
        status, payload = ANSWERS.get(
            form["To"],
            (201, {"sid": "SM" + "a" * 32, "status": "accepted"}),
        )
        self._answer(status, payload)

    def _answer(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class TwilioLikeServer(ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), TwilioLike)
        self.received: list[tuple[str, dict, dict]] = []

    def handle_error(self, request, client_address):
        pass  # the slow answer's client has gone by the time it is written


@pytest.fixture(scope="module")
def twilio_like():
    server = TwilioLikeServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def base_of(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.mark.parametrize(
    "to, kind, code",
    [
        ("+15550000500", "transient", "20500"),
        ("+15550000503", "transient", "20503"),
        ("+15550000429", "transient", "20429"),
        ("+15550009457", "transient", "20503"),
        ("+15550021610", "opted_out", "21610"),
        ("+15550021211", "invalid_number", "21211"),
        ("+15550021614", "invalid_number", "21614"),
        ("+15550021408", "invalid_number", "21408"),
        ("+15550021612", "invalid_number", "21612"),
        ("+15550020003", "rejected", "20003"),
        ("+15550021606", "rejected", "21606"),
    ],
)
def test_twilio_errors_become_gateway_errors_of_their_kind(twilio_like, to, kind, code):
    with pytest.raises(GatewayError) as raised:
        gateway_at(base_of(twilio_like)).send(to=to, body="Hi")

    error = raised.value
    assert (error.kind, error.code, error.transient) == (kind, code, kind == "transient")


def test_the_request_carries_the_sender_callback_and_credentials(twilio_like):
    sent = gateway_at(base_of(twilio_like)).send(to="+79161234567", body="Смена")

    path, headers, form = twilio_like.received[-1]
    assert sent == Sent(provider_sid="SM" + "a" * 32, status="accepted")
    assert path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert form == {
        "To": "+79161234567",
        "Body": "Смена",
        "From": "+15005550006",
        "StatusCallback": CALLBACK,
    }
    assert headers["Authorization"].startswith("Basic ")


def test_a_messaging_service_is_sent_instead_of_from_when_both_are_set(twilio_like):
    gateway_at(base_of(twilio_like), messaging_service_sid=SERVICE_SID).send(
        to="+79161234567", body="Hi"
    )

    _, _, form = twilio_like.received[-1]
    assert form["MessagingServiceSid"] == SERVICE_SID
    assert "From" not in form


def test_a_closed_port_is_transient_and_surely_not_sent():
    gateway = gateway_at(f"http://127.0.0.1:{prism.free_port()}")

    with pytest.raises(GatewayError) as raised:
        gateway.send(to="+79161234567", body="Hi")

    error = raised.value
    assert (error.kind, error.transient, error.code, error.maybe_taken) == (
        "transient",
        True,
        None,
        False,
    )


def test_a_timeout_is_transient(twilio_like):
    gateway = gateway_at(base_of(twilio_like), timeout_s=0.2)

    started = time.monotonic()
    with pytest.raises(GatewayError) as raised:
        gateway.send(to=SLOW, body="Hi")

    assert raised.value.kind == "transient"
    assert raised.value.maybe_taken  # the request arrived; only the answer was lost
    assert time.monotonic() - started < 0.9


def test_twilio_refusals_were_surely_not_sent(twilio_like):
    with pytest.raises(GatewayError) as raised:
        gateway_at(base_of(twilio_like)).send(to="+15550000429", body="Hi")

    assert raised.value.transient and not raised.value.maybe_taken


def test_an_answer_that_would_not_read_may_have_been_taken():
    """The twilio client's own error for a response it could not use (say, a list page that
    would not load): the request arrived, so a send is checked against the list, not repeated."""
    with pytest.raises(GatewayError) as raised, twilio_errors():
        raise TwilioException("Unable to fetch page")

    assert raised.value.transient and raised.value.maybe_taken


def listed_sid(server, to: str, body: str) -> str:
    """The SID the Twilio-like server lists for the one text it was sent with these words."""
    [n] = [
        n
        for n, (_, _, f) in enumerate(server.received)
        if (f.get("To"), f.get("Body")) == (to, body)
    ]
    return f"SM{n:032x}"


def test_find_sent_matches_outgoing_texts_with_these_words_to_this_phone(twilio_like):
    gateway = gateway_at(base_of(twilio_like))
    phone = "+79160000077"
    gateway.send(to=phone, body="Смена 1")
    gateway.send(to=phone, body="Hi")
    gateway.send(to="+79160000078", body="Смена 1")
    since = datetime.now(UTC) - timedelta(minutes=1)

    assert gateway.find_sent(to=phone, body="Смена 1", since=since) == [
        listed_sid(twilio_like, phone, "Смена 1")
    ]
    assert gateway.find_sent(to=phone, body="Смена 2", since=since) == []
    # "Hi" came in from the worker too: only our own outgoing one counts.
    assert gateway.find_sent(to=phone, body="Hi", since=since) == [
        listed_sid(twilio_like, phone, "Hi")
    ]
    path, _, _ = twilio_like.received[-1]
    assert path.startswith(f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json?")
    assert "To=%2B79160000077" in path and "PageSize=50" in path


# --- the mapping itself, on the client's own exception objects ----------------------------


@pytest.mark.parametrize(
    "status, code, kind",
    [
        (400, 21610, "opted_out"),
        (400, 21211, "invalid_number"),
        (400, 21614, "invalid_number"),
        (400, 21612, "invalid_number"),
        (400, 21408, "invalid_number"),
        (400, 21635, "invalid_number"),
        (429, 20429, "transient"),
        (500, 20500, "transient"),
        (502, 502, "transient"),  # a proxy's answer: no Twilio code, the client repeats the status
        (408, 408, "transient"),
        (400, 21606, "rejected"),
        (404, 20404, "rejected"),
        (422, 422, "rejected"),
    ],
)
def test_rest_exceptions_map_to_kinds(status, code, kind):
    error = from_twilio_error(TwilioRestException(status, "/Messages.json", "refused", code))

    assert (error.kind, error.transient) == (kind, kind == "transient")
    assert error.code == (None if code == status else str(code))


def test_service_exceptions_map_like_rest_exceptions():
    docs = "https://www.twilio.com/docs/errors/21610"
    exc = TwilioServiceException(docs, "Opted out", 400, 21610)

    assert from_twilio_error(exc).kind == "opted_out"


@pytest.mark.parametrize(
    "api_base, url, expected",
    [
        (
            "https://api.dublin.ie1.twilio.com/",
            "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json",
            "https://api.dublin.ie1.twilio.com/2010-04-01/Accounts/AC1/Messages.json",
        ),
        (
            "http://127.0.0.1:4010",
            "https://api.twilio.com/2010-04-01/Accounts.json?PageSize=1",
            "http://127.0.0.1:4010/2010-04-01/Accounts.json?PageSize=1",
        ),
        (None, "https://api.twilio.com/x", "https://api.twilio.com/x"),
        ("http://127.0.0.1:4010", "https://example.com/x", "https://example.com/x"),
    ],
)
def test_the_api_base_replaces_twilios_host(api_base, url, expected):
    assert ApiBaseHttpClient(api_base=api_base, timeout_s=1).rebase(url) == expected


def test_an_api_base_that_is_not_a_url_is_refused():
    with pytest.raises(GatewayConfigError, match="not an http"):
        ApiBaseHttpClient(api_base="127.0.0.1:4010", timeout_s=1)


# --- outbox and choosing a gateway -------------------------------------------------------


def test_the_outbox_sends_nothing_and_gives_each_message_its_own_id():
    first = OutboxGateway().send(to="+79161234567", body="Hi")
    second = OutboxGateway().send(to="+79161234567", body="Hi")

    assert re.fullmatch(r"OB[0-9a-f]{32}", first.provider_sid)
    assert first.status == "sent"
    assert first.provider_sid != second.provider_sid


def settings(**twilio) -> Settings:
    # Every Twilio setting is given, so none leaks in from the environment.
    values = dict(
        sms_backend=None,
        twilio_account_sid=None,
        twilio_auth_token=None,
        twilio_from=None,
        twilio_messaging_service_sid=None,
        twilio_api_base=None,
        public_url="https://brigada.example/",
    )
    return Settings(**(values | twilio))


def test_without_twilio_credentials_the_outbox_is_used():
    assert isinstance(make_gateway(settings()), OutboxGateway)


def test_twilio_credentials_choose_twilio_with_the_status_callback():
    gateway = make_gateway(
        settings(twilio_account_sid=ACCOUNT_SID, twilio_auth_token="t", twilio_from="+15005550006")
    )

    assert isinstance(gateway, TwilioGateway)
    assert gateway.name == "twilio"
    assert gateway.status_callback == "https://brigada.example/sms/status"


def test_the_outbox_can_be_forced_over_twilio_credentials():
    gateway = make_gateway(
        settings(sms_backend="outbox", twilio_account_sid=ACCOUNT_SID, twilio_auth_token="t")
    )

    assert isinstance(gateway, OutboxGateway)


def test_twilio_without_a_sender_names_both_settings():
    with pytest.raises(GatewayConfigError) as raised:
        make_gateway(settings(twilio_account_sid=ACCOUNT_SID, twilio_auth_token="t"))

    assert "BRIGADA_TWILIO_FROM or BRIGADA_TWILIO_MESSAGING_SERVICE_SID" in str(raised.value)


def test_twilio_chosen_without_credentials_names_them():
    with pytest.raises(GatewayConfigError) as raised:
        make_gateway(settings(sms_backend="twilio", twilio_from="+15005550006"))

    assert "BRIGADA_TWILIO_ACCOUNT_SID" in str(raised.value)
    assert "BRIGADA_TWILIO_AUTH_TOKEN" in str(raised.value)
