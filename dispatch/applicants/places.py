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
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.ids import MAX_ID
from dispatch.applicants.errors import LocationLinkNotFound
from dispatch.models import Branch
from geo.points import Point
from geo.queries import distance_m
from sms import letters
from workers.applicants import Applicant, District

SIG_CHARS = 12
MIN_PREFIX = 3
SUGGESTIONS = 3
_TOKEN = re.compile(rf"^([1-9][0-9]{{0,9}})-([A-Za-z0-9_-]{{{SIG_CHARS}}})$")


def fold(name: str) -> str:
    """A district's name as it is compared: the one fold of typed words (sms/letters.py:
    look-alikes, stand-ins, ё as е), й as и, letters and digits only."""
    return "".join(ch for ch in letters.fold(name).replace("й", "и") if ch.isalnum())


@dataclass
class Match:
    district: District | None = None
    suggestions: list[str] = field(default_factory=list)  # names to offer when none matched


def match_district(session: Session, typed: str) -> Match:
    """The district the applicant named: by its name, or, where cities share a name (every
    city has its Ленинский), by the name with its branch's as the suggestions offer it
    ("Ленинский (Казань)"); a prefix of either; else up to SUGGESTIONS names close to it."""
    key = fold(typed)
    if not key:
        return Match()
    rows = session.execute(
        select(District, Branch.name)
        .join(Branch, Branch.id == District.branch_id)
        .order_by(District.name, District.id)
    ).all()
    shared = Counter(fold(d.name) for d, _ in rows)
    # Each district's label: its name, with its branch's where another city has that name.
    labels = {d.id: f"{d.name} ({b})" if shared[fold(d.name)] > 1 else d.name for d, b in rows}
    districts = [d for d, _ in rows]
    for keyed in (
        {d.id: fold(labels[d.id]) for d in districts},
        {d.id: fold(d.name) for d in districts},
    ):
        whole = [d for d in districts if keyed[d.id] == key]
        if len(whole) == 1:
            return Match(whole[0])
        if whole:
            return Match(None, _names(whole, labels))
    starting = [
        d
        for d in districts
        if len(key) >= MIN_PREFIX
        and (fold(d.name).startswith(key) or fold(labels[d.id]).startswith(key))
    ]
    if len(starting) == 1:
        return Match(starting[0])
    if starting:
        return Match(None, _names(starting, labels))
    by_key = {fold(labels[d.id]): d for d in districts}
    close = difflib.get_close_matches(key, list(by_key), n=SUGGESTIONS, cutoff=0.6)
    return Match(None, _names([by_key[k] for k in close], labels))


def _names(districts: list[District], labels: dict[int, str]) -> list[str]:
    return list(dict.fromkeys(labels[d.id] for d in districts))[:SUGGESTIONS]


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
