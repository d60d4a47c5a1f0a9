"""Where an outgoing SMS leaves Brigada: Twilio in production, the outbox table in dev and demos."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
from twilio.base.exceptions import (
    TwilioException,
    TwilioRestException,
    TwilioServiceException,
)
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client
from urllib3.exceptions import NewConnectionError

from core.settings import Settings

OPTED_OUT_CODES = frozenset({21610})  # the recipient texted STOP to this sender
# The 'To' can never receive this SMS (https://www.twilio.com/docs/api/errors/NNNNN).
INVALID_NUMBER_CODES = frozenset(
    {
        21211,  # invalid 'To' phone number
        21265,  # 'To' is a short code
        21266,  # 'To' and 'From' are the same number
        21401,  # invalid phone number
        21407,  # this phone number type does not support SMS
        21408,  # SMS not enabled for the region of the 'To' number
        21604,  # 'To' is required
        21612,  # 'To' cannot be reached from this 'From' (cannot route)
        21614,  # 'To' is not a valid mobile number
        21635,  # 'To' is a landline
    }
)
TRANSIENT_CODES = frozenset({20429})  # too many requests
TRANSIENT_STATUSES = frozenset({408, 429})
# Our clock and Twilio's may disagree; a claim's time is widened by this when matching.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class Sent:
    provider_sid: str
    status: str  # the provider's status on acceptance, e.g. "queued" / "sent"


class GatewayError(Exception):
    """The provider did not take the message; `kind` says whether to retry or give up."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None,
        transient: bool,
        kind: str,
        maybe_taken: bool = False,
    ):
        super().__init__(message)
        self.code = code
        self.transient = transient
        self.kind = kind  # "transient", "opted_out", "invalid_number" or "rejected"
        # No answer to a request that may have arrived (a read timeout, a dropped connection):
        # the provider may have taken the message, so it is checked before it is sent again.
        self.maybe_taken = maybe_taken


class GatewayConfigError(ValueError):
    """The chosen SMS backend lacks a setting; names the BRIGADA_* variable."""


class Gateway(Protocol):
    name: str

    def send(self, *, to: str, body: str) -> Sent: ...

    def find_sent(self, *, to: str, body: str, since: datetime) -> list[str]:
        """The provider's ids of messages with this body it took for `to` since `since`."""
        ...


class OutboxGateway:
    """Dev and demo: nothing leaves the machine; the message row is the record."""

    name = "outbox"

    def send(self, *, to: str, body: str) -> Sent:
        return Sent(provider_sid="OB" + uuid.uuid4().hex, status="sent")

    def find_sent(self, *, to: str, body: str, since: datetime) -> list[str]:
        return []  # the outbox keeps no record of its own: the row is the record


# twilio ships no types (pyproject.toml's mypy section): its HttpClient is Any to mypy, and a
# subclass of Any is what disallow_subclassing_any refuses.
class ApiBaseHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """Sends what the client addresses to *.twilio.com to `api_base` instead (an edge, a mock)."""

    def __init__(self, *, api_base: str | None, timeout_s: float):
        super().__init__(timeout=timeout_s)
        if api_base is not None:
            parts = urlsplit(api_base)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise GatewayConfigError(f"Twilio API base {api_base!r} is not an http(s) URL")
        self.api_base = api_base.rstrip("/") if api_base else None

    def rebase(self, url: str) -> str:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if self.api_base is None or not (host == "twilio.com" or host.endswith(".twilio.com")):
            return url
        return self.api_base + parts.path + (f"?{parts.query}" if parts.query else "")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        return super().request(method, self.rebase(url), *args, **kwargs)


# Delivery errors a status callback reports for numbers that cannot take SMS (unknown,
# unreachable, landline or carrier-blocked).
UNDELIVERABLE_CODES = frozenset({30003, 30005, 30006})


def callback_failure_kind(error_code: str | None) -> str | None:
    """A status callback's ErrorCode as a kind to act on ("opted_out", "invalid_number")."""
    if not error_code or not error_code.isdigit():
        return None
    code = int(error_code)
    if code in OPTED_OUT_CODES:
        return "opted_out"
    if code in INVALID_NUMBER_CODES or code in UNDELIVERABLE_CODES:
        return "invalid_number"
    return None


def error_kind(status: int, code: int | None) -> str:
    """Twilio's HTTP status and error code as a GatewayError kind."""
    if code in OPTED_OUT_CODES:
        return "opted_out"
    if code in INVALID_NUMBER_CODES:
        return "invalid_number"
    if code in TRANSIENT_CODES or status in TRANSIENT_STATUSES or status >= 500:
        return "transient"
    return "rejected"


