"""The order page's "book a named worker" picker and "top-up" form (templates
order_book.html, order_book_panel.html, order_topup.html). The rules and the audit are
dispatch/changes/named.py's and topup.py's; a refusal comes back beside the worker's row or
the form, values kept. htmx requests get the picker's panel alone; plain forms, the page."""

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain, word_key
from api.console.i18n import translator
from api.console.office.dispatcher import OFFICE, show_order_page
from api.console.office.words.order_book import WORDS
from api.console.web import PREFIX, csrf_checked, language, render
from api.deps import DB, limit_worker_reads
from api.errors import status_of
from api.schemas.common import IdPath
from core.clock import now
from core.errors import Conflict, InvalidInput
from core.ids import MAX_ID
from core.tenancy import Actor
from dispatch.changes import named, topup
from dispatch.changes.named_errors import TopUpCountInvalid
from dispatch.orders import service as orders
from workers import service as workers

router = APIRouter(prefix=PREFIX, include_in_schema=False)
i18n.add(WORDS)
SHOWN = 10  # workers a search shows


def _panel(
    request: Request,
    session: Session,
    actor: Actor,
    order_id: int,
    q: str,
    *,
    error: tuple[int, str] | None = None,
    done: str = "",
    over: bool = False,
) -> dict:
    """The picker's state: the search, each worker found and why they cannot be booked."""
    t = translator(language(request))
    order = orders.get_order(session, order_id, actor=actor, options=orders.ORDER_BRANCH)
    q = " ".join(q.split())[:100]
    rows = []
    if q:
        limit_worker_reads(request, actor)  # names and phones: a worker read
        found = workers.search_workers(session, actor=actor, text=q, limit=SHOWN)
        failed = named.verdicts(session, order, [w.id for w in found], actor=actor, now=now())
        for worker in found:
            codes = failed.get(worker.id, [])
            rows.append(
                {
                    "id": worker.id,
                    "name": worker.full_name,
                    "phone": worker.phone,
                    "can": not codes,
                    "why": [
                        t("book_booked_here")
                        if code == "booked_here"
                        else t(word_key("named_not_eligible", code))
                        for code in codes
                    ],
                    "error": error[1] if error and error[0] == worker.id else "",
                }
            )
    booked, full = named.fullness(session, order)
    return {
        "order": order,
        "book": {
            "q": q,
            "rows": rows,
            "searched": bool(q),
            "done": done,
            "full": full,
            "booked": booked,
            "over": over,
            "error": error[1] if error and not any(r["id"] == error[0] for r in rows) else "",
        },
    }


def _answer(
    request: Request,
    session: Session,
    actor: Actor,
    order_id: int,
    context: dict,
    status_code: int = 200,
) -> Response:
    if request.headers.get("HX-Request") == "true":
        # htmx swaps 2xx answers only: a refusal comes as 200 with its alert beside the row
        return render(request, "order_book_panel.html", context, actor=actor)
    extra = {"book": context["book"]}
    return show_order_page(request, session, actor, order_id, extra=extra, status_code=status_code)


@router.get("/orders/{order_id}/book")
def book_search(
    request: Request,
    order_id: IdPath,
    book_q: str = "",
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
) -> Response:
    context = _panel(request, session, actor, order_id, book_q)
    return _answer(request, session, actor, order_id, context)


@router.post("/orders/{order_id}/book", dependencies=[Depends(csrf_checked)])
def book(
    request: Request,
    order_id: IdPath,
    worker_id: int = Form(ge=1, le=MAX_ID),
    book_q: str = Form("", max_length=200),
    book_over: bool = Form(default=False),
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
) -> Response:
    t = translator(language(request))
    try:
        with session.begin_nested():  # a refusal writes nothing
            offer = named.book_named(
                session,
                order_id=order_id,
                worker_id=worker_id,
                actor=actor,
                now=now(),
                over_target=book_over,
            )
    except (InvalidInput, Conflict) as exc:
        reasons = getattr(exc, "failed", None)
        why = explain(exc, t)
        if reasons:  # every rule the worker fails, not only the first
            words = [t(word_key("named_not_eligible", code)) for code in reasons]
            why = f"{t(word_key('named_not_eligible'))} {', '.join(words)}"
        context = _panel(
            request, session, actor, order_id, book_q, error=(worker_id, why), over=book_over
        )
        return _answer(request, session, actor, order_id, context, status_of(exc))
    if request.headers.get("HX-Request") != "true":
        return RedirectResponse(f"{PREFIX}/orders/{order_id}#w-{worker_id}", status_code=303)
    name = workers.find_worker(session, offer.worker_id, actor=actor).full_name
    context = _panel(
        request, session, actor, order_id, book_q, done=t("book_done").format(name=name)
    )
    return _answer(request, session, actor, order_id, context)


@router.post("/orders/{order_id}/top-up", dependencies=[Depends(csrf_checked)])
def top_up(
    request: Request,
    order_id: IdPath,
    topup_count: str = Form("", max_length=10),
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
) -> Response:
    """More workers for an order under way: the urgent wave, then back to the page."""
    t = translator(language(request))
    try:
        if not (topup_count.strip().isascii() and topup_count.strip().isdigit()):
            raise TopUpCountInvalid("count", "must be a whole number")
        with session.begin_nested():
            topup.top_up(session, order_id=order_id, count=int(topup_count), actor=actor, now=now())
    except (InvalidInput, Conflict) as exc:
        extra = {"topup": {"count": topup_count, "error": explain(exc, t)}}
        return show_order_page(
            request, session, actor, order_id, extra=extra, status_code=status_of(exc)
        )
    return RedirectResponse(
        f"{PREFIX}/orders/{order_id}?topped={int(topup_count)}#topup", status_code=303
    )
