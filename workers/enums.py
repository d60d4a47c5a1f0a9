"""Worker statuses, and the named sets of them: each set once, here, beside its enum."""

from enum import StrEnum


class WorkerStatus(StrEnum):
    """The one status staff see (Worker.shown_status): blocked, then opted out, then
    suspended, else active."""

    ACTIVE = "active"
    BLOCKED = "blocked"
    OPTED_OUT = "opted_out"  # kept in workers.opted_out
    SUSPENDED = "suspended"  # kept in workers.suspended_until


# Stored in workers.status (its CHECK is built from these); the others have their own columns.
STORED_STATUSES = (WorkerStatus.ACTIVE, WorkerStatus.BLOCKED)


class ImportStatus(StrEnum):
    """An import run (workers.models.ImportRun): checked and shown, sent to the job, being
    imported batch by batch, finished (with its report), or stopped by an error."""

    PREVIEWED = "previewed"
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


IMPORT_STATUSES = tuple(ImportStatus)
IMPORT_FINISHED = (ImportStatus.DONE, ImportStatus.FAILED)
