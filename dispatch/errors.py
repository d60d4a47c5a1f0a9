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