def from_twilio_error(exc: TwilioRestException | TwilioServiceException) -> GatewayError:
    status = int(exc.status)
    # Without a Twilio code in the body the client puts the HTTP status in its place.
    code = exc.code if exc.code is not None and exc.code != status else None
    kind = error_kind(status, code)
    detail = exc.msg if isinstance(exc, TwilioRestException) else exc.title
    return GatewayError(
        f"Twilio answered HTTP {status}, code {code}: {detail}",
        code=str(code) if code is not None else None,
        transient=kind == "transient",
        kind=kind,
    )


def never_reached(exc: requests.RequestException) -> bool:
    """The request cannot have arrived: no connection was ever made."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError)  # refused, unresolvable, unreachable


def from_transport_error(exc: requests.RequestException) -> GatewayError:
    return GatewayError(
        f"Twilio unreachable: {type(exc).__name__}: {exc}",
        code=None,
        transient=True,
        kind="transient",
        maybe_taken=not never_reached(exc),
    )


@contextmanager
def twilio_errors() -> Iterator[None]:
    """The twilio client's exceptions, and its transport's, as GatewayErrors of their kind."""
    try:
        yield
    except (TwilioRestException, TwilioServiceException) as exc:
        raise from_twilio_error(exc) from exc
    except TwilioException as exc:  # an answer that came but would not read: no status to map
        # The request arrived, so a send may have been taken: checked before it goes again.
        raise GatewayError(
            f"Twilio: {exc}", code=None, transient=True, kind="transient", maybe_taken=True
        ) from exc
    except requests.RequestException as exc:
        raise from_transport_error(exc) from exc


class TwilioGateway:
    name = "twilio"

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_number: str | None,
        messaging_service_sid: str | None,
        status_callback: str | None,
        api_base: str | None = None,
        timeout_s: float = 10.0,
    ):
        if not from_number and not messaging_service_sid:
            raise GatewayConfigError("Twilio needs a from number or a messaging service SID")
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid
        self.status_callback = status_callback
        self.client = Client(
            username=account_sid,
            password=auth_token,
            account_sid=account_sid,
            http_client=ApiBaseHttpClient(api_base=api_base, timeout_s=timeout_s),
        )

    def send(self, *, to: str, body: str) -> Sent:
        # A messaging service picks the sender from its pool; a From would pin one number.
        sender = (
            {"messaging_service_sid": self.messaging_service_sid}
            if self.messaging_service_sid
            else {"from_": self.from_number}
        )
        kwargs = {"status_callback": self.status_callback} if self.status_callback else {}
        with twilio_errors():
            message = self.client.messages.create(to=to, body=body, **sender, **kwargs)
        return Sent(provider_sid=str(message.sid), status=str(message.status))

    def find_sent(self, *, to: str, body: str, since: datetime) -> list[str]:
        # One page, newest first: 50 back covers any worker's texts of the last minutes.
        with twilio_errors():
            listed = list(self.client.messages.page(to=to, page_size=50))
        earliest = since - CLOCK_SKEW
        return [
            str(m.sid)
            for m in listed
            if str(m.direction or "").startswith("outbound")
            and m.body == body
            and (m.date_created is None or m.date_created >= earliest)
        ]


def make_gateway(settings: Settings) -> Gateway:
    if settings.resolved_sms_backend != "twilio":
        return OutboxGateway()
    account_sid, auth_token = settings.twilio_account_sid, settings.twilio_auth_token
    missing = [
        name
        for name, value in (
            ("BRIGADA_TWILIO_ACCOUNT_SID", account_sid),
            ("BRIGADA_TWILIO_AUTH_TOKEN", auth_token),
        )
        if not value
    ]
    if not settings.twilio_from and not settings.twilio_messaging_service_sid:
        missing.append("BRIGADA_TWILIO_FROM or BRIGADA_TWILIO_MESSAGING_SERVICE_SID")
    # An unset SID or token is in `missing` already: the second test only narrows their types.
    if missing or not (account_sid and auth_token):
        raise GatewayConfigError(
            "SMS backend is twilio but these settings are missing: " + ", ".join(missing)
        )
    return TwilioGateway(
        account_sid=account_sid,
        auth_token=auth_token,
        from_number=settings.twilio_from,
        messaging_service_sid=settings.twilio_messaging_service_sid,
        status_callback=settings.public_url.rstrip("/") + "/sms/status",
        api_base=settings.twilio_api_base,
    )
