"""Errors of the worker registry."""

from core.errors import Conflict, InvalidInput, NotFound


class WorkerNotFound(NotFound):
    code = "worker_not_found"

    def __init__(self, worker_id: int):
        super().__init__("worker", worker_id)


class PhoneTaken(Conflict):
    code = "phone_taken"

    def __init__(self, phone: str):
        super().__init__(f"phone: {phone} is already registered to another worker")
        self.phone = phone


class BranchUnknown(NotFound):
    """A branch named on a worker that does not exist (the registry's BranchNotFound, seen
    from the worker registry's layer)."""

    code = "worker_branch_not_found"

    def __init__(self, branch_id: int):
        super().__init__("branch", branch_id)


class PhoneInvalid(InvalidInput):
    """Not a phone number, not a valid one, not mobile, or of a country not served."""

    code = "phone_invalid"


class UnknownSkill(InvalidInput):
    code = "unknown_skill"


class SkillsRequired(InvalidInput):
    code = "skills_required"


class DocumentInvalid(InvalidInput):
    """A vetting document without a number, or a patent without its expiry date."""

    code = "document_invalid"


class DocumentTwice(InvalidInput):
    """Two documents of one kind in one vetting: which one counts would be a guess."""

    code = "document_twice"


class PassportRequired(InvalidInput):
    """An approval names nobody's papers: a worker is approved on an identity document."""

    code = "passport_required"


class PatentExpired(InvalidInput):
    """A patent already expired cannot approve a worker."""

    code = "patent_expired"


class AlreadyBlocked(Conflict):
    code = "worker_already_blocked"

    def __init__(self, worker_id: int):
        super().__init__(f"worker {worker_id} is already blocked")


class NotBlocked(Conflict):
    code = "worker_not_blocked"

    def __init__(self, worker_id: int):
        super().__init__(f"worker {worker_id} is not blocked")


class NotOptedOut(Conflict):
    code = "worker_not_opted_out"

    def __init__(self, worker_id: int):
        super().__init__(f"worker {worker_id} has not opted out of SMS")


class VettedByVetting(InvalidInput):
    """Whether a worker is vetted is the outcome of a vetting (their papers checked, audited
    with a note), never an edit of the record."""

    code = "vetted_by_vetting"

    def __init__(self, worker_id: int):
        super().__init__(
            "vetted",
            "vetted is not edited: record a vetting, "
            f"POST /api/v1/workers/{worker_id}/vetting {{result, note, documents}}",
        )


class StatusByBlock(InvalidInput):
    """A worker is blocked and unblocked by those acts (each with its reason, audited, the
    worker's offers withdrawn), never by an edit of the record."""

    code = "status_by_block"

    def __init__(self, worker_id: int):
        super().__init__(
            "status",
            f"status is not edited: POST /api/v1/workers/{worker_id}/block {{reason}}, "
            f"or POST /api/v1/workers/{worker_id}/unblock {{reason}}",
        )


class NotPaused(Conflict):
    """Clearing a pause the worker does not have (ended, or never said)."""

    code = "worker_not_paused"

    def __init__(self, worker_id: int):
        super().__init__(f"worker {worker_id} is not paused")
