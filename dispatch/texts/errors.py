"""Errors of what is texted to workers; each has a stable `code` (core/errors.py) that the
API sends and the console turns into words."""

from core.errors import NotFound


class LinkNotFound(NotFound):
    code = "checkin_link_not_found"

    def __init__(self) -> None:
        super().__init__("check-in link", "")
        self.args = ("this check-in link is not valid",)
