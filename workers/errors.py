"""Errors of the worker registry."""

from core.errors import Conflict, NotFound


class WorkerNotFound(NotFound):
    def __init__(self, worker_id: int):
        super().__init__("worker", worker_id)


class PhoneTaken(Conflict):
    def __init__(self, phone: str):
        super().__init__(f"phone: {phone} is already registered to another worker")
        self.phone = phone


class BranchUnknown(NotFound):
    def __init__(self, branch_id: int):
        super().__init__("branch", branch_id)
