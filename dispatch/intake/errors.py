"""Errors of the call centre's order; each has a stable `code` (core/errors.py) that the API
sends and the console turns into words."""

from core.errors import Conflict, InvalidInput


class ClientInnDiffers(Conflict):
    """The routed branch has a client of this name with another INN: another company, perhaps.
    The operator decides (the INN, or that client picked), never the name match."""

    code = "client_inn_differs"

    def __init__(self, name: str, inn: str):
        super().__init__(f"the branch's client {name!r} has INN {inn}, not the one given")
        self.field = "inn"
        self.inn = inn


class SiteNotTheClients(InvalidInput):
    """A site_id of a client other than the order's."""

    code = "site_not_the_clients"

    def __init__(self) -> None:
        super().__init__("site_id", "the site is not the client's")
