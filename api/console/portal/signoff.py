"""The client's sign-off of a closed order's hours and its reviews of the crew, from the
order's page (the forms' one body: api/console/verdicts/signing.py)."""

from fastapi import APIRouter

from api.console.portal.common import CLIENT_USER, PORTAL
from api.console.portal.order import show_order
from api.console.verdicts.signing import add_signoff_routes

router = APIRouter(prefix=PORTAL, include_in_schema=False)


def _back(order_id: int, worker_id: int | None) -> str:
    anchor = f"#line-{worker_id}" if worker_id else "#timesheet"
    return f"{PORTAL}/orders/{order_id}{anchor}"


add_signoff_routes(
    router,
    approve_path="/orders/{order_id}/approve",
    line_path="/orders/{order_id}/lines/{worker_id}",
    role=CLIENT_USER,
    page=show_order,
    back=_back,
)
