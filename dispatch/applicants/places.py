"""Where an applicant lives: a district's name matched against the branches' districts, or
a point their phone shares through a signed link; and the branch that point belongs to.

A name is matched folded: case, ё/е, Latin look-alikes, spaces, dashes and dots do not
count ("Ново-Савиновский" = "новосавиновскии"); a whole name wins, else a unique prefix
(three letters at least). Several districts by that start: ambiguous, the caller asks which;
none: the nearest spellings are suggested (difflib)."""

import base64
import difflib
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.ids import MAX_ID
from dispatch.applicants.errors import LocationLinkNotFound
from dispatch.models import Branch
from geo.points import Point
from geo.queries import distance_m
from workers.applicants import Applicant, District

SIG_CHARS = 12
MIN_PREFIX = 3
SUGGESTIONS = 3
_TOKEN = re.compile(rf"^([1-9][0-9]{{0,9}})-([A-Za-z0-9_-]{{{SIG_CHARS}}})$")
# Latin letters that look like Cyrillic ones, read as the Cyrillic (a district is typed on
# whatever keyboard the phone has), and ё as е, й as и.
_LOOK_ALIKES = str.maketrans("aekmhopctyxbёй", "аекмнорстухвеи")


def fold(name: str) -> str:
    text = unicodedata.normalize("NFC", name.casefold()).translate(_LOOK_ALIKES)
    return "".join(ch for ch in text if ch.isalnum())


@dataclass
class Match:
    district: District | None = None
    suggestions: list[str] = field(default_factory=list)  # names to offer when none matched


def match_district(session: Session, typed: str) -> Match:
    key = fold(typed)
    if not key:
        return Match()
    districts = list(session.scalars(select(District).order_by(District.name, District.id)))
    whole = [d for d in districts if fold(d.name) == key]
    if len(whole) == 1:
        return Match(whole[0])
    starting = whole or [
        d for d in districts if len(key) >= MIN_PREFIX and fold(d.name).startswith(key)
    ]
    if len(starting) == 1:
        return Match(starting[0])
    if starting:
        return Match(None, _names(starting))
    by_key = {fold(d.name): d for d in districts}
    close = difflib.get_close_matches(key, list(by_key), n=SUGGESTIONS, cutoff=0.6)
    return Match(None, _names([by_key[k] for k in close]))


def _names(districts: list[District]) -> list[str]:
    names: list[str] = []
    for district in districts:
        if district.name not in names:
            names.append(district.name)
    return names[:SUGGESTIONS]


def branch_near(session: Session, point: Point) -> Branch | None:
    """The branch whose centre is nearest the point (branches hold no areas: the nearest
    office serves)."""
    return session.scalars(
        select(Branch).order_by(distance_m(Branch.center, point), Branch.id).limit(1)
    ).first()


def district_near(session: Session, branch_id: int, point: Point) -> District | None:
    return session.scalars(
        select(District)
        .where(District.branch_id == branch_id)
        .order_by(distance_m(District.centre, point), District.id)
        .limit(1)
    ).first()


def _sig(applicant_id: int, secret: str) -> str:
    digest = hmac.new(secret.encode(), f"applicant:{applicant_id}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode()[:SIG_CHARS]


def token_for(applicant_id: int, secret: str) -> str:
    return f"{applicant_id}-{_sig(applicant_id, secret)}"


def location_link(applicant: Applicant, public_url: str, secret: str) -> str:
    return f"{public_url.rstrip('/')}/a/{token_for(applicant.id, secret)}"


def applicant_id_for_token(token: str, *, secret: str) -> int:
    """The applicant a genuine token names (constant-time compare); else not found."""
    found = _TOKEN.match(token or "")
    if found is None or int(found.group(1)) > MAX_ID:
        raise LocationLinkNotFound()
    applicant_id = int(found.group(1))
    if not hmac.compare_digest(found.group(2).encode(), _sig(applicant_id, secret).encode()):
        raise LocationLinkNotFound()
    return applicant_id


def applicant_for_token(session: Session, token: str, *, secret: str) -> Applicant:
    """The applicant a genuine location link names; else not found."""
    applicant = session.get(Applicant, applicant_id_for_token(token, secret=secret))
    if applicant is None:
        raise LocationLinkNotFound()
    return applicant
