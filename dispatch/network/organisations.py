"""Organisations: the network's own company and its franchisees. The head office (an admin)
adds and edits them; an owner sees their own organisation only."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.db import flush_checked, locked
from core.errors import FieldRequired, Forbidden, InvalidInput, check_length
from core.tenancy import Actor
from dispatch.network.errors import (
    OrganisationNameTaken,
    OrganisationNotFound,
    RoyaltyRateInvalid,
)
from dispatch.network.models import ORGANISATION_KINDS, Organisation
from dispatch.network.tables import branches

NAME_MAX = 200  # organisations.name


class HeadOfficeOnlyHere(Forbidden):
    code = "organisations_head_office_only"


def _check_admin(actor: Actor) -> None:
    if not actor.whole_network or actor.role != "admin":
        raise HeadOfficeOnlyHere("only the head office adds and edits organisations")


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "name" in values:
        name = " ".join(str(values["name"] or "").split())
        if not name:
            raise FieldRequired("name", "name is required")
        clean["name"] = check_length("name", name, NAME_MAX)
    if "kind" in values:
        if values["kind"] not in ORGANISATION_KINDS:
            raise InvalidInput("kind", f"kind must be one of {', '.join(ORGANISATION_KINDS)}")
        clean["kind"] = values["kind"]
    if "royalty_rate" in values:
        try:
            rate = Decimal(str(values["royalty_rate"]))
        except ArithmeticError:
            raise RoyaltyRateInvalid("royalty_rate", "not a number") from None
        if not rate.is_finite() or not Decimal(0) <= rate < Decimal(1):
            raise RoyaltyRateInvalid("royalty_rate", "a share of turnover: 0 <= rate < 1")
        if rate != rate.quantize(Decimal("0.0001")):
            raise RoyaltyRateInvalid("royalty_rate", "at most 4 decimal places (0.0625)")
        clean["royalty_rate"] = rate.quantize(Decimal("0.0001"))
    return clean


def create_organisation(
    session: Session, *, actor: Actor, name: str, kind: str, royalty_rate: Decimal
) -> Organisation:
    _check_admin(actor)
    clean = _clean({"name": name, "kind": kind, "royalty_rate": royalty_rate})
    organisation = Organisation(**clean)
    flush_checked(session, organisation, on_unique=OrganisationNameTaken(clean["name"]))
    audit.log(
        session,
        actor,
        "organisation.create",
        "organisation",
        [organisation.id],
        kind=organisation.kind,
        royalty_rate=str(organisation.royalty_rate),
    )
    return organisation


def update_organisation(
    session: Session, organisation: Organisation, *, actor: Actor, changes: Mapping[str, Any]
) -> Organisation:
    _check_admin(actor)
    clean = _clean(changes)
    changed = sorted(k for k, v in clean.items() if getattr(organisation, k) != v)
    for key in changed:
        setattr(organisation, key, clean[key])
    flush_checked(session, organisation, on_unique=OrganisationNameTaken(organisation.name))
    audit.log(
        session, actor, "organisation.update", "organisation", [organisation.id], fields=changed
    )
    return organisation


def get_organisation(
    session: Session, organisation_id: int, *, actor: Actor, lock: bool = False
) -> Organisation:
    """An owner reaches their own organisation only; the head office any."""
    if not actor.whole_network and actor.organisation_id != organisation_id:
        raise OrganisationNotFound(organisation_id)
    query = select(Organisation).where(Organisation.id == organisation_id)
    found = session.scalars(locked(query) if lock else query).one_or_none()
    if found is None:
        raise OrganisationNotFound(organisation_id)
    return found


def list_organisations(session: Session, *, actor: Actor) -> list[Organisation]:
    query = select(Organisation).order_by(Organisation.name)
    if not actor.whole_network:
        if actor.organisation_id is None:
            return []
        query = query.where(Organisation.id == actor.organisation_id)
    return list(session.scalars(query))


@dataclass(frozen=True)
class BranchOf:
    id: int
    code: str
    name: str


def branches_of(session: Session, organisation_ids: list[int]) -> dict[int, list[BranchOf]]:
    """Each organisation's branches, by code."""
    found: dict[int, list[BranchOf]] = {i: [] for i in organisation_ids}
    b = branches.c
    query = (
        select(b.id, b.code, b.name, b.organisation_id)
        .where(b.organisation_id.in_(organisation_ids))
        .order_by(b.code)
    )
    for id_, code, name, organisation_id in session.execute(query):
        found[organisation_id].append(BranchOf(id_, code, name))
    return found
