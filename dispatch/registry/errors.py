"""Errors of branches, clients, sites, staff and their wording; each has a stable
`code` (core/errors.py) that the API sends and the console turns into words."""

from core.errors import Conflict, Forbidden, InvalidInput, NotFound


class BranchNotFound(NotFound):
    code = "branch_not_found"

    def __init__(self, key: object):
        super().__init__("branch", key)


class ClientNotFound(NotFound):
    code = "client_not_found"

    def __init__(self, key: object):
        super().__init__("client", key)


class SiteNotFound(NotFound):
    code = "site_not_found"

    def __init__(self, key: object):
        super().__init__("site", key)


class UserNotFound(NotFound):
    code = "user_not_found"

    def __init__(self, key: object):
        super().__init__("user", key)


class WordingNotFound(NotFound):
    code = "wording_not_found"

    def __init__(self, key: object):
        super().__init__("wording", key)


class DuplicateName(Conflict):
    code = "duplicate_name"

    def __init__(self, field: str, value: str):
        super().__init__(f"{field}: {value!r} is already taken")
        self.field = field


class LastActiveAdmin(Conflict):
    code = "last_active_admin"

    def __init__(self, username: str):
        super().__init__(f"{username} is the last active admin; the network would have none")


class PasswordChangeRequired(Forbidden):
    code = "password_change_required"

    def __init__(self) -> None:
        super().__init__(
            "password change required: sign-in used a one-time password; set your own with "
            "POST /api/v1/auth/password first"
        )


class WrongPassword(InvalidInput):
    code = "wrong_password"

    def __init__(self, field: str = "old_password", why: str = "the current password is wrong"):
        super().__init__(field, why)


class WeakPassword(InvalidInput):
    """A new password the one password rule refuses; `reason` says which part of it."""

    code = "weak_password"
    reasons = ("required", "too_short", "too_long", "is_username", "unchanged")

    def __init__(self, field: str, why: str, reason: str):
        if reason not in self.reasons:
            raise ValueError(f"unknown password refusal {reason!r}")
        super().__init__(field, why)
        self.reason = reason


class MayNotManageUser(Forbidden):
    code = "may_not_manage_user"

    def __init__(self, actor_role: str, user_role: str):
        super().__init__(
            f"a {actor_role} may not switch off or reset the password of a {user_role}"
        )


class HeadOfficeOnly(Forbidden):
    """Only an admin (the head office) may do this."""

    code = "head_office_only"


class NotAForeman(InvalidInput):
    code = "not_a_foreman"


class PolicyInvalid(InvalidInput):
    """A policy knob unknown, of the wrong type, out of its bounds, or at odds with another."""

    code = "policy_invalid"
    reasons = (
        "unknown",
        "not_a_value",  # not of the knob's type (a number, true or false)
        "not_a_choice",
        "below",
        "above",
        "radii",  # the first wave's radius beyond the widest
        "confirm_window",  # release no earlier than the question
        "late_window",  # the grace not shorter than the no-show lateness
    )

    def __init__(self, field: str | tuple[str, ...], msg: str, reason: str):
        if reason not in self.reasons:
            raise ValueError(f"unknown policy refusal {reason!r}")
        super().__init__(field, msg)
        self.reason = reason


class InnInvalid(InvalidInput):
    """Not an INN: 10 digits (a company) or 12 (a person), with their check digits."""

    code = "inn_invalid"
    reasons = ("format", "checksum")

    def __init__(self, field: str, why: str, reason: str):
        super().__init__(field, why)
        self.reason = reason


class KppInvalid(InvalidInput):
    """Not a KPP: 4 digits, 2 digits or capital Latin letters, 3 digits."""

    code = "kpp_invalid"


class OgrnInvalid(InvalidInput):
    """Not an OGRN (13 digits) or OGRNIP (15), or its check digit does not match."""

    code = "ogrn_invalid"
    reasons = ("format", "checksum")

    def __init__(self, field: str, why: str, reason: str):
        super().__init__(field, why)
        self.reason = reason


class FavouriteBlocked(Conflict):
    """The client blocked this worker: a worker is never both blocked and a favourite."""

    code = "favourite_blocked"

    def __init__(self, worker_id: int):
        super().__init__(f"worker {worker_id} is on the client's block list; unblock them first")


class FavouriteNotFound(NotFound):
    code = "favourite_not_found"

    def __init__(self, key: object):
        super().__init__("favourite", key)


class WorkerNotHad(NotFound):
    """A client user or key favours or blocks only a worker it has had (booked on one of its
    orders); any other id, of a worker or of none, is this same answer: nothing is probed."""

    code = "worker_not_had"

    def __init__(self, worker_id: int):
        super().__init__("worker", worker_id)
        self.args = (f"worker {worker_id} has not worked for this client",)


class ClientAdminOnly(Forbidden):
    """A client's users and API keys are kept by its client admin, or the branch's managers."""

    code = "client_admin_only"

    def __init__(self) -> None:
        super().__init__("only the client's admin or the branch's managers may do this")


class ClientUserNotFound(NotFound):
    code = "client_user_not_found"

    def __init__(self, key: object):
        super().__init__("client user", key)


class LastClientAdmin(Conflict):
    """A client keeps at least one active admin: else nobody of theirs could add users."""

    code = "last_client_admin"

    def __init__(self, username: str):
        super().__init__(f"{username} is the client's last active admin; add another first")


class ApiKeyNotFound(NotFound):
    code = "api_key_not_found"

    def __init__(self, key: object):
        super().__init__("API key", key)


class RateInvalid(InvalidInput):
    """A rate agreed with a client: a skill named twice, or a negative amount."""

    code = "rate_invalid"
