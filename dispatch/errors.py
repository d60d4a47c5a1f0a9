"""Errors of branches, clients, sites and staff."""

from core.errors import Conflict, NotFound


class BranchNotFound(NotFound):
    def __init__(self, key: object):
        super().__init__("branch", key)


class ClientNotFound(NotFound):
    def __init__(self, key: object):
        super().__init__("client", key)


class SiteNotFound(NotFound):
    def __init__(self, key: object):
        super().__init__("site", key)


class UserNotFound(NotFound):
    def __init__(self, key: object):
        super().__init__("user", key)


class DuplicateName(Conflict):
    def __init__(self, field: str, value: str):
        super().__init__(f"{field}: {value!r} is already taken")
        self.field = field
