"""Adding staff (a one-time password shown once) and editing their name and phone. The staff
list, switching accounts off and on and one-time passwords are api/console/accounts.py."""

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.accounts import staff_listing
from api.console.errors import explain
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB, USER_KEEPERS
from api.idempotency import shown_once
from api.schemas.common import IdPath
from core.errors import InvalidInput
from core.tenancy import Actor
from dispatch.enums import BRANCHLESS, CALL_CENTRE, MANAGED_BY_MANAGERS, OWNER
from dispatch.network.models import Organisation
from dispatch.registry import accounts
from dispatch.registry import service as registry
from dispatch.registry.errors import DuplicateName

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Manager = Depends(staff(*USER_KEEPERS))  # an owner: their branches' managers

FIELDS = ("username", "full_name", "phone", "role", "branch_id", "organisation_id")


def roles_added_by(actor: Actor) -> tuple[str, ...]:
    """The roles the actor may add: an admin also managers, owners and the call centre (admins
    come from the command line); an owner their branches' managers."""
    if actor.role == "admin":
        return ("manager", *MANAGED_BY_MANAGERS, OWNER, CALL_CENTRE)
    return ("manager",) if actor.role == OWNER else MANAGED_BY_MANAGERS


def _picks_branch(actor: Actor) -> bool:
    return actor.role in ("admin", OWNER)


def _form(
    request: Request,
    session: Session,
    actor: Actor,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "values": values or {"role": "dispatcher"},
        "errors": errors or {},
        "roles": roles_added_by(actor),
        "branches": registry.list_branches(session, actor=actor) if _picks_branch(actor) else [],
        "organisations": (
            list(session.scalars(select(Organisation).order_by(Organisation.name)))
            if actor.role == "admin"
            else []
        ),
    }
    return render(request, "staff_new.html", context, actor=actor, status_code=status_code)


@router.get("/staff/new")
def new_staff_form(request: Request, actor: Actor = Manager, session: Session = DB) -> Response:
    return _form(request, session, actor)


def _field_of(exc: InvalidInput) -> str:
    field = str(exc.loc[-1])
    return {"branch": "branch_id", "organisation": "organisation_id"}.get(field, field)


@router.post("/staff/new", dependencies=[Depends(csrf_checked)])
@shown_once
def add_staff(
    request: Request,
    username: str = Form("", max_length=64),
    full_name: str = Form("", max_length=200),
    phone: str = Form("", max_length=32),
    role: str = Form("", max_length=16),
    branch_id: str = Form("", max_length=12),
    organisation_id: str = Form("", max_length=12),
    actor: Actor = Manager,
    session: Session = DB,
) -> Response:
    values = {"username": username, "full_name": full_name, "phone": phone, "role": role}
    values["branch_id"], values["organisation_id"] = branch_id, organisation_id
    t = i18n.translator(language(request))
    errors: dict[str, str] = {}
    if not username.strip():
        errors["username"] = t("err_field_required")
    if role not in roles_added_by(actor):
        errors["role"] = t("err_invalid_input")
    branch = actor.branch_id
    if _picks_branch(actor) and role not in BRANCHLESS:
        branch = int(branch_id) if branch_id.isdigit() else None
        if branch is None:
            errors["branch_id"] = t("err_field_required")
    organisation = int(organisation_id) if organisation_id.isdigit() else None
    if role == OWNER and organisation is None:
        errors["organisation_id"] = t("err_field_required")
    if errors:
        return _form(request, session, actor, values, errors, status_code=422)
    try:
        user, password = accounts.add_staff(
            session,
            actor=actor,
            username=username,
            role=role,
            branch_id=branch,
            full_name=full_name,
            phone=phone,
            organisation_id=organisation if role == OWNER else None,
        )
    except (InvalidInput, DuplicateName) as exc:
        session.rollback()
        field = _field_of(exc) if isinstance(exc, InvalidInput) else exc.field
        errors = {field if field in FIELDS else "username": explain(exc, t)}
        return _form(request, session, actor, values, errors, status_code=422)
    notice = t("staff_add_done").format(name=user.username, password=password)
    page = staff_listing(request, session, actor, notice=notice)
    page.headers["Cache-Control"] = "no-store"  # the password is on this answer only
    return page


def _edit_form(
    request: Request,
    actor: Actor,
    user,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    context = {"user": user, "values": values, "errors": errors or {}}
    return render(request, "staff_edit.html", context, actor=actor, status_code=status_code)


@router.get("/staff/{user_id}/edit")
def edit_staff_form(
    request: Request, user_id: IdPath, actor: Actor = Manager, session: Session = DB
) -> Response:
    user = accounts.managed_user(session, actor, user_id)  # 404 another branch's, 403 a peer
    values = {"full_name": user.full_name or "", "phone": user.phone or ""}
    return _edit_form(request, actor, user, values)


@router.post("/staff/{user_id}/edit", dependencies=[Depends(csrf_checked)])
def edit_staff(
    request: Request,
    user_id: IdPath,
    full_name: str = Form("", max_length=200),
    phone: str = Form("", max_length=32),
    actor: Actor = Manager,
    session: Session = DB,
) -> Response:
    values = {"full_name": full_name, "phone": phone}
    t = i18n.translator(language(request))
    try:
        user = accounts.edit_contact(session, actor=actor, user_id=user_id, changes=values)
    except InvalidInput as exc:
        session.rollback()
        user = accounts.managed_user(session, actor, user_id)
        errors = {_field_of(exc): explain(exc, t)}
        return _edit_form(request, actor, user, values, errors, status_code=422)
    notice = t("staff_edit_done").format(name=user.username)
    return staff_listing(request, session, actor, notice=notice)
