"""Registering a worker and changing one: the API's use-cases (dispatch/registry/workforce.py,
workers/service.py) behind a form. Home by a pin on a map, or latitude and longitude typed
(kept in sync by worker_pin.js); phones read as the API reads them; errors beside the field
they name, the values kept."""

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain
from api.console.i18n import translator
from api.console.registry.words.worker_standing import WORDS
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB, WORKER_DESK, limit_worker_reads
from api.schemas.common import IdPath
from core.errors import DomainError, InvalidInput, NotFound
from core.tenancy import Actor
from dispatch.registry import service as registry
from dispatch.registry import workforce
from geo.points import Point
from sms.templates import skill_name
from workers import service as workers
from workers.errors import PhoneTaken
from workers.models import LANGUAGES
from workers.service import WorkerFields
from workers.skills import SKILLS

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Office = Depends(staff(*WORKER_DESK))  # recruiters register and edit workers too
FIELDS = ("full_name", "phone", "lat", "lon", "language", "branch_id")
# The domain's field names as the form's: a home is its latitude and longitude.
FORM_FIELD = {"home": "lat"}

i18n.add(WORDS)


def _form(
    full_name: str = Form(""),
    phone: str = Form(""),
    lat: str = Form(""),
    lon: str = Form(""),
    language: str = Form("ru"),
    branch_id: str = Form(""),
    skills: list[str] = Form(default_factory=list),
) -> dict:
    typed = (full_name, phone, lat, lon, language, branch_id)
    values: dict = {name: value.strip()[:300] for name, value in zip(FIELDS, typed, strict=True)}
    values["skills"] = [s[:40] for s in skills[:20]]
    return values


def _coordinate(raw: str, name: str, limit: float, t, errors: dict[str, str]) -> float | None:
    if not raw:
        errors[name] = t("wform_required")
        return None
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        errors[name] = t("wform_bad_number")
        return None
    if not -limit <= value <= limit or value != value:  # NaN is no place
        errors[name] = t(f"wform_bad_{name}")
        return None
    return value


def _fields(values: dict, t, *, new: bool) -> tuple[WorkerFields | None, dict[str, str]]:
    """The form's own checks (numbers, filled in); the domain checks the rest."""
    errors: dict[str, str] = {}
    lat = _coordinate(values["lat"], "lat", 90, t, errors)
    lon = _coordinate(values["lon"], "lon", 180, t, errors)
    branch_id: int | None = None
    if values["branch_id"]:
        raw = values["branch_id"]
        branch_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 0
    elif new:
        errors["branch_id"] = t("wform_required")
    if errors:
        return None, errors
    assert lat is not None and lon is not None
    fields = WorkerFields(
        full_name=values["full_name"],
        phone=values["phone"],
        home=Point(lat=lat, lon=lon),
        skills=values["skills"],
        language=values["language"],
        branch_id=branch_id,
    )
    return fields, {}


def _domain_errors(exc: DomainError, t) -> dict[str, str]:
    if isinstance(exc, PhoneTaken):
        return {"phone": explain(exc, t)}
    if isinstance(exc, InvalidInput):
        parts = [str(p) for p in exc.loc[1:]]
        name = parts[0] if parts else "full_name"
        return {FORM_FIELD.get(name, name): explain(exc, t)}
    return {"branch_id": explain(exc, t)}  # the only thing a form names that may not exist


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    values: dict,
    errors: dict[str, str],
    *,
    worker_id: int | None = None,
    name: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    lang = language(request)
    branches = registry.list_branches(session, actor=actor)
    centre = Point.from_db(branches[0].center) if branches else Point(lat=55.7512, lon=37.6184)
    context = {
        "values": values,
        "errors": errors,
        "fields": [f for f in (*FIELDS, "skills") if f in errors],
        "worker_id": worker_id,
        "name": name,
        "branches": branches,
        "skills": [(s, skill_name(s, lang)) for s in SKILLS],
        "languages": LANGUAGES,
        "centre": centre,
        "tiles": request.app.state.settings.map_tiles_url,
    }
    return render(request, "worker_form.html", context, actor=actor, status_code=status_code)


@router.get("/workers/new")
def new_worker_form(request: Request, actor: Actor = Office, session: Session = DB):
    values = dict.fromkeys(FIELDS, "") | {"language": "ru", "skills": []}
    if actor.branch_id is not None:
        values["branch_id"] = str(actor.branch_id)
    return _page(request, session, actor, values, {})


@router.post("/workers/new", dependencies=[Depends(csrf_checked)])
def register_worker(
    request: Request, values: dict = Depends(_form), actor: Actor = Office, session: Session = DB
):
    t = translator(language(request))
    fields, errors = _fields(values, t, new=True)
    if fields is not None:
        try:
            with session.begin_nested():  # a refusal leaves nothing behind
                worker = workforce.register_worker(session, actor=actor, fields=fields)
        except (InvalidInput, PhoneTaken, NotFound) as exc:
            errors = _domain_errors(exc, t)
        else:
            return RedirectResponse(f"{PREFIX}/workers/{worker.id}", status_code=303)
    return _page(request, session, actor, values, errors, status_code=422)


@router.get("/workers/{worker_id}/edit")
def edit_worker_form(
    request: Request, worker_id: IdPath, actor: Actor = Office, session: Session = DB
):
    limit_worker_reads(request, actor)  # name, phone and home: a read of the worker
    worker = workers.read_worker(session, worker_id, actor=actor)  # audited
    home = Point.from_db(worker.home)
    values = {
        "full_name": worker.full_name,
        "phone": worker.phone,
        "lat": f"{home.lat:.6f}",
        "lon": f"{home.lon:.6f}",
        "language": worker.language,
        "branch_id": str(worker.branch_id),
        "skills": list(worker.skills),
    }
    return _page(request, session, actor, values, {}, worker_id=worker.id, name=worker.full_name)


@router.post("/workers/{worker_id}/edit", dependencies=[Depends(csrf_checked)])
def change_worker(
    request: Request,
    worker_id: IdPath,
    values: dict = Depends(_form),
    actor: Actor = Office,
    session: Session = DB,
):
    t = translator(language(request))
    worker = workers.find_worker(session, worker_id, actor=actor)  # 404 before any check
    fields, errors = _fields(values, t, new=False)
    if fields is not None:
        try:
            with session.begin_nested():
                workforce.change_worker(session, worker_id, actor=actor, fields=fields)
        except (InvalidInput, PhoneTaken, NotFound) as exc:
            errors = _domain_errors(exc, t)
        else:
            return RedirectResponse(f"{PREFIX}/workers/{worker_id}?saved=1", status_code=303)
    return _page(
        request,
        session,
        actor,
        values,
        errors,
        worker_id=worker_id,
        name=worker.full_name,
        status_code=422,
    )
