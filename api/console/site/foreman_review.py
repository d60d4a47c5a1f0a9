"""The foreman's reviews and complaints, per worker who came, after the mark and before the
close (page foreman_review.html), and "ask for N more" from the shift's card (partial
foreman_extras.html). The rules and the audit are dispatch/shift/reviews.py's and
dispatch/changes/topup.py's; a refusal comes back beside the worker's form or the count,
values kept."""

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain
from api.console.i18n import translator
from api.console.site.foreman import ROLES
from api.console.site.foreman_shifts import MARKS, booked_of, people_of, shifts_of
from api.console.site.words.foreman_review import WORDS
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB, limit_worker_reads
from api.errors import status_of
from api.schemas.common import IdPath
from core.clock import now
from core.errors import Conflict, InvalidInput
from core.ids import MAX_ID
from core.tenancy import Actor
from dispatch.changes import topup
from dispatch.changes.named_errors import TopUpCountInvalid
from dispatch.enums import CAME
from dispatch.models import Order
from dispatch.orders.service import get_order
from dispatch.shift import reviews
from rating.models import Review
from rating.policy import COMPLAINT_REASONS

router = APIRouter(prefix=PREFIX, include_in_schema=False)
i18n.add(WORDS)


def _review_page(
    request: Request,
    session: Session,
    actor: Actor,
    order: Order,
    *,
    form: dict | None = None,  # the refused form: its worker, values and error
    saved: int | None = None,
    status_code: int = 200,
) -> Response:
    limit_worker_reads(request, actor)  # the crew's names: a worker read
    came = [(o, w) for o, w in booked_of(session, [order.id]) if o.attendance in CAME]
    people = people_of(session, actor, [order.id], came)
    given = {
        r.worker_id: r for r in session.scalars(select(Review).where(Review.order_id == order.id))
    }
    rows = [
        {
            "worker_id": w.id,
            "name": people[w.id].name if w.id in people and people[w.id].name else f"#{w.id}",
            "review": given.get(w.id),
            "form": form if form and form["worker_id"] == w.id else None,
        }
        for _, w in came
    ]
    context = {
        "order": order,
        "rows": rows,
        "closed": order.closed_at is not None,
        "reasons": COMPLAINT_REASONS,
        "saved": saved,
    }
    return render(request, "foreman_review.html", context, actor=actor, status_code=status_code)


@router.get("/foreman/orders/{order_id}/reviews")
def review_page(
    request: Request,
    order_id: IdPath,
    review_saved: int | None = None,
    actor: Actor = Depends(staff(*ROLES)),
    session: Session = DB,
) -> Response:
    order = get_order(session, order_id, actor=actor)  # another's order: 404
    return _review_page(request, session, actor, order, saved=review_saved)


@router.post("/foreman/orders/{order_id}/reviews", dependencies=[Depends(csrf_checked)])
def review(
    request: Request,
    order_id: IdPath,
    worker_id: int = Form(ge=1, le=MAX_ID),
    review_stars: str = Form("", max_length=2),
    review_complaint: bool = Form(default=False),
    review_reason: str = Form("", max_length=24),
    review_comment: str = Form("", max_length=2000),
    actor: Actor = Depends(staff(*ROLES)),
    session: Session = DB,
) -> Response:
    order = get_order(session, order_id, actor=actor)  # another's order: 404
    t = translator(language(request))
    stars, complaint, comment = review_stars, review_complaint, review_comment
    values = {
        "worker_id": worker_id,
        "stars": stars,
        "complaint": complaint,
        "complaint_reason": review_reason,
        "comment": comment,
    }
    if stars not in {"1", "2", "3", "4", "5"}:
        form = {**values, "field": "stars", "error": t("review_pick_stars")}
        return _review_page(request, session, actor, order, form=form, status_code=422)
    try:
        with session.begin_nested():  # a refusal writes nothing
            reviews.review_worker(
                session,
                order.id,
                actor=actor,
                worker_id=worker_id,
                stars=int(stars),
                complaint=complaint,
                comment=comment or None,
                now=now(),
                complaint_reason=(review_reason or None) if complaint else None,
            )
    except (InvalidInput, Conflict) as exc:
        field = exc.loc[-1] if isinstance(exc, InvalidInput) else ""
        form = {**values, "field": field, "error": explain(exc, t)}
        return _review_page(request, session, actor, order, form=form, status_code=status_of(exc))
    return RedirectResponse(
        f"{PREFIX}/foreman/orders/{order.id}/reviews?review_saved={worker_id}#r-{worker_id}",
        status_code=303,
    )


@router.post("/foreman/orders/{order_id}/top-up", dependencies=[Depends(csrf_checked)])
def ask_for_more(
    request: Request,
    order_id: IdPath,
    topup_count: str = Form("", max_length=10),
    actor: Actor = Depends(staff(*ROLES)),
    session: Session = DB,
) -> Response:
    """N more workers now: the order's urgent wave (a foreman: their own orders only)."""
    t = translator(language(request))
    try:
        if not (topup_count.strip().isascii() and topup_count.strip().isdigit()):
            raise TopUpCountInvalid("count", "must be a whole number")
        with session.begin_nested():
            topup.top_up(session, order_id=order_id, count=int(topup_count), actor=actor, now=now())
    except (InvalidInput, Conflict) as exc:
        get_order(session, order_id, actor=actor)  # another's order: 404, not a form error
        limit_worker_reads(request, actor)  # the page's crews: a worker read
        context = {
            "shifts": shifts_of(session, actor, now()),
            "marks": MARKS,
            "topup": {"order_id": order_id, "count": topup_count, "error": explain(exc, t)},
        }
        return render(request, "foreman.html", context, actor=actor, status_code=status_of(exc))
    return RedirectResponse(
        f"{PREFIX}/foreman?asked={order_id}-{int(topup_count)}#o-{order_id}", status_code=303
    )
