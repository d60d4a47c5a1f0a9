"""A branch's own wording of its SMS texts: checked, stored, audited, and used when sending."""

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.errors import InvalidInput
from core.tenancy import Actor
from dispatch.models import Branch
from dispatch.registry.errors import WordingNotFound
from dispatch.registry.service import get_branch
from sms import templates
from sms.models import TemplateOverride

_CACHE = "brigada.wording"
# Every text a branch may word: a worker's in each of the five languages (those with no
# translation show the Russian default), a client contact's in Russian and English.
_EDITABLE = [
    (kind, language)
    for language in templates.LANGUAGES
    for kind in templates.KINDS
    if kind not in templates.CLIENT_KINDS or language in templates.CLIENT_LANGUAGES
]


@dataclass
class Wording:
    kind: str
    language: str
    body: str
    own: bool  # the branch's wording rather than the default
    longest_segments: int  # with the longest values the text can take


def override_for(session: Session, branch_id: int, kind: str, language: str) -> str | None:
    """The branch's wording, read once per transaction (a wave renders many texts)."""
    cache: dict[int, dict[tuple[str, str], str]] = session.info.setdefault(_CACHE, {})
    if branch_id not in cache:
        rows = session.scalars(
            select(TemplateOverride).where(TemplateOverride.branch_id == branch_id)
        )
        cache[branch_id] = {(r.kind, r.language): r.body for r in rows}
    return cache[branch_id].get((kind, language))


def render(
    session: Session, branch: Branch, kind: str, language: str, values: Mapping[str, object]
) -> str:
    """A text to send, worker's or client's: in the branch's wording if it has one, else the
    default, transliterated if the branch sends so."""
    override = override_for(session, branch.id, kind, language)
    return templates.render(kind, language, override, branch.sms_transliterate, **values)


def set_wording(
    session: Session, *, actor: Actor, branch_id: int, kind: str, language: str, body: str
) -> Wording:
    branch = get_branch(session, branch_id, actor=actor, lock=True)
    templates.check_override(kind, language, body, branch.sms_transliterate)
    row = session.get(TemplateOverride, (branch.id, kind, language))
    if row is None:
        session.add(TemplateOverride(branch_id=branch.id, kind=kind, language=language, body=body))
    else:
        row.body = body
    session.flush()
    session.info.pop(_CACHE, None)
    audit.log(
        session,
        actor,
        "branch.wording",
        "branch",
        [branch.id],
        branch.id,
        kind=kind,
        language=language,
        body=body,
    )
    return _wording(branch, kind, language, body)


def reset_wording(
    session: Session, *, actor: Actor, branch_id: int, kind: str, language: str
) -> None:
    branch = get_branch(session, branch_id, actor=actor)
    row = session.get(TemplateOverride, (branch.id, kind, language))
    if row is None:
        raise WordingNotFound(f"{kind}/{language}")
    session.delete(row)
    session.flush()
    session.info.pop(_CACHE, None)
    audit.log(
        session,
        actor,
        "branch.wording_reset",
        "branch",
        [branch.id],
        branch.id,
        kind=kind,
        language=language,
    )


@dataclass
class Editable:
    """One text as its editor shows it: the branch's wording (or the default) and the default."""

    wording: Wording
    default: str
    fields: list[str]


def read_wording(
    session: Session, *, actor: Actor, branch_id: int, kind: str, language: str
) -> Editable:
    branch = get_branch(session, branch_id, actor=actor)
    if (kind, language) not in _EDITABLE:
        raise WordingNotFound(f"{kind}/{language}")
    default = templates.default_text(kind, language)[0]  # Russian where none is translated
    own = override_for(session, branch.id, kind, language)
    current = _wording(branch, kind, language, own or default, own=own is not None)
    return Editable(current, default, sorted(templates.fields_of(kind, language)))


def list_wording(session: Session, *, actor: Actor, branch_id: int) -> list[Wording]:
    branch = get_branch(session, branch_id, actor=actor)
    return [
        _wording(
            branch,
            kind,
            language,
            override_for(session, branch.id, kind, language)
            or templates.default_text(kind, language)[0],
            own=override_for(session, branch.id, kind, language) is not None,
        )
        for kind, language in _EDITABLE
    ]


def _wording(branch: Branch, kind: str, language: str, body: str, own: bool = True) -> Wording:
    longest = templates.measure_longest(kind, language, body, branch.sms_transliterate)
    return Wording(kind, language, body, own, longest.segments)


@dataclass
class Draft:
    """A wording being typed, measured as it would be sent at its longest: the one segment
    rule of sms/segments.py, the one check of sms/templates.py. Nothing is stored."""

    body: str
    encoding: str | None  # "GSM-7" or "UCS-2"; None while the text does not render
    units: int
    segments: int
    limit: int | None  # the most segments this kind may take, if it is bounded
    error: InvalidInput | None  # what saving it would refuse


def measure_draft(
    session: Session, *, actor: Actor, branch_id: int, kind: str, language: str, body: str
) -> Draft:
    branch = get_branch(session, branch_id, actor=actor)
    error: InvalidInput | None = None
    try:
        templates.check_override(kind, language, body, branch.sms_transliterate)
    except InvalidInput as exc:
        error = exc
    try:
        encoded = templates.measure_longest(kind, language, body, branch.sms_transliterate)
    except (KeyError, ValueError, IndexError):  # unknown or broken fields: nothing to measure
        return Draft(body, None, 0, 0, templates.SEGMENT_LIMITS.get(kind), error)
    return Draft(
        body,
        encoded.encoding,
        encoded.units,
        encoded.segments,
        templates.SEGMENT_LIMITS.get(kind),
        error,
    )
