"""Twilio's webhooks: inbound SMS and delivery status callbacks (form-encoded, signed)."""

from urllib.parse import unquote_to_bytes

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator

from api.deps import DB
from core.errors import InvalidInput
from core.settings import Settings
from dispatch.replies import intake
from dispatch.texts import delivery

router = APIRouter(prefix="/sms", tags=["twilio webhooks"])

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
MAX_FIELD = 2_000  # Twilio bodies are at most 1,600 characters
# Fields stored in columns of their own size (a longer one was a 500 from the database).
MAX_LENGTH = {"MessageSid": 64, "From": 16, "ErrorCode": 16}


async def signed_form(request: Request) -> dict[str, str]:
    """The posted fields, if Twilio signed them for our public URL; 403 otherwise."""
    settings: Settings = request.app.state.settings
    raw = await request.body()  # read first: the form is parsed from it
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    token = settings.twilio_auth_token
    if token:
        url = settings.public_url.rstrip("/") + request.url.path
        if request.url.query:
            url += "?" + request.url.query
        signature = request.headers.get("X-Twilio-Signature", "")
        if not RequestValidator(token).validate(url, form, signature):
            raise HTTPException(403, detail="invalid Twilio signature")
    elif settings.env != "dev":
        raise HTTPException(
            403, detail="BRIGADA_TWILIO_AUTH_TOKEN is not set: cannot check webhook signatures"
        )
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        _refuse_non_utf8(raw)
    return form


def _refuse_non_utf8(raw: bytes) -> None:
    """Twilio sends UTF-8; other bytes would be stored as U+FFFD, so refuse them by name."""
    for pair in raw.split(b"&"):
        name, _, value = pair.partition(b"=")
        for part in (name, value):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                field = unquote_to_bytes(name).decode("utf-8", "replace")
                raise InvalidInput(field, "is not UTF-8 text", location="form") from None


def _field(form: dict[str, str], name: str, required: bool = True) -> str:
    value = form.get(name)
    if not value:
        if required:
            raise InvalidInput(name, "field required", location="form")
        return ""
    longest = MAX_LENGTH.get(name, MAX_FIELD)
    if len(value) > longest:
        raise InvalidInput(name, f"longer than {longest} characters", location="form")
    if "\x00" in value:  # PostgreSQL text cannot hold it: refused, never a 500
        raise InvalidInput(name, "must not contain NUL characters", location="form")
    return value


def twiml() -> Response:
    return Response(EMPTY_TWIML, media_type="application/xml")


@router.post("/inbound", response_class=Response)
def inbound(
    request: Request, form: dict[str, str] = Depends(signed_form), session: Session = DB
) -> Response:
    """Stored once per MessageSid and acted on by a job, so Twilio gets its answer at once;
    past the number's rate stored only (dispatch/replies/intake.py)."""
    intake.receive(
        session,
        provider_sid=_field(form, "MessageSid"),
        from_phone=_field(form, "From"),
        body=_field(form, "Body", required=False),
        allow=request.app.state.inbound_limiter.allow,
    )
    return twiml()


@router.post("/status", response_class=Response)
def status(form: dict[str, str] = Depends(signed_form), session: Session = DB) -> Response:
    delivery.record_status(
        session,
        provider_sid=_field(form, "MessageSid"),
        status=_field(form, "MessageStatus"),
        error_code=_field(form, "ErrorCode", required=False) or None,
    )
    return twiml()
