"""Errors of branches, clients, sites, orders and staff."""

from core.errors import Conflict, Forbidden, InvalidInput, NotFound


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


class OrderNotFound(NotFound):
    def __init__(self, key: object):
        super().__init__("order", key)


class OfferNotFound(NotFound):
    def __init__(self, order_id: int, worker_id: int):
        super().__init__("offer", f"of order {order_id} to worker {worker_id}")


class OrderClosed(Conflict):
    def __init__(self, code: str, status: str):
        super().__init__(f"order {code} is {status}; it takes no more answers")


class OfferClosed(Conflict):
    def __init__(self, status: str):
        super().__init__(f"the offer is {status}; it cannot be accepted")


class BookedElsewhere(Conflict):
    def __init__(self, worker_id: int, code: str):
        super().__init__(f"worker {worker_id} is already booked on order {code} at that time")


class NotEligible(Conflict):
    def __init__(self, worker_id: int, why: str):
        super().__init__(f"worker {worker_id} {why}")


class LastActiveAdmin(Conflict):
    code = "last_active_admin"

    def __init__(self, username: str):
        super().__init__(f"{username} is the last active admin; the network would have none")


class PasswordChangeRequired(Forbidden):
    code = "password_change_required"

    def __init__(self):
        super().__init__(
            "password change required: sign-in used a one-time password; set your own with "
            "POST /api/v1/auth/password first"
        )


class WrongPassword(InvalidInput):
    code = "wrong_password"

    def __init__(self, field: str = "old_password", why: str = "the current password is wrong"):
        super().__init__(field, why)


class WeakPassword(InvalidInput):
    """reason: required, too_short, too_long, is_username or unchanged (for words by code)."""

    code = "weak_password"

    def __init__(self, field: str, why: str, reason: str):
        super().__init__(field, why)
        self.reason = reason


class MayNotManageUser(Forbidden):
    code = "may_not_manage_user"

    def __init__(self, actor_role: str, user_role: str):
        super().__init__(
            f"a {actor_role} may not switch off or reset the password of a {user_role}"
        )
