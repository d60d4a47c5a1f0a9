"""A branch's policy knobs as a form, grouped by topic: each knob with its meaning, bounds and
default (dispatch/registry/knobs.py, the one table), errors beside the field with the values
kept, and what the values would do, live as they change (preview.py). Managers edit their
branch, admins any; saving is the API's PATCH /branches/{id} use-case, audited."""

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain
from api.console.manage.preview import GROUPS, previews
from api.console.network.areas import area_context
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB, MANAGERS
from api.schemas.common import IdPath
from core.tenancy import Actor
from dispatch.models import Branch
from dispatch.registry import service as registry
from dispatch.registry.knobs import KNOBS, Knob, check_policy

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Manager = Depends(staff(*MANAGERS))


def shown(value: Any) -> str:
    """A knob's value as the form shows it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def kind_of(knob: Knob) -> str:
    """How the form asks for a knob: a choice, yes/no, a whole number or a decimal."""
    if knob.choices:
        return "choice"
    return {bool: "bool", int: "int"}.get(knob.type, "decimal")


def _typed(form: Any) -> dict[str, Any]:
    """The form's knobs as the knob table reads them: yes/no as true/false, a decimal comma
    as a point; the table converts and bounds the rest."""
    raw: dict[str, Any] = {}
    for name, knob in KNOBS.items():
        value = form.get(name)
        if not isinstance(value, str):
            continue
        value = value.strip()
        if knob.type is bool:
            raw[name] = value == "true"
        elif knob.type is Decimal:
            raw[name] = value.replace(",", ".")
        else:
            raw[name] = value
    return raw


def _page(
    request: Request,
    branch: Branch,
    actor: Actor,
    values: dict[str, str],
    policy: dict[str, Any],
    errors: dict[str, str],
    notice: str = "",
    status_code: int = 200,
) -> Response:
    t = i18n.translator(language(request))
    context = {
        "branch": branch,
        "groups": GROUPS,
        "knobs": KNOBS,
        "values": values,
        "errors": errors,
        "previews": previews(policy, t),
        "notice": notice,
        "shown": shown,
        "kind_of": kind_of,
        **area_context(request, branch),  # issue 21: the area drawn on the map
    }
    return render(request, "settings.html", context, actor=actor, status_code=status_code)


def _checked(request: Request, branch: Branch, form: Any):
    """The values as typed, the policy they would make (the refused ones left as they are)
    and the refusals in words, by knob."""
    t = i18n.translator(language(request))
    typed = _typed(form)
    policy, refused = check_policy(branch.policy, typed)
    values = {name: shown(branch.policy[name]) for name in KNOBS}
    values.update({name: shown(value) for name, value in typed.items()})
    errors = {name: explain(exc, t) for name, exc in refused.items()}
    return values, policy, errors


@router.get("/settings")
def my_settings(request: Request, actor: Actor = Manager, session: Session = DB) -> Response:
    """A manager's own branch; the head office picks one."""
    if actor.branch_id is not None:
        return RedirectResponse(f"{PREFIX}/branches/{actor.branch_id}/settings", status_code=303)
    branches = registry.list_branches(session, actor=actor)
    context = {"branches": branches, "page": "settings", "title": "settings_title"}
    return render(request, "branch_pick.html", context, actor=actor)


@router.get("/branches/{branch_id}/settings")
def settings_page(
    request: Request, branch_id: IdPath, actor: Actor = Manager, session: Session = DB
) -> Response:
    branch = registry.get_branch(session, branch_id, actor=actor)  # another branch's: 404
    values = {name: shown(value) for name, value in branch.policy.items()}
    notice = (
        i18n.translator(language(request))("settings_saved")
        if "saved" in request.query_params
        else ""
    )
    return _page(request, branch, actor, values, branch.policy, {}, notice=notice)


async def _knob_form(request: Request) -> dict[str, str]:
    """The posted fields, read on the event loop so the handlers can be plain `def` (their
    database work, a row lock included, then runs in the thread pool)."""
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


KnobForm = Depends(_knob_form)


@router.post("/branches/{branch_id}/settings/preview", dependencies=[Depends(csrf_checked)])
def settings_preview(
    request: Request,
    branch_id: IdPath,
    actor: Actor = Manager,
    session: Session = DB,
    form: dict[str, str] = KnobForm,
) -> Response:
    """What the typed values would do and what saving them would refuse; writes nothing."""
    branch = registry.get_branch(session, branch_id, actor=actor)
    values, policy, errors = _checked(request, branch, form)
    t = i18n.translator(language(request))
    context = {"groups": GROUPS, "previews": previews(policy, t), "errors": errors}
    context["knobs"] = KNOBS
    return render(request, "settings_preview.html", context, actor=actor)


@router.post("/branches/{branch_id}/settings", dependencies=[Depends(csrf_checked)])
def save_settings(
    request: Request,
    branch_id: IdPath,
    actor: Actor = Manager,
    session: Session = DB,
    form: dict[str, str] = KnobForm,
) -> Response:
    branch = registry.get_branch(session, branch_id, actor=actor, lock=True)
    values, policy, errors = _checked(request, branch, form)
    if errors:
        return _page(request, branch, actor, values, policy, errors, status_code=422)
    changes = {name: value for name, value in policy.items() if value != branch.policy[name]}
    if changes:
        registry.update_branch(session, branch, actor=actor, changes={"policy": changes})
    return RedirectResponse(f"{PREFIX}/branches/{branch.id}/settings?saved=1", status_code=303)
