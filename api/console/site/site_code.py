"""The site check-in code on the foreman's page: the code of now in big digits, when it
changes, and a QR code (issue 20). The page asks for this fragment on load and every
REFRESH_S seconds (htmx), so the digits follow the code's 10-minute steps.

The QR code is an `sms:` link to the branch's number with `ПРИШЕЛ <code>` (the word in the
foreman's language) already typed, not a check-in page for the order: check-in links are
per worker and signed (api/console/site/checkin.py); a page for the whole site would have to
ask the worker who they are, a new way to sign in that anyone on site could use for anyone.
The SMS comes from the worker's own phone, which is how the inbox knows them. With no sending
number set (a Messaging Service only), the QR code is left out: the digits still work."""

from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

import segno
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.site.words.site_code import WORDS as SITE_CODE_WORDS
from api.console.web import PREFIX, language, render, staff
from api.deps import DB, STAFF
from api.schemas.common import IdPath
from core.clock import now
from core.tenancy import Actor
from dispatch.models import Branch
from dispatch.orders.service import get_order
from dispatch.shift import codes
from dispatch.shift.errors import CheckInRefused
from sms.commands import WORDS as COMMAND_WORDS

router = APIRouter(prefix=PREFIX, include_in_schema=False)

REFRESH_S = 30  # how often the page asks again: a changed code shows within this

i18n.add(SITE_CODE_WORDS)


def arrival_word(lang: str) -> str:
    """The word a worker texts, in the console's language (the first of its words)."""
    return COMMAND_WORDS.get(lang, COMMAND_WORDS["ru"])["arrived"][0].upper()


def sms_link(number: str, word: str, code: str) -> str:
    """sms:<number>?body=<word> <code>: the camera app opens the text ready to send."""
    return f"sms:{number}?body={quote(f'{word} {code}')}"


def qr_svg(link: str) -> str:
    """The link as an inline SVG QR code, made here (segno): no image service, no CDN."""
    return segno.make(link, error="m").svg_inline(scale=5, border=2, omitsize=True)


@router.get("/foreman/orders/{order_id}/checkin-code")
def code_fragment(
    request: Request,
    order_id: IdPath,
    actor: Actor = Depends(staff(*STAFF)),
    session: Session = DB,
) -> Response:
    """The code, its change time and the QR code; another's order: 404."""
    order = get_order(session, order_id, actor=actor)
    at: datetime = now()
    view: dict[str, object] = {"order": order, "refresh_s": REFRESH_S}
    try:
        code = codes.current(session, order, at)
    except CheckInRefused:
        return render(request, "foreman_code.html", view, actor=actor)
    zone = ZoneInfo(session.get_one(Branch, order.branch_id).timezone)
    word = arrival_word(language(request))
    number = request.app.state.settings.twilio_from
    link = sms_link(number, word, code.code) if number else None
    view |= {
        "code": code.code,
        "until": code.valid_until.astimezone(zone).strftime("%H:%M"),
        "word": word,
        "link": link,
        "qr": qr_svg(link) if link else None,
    }
    response = render(request, "foreman_code.html", view, actor=actor)
    response.headers["Cache-Control"] = "no-store"  # a code of now, never a stale one
    return response
