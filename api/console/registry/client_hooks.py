"""A client's webhooks seen from the office: a section of the client's page (loaded into it
by htmx; a page of its own without) listing the subscriptions with their state and last
delivery, each one's delivery log, and switching one off and on again. Who may, and the
rules, are dispatch/hooks/subscriptions.py's; the contexts and templates are the portal's
(api/console/portal/hooks.py), so the client and the office read the same list and log."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console.portal.hooks import list_context, log_context, switch
from api.console.web import PREFIX, csrf_checked, render, staff
from api.deps import DB, OFFICE
from api.schemas.common import IdPath
from core.tenancy import Actor
from dispatch.registry import clients

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Office = Depends(staff(*OFFICE))


def _base(client_id: int) -> str:
    return f"{PREFIX}/clients/{client_id}/webhooks"


@router.get("/clients/{client_id}/webhooks")
def client_hooks(
    request: Request, client_id: IdPath, actor: Actor = Office, session: Session = DB
) -> Response:
    """The list: the section's body for htmx, else a page with the client's name."""
    context = list_context(session, actor, client_id, base=_base(client_id), can_delete=False)
    context["client"] = clients.get_client(session, client_id, actor=actor)
    fragment = request.headers.get("HX-Request") == "true"
    template = "hooks_list.html" if fragment else "client_hooks.html"
    return render(request, template, context, actor=actor)


@router.post("/clients/{client_id}/webhooks/{hook_id}/{how}", dependencies=[Depends(csrf_checked)])
def switch_hook(
    client_id: IdPath, hook_id: IdPath, how: str, actor: Actor = Office, session: Session = DB
) -> Response:
    switch(session, actor, client_id, hook_id, how)
    return RedirectResponse(f"{PREFIX}/clients/{client_id}#webhooks", status_code=303)


@router.get("/clients/{client_id}/webhooks/{hook_id}")
def hook_log(
    request: Request,
    client_id: IdPath,
    hook_id: IdPath,
    actor: Actor = Office,
    session: Session = DB,
) -> Response:
    context = log_context(
        session, actor, client_id, hook_id, back=_base(client_id), orders=f"{PREFIX}/orders"
    )
    return render(request, "hooks_log_page.html", context, actor=actor)
