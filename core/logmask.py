"""Phone numbers and secrets never reach a log: every record of the process is masked where it
is made, whoever logs it (our code, uvicorn's access log, SQLAlchemy's echo, a traceback).

Phones keep their last two digits (`+*********67`), enough to tell two apart in a log; secrets
(the settings' keys and passwords, bearer tokens, JWTs, password hashes, check-in link
signatures) become `***`.
"""

import logging
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from core.settings import Settings

MASK = "***"

# A number with a plus (or a URL-encoded one) may be written with spaces, dashes, brackets:
# +7 (921) 123-45-67; so may a Russian national one: 8 (921) 123-45-67. Otherwise only a bare
# run of 10-15 digits counts (79211234567), so dates and times in a message stay readable.
_PHONE = re.compile(
    r"(?P<lead>\+|%2[Bb])\d(?:[ \-().]{0,2}\d){9,14}(?!\w)"
    r"|(?<![\w.])8[ \-(]{1,2}\d{3}[ \-)]{1,2}\d{3}[ \-]?\d{2}[ \-]?\d{2}(?!\w)"
    r"|(?<![\w.])\d{10,15}(?!\w)"
)
_PATTERNS = (
    (re.compile(r"(?i)\bbearer\s+[\w\-.~+/]+=*"), "Bearer " + MASK),
    (re.compile(r"\beyJ[\w-]*\.[\w-]*\.[\w-]*"), MASK),  # a JWT anywhere (a cookie, a URL)
    (re.compile(r"\$argon2(?:id|i|d)\$[^\s'\")]+"), "$argon2" + MASK),
    (re.compile(r"(?<=://)([^:/@\s]*):[^@\s/]+@"), r"\1:" + MASK + "@"),  # user:pass@host
    (re.compile(r"(/c/\d+-)[\w-]+"), r"\1" + MASK),  # a check-in link opens a worker's check-in
    (
        re.compile(
            r"(?i)\b(password|passwd|auth_token|authtoken|secret_key|secret|api_key)"
            r"(['\"]?\s*[:=]\s*['\"]?)[^\s&'\",;}]+"
        ),
        r"\1\2" + MASK,
    ),
)
MIN_SECRET_LENGTH = 8  # shorter "secrets" would mask ordinary words


def masked_phone(phone: str, lead: str = "") -> str:
    """A number with only its last two digits left (+*********67): in logs, and to staff who
    may know a worker but not their number (dispatch/access/privacy.py)."""
    digits = re.sub(r"\D", "", phone)
    if not lead and phone.lstrip().startswith("+"):
        lead = "+"
    return lead + "*" * max(len(digits) - 2, 0) + digits[-2:]


def mask_phone(match: re.Match[str]) -> str:
    text = match.group(0).removeprefix("%2B").removeprefix("%2b")
    return masked_phone(text, match.group("lead") or "")


class MaskingFilter(logging.Filter):
    """Rewrites a record's message (and its traceback) with phones and secrets masked."""

    def __init__(self, secrets: Iterable[str] = ()):
        super().__init__()
        self.secrets: set[str] = set()
        self.add_secrets(secrets)

    def add_secrets(self, secrets: Iterable[str | None]) -> None:
        self.secrets |= {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}

    def mask(self, text: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return _PHONE.sub(mask_phone, text)

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_brigada_masked", False):
            return True
        record._brigada_masked = True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string is the caller's bug: logging reports it
            return True
        masked = self.mask(message)
        if masked != message:
            # Keep the arguments apart where masking each one gives the same text: some
            # formatters read them (uvicorn's access log unpacks its five).
            args = self._masked_args(record.args)
            if args is None or _formatted(record.msg, args) != masked:
                record.msg, args = masked, None
            record.args = args
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        return True

    def _masked_args(self, args: object) -> tuple[object, ...] | None:
        if isinstance(args, tuple):
            return tuple(self.mask(a) if isinstance(a, str) else a for a in args)
        return None


def _formatted(msg: object, args: tuple[object, ...]) -> str | None:
    try:
        return str(msg) % args if args else str(msg)
    except (TypeError, ValueError):
        return None


def settings_secrets(settings: Settings) -> list[str]:
    """The values of the settings that must never be logged."""
    found = [settings.secret_key, settings.twilio_auth_token or ""]
    for url in (settings.database_url, settings.database_replica_url, settings.redis_url):
        found.append(urlsplit(url).password or "")
    return found


_installed: MaskingFilter | None = None


def install(settings: Settings) -> MaskingFilter:
    """Mask every record made in this process from now on (once; later calls add secrets)."""
    global _installed
    if _installed is None:
        masking = MaskingFilter()
        make_record = logging.getLogRecordFactory()

        def masked_record(*args: object, **kwargs: object) -> logging.LogRecord:
            record = make_record(*args, **kwargs)
            masking.filter(record)
            return record

        logging.setLogRecordFactory(masked_record)
        _installed = masking
    _installed.add_secrets(settings_secrets(settings))
    return _installed
