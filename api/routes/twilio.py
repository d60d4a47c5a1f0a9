"""Twilio's webhooks: inbound SMS and delivery status callbacks (form-encoded, signed)."""

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator

from api.deps import DB
from core.errors import InvalidInput
from core.settings import Settings
from dispatch import delivery, intake

router = APIRouter(prefix="/sms", tags=["twilio webhooks"])

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
MAX_FIELD = 2_000  # Twilio bodies are at most 1,600 characters


async def signed_form(request: Request) -> dict[str, str]:
    """The posted fields, if Twilio signed them for our public URL; 403 otherwise."""
    settings: Settings = request.app.state.settings
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
    return form


def _field(form: dict[str, str], name: str, required: bool = True) -> str:
    value = form.get(name)
    if value is None:
        if required:
            raise InvalidInput(name, "field required", location="form")
        return ""
    if len(value) > MAX_FIELD:
        raise InvalidInput(name, f"longer than {MAX_FIELD} characters", location="form")
    return value


def twiml() -> Response:
    return Response(EMPTY_TWIML, media_type="application/xml")


@router.post("/inbound", response_class=Response)
def inbound(form: dict[str, str] = Depends(signed_form), session: Session = DB) -> Response:
    """Stored once per MessageSid and acted on by a job, so Twilio gets its answer at once."""
    intake.receive(
        session,
        provider_sid=_field(form, "MessageSid"),
        from_phone=_field(form, "From"),
        body=_field(form, "Body", required=False),
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
