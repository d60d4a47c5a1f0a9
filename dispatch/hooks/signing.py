"""The signature of a webhook delivery (docs/webhooks.md): HMAC-SHA256 of "<t>.<raw body>"
with the subscription's secret, sent as `Brigada-Signature: t=<unix seconds>,v1=<hex>`."""

import hashlib
import hmac
import secrets

SIGNATURE = "Brigada-Signature"
EVENT_ID = "Brigada-Event-Id"


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
