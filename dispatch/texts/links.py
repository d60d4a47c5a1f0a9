"""Check-in links: a short signed link in the booking text lets a worker say "I am here"
from their phone (dispatch/shift/checkin.py records it).

The token is f"{offer_id}-{sig}", sig the first 12 characters of the urlsafe base64 of
HMAC-SHA256(secret, "checkin:{offer_id}"): 72 bits, short enough for an SMS, and nothing to
store.
"""

import base64
import hashlib
import hmac
import re
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from core.ids import MAX_ID
from dispatch.models import Offer
from dispatch.texts.errors import LinkNotFound

SIG_CHARS = 12
_TOKEN = re.compile(rf"^([1-9][0-9]{{0,9}})-([A-Za-z0-9_-]{{{SIG_CHARS}}})$")


def address_with_city(address: str, city: str) -> str:
    """A site's address with its city, the branch's (a branch is a city office, named after
    it), unless the address names the city already."""
    if not city or city.casefold() in address.casefold():
        return address
    return f"{address}, {city}"


def _sig(offer_id: int, secret: str) -> str:
    digest = hmac.new(secret.encode(), f"checkin:{offer_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:SIG_CHARS]


def token_for(offer_id: int, secret: str) -> str:
    return f"{offer_id}-{_sig(offer_id, secret)}"


def checkin_link(offer: Offer, public_url: str, secret: str) -> str:
    return f"{public_url.rstrip('/')}/c/{token_for(offer.id, secret)}"


def offer_for_token(
    session: Session, token: str, *, secret: str, options: Sequence[ORMOption] = ()
) -> Offer:
    """The offer a genuine token names; anything else is not found (constant-time compare).
    options: the relationships the caller walks (lazy="raise"); loaded even when the offer
    is already in the session, which a get by key would not do."""
    match = _TOKEN.match(token or "")
    if match is None or int(match.group(1)) > MAX_ID:
        raise LinkNotFound()
    offer_id = int(match.group(1))
    if not hmac.compare_digest(match.group(2).encode(), _sig(offer_id, secret).encode()):
        raise LinkNotFound()
    if options:
        query = select(Offer).where(Offer.id == offer_id).options(*options)
        offer = session.scalars(query).one_or_none()
    else:
        offer = session.get(Offer, offer_id)
    if offer is None:
        raise LinkNotFound()
    return offer
