"""Use-cases for branches and their knobs; clients are in clients.py, sites in sites.py."""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import available_timezones

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.db import flush_checked
from core.errors import InvalidInput, check_length
from core.tenancy import Actor
from dispatch.models import Branch
from dispatch.network.areas import check_area
from dispatch.network.errors import FormatInvalid, OrganisationUnknown, VatRateInvalid
from dispatch.network.models import FORMATS, Organisation
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


# The branch's network fields (dispatch/network/models.py) and their longest stored text;
# inn/kpp/ogrn are checked as a client's are, bik and the accounts are digits.
NETWORK_TEXTS: dict[str, int] = {
    "brand": 100,
    "legal_name": 300,
    "inn": 12,
    "kpp": 9,
    "ogrn": 15,
    "legal_address": 500,
    "bank_name": 200,
    "bik": 9,
    "bank_account": 20,
    "correspondent_account": 20,
}
_DIGITS = {"bik": 9, "bank_account": 20, "correspondent_account": 20}
NETWORK_FIELDS = (*NETWORK_TEXTS, "format", "organisation_id", "area", "vat_rate")
# What a branch's manager may change of them; the rest is the head office's.
MANAGER_NETWORK_FIELDS = ("area",)


def clean_network(session: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    """The network fields as stored: a blank text None (cleared), INN/KPP/OGRN with their
    check digits, the area a valid polygon (dispatch/network/areas.py), vat_rate a share
    (None: no VAT). Raises the first field's error, naming it."""
    from dispatch.registry.clients import CHECKS  # clients.py imports this module

    clean: dict[str, Any] = {}
    for field, longest in NETWORK_TEXTS.items():
        if field not in values:
            continue
        text = " ".join(str(values[field] or "").split())
        check_length(field, text, longest)
        if not text:
            clean[field] = None
        elif field in CHECKS:
            clean[field] = CHECKS[field](text, field)
        elif field in _DIGITS and not (text.isdigit() and len(text) == _DIGITS[field]):
            raise InvalidInput(field, f"{field} is {_DIGITS[field]} digits")
        else:
            clean[field] = text
    if "format" in values:
        if values["format"] is not None and values["format"] not in FORMATS:
            raise FormatInvalid("format", f"format must be one of {', '.join(FORMATS)}")
        clean["format"] = values["format"]
    if "vat_rate" in values:
        clean["vat_rate"] = _vat_rate(values["vat_rate"])
    if "organisation_id" in values:
        organisation_id = values["organisation_id"]
        if organisation_id is not None and session.get(Organisation, organisation_id) is None:
            raise OrganisationUnknown("organisation_id", f"no organisation {organisation_id}")
        clean["organisation_id"] = organisation_id
    if "area" in values:
        clean["area"] = None if values["area"] is None else check_area(session, values["area"])
    return clean


def _vat_rate(raw: Any) -> Decimal | None:
    if raw is None:
        return None
    try:
        rate = Decimal(str(raw))
    except InvalidOperation:
        raise VatRateInvalid("vat_rate", "not a number") from None
    if (
        not rate.is_finite()
        or not Decimal(0) <= rate < 1
        or rate != rate.quantize(Decimal("0.001"))
    ):
        raise VatRateInvalid("vat_rate", "a share: 0 <= rate < 1, at most 3 decimals (0.22)")
    return rate.quantize(Decimal("0.001"))


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
    network: Mapping[str, Any] | None = None,
) -> Branch:
    """network: the branch's network fields (NETWORK_FIELDS), checked by clean_network."""
    if not (actor.whole_network and actor.role == "admin"):  # an owner's, too, are not theirs
        raise HeadOfficeOnly("only the head office opens branches")
    knobs = merge_policy(DEFAULTS, policy or {})
    details = clean_network(session, network or {})
    branch = Branch(
        code=code.upper(),
        name=name.strip(),
        timezone=_check_timezone(timezone),
        country=_check_country(country),
        center=center.to_db(),
        **knobs,
        **details,
    )
    _flush_unique(session, branch, "code", code)
    filled = sorted(k for k, v in details.items() if v is not None)
    audit.log(
        session,
        actor,
        "branch.create",
        "branch",
        [branch.id],
        branch.id,
        policy=_plain(knobs),
        **({"network": filled} if filled else {}),
    )
    return branch


def update_branch(
    session: Session, branch: Branch, *, actor: Actor, changes: dict[str, Any]
) -> Branch:
    changes = dict(changes)
    policy_changes = changes.pop("policy", None) or {}
    network = {k: changes.pop(k) for k in NETWORK_FIELDS if k in changes}
    if not actor.whole_network and set(network) - set(MANAGER_NETWORK_FIELDS):
        raise HeadOfficeOnly("only the head office changes a branch's network and legal details")
    changes.update(clean_network(session, network))
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
