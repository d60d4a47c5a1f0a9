"""A branch's SMS texts: every kind with its default, an editor that counts the segments and
names the encoding as the text is typed (for the longest values of its fields: the one segment
rule of sms/segments.py, through dispatch/registry/wording.py), saving and going back to the
default. Managers edit their branch's, admins any branch's; audited by the use-cases."""

from contextlib import suppress

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB, MANAGERS
from api.schemas.common import IdPath
from core.errors import InvalidInput
from core.tenancy import Actor
from dispatch.registry import service as registry
from dispatch.registry import wording
from dispatch.registry.errors import WordingNotFound

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Manager = Depends(staff(*MANAGERS))
TEXT = "/branches/{branch_id}/texts/{kind}/{lang}"
BODY_MAX = 1000  # as the API's


@router.get("/texts")
def my_texts(request: Request, actor: Actor = Manager, session: Session = DB) -> Response:
    """A manager's own branch; the head office picks one."""
    if actor.branch_id is not None:
        return RedirectResponse(f"{PREFIX}/branches/{actor.branch_id}/texts", status_code=303)
    branches = registry.list_branches(session, actor=actor)
    context = {"branches": branches, "page": "texts", "title": "texts_title"}
    return render(request, "branch_pick.html", context, actor=actor)


@router.get("/branches/{branch_id}/texts")
def texts_page(
    request: Request, branch_id: IdPath, actor: Actor = Manager, session: Session = DB
) -> Response:
    branch = registry.get_branch(session, branch_id, actor=actor)  # another branch's: 404
    rows = wording.list_wording(session, actor=actor, branch_id=branch.id)
    context = {"branch": branch, "rows": rows}
    return render(request, "texts.html", context, actor=actor)


def _editor(
    request: Request,
    session: Session,
    actor: Actor,
    branch_id: int,
    kind: str,
    lang: str,
    *,
    body: str | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    editable = wording.read_wording(
        session, actor=actor, branch_id=branch_id, kind=kind, language=lang
    )
    body = editable.wording.body if body is None else body
    draft = wording.measure_draft(
        session, actor=actor, branch_id=branch_id, kind=kind, language=lang, body=body
    )
    t = i18n.translator(language(request))
    context = {
        "branch": registry.get_branch(session, branch_id, actor=actor),
        "editable": editable,
        "draft": draft,
        "error": explain(draft.error, t) if draft.error and status_code != 200 else "",
        "notice": notice,
    }
    return render(request, "texts_edit.html", context, actor=actor, status_code=status_code)


@router.get(TEXT)
def text_editor(
    request: Request,
    branch_id: IdPath,
    kind: str,
    lang: str,
    actor: Actor = Manager,
    session: Session = DB,
) -> Response:
    return _editor(request, session, actor, branch_id, kind, lang)


@router.post(f"{TEXT}/measure", dependencies=[Depends(csrf_checked)])
def measure(
    request: Request,
    branch_id: IdPath,
    kind: str,
    lang: str,
    body: str = Form("", max_length=BODY_MAX),
    actor: Actor = Manager,
    session: Session = DB,
) -> Response:
    """The count and the refusal for the text as typed, live; writes nothing."""
    draft = wording.measure_draft(
        session, actor=actor, branch_id=branch_id, kind=kind, language=lang, body=body
    )
    t = i18n.translator(language(request))
    context = {"draft": draft, "error": explain(draft.error, t) if draft.error else ""}
    return render(request, "texts_measure.html", context, actor=actor)


@router.post(TEXT, dependencies=[Depends(csrf_checked)])
def save_text(
    request: Request,
    branch_id: IdPath,
    kind: str,
    lang: str,
    body: str = Form("", max_length=BODY_MAX),
    actor: Actor = Manager,
    session: Session = DB,
) -> Response:
    t = i18n.translator(language(request))
    try:
        wording.set_wording(
            session, actor=actor, branch_id=branch_id, kind=kind, language=lang, body=body
        )
    except InvalidInput:
        session.rollback()
        return _editor(request, session, actor, branch_id, kind, lang, body=body, status_code=422)
    return _editor(request, session, actor, branch_id, kind, lang, notice=t("texts_saved"))


@router.post(f"{TEXT}/reset", dependencies=[Depends(csrf_checked)])
def reset_text(
    request: Request,
    branch_id: IdPath,
    kind: str,
    lang: str,
    actor: Actor = Manager,
    session: Session = DB,
) -> Response:
    t = i18n.translator(language(request))
    wording.read_wording(session, actor=actor, branch_id=branch_id, kind=kind, language=lang)
    with suppress(WordingNotFound):  # the default already: nothing to undo
        wording.reset_wording(session, actor=actor, branch_id=branch_id, kind=kind, language=lang)
    return _editor(request, session, actor, branch_id, kind, lang, notice=t("texts_was_reset"))
