"""Clients in the console: the list (search by name or INN) and its CSV download (the same
search, through api/console/exports.csv_download, audited), a new client, a client's page
with its details, its sites, its block list and its favourites. The rules, limits included,
are dispatch/registry/clients.py's; a refusal is shown beside the field it names, with what
was typed kept. Another branch's client is a 404 (get_client scopes by the actor's branch)."""

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain
from api.console.exports import csv_download
from api.console.i18n import translator
from api.console.manage.owners import narrowed
from api.console.portal.team_parts import team_context
from api.console.registry.client_rates import agreed_of, rates_context
from api.console.registry.words.clients import WORDS
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB, OFFICE
from api.schemas.common import IdPath
from core.errors import Conflict, DomainError, InvalidInput, NotFound
from core.tenancy import Actor
from dispatch.access.privacy import show_workers
from dispatch.enums import CALL_CENTRE, OFFICE_READERS, OWNER
from dispatch.models import Branch, Client
from dispatch.rates import agreed as rates
from dispatch.registry import clients, sites
from dispatch.registry import service as branches
from dispatch.registry.client_side.users import keeps_client
from dispatch.registry.errors import DuplicateName

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Office = Depends(staff(*OFFICE))
Reading = Depends(staff(*OFFICE_READERS))  # a client's page: an owner reads it (issue 21)

i18n.add(WORDS)

FIELDS = ("name", *clients.DETAILS)
SEARCH_SHOWN = 200
EXPORT_MAX = 5_000  # the list's download: the page shows 200


def _client_form(
    name: str = Form(""),
    contact_person: str = Form(""),
    contact_phone: str = Form(""),
    inn: str = Form(""),
    kpp: str = Form(""),
    ogrn: str = Form(""),
    legal_address: str = Form(""),
    notes: str = Form(""),
) -> dict[str, str]:
    """The form as typed, to check and to show again (notes keep their lines)."""
    typed = (name, contact_person, contact_phone, inn, kpp, ogrn, legal_address, notes)
    return {
        field: value if field == "notes" else value.strip()
        for field, value in zip(FIELDS, typed, strict=True)
    }


def _field_errors(values: dict[str, str], country: str, t) -> dict[str, str]:
    """Each field's refusal, every field at once: the domain's own checks, one field at a
    time (they write nothing), so a limit (blank, too long, a bad INN) lives there only."""
    errors: dict[str, str] = {}
    for field, value in values.items():
        try:
            if field == "name":
                clients.clean_name(value)
            else:
                clients.clean_details({field: value}, country=country)
        except InvalidInput as exc:
            errors[field] = explain(exc, t)
    return errors


def _branch_of(session: Session, actor: Actor, raw: str) -> Branch | None:
    """The branch a new client joins: the actor's own; the head office's choice."""
    wanted = actor.branch_id if actor.branch_id is not None else (int(raw) if raw.isdigit() else 0)
    if not wanted or wanted > 2**31 - 1:
        return None
    try:
        return branches.get_branch(session, wanted, actor=actor)
    except NotFound:
        return None


def _form_page(
    request, session, actor, values, errors, *, client=None, status_code=200, extra=None
):
    context = {
        "values": values,
        "errors": errors,
        "longest": clients.LONGEST,  # the inputs' maxlength: the domain's limits
        "fields": [f for f in ("branch_id", *FIELDS) if f in errors],
        "client": client,
        "branches": branches.list_branches(session, actor=actor)
        if actor.branch_id is None and client is None
        else [],
    }
    if client is not None:
        context.update(_lists(session, actor, client, request))
    context.update(extra or {})
    template = "clients_page.html" if client is not None else "clients_new.html"
    return render(request, template, context, actor=actor, status_code=status_code)


def _lists(session: Session, actor: Actor, client: Client, request: Request) -> dict:
    """The client's sites, block list and favourites, workers named as the actor may see
    them (dispatch/access/privacy.py: audited)."""
    blocks = clients.list_blocks(session, actor=actor, client_id=client.id)
    favourites = clients.list_favourites(session, actor=actor, client_id=client.id)
    shown = show_workers(
        session,
        actor=actor,
        worker_ids=[b.worker_id for b in blocks] + [f.worker_id for f in favourites],
        via="console.client",
        branch_id=client.branch_id,
        client_id=client.id,
    )
    t = translator(language(request))

    def name(worker_id: int) -> str:
        seen = shown.get(worker_id)
        if seen is not None and seen.name:
            return seen.name
        return t("clients_worker_numbered").format(id=worker_id)

    foremen = {u.id: u.full_name or u.username for u in sites.foremen(session, client.branch_id)}
    # Its users and keys, for the roles that keep them (api/console/registry/client_users.py).
    action = f"{PREFIX}/clients/{client.id}"
    kept = keeps_client(actor)
    team = team_context(session, actor, client, side="office", action=action) if kept else {}
    return {
        **team,
        **rates_context(session, actor, client, language(request)),
        "sites": sites.list_sites(session, actor=actor, client_id=client.id),
        "foremen": foremen,
        "blocks": [(b, name(b.worker_id)) for b in blocks],
        "favourites": [(f, name(f.worker_id)) for f in favourites],
        "list_errors": {},
        "list_values": {},
    }


