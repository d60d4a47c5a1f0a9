"""Use-cases for branches and their knobs; clients are in clients.py, sites in sites.py."""

from typing import Any
from zoneinfo import available_timezones

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.db import flush_checked
from core.errors import InvalidInput
from core.tenancy import Actor
from dispatch.models import Branch
from dispatch.registry.errors import (
    BranchNotFound,
    DuplicateName,
    HeadOfficeOnly,
)
from dispatch.registry.knobs import DEFAULTS, merge_policy
from geo.points import Point
from workers.phones import REGIONS

_TIMEZONES = frozenset(available_timezones())


def _flush_unique(session: Session, obj: Any, field: str, value: str) -> None:
    flush_checked(session, obj, on_unique=DuplicateName(field, value))


def _check_timezone(timezone: str) -> str:
    if timezone not in _TIMEZONES:
        raise InvalidInput("timezone", f"{timezone!r} is not a known IANA timezone")
    return timezone


def _check_country(country: str) -> str:
    if country not in REGIONS:
        raise InvalidInput("country", f"country must be one of {', '.join(REGIONS)}")
    return country


# --- branches ---------------------------------------------------------------------------


def create_branch(
    session: Session,
    *,
    actor: Actor,
    code: str,
    name: str,
    timezone: str,
    center: Point,
    country: str = "RU",
    policy: dict[str, Any] | None = None,
) -> Branch:
    if not (actor.whole_network and actor.role == "admin"):  # an owner's, too, are not theirs
        raise HeadOfficeOnly("only the head office opens branches")
    knobs = merge_policy(DEFAULTS, policy or {})
    branch = Branch(
        code=code.upper(),
        name=name.strip(),
        timezone=_check_timezone(timezone),
        country=_check_country(country),
        center=center.to_db(),
        **knobs,
    )
    _flush_unique(session, branch, "code", code)
    audit.log(
        session, actor, "branch.create", "branch", [branch.id], branch.id, policy=_plain(knobs)
    )
    return branch


def update_branch(
    session: Session, branch: Branch, *, actor: Actor, changes: dict[str, Any]
) -> Branch:
    changes = dict(changes)
    policy_changes = changes.pop("policy", None) or {}
    if "timezone" in changes:
        _check_timezone(changes["timezone"])
    if "country" in changes:
        _check_country(changes["country"])
    if "center" in changes:
        changes["center"] = changes["center"].to_db()
    if "code" in changes:
        changes["code"] = changes["code"].upper()
    for key, value in {**changes, **merge_policy(branch.policy, policy_changes)}.items():
        setattr(branch, key, value)
    _flush_unique(session, branch, "code", branch.code)
    audit.log(
        session,
        actor,
        "branch.update",
        "branch",
        [branch.id],
        branch.id,
        fields=sorted(changes),
        policy=_plain(policy_changes),
    )
    return branch


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v if isinstance(v, int | str | float | bool) else str(v)) for k, v in values.items()
    }


def get_branch(session: Session, branch_id: int, *, actor: Actor, lock: bool = False) -> Branch:
    if not actor.sees_branch(branch_id):
        raise BranchNotFound(branch_id)
    query = select(Branch).where(Branch.id == branch_id)
    branch = session.scalars(query.with_for_update(key_share=True) if lock else query).one_or_none()
    if branch is None:
        raise BranchNotFound(branch_id)
    return branch


def list_branches(session: Session, *, actor: Actor) -> list[Branch]:
    query = select(Branch).order_by(Branch.code)
    query = query.where(actor.branch_filter(Branch.id))
    return list(session.scalars(query))
