"""What every portal page shares: its prefix, who may open it (a client user: staff get the
"not for your role" page) and the words."""

from zoneinfo import ZoneInfo

from api.console import i18n
from api.console.portal.words import WORDS
from api.console.web import staff
from dispatch.enums import CLIENT

PORTAL = "/portal"
CLIENT_USER = staff(CLIENT)

i18n.add(WORDS)


def local(at, zone: str) -> str:
    """A moment in the branch's time, as the console writes it."""
    return at.astimezone(ZoneInfo(zone)).strftime("%d.%m %H:%M")