def _values_of(client: Client) -> dict[str, str]:
    return {field: getattr(client, field) or "" for field in FIELDS}


@router.get("/clients")
def client_list(
    request: Request,
    q: str = "",
    branch: str = Query("", max_length=12),
    actor: Actor = Depends(staff(*OFFICE, OWNER, CALL_CENTRE)),  # the two: to read (issue 21)
    session: Session = DB,
):
    q = q.strip()[:200]
    seeing = narrowed(actor, branch)  # an owner's (the call centre's) one branch
    found = clients.list_clients(session, actor=seeing, search=q or None, limit=SEARCH_SHOWN)
    context = {"q": q, "found": found, "branch": branch if branch.isdigit() else ""}
    return render(request, "clients_list.html", context, actor=actor)


# The header's words: t("csv_clients_<field>") for each of the form's details.
EXPORT_COLUMNS = [
    "clients_id",
    "clients_name",
    "export_branch",
    *(f"clients_{f}" for f in clients.DETAILS),
]


@router.get("/clients.csv")
def client_export(request: Request, q: str = "", actor: Actor = Office, session: Session = DB):
    """The list as the page searches it (the same words), every match up to EXPORT_MAX."""
    q = q.strip()[:200]
    found = clients.list_clients(session, actor=actor, search=q or None, limit=EXPORT_MAX)
    codes = {b.id: b.code for b in branches.list_branches(session, actor=actor)}
    rows = [
        [c.id, c.name, codes.get(c.branch_id, ""), *(getattr(c, f) for f in clients.DETAILS)]
        for c in found
    ]
    return csv_download(
        request,
        session,
        actor,
        what="client",
        columns=EXPORT_COLUMNS,
        rows=rows,
        ids=[c.id for c in found],
        filename="clients.csv",
    )


@router.get("/clients/new")
def new_client_form(request: Request, actor: Actor = Office, session: Session = DB):
    return _form_page(request, session, actor, dict.fromkeys(FIELDS, ""), {})


@router.post("/clients/new", dependencies=[Depends(csrf_checked)])
def create_client(
    request: Request,
    branch_id: str = Form(""),
    values: dict[str, str] = Depends(_client_form),
    actor: Actor = Office,
    session: Session = DB,
):
    t = translator(language(request))
    branch = _branch_of(session, actor, branch_id.strip())
    errors = _field_errors(values, branch.country if branch else "RU", t)
    if branch is None:
        errors["branch_id"] = t("clients_err_required")
    if branch is not None and not errors:
        details = {f: values[f] for f in clients.DETAILS}
        try:
            made = clients.create_client(
                session, actor=actor, branch_id=branch.id, name=values["name"], details=details
            )
        except (InvalidInput, DuplicateName) as exc:
            session.rollback()
            errors = {_field_of(exc): explain(exc, t)}
        else:
            return RedirectResponse(f"{PREFIX}/clients/{made.id}", status_code=303)
    shown = {**values, "branch_id": branch_id.strip()}
    return _form_page(request, session, actor, shown, errors, status_code=422)


def show_client(request, session, actor, client_id: int, *, status_code=200, extra=None):
    """The client's page as it is stored, with `extra` over its lists (a refusal, say)."""
    client = clients.get_client(session, client_id, actor=actor)
    values = _values_of(client)
    return _form_page(
        request, session, actor, values, {}, client=client, status_code=status_code, extra=extra
    )


@router.get("/clients/{client_id}")
def client_page(request: Request, client_id: IdPath, actor: Actor = Reading, session: Session = DB):
    client = clients.get_client(session, client_id, actor=actor)
    saved = {"saved": request.query_params.get("saved") == "1"}
    return _form_page(request, session, actor, _values_of(client), {}, client=client, extra=saved)


@router.post("/clients/{client_id}", dependencies=[Depends(csrf_checked)])
def update_client(
    request: Request,
    client_id: IdPath,
    values: dict[str, str] = Depends(_client_form),
    actor: Actor = Office,
    session: Session = DB,
):
    t = translator(language(request))
    client = clients.get_client(session, client_id, actor=actor)
    country = branches.get_branch(session, client.branch_id, actor=actor).country
    errors = _field_errors(values, country, t)
    if not errors:
        try:
            clients.update_client(session, client, actor=actor, changes=values)
        except (InvalidInput, DuplicateName) as exc:
            session.rollback()
            errors = {_field_of(exc): explain(exc, t)}
        else:
            return RedirectResponse(f"{PREFIX}/clients/{client.id}?saved=1", status_code=303)
        client = clients.get_client(session, client_id, actor=actor)
    return _form_page(request, session, actor, values, errors, client=client, status_code=422)


