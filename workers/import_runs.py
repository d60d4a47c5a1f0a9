"""A CSV import run from the console: checked and shown first (a dry run of the importer's own
rules), then imported by a job in batches, each its own transaction, its progress and report
kept on the run's row (workers.models.ImportRun) for the page to poll and offer.

The uploaded file lives in the run's row (bytea, at most the API's import size) from the
preview until the last batch, then is dropped: the job needs no shared disk, and a job
started again (dramatiq delivers at least once) resumes after the last committed batch.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.clock import now
from core.csvsafe import Table, Word
from core.errors import Conflict, Forbidden, NotFound
from core.jobs import enqueue_after_commit
from core.tenancy import Actor
from workers.enums import IMPORT_FINISHED, ImportStatus
from workers.importing import ImportReport, import_rows, phones_stored, read_rows
from workers.models import ImportRun

# Who may import workers: who may create them, dispatch.enums.WORKER_DESK (the layers keep this
# package from importing it; tests/workers/test_import_runs.py checks the two agree).
IMPORT_ROLES = ("admin", "manager", "dispatcher", "recruiter")
PREVIEW_ROWS = 20  # rows shown before the import
# Rows the preview checks in the request (every error of a file this long is shown before
# the import; a longer file is checked this far, and the job reports the rest): a few seconds
# at most, as each row costs the importer a few round trips to the database.
CHECK_ROWS = 500
BATCH_ROWS = 500  # rows per transaction of the job
JOB = "workers.import_run"
Row = tuple[int, dict[str, str]]


class ImportRunNotFound(NotFound):
    code = "import_run_not_found"

    def __init__(self, run_id: int):
        super().__init__("import run", run_id)


class ImportNotAllowed(Forbidden):
    code = "import_not_allowed"

    def __init__(self, role: str):
        super().__init__(f"{role} may not import workers")


class ImportAlreadyStarted(Conflict):
    code = "import_already_started"

    def __init__(self, run_id: int):
        super().__init__(f"import run {run_id} has already been started")


@dataclass
class Preview:
    run: ImportRun
    header: list[str]
    rows: list[Row]  # the first PREVIEW_ROWS
    report: ImportReport  # the dry run of the first CHECK_ROWS
    checked: int


def may_import(actor: Actor) -> bool:
    return actor.role in IMPORT_ROLES


def _allowed(actor: Actor) -> None:
    if not may_import(actor):
        raise ImportNotAllowed(actor.role)


def run_actor(run: ImportRun) -> Actor:
    """The staff member who started the run: the job acts, and is audited, in their name."""
    # An owner imports nothing (api/deps.py): were one ever stored, they would see no branch.
    seen = frozenset[int]() if run.actor_role == "owner" else None
    return Actor(run.user_id, run.actor_name, run.actor_role, run.actor_branch_id, branch_ids=seen)


def preview(
    session: Session,
    *,
    actor: Actor,
    data: bytes,
    filename: str,
    branch_id: int,
    default_region: str,
) -> Preview:
    """Check the file with the importer's own rules, writing no worker (a dry run), and keep
    it in a new run for the import to come. A file that cannot be read raises InvalidInput
    on `file` and keeps nothing."""
    _allowed(actor)
    header, rows = read_rows(data)
    report = ImportReport(dry_run=True)
    checked = rows[:CHECK_ROWS]
    import_rows(
        session,
        actor=actor,
        rows=checked,
        branch_id=branch_id,
        default_region=default_region,
        report=report,
        seen={},
    )
    run = ImportRun(
        branch_id=branch_id,
        user_id=actor.user_id,
        actor_name=actor.name[:64],
        actor_role=actor.role,
        actor_branch_id=actor.branch_id,
        region=default_region,
        filename=(filename or "import.csv")[:255],
        status=ImportStatus.PREVIEWED,
        data=data,
        total=len(rows),
        processed=0,
        created=0,
        updated=0,
        rejected=[],
    )
    session.add(run)
    session.flush()
    audit.log(
        session,
        actor,
        "worker.import_preview",
        "import_run",
        [run.id],
        branch_id,
        rows=len(rows),
        rejected=len(report.rejected),
    )
    return Preview(run, header, rows[:PREVIEW_ROWS], report, len(checked))


def get_run(session: Session, run_id: int, *, actor: Actor, lock: bool = False) -> ImportRun:
    """A run of a branch the actor sees; another branch's is not found, never a hint."""
    query = select(ImportRun).where(ImportRun.id == run_id)
    if lock:
        query = query.with_for_update()
    run = session.scalars(query).one_or_none()
    if run is None or not actor.sees_branch(run.branch_id):
        raise ImportRunNotFound(run_id)
    return run


