"""Importing workers from a CSV file in the console: upload, a preview of the first rows with
every error the importer finds (its own dry run, writing no worker), then the import as a
job (workers/tasks.py) whose progress the page polls, and its report as a CSV download."""

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain
from api.console.exports import branch_timezone
from api.console.registry.words.worker_import import WORDS
from api.console.web import PREFIX, TEMPLATES, csrf_checked, language, render, staff
from api.deps import DB, WORKER_DESK
from api.exports import csv_for
from api.routes.registry.workers import MAX_IMPORT_BODY_BYTES, MAX_IMPORT_BYTES
from api.schemas.common import IdPath
from core.errors import InvalidInput, NotFound
from core.ids import MAX_ID
from core.tenancy import Actor
from dispatch.registry import service as registry
from dispatch.registry import workforce
from workers import import_runs
from workers.enums import IMPORT_FINISHED
from workers.importing import Rejected
from workers.models import ImportRun

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Importer = Depends(staff(*WORKER_DESK))
HERE = f"{PREFIX}/workers/import"

i18n.add(WORDS)
# The workers page offers the import link to these roles only.
TEMPLATES.env.globals["import_roles"] = WORKER_DESK


def _form(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    errors: dict[str, str] | None = None,
    branch_id: int | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "branches": registry.list_branches(session, actor=actor),
        "branch_id": branch_id or actor.branch_id,
        "errors": errors or {},
        "preview": None,
        "max_mb": MAX_IMPORT_BYTES // (1024 * 1024),
    }
    return render(request, "worker_import.html", context, actor=actor, status_code=status_code)


@router.get("/workers/import")
def import_form(request: Request, actor: Actor = Importer, session: Session = DB) -> Response:
    return _form(request, session, actor)


@router.post(
    "/workers/import",
    dependencies=[Depends(csrf_checked)],
    max_body_size=MAX_IMPORT_BODY_BYTES,
)
def import_preview(
    request: Request,
    import_file: UploadFile | None = File(default=None),
    import_branch: int | None = Form(default=None, ge=1, le=MAX_ID),
    actor: Actor = Importer,
    session: Session = DB,
) -> Response:
    t = i18n.translator(language(request))
    branch = actor.branch_id if actor.branch_id is not None else import_branch
    file = import_file
    data = file.file.read(MAX_IMPORT_BYTES + 1) if file is not None else b""
    error: tuple[str, str] | None = None
    if file is None or not file.filename or not data:
        error = ("import_file", t("import_no_file"))
    elif len(data) > MAX_IMPORT_BYTES:
        error = ("import_file", t("import_too_large").format(mb=MAX_IMPORT_BYTES // (1024 * 1024)))
    elif branch is None:
        error = ("import_branch", t("err_field_required"))
    if error is None and branch is not None and file is not None:
        try:
            with session.begin_nested():  # a file refused leaves no run behind
                preview = workforce.preview_import(
                    session, actor=actor, branch_id=branch, data=data, filename=file.filename or ""
                )
        except InvalidInput as exc:  # unreadable, not UTF-8, columns missing, too many rows
            error = ("import_file", f"{explain(exc, t)} {exc.msg}")
        except NotFound as exc:  # a branch the admin does not see
            error = ("import_branch", explain(exc, t))
        else:
            context = {
                "preview": preview,
                "run": preview.run,
                "errors_by_row": _by_row(preview.report.rejected),
                "partly": preview.checked < preview.run.total,
                "problem": lambda line: _problem(t, line),
            }
            return render(request, "worker_import.html", context, actor=actor)
    field, message = error or ("import_file", "")
    return _form(
        request, session, actor, errors={field: message}, branch_id=import_branch, status_code=422
    )


def _problem(t, line: Rejected) -> str:
    """A rejected row's error in words by its code (the importer's own detail follows it)."""
    key = f"err_{line['code']}"
    return t(key if key in i18n.TEXTS["ru"] else "err_invalid_input")


def _by_row(rejected: list[Rejected]) -> dict[int, list[Rejected]]:
    rows: dict[int, list[Rejected]] = {}
    for line in rejected:
        rows.setdefault(line["row"], []).append(line)
    return rows


@router.post("/workers/import/{run_id}/start", dependencies=[Depends(csrf_checked)])
def import_start(
    run_id: IdPath, actor: Actor = Importer, session: Session = DB
) -> RedirectResponse:
    import_runs.start(session, run_id, actor=actor)  # a second start: 409, in words
    return RedirectResponse(f"{HERE}/{run_id}", status_code=303)


def _progress(run: ImportRun) -> dict:
    percent = 100 if run.total == 0 else run.processed * 100 // run.total
    return {"run": run, "percent": percent, "finished": run.status in IMPORT_FINISHED}


@router.get("/workers/import/{run_id}")
def import_run_page(
    request: Request, run_id: IdPath, actor: Actor = Importer, session: Session = DB
) -> Response:
    run = import_runs.get_run(session, run_id, actor=actor)
    return render(request, "worker_import_run.html", _progress(run), actor=actor)


@router.get("/workers/import/{run_id}/progress")
def import_progress(
    request: Request, run_id: IdPath, actor: Actor = Importer, session: Session = DB
) -> Response:
    """The progress alone, polled by htmx every second until the run finishes."""
    run = import_runs.get_run(session, run_id, actor=actor)
    return render(request, "worker_import_progress.html", _progress(run), actor=actor)


@router.get("/workers/import/{run_id}/report.csv")
def import_report(
    request: Request, run_id: IdPath, actor: Actor = Importer, session: Session = DB
) -> Response:
    run = import_runs.get_run(session, run_id, actor=actor)
    table = import_runs.report_table(
        session, run, actor=actor, timezone=branch_timezone(session, actor)
    )
    return csv_for(request, table, f"import-{run.id}-report.csv")
