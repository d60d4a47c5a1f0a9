"""Check-in links: a worker opens the signed link from the booking text and shares where
they are; inside the site's geofence the arrival waits for the foreman to confirm.

No session and no CSRF token here: the signed token in the path is the credential (72 bits,
unguessable), and the only write is the worker's own check-in."""

import math
import time
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import Response
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.i18n import LANGUAGES, translator
from api.console.site.words.checkin import WORDS as CHECKIN_WORDS
from api.console.web import LANG_COOKIE, render
from api.deps import DB
from core.clock import now
from core.csvsafe import decimal_text
from core.settings import Settings
from dispatch.shift import checkin
from dispatch.shift.errors import CheckInRefused
from dispatch.texts.errors import LinkNotFound
from geo.points import Point
from workers.models import Worker

router = APIRouter(prefix="", include_in_schema=False)

TOKEN = Path(min_length=3, max_length=40)

i18n.add(CHECKIN_WORDS)


class CheckinLimiter:
    """Moving windows per client address and per link, shared by all API processes
    (BRIGADA_CHECKIN_RATE_PER_ADDRESS, _PER_LINK): nobody tries links or spots in bulk."""

    def __init__(self, settings: Settings):
        self._limiter = MovingWindowRateLimiter(storage_from_string(settings.redis_url))
        self._limits = (
            (parse(settings.checkin_rate_per_address), "brigada-checkin-addr"),
            (parse(settings.checkin_rate_per_link), "brigada-checkin-link"),
        )

    def wait_s(self, address: str, token: str) -> int:
        """0 if this request may go ahead (and counts it), else whole seconds until one may."""
        for (limit, namespace), key in zip(self._limits, (address, token), strict=True):
            if not self._limiter.hit(limit, namespace, key):
                stats = self._limiter.get_window_stats(limit, namespace, key)
                return max(1, math.ceil(stats.reset_time - time.time()))
        return 0


def not_too_often(request: Request, token: str = TOKEN) -> None:
    """Before the link is looked up or a body read: 429 with Retry-After past the rate."""
    address = request.client.host if request.client else "unknown"
    wait = request.app.state.checkin_limiter.wait_s(address, token)
    if wait:
        raise HTTPException(
            429,
            detail=f"too many requests; try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )


def _language(request: Request, worker: Worker | None) -> str:
    """Chosen on the page, else the worker's own language."""
    wanted = (
        request.query_params.get("lang")
        or request.cookies.get(LANG_COOKIE)
        or (worker.language if worker else None)
    )
    return wanted if wanted in LANGUAGES else "ru"


def distance_text(metres: float, t, lang: str) -> str:
    if metres < 1000:
        return t("checkin_m").format(n=round(metres))
    return t("checkin_km").format(n=decimal_text(f"{metres / 1000:.1f}", lang))


async def _location(request: Request) -> Point | None:
    """lat/lon from a form or JSON; None unless both are numbers in range."""
    try:
        if request.headers.get("content-type", "").startswith("application/json"):
            data = await request.json()
        else:
            data = await request.form()
        lat, lon = float(data["lat"]), float(data["lon"])
    # RecursionError: JSON nested thousands deep, which the parser gives up on.
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError, RecursionError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return Point(lat=lat, lon=lon)


def _page(
    request: Request,
    token: str,
    booking: checkin.Booking | None,
    *,
    status_code: int = 200,
    **context,
) -> Response:
    lang = _language(request, booking.worker if booking else None)
    t = translator(lang)
    view = {"t": t, "lang": lang, "token": token, "booking": booking, **context}
    if booking is not None:
        zone = ZoneInfo(booking.branch.timezone)
        view["local"] = lambda value: value.astimezone(zone).strftime("%d.%m %H:%M")
        view["hhmm"] = lambda value: value.astimezone(zone).strftime("%H:%M")
        view["distance"] = lambda metres: distance_text(metres, t, lang)
    response = render(request, "checkin.html", view, status_code=status_code)
    # The token is in the path: keep it out of other sites' logs and out of caches.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/c/{token}", dependencies=[Depends(not_too_often)])
def checkin_page(request: Request, token: str = TOKEN, session: Session = DB) -> Response:
    secret = request.app.state.settings.secret_key
    try:
        booking = checkin.booking_for_token(session, token, secret=secret)
    except LinkNotFound:
        return _page(request, token, None, status_code=404, invalid=True)
    refused = checkin.refusal(booking.order, booking.offer, now())
    return _page(request, token, booking, refused=refused)


@router.post("/c/{token}", dependencies=[Depends(not_too_often)])
def check_in(
    request: Request,
    token: str = TOKEN,
    point: Point | None = Depends(_location),
    session: Session = DB,
) -> Response:
    secret = request.app.state.settings.secret_key
    try:
        booking = checkin.booking_for_token(session, token, secret=secret)
    except LinkNotFound:
        return _page(request, token, None, status_code=404, invalid=True)
    if point is None:
        return _page(request, token, booking, status_code=422, bad_location=True)
    try:
        result = checkin.check_in(session, token, point, secret=secret, now=now())
    except CheckInRefused as refused:
        return _page(request, token, booking, status_code=409, refused=refused)
    return _page(request, token, booking, result=result)