def start(session: Session, run_id: int, *, actor: Actor) -> ImportRun:
    """Send a previewed run to the job (after the commit); once only."""
    _allowed(actor)
    run = get_run(session, run_id, actor=actor, lock=True)
    if run.status != ImportStatus.PREVIEWED:
        raise ImportAlreadyStarted(run.id)
    run.status = ImportStatus.QUEUED
    audit.log(
        session, actor, "worker.import_start", "import_run", [run.id], run.branch_id, rows=run.total
    )
    enqueue_after_commit(session, JOB, run.id)
    session.flush()
    return run


def load_for_job(session: Session, run_id: int) -> tuple[list[Row], dict[str, int]] | None:
    """The rows of a run the job is to import, and the phones its committed batches stored;
    None when there is nothing (left) to do."""
    run = session.get(ImportRun, run_id)
    if run is None or run.status in IMPORT_FINISHED or run.data is None:
        return None
    if run.status == ImportStatus.PREVIEWED:
        return None  # never started: a stray message
    _, rows = read_rows(run.data)
    rejected = {line["row"] for line in run.rejected}
    return rows, phones_stored(rows[: run.processed], run.region, rejected)


def import_batch(
    session: Session, run_id: int, rows: list[Row], seen: dict[str, int], size: int = BATCH_ROWS
) -> bool:
    """Import the next batch of a run in this transaction, its progress and report with it.
    True while rows remain."""
    run = session.scalars(
        select(ImportRun).where(ImportRun.id == run_id).with_for_update()
    ).one_or_none()
    if run is None or run.status in IMPORT_FINISHED:
        return False
    run.status = ImportStatus.RUNNING
    batch = rows[run.processed : run.processed + size]
    report = ImportReport()
    import_rows(
        session,
        actor=run_actor(run),
        rows=batch,
        branch_id=run.branch_id,
        default_region=run.region,
        report=report,
        seen=seen,
    )
    run.processed += len(batch)
    run.created += report.created
    run.updated += report.updated
    run.rejected = [
        *run.rejected,
        *(dict(line) for line in report.rejected),
    ]  # a new list: the JSONB column is written
    if run.processed >= run.total:
        run.status = ImportStatus.DONE
        run.data = None  # the file goes once imported; the report stays
        run.finished_at = now()
        audit.log(
            session,
            run_actor(run),
            "worker.import_done",
            "import_run",
            [run.id],
            run.branch_id,
            created=run.created,
            updated=run.updated,
            rejected=len(run.rejected),
        )
    session.flush()
    return run.status != ImportStatus.DONE


def fail(session: Session, run_id: int, error: str) -> None:
    """The job stopped: what it committed stays, the run says why it stopped."""
    run = session.get(ImportRun, run_id, with_for_update=True)
    if run is None or run.status in IMPORT_FINISHED:
        return
    run.status = ImportStatus.FAILED
    run.error = error[:500]
    run.data = None
    run.finished_at = now()
    audit.log(
        session, run_actor(run), "worker.import_failed", "import_run", [run.id], run.branch_id
    )
    session.flush()


def report_table(session: Session, run: ImportRun, *, actor: Actor, timezone: str) -> Table:
    """The run's report: a line per rejected row (row, field, message), then the counts.
    Handed out as a read of the run, audited."""
    audit.log(session, actor, "worker.import_report", "import_run", [run.id], run.branch_id)
    lines: list[list[object]] = [
        [line["row"], line.get("field") or "", line["msg"]] for line in run.rejected
    ]
    lines += [
        ["", Word("import_rows"), run.total],
        ["", Word("import_processed"), run.processed],
        ["", Word("import_created"), run.created],
        ["", Word("import_updated"), run.updated],
        ["", Word("import_rejected"), len(run.rejected)],
    ]
    return Table(["import_row", "import_field", "import_message"], lines, timezone)
