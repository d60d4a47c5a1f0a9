"""Refusals in the page's language: the domain's found by the error's stable code (and its
reason), the console's own by its word or HTTP status, FastAPI's input errors by field and
type; never by an English message."""

from api.console import i18n
from api.console.words.errors import WORDS as ERROR_WORDS
from api.console.words.refusals import WORDS as REFUSAL_WORDS
from core.errors import DomainError

i18n.add(ERROR_WORDS)
i18n.add(REFUSAL_WORDS)


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


def explain_refusal(t, status: int, word: str | None, values: dict, retry_after: str | None):
    """A console refusal in words: its own word if it has one, else its status's (never the
    English detail, which the API's clients read)."""
    key = word or f"http_{status}"
    if key not in i18n.TEXTS["ru"]:
        key = "http_error"
    values = dict(values)
    if "field" in values:
        values["field"] = field_name(t, values["field"])
    return t(key).format(wait=retry_after or "60", **values)


def field_name(t, name: str) -> str:
    key = f"field_{name}"
    return t(key) if key in i18n.TEXTS["ru"] else t("field_unknown")


def explain_invalid(t, error: dict) -> str:
    """One of FastAPI's input errors in words, by its field and its type (never its English
    `msg`): "Номер заказа: нужно целое число"."""
    loc = [part for part in error.get("loc", ()) if isinstance(part, str)]
    field = field_name(t, loc[-1] if loc else "")
    key = f"invalid_{error.get('type')}"
    if key not in i18n.TEXTS["ru"]:
        key = "invalid_other"
    try:
        problem = t(key).format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):  # a limit the words name but this error lacks
        problem = t("invalid_other")
    return f"{field}: {problem}"
