"""Errors of the quality reviews, each with a stable code (core/errors.py)."""

from core.errors import Conflict, NotFound


class CaseNotFound(NotFound):
    code = "quality_case_not_found"

    def __init__(self, key: object):
        super().__init__("quality case", key)


class CaseClosed(Conflict):
    """The case was closed already (by someone else, or a second click)."""

    code = "quality_case_closed"
