"""The domain's refusals in the page's language, found by the error's stable code (and its
reason), never by its English message."""

from api.console import i18n
from api.console.words.errors import WORDS as ERROR_WORDS
from core.errors import DomainError

i18n.add(ERROR_WORDS)


def word_key(code: str, reason: str | None = None) -> str:
    return f"err_{code}_{reason}" if reason else f"err_{code}"


def explain(exc: DomainError, t) -> str:
    """The error's words: its reason's, else its class's, else the nearest parent's."""
    keys = [word_key(exc.code, exc.reason)] if exc.reason else []
    keys += [word_key(kind.code) for kind in type(exc).__mro__ if issubclass(kind, DomainError)]
    for key in keys:
        if key in i18n.TEXTS["ru"]:
            return t(key)
    return t(word_key(DomainError.code))  # pragma: no cover - DomainError's words exist