def _field_of(exc: DomainError) -> str:
    if isinstance(exc, InvalidInput):
        return str(exc.loc[-1])
    return getattr(exc, "field", "name")


def _list_change(request: Request, session: Session, actor: Actor, client_id: int, change):
    """A block-list or favourites change: done and back to the page (at its list), or the
    page again with the refusal beside the worker field, what was typed kept."""
    t = translator(language(request))
    client = clients.get_client(session, client_id, actor=actor)
    try:
        anchor = change(client)
    except (InvalidInput, NotFound, Conflict) as exc:
        session.rollback()
        return exc, t
    return RedirectResponse(f"{PREFIX}/clients/{client_id}#{anchor}", status_code=303), t


def _refused(request, session, actor, client_id, list_name, typed, exc, t):
    client = clients.get_client(session, client_id, actor=actor)
    on_reason = isinstance(exc, InvalidInput) and exc.loc[-1] == "reason"
    key = f"{list_name}_reason" if on_reason else list_name
    extra = {"list_errors": {key: explain(exc, t)}, "list_values": {list_name: typed}}
    values = _values_of(client)
    return _form_page(
        request, session, actor, values, {}, client=client, status_code=422, extra=extra
    )


def _worker(session: Session, client: Client, typed: str) -> int:
    branch = session.get(Branch, client.branch_id)
    country = branch.country if branch is not None else "RU"
    return clients.worker_id_of(session, typed, country=country)


@router.post("/clients/{client_id}/blocks", dependencies=[Depends(csrf_checked)])
def block_worker(
    request: Request,
    client_id: IdPath,
    worker: str = Form(""),
    reason: str = Form(""),
    actor: Actor = Office,
    session: Session = DB,
):
    def change(client: Client) -> str:
        worker_id = _worker(session, client, worker[:40])
        clients.block_worker(
            session, actor=actor, client_id=client.id, worker_id=worker_id, reason=reason
        )
        return "blocks"

    done, t = _list_change(request, session, actor, client_id, change)
    if isinstance(done, DomainError):
        typed = {"worker": worker[:40], "reason": reason}
        return _refused(request, session, actor, client_id, "blocks", typed, done, t)
    return done


@router.post("/clients/{client_id}/blocks/{worker_id}/remove", dependencies=[Depends(csrf_checked)])
def unblock_worker(
    request: Request,
    client_id: IdPath,
    worker_id: IdPath,
    actor: Actor = Office,
    session: Session = DB,
):
    clients.unblock_worker(session, actor=actor, client_id=client_id, worker_id=worker_id)
    return RedirectResponse(f"{PREFIX}/clients/{client_id}#blocks", status_code=303)


@router.post("/clients/{client_id}/favourites", dependencies=[Depends(csrf_checked)])
def add_favourite(
    request: Request,
    client_id: IdPath,
    worker: str = Form(""),
    actor: Actor = Office,
    session: Session = DB,
):
    def change(client: Client) -> str:
        worker_id = _worker(session, client, worker[:40])
        clients.add_favourite(session, actor=actor, client_id=client.id, worker_id=worker_id)
        return "favourites"

    done, t = _list_change(request, session, actor, client_id, change)
    if isinstance(done, DomainError):
        typed = {"worker": worker[:40]}
        return _refused(request, session, actor, client_id, "favourites", typed, done, t)
    return done


@router.post(
    "/clients/{client_id}/favourites/{worker_id}/remove", dependencies=[Depends(csrf_checked)]
)
def remove_favourite(
    request: Request,
    client_id: IdPath,
    worker_id: IdPath,
    actor: Actor = Office,
    session: Session = DB,
):
    clients.remove_favourite(session, actor=actor, client_id=client_id, worker_id=worker_id)
    return RedirectResponse(f"{PREFIX}/clients/{client_id}#favourites", status_code=303)


@router.post("/clients/{client_id}/rates", dependencies=[Depends(csrf_checked)])
def save_rates(
    request: Request,
    client_id: IdPath,
    skill: list[str] = Form([]),
    client_rate: list[str] = Form([]),
    worker_rate: list[str] = Form([]),
    actor: Actor = Office,
    session: Session = DB,
):
    """The rates agreed with the client become the table's rows (api/console/registry/
    client_rates.py reads them)."""
    typed = list(zip(skill[:100], client_rate[:100], worker_rate[:100], strict=False))
    try:
        agreed = agreed_of(typed)
        rates.replace_rates(session, actor=actor, client_id=client_id, rates=agreed)
    except InvalidInput as exc:
        session.rollback()
        client = clients.get_client(session, client_id, actor=actor)
        rows = [{"skill": s, "client_rate": c, "worker_rate": w} for s, c, w in typed]
        error = explain(exc, translator(language(request)))
        extra = {"rates": rows, "rates_error": error}
        return _form_page(
            request, session, actor, _values_of(client), {}, client=client, status_code=422,
            extra=extra,
        )  # fmt: skip
    return RedirectResponse(f"{PREFIX}/clients/{client_id}#rates", status_code=303)
