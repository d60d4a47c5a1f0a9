"""An applicant's location link (texted at the dialogue's "where do you live" step): the
page asks the phone where it is and posts it; dispatch/applicants/dialogue.py located()
takes it as the applicant's home and picks the nearest branch.

As the check-in link: no session and no CSRF token, the signed token in the path is the
credential; the same rate limits per address and per link (checkin.not_too_often)."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.i18n import LANGUAGES, translator
from api.console.site.checkin import TOKEN, _location, not_too_often
from api.console.site.words.applicant_place import WORDS
from api.console.web import LANG_COOKIE, render
from api.deps import DB
from core.clock import now
from dispatch.applicants import dialogue, places
from dispatch.applicants.errors import LocationLinkNotFound
from geo.points import Point
from workers.applicants import Applicant

router = APIRouter(prefix="", include_in_schema=False)
i18n.add(WORDS)


def _page(
    request: Request,
    token: str,
    applicant: Applicant | None,
    *,
    status_code: int = 200,
    **context: object,
) -> Response:
    wanted = (
        request.query_params.get("lang")
        or request.cookies.get(LANG_COOKIE)
        or (applicant.language if applicant else None)
    )
    lang = wanted if wanted in LANGUAGES else "ru"
    view = {"t": translator(lang), "lang": lang, "token": token, **context}
    if applicant is not None:
        view["open"] = applicant.status == "talking" and applicant.step == "home"
    response = render(request, "applicant_place.html", view, status_code=status_code)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/a/{token}", dependencies=[Depends(not_too_often)])
def place_page(request: Request, token: str = TOKEN, session: Session = DB) -> Response:
    secret = request.app.state.settings.secret_key
    try:
        applicant = places.applicant_for_token(session, token, secret=secret)
    except LocationLinkNotFound:
        return _page(request, token, None, status_code=404, invalid=True)
    return _page(request, token, applicant)


@router.post("/a/{token}", dependencies=[Depends(not_too_often)])
def place_sent(
    request: Request,
    token: str = TOKEN,
    point: Point | None = Depends(_location),
    session: Session = DB,
) -> Response:
    secret = request.app.state.settings.secret_key
    try:
        applicant = places.applicant_for_token(session, token, secret=secret)
    except LocationLinkNotFound:
        return _page(request, token, None, status_code=404, invalid=True)
    if point is None:
        return _page(request, token, applicant, status_code=422, bad_location=True)
    if dialogue.located(session, applicant.id, point, now()) is None:
        return _page(request, token, applicant, status_code=409, stale=True)
    return _page(request, token, applicant, done=True)
