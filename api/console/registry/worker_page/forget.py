"""'Forget this worker' on the worker's page (issue 19 item 5): an admin, with a reason,
deletes a worker's personal data as a worker's own DELETE by SMS would
(dispatch/replies/forget.py decides, anonymises and audits); refused in words when the
worker still has money to settle or an open dispute."""

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain
from api.console.registry.workers import Office, _profile
from api.console.web import PREFIX, csrf_checked, language
from api.deps import DB
from api.errors import status_of
from api.schemas.common import IdPath
from core.clock import now
from core.errors import Forbidden, InvalidInput
from core.tenancy import Actor
from dispatch.replies import forget

router = APIRouter(prefix=PREFIX, include_in_schema=False)
REASON_MAX = 1000

i18n.add(
    {
        "workers_forget_h": ("Удалить данные работника", "Forget this worker"),
        "workers_forget_note": (
            "Имя, телефон, документы и тексты СМС удаляются навсегда; взыскания и табели "
            "остаются под номером работника. Так же работник может попросить сам: УДАЛИТЬ.",
            "The name, phone, documents and texts go for good; the ledger and the timesheets "
            "stay under the worker's number. A worker may ask the same by SMS: DELETE.",
        ),
        "workers_forget_reason": ("Причина (запишется в журнал)", "Reason (kept in the audit)"),
        "workers_forget_button": ("Удалить данные навсегда", "Forget this worker"),
        "workers_forgotten": ("Данные работника удалены.", "The worker's data is deleted."),
        "err_forget_admin_only": (
            "Удалить данные работника может только администратор.",
            "Only an admin may forget a worker.",
        ),
        "err_forget_waits": ("Удалить пока нельзя.", "Not yet."),
        "err_forget_waits_dispute": (
            "Удалить пока нельзя: открыт спор работника о взыскании.",
            "Not yet: the worker's dispute of a penalty is open.",
        ),
        "err_forget_waits_pay": (
            "Удалить пока нельзя: есть незакрытая или недавняя смена, её оплата не рассчитана.",
            "Not yet: a shift not closed or closed lately may still be owed pay.",
        ),
    }
)


@router.post("/workers/{worker_id}/forget", dependencies=[Depends(csrf_checked)])
def forget_worker(
    request: Request,
    worker_id: IdPath,
    reason: str = Form("", max_length=REASON_MAX + 100),
    actor: Actor = Office,
    session: Session = DB,
) -> Response:
    try:
        with session.begin_nested():  # a refusal leaves nothing behind
            forget.forget_by_office(session, worker_id, actor=actor, reason=reason, now=now())
    except (InvalidInput, Forbidden) as exc:
        error = explain(exc, i18n.translator(language(request)))
        return _profile(
            request, session, actor, worker_id, forget_error=error, status_code=status_of(exc)
        )
    return RedirectResponse(f"{PREFIX}/workers/{worker_id}?forgotten=1", status_code=303)
