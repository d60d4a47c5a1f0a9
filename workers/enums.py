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
