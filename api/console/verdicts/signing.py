"""The client's word on a closed order, as its forms post it: approve the lines not disputed,
dispute one with a reason (dispatch/shift/signoff.py), review a worker who came, a complaint
with its reason (dispatch/shift/reviews.py, source "client"). One body for the office, which
records it on the client's word (verdicts/disputes.py), and the client's own users on the portal
(portal/signoff.py): each names its role, its paths, its page and where a done form goes back."""

from collections.abc import Callable
from typing import Any, Protocol

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console.errors import explain
from api.console.i18n import translator
from api.console.web import csrf_checked, language
from api.deps import DB
from api.errors import status_of
from api.schemas.common import IdPath
from core.clock import now
from core.errors import Conflict, InvalidInput, NotFound
from core.tenancy import Actor
from dispatch.shift import reviews, signoff

REFUSED = (InvalidInput, Conflict, NotFound)
MAX_FORM_TEXT = 2_000  # read of a typed text at most; the domain refuses what is too long


class OrderPage(Protocol):
    """The order's page, with a refusal shown beside its line (None: the page's own)."""

    def __call__(
        self,
        request: Request,
        session: Session,
        actor: Actor,
        order_id: int,
        *,
        error: tuple[int | None, str] | None = None,
        status_code: int = 200,
    ) -> Response: ...


def add_signoff_routes(
    router: APIRouter,
    *,
    approve_path: str,  # with {order_id}
    line_path: str,  # with {order_id} and {worker_id}: /dispute and /review are added
    role: Callable[..., Actor],
    page: OrderPage,
    back: Callable[[int, int | None], str],  # the order and the line, None: the whole sheet
) -> None:
    reader: Any = Depends(role)
    checked = [Depends(csrf_checked)]

    def attempt(
        request: Request,
        session: Session,
        actor: Actor,
        order_id: int,
        worker_id: int | None,
        act: Callable[[], object],
    ) -> Response:
        """The act done: back to the order (at the line); refused: the page, the refusal
        in words beside the line (or the page's own), nothing written."""
        try:
            act()
        except REFUSED as exc:
            session.rollback()
            words = explain(exc, translator(language(request)))
            error = (worker_id, words)
            return page(request, session, actor, order_id, error=error, status_code=status_of(exc))
        return RedirectResponse(back(order_id, worker_id), status_code=303)

    @router.post(approve_path, dependencies=checked)
    def approve(
        request: Request, order_id: IdPath, actor: Actor = reader, session: Session = DB
    ) -> Response:
        return attempt(
            request, session, actor, order_id, None,
            lambda: signoff.approve(session, order_id, actor=actor, now=now()),
        )  # fmt: skip

    @router.post(f"{line_path}/dispute", dependencies=checked)
    def dispute(
        request: Request,
        order_id: IdPath,
        worker_id: IdPath,
        reason: str = Form(""),
        actor: Actor = reader,
        session: Session = DB,
    ) -> Response:
        text = reason[:MAX_FORM_TEXT]
        return attempt(
            request, session, actor, order_id, worker_id,
            lambda: signoff.dispute(
                session, order_id, worker_id, actor=actor, reason=text, now=now()
            ),
        )  # fmt: skip

    @router.post(f"{line_path}/review", dependencies=checked)
    def review(
        request: Request,
        order_id: IdPath,
        worker_id: IdPath,
        stars: str = Form(""),
        complaint: bool = Form(False),
        complaint_reason: str = Form(""),
        comment: str = Form(""),
        actor: Actor = reader,
        session: Session = DB,
    ) -> Response:
        """Counts like a foreman's review."""
        return attempt(
            request, session, actor, order_id, worker_id,
            lambda: reviews.review_worker(
                session,
                order_id,
                actor=actor,
                worker_id=worker_id,
                stars=int(stars) if stars.isdigit() and len(stars) < 3 else 0,  # 0: refused
                complaint=complaint,
                complaint_reason=(complaint_reason or None) if complaint else None,
                comment=comment[:MAX_FORM_TEXT].strip() or None,
                now=now(),
                source="client",
            ),
        )  # fmt: skip
