"""Message texts per language, kept short: every segment is paid for. The worker's, and the
client contact's (client_*, quality_*: in the language dispatch/hooks/notices.py's language_of
picks). A branch may word each one its own way."""

import tomllib
from pathlib import Path
from string import Formatter

from core.errors import InvalidInput
from sms.segments import Encoded, measure
from sms.transliteration import to_latin


class TemplateInvalid(InvalidInput):
    """A branch's wording that cannot be used: unreadable, empty, unknown fields, too long."""

    code = "template_invalid"
    reasons = ("unreadable", "unknown_fields", "empty", "needs_code", "too_long")

    def __init__(self, field: str, msg: str, reason: str):
        if reason not in self.reasons:
            raise ValueError(f"unknown template refusal {reason!r}")
        super().__init__(field, msg)
        self.reason = reason


# The texts, the skills' names and the penalties' words of each language: one data file per
# language (sms/languages/<code>.toml), read once. Russian has every kind; a kind another
# language lacks is sent in Russian (render), so a new text never waits for its translations.
LANGUAGES = ("ru", "en", "uz", "tg", "ky")
_DATA = Path(__file__).parent / "languages"


def _load(language: str) -> dict[str, dict[str, str]]:
    with (_DATA / f"{language}.toml").open("rb") as file:
        return tomllib.load(file)


_TABLES = {language: _load(language) for language in LANGUAGES}
TEMPLATES: dict[str, dict[str, str]] = {lang: t["texts"] for lang, t in _TABLES.items()}
SKILL_NAMES: dict[str, dict[str, str]] = {lang: t.get("skills", {}) for lang, t in _TABLES.items()}
PENALTY_WORDS: dict[str, dict[str, str]] = {
    lang: t.get("penalties", {}) for lang, t in _TABLES.items()
}
# The ledger's other entries in a RATING answer's history: a payment, a withdrawal.
LEDGER_WORDS: dict[str, dict[str, str]] = {lang: t.get("ledger", {}) for lang, t in _TABLES.items()}
# Why a deletion on request waits (sms/templates.py BLOCKER_CHARS at most).
DELETION_WORDS: dict[str, dict[str, str]] = {
    lang: t.get("deletion", {}) for lang, t in _TABLES.items()
}
# How a payout batch was paid (bank, cash, card) in a PAY answer (dispatch/penalties/batches.py).
PAYOUT_METHOD_WORDS: dict[str, dict[str, str]] = {
    lang: t.get("payout_methods", {}) for lang, t in _TABLES.items()
}
# A list in a text (shifts, fines, history) takes entries while the text fits this many segments.
MAX_LIST_SEGMENTS = 3
KINDS = tuple(TEMPLATES["ru"])
# Texts to a client's contact, who reads Russian or English (dispatch/hooks/notices.py), and
# to a branch's staff (staff_*: dispatch/intake/tell.py), in the same two.
CLIENT_KINDS = tuple(k for k in KINDS if k.startswith(("client_", "quality_", "staff_")))
CLIENT_LANGUAGES = ("ru", "en")


def penalty_words(kind: str, language: str) -> str:
    return PENALTY_WORDS.get(language, {}).get(kind) or PENALTY_WORDS["ru"][kind]


def ledger_words(kind: str, language: str) -> str:
    """A ledger entry's kind in words: a penalty's, a payment, a withdrawal."""
    words = {**PENALTY_WORDS["ru"], **LEDGER_WORDS["ru"]}
    words.update({**PENALTY_WORDS.get(language, {}), **LEDGER_WORDS.get(language, {})})
    return words[kind]


def payout_method_words(method: str, language: str) -> str:
    return PAYOUT_METHOD_WORDS.get(language, {}).get(method) or PAYOUT_METHOD_WORDS["ru"][method]


def deletion_words(reason: str, language: str) -> str:
    return DELETION_WORDS.get(language, {}).get(reason) or DELETION_WORDS["ru"][reason]


def default_text(kind: str, language: str) -> tuple[str, str]:
    """The default text of this kind for this language, and the language it is written in:
    Russian where the language has no translation of it."""
    table = TEMPLATES.get(language, {})
    return (table[kind], language) if kind in table else (TEMPLATES["ru"][kind], "ru")


def fields_of(kind: str, language: str = "ru") -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(default_text(kind, language)[0]) if name}


def skill_name(skill: str, language: str) -> str:
    return SKILL_NAMES.get(language, {}).get(skill, skill.replace("_", " "))


SITE_CHARS = 30  # a site's name in a client's text, cut: the text stays within two segments
# The longest values each field takes, to check a branch's own text before it is saved.
LONGEST_VALUES = {
    "code": "999999",
    "skill": max(SKILL_NAMES["ru"].values(), key=len),
    "date": "31.12",
    "start": "23:30",
    # Free text (an address, a name) is Cyrillic in practice: UCS-2, the costlier encoding.
    "end": "23:59",
    "address": "я" * 40,
    "pay": "99999.99",
    "codes": "101, 202, 303",
    "example": "101",
    "deadline": "31.12 20:30",
    "what": max(PENALTY_WORDS["ru"].values(), key=len),
    "why": max(PENALTY_WORDS["ru"].values(), key=len),
    "fine": "99999.99",
    "payout": "99999.99",
    "currency": "RUB",
    "points": "3",
    "until": "31.12 23:59",
    "link": "https://brigada.example.ru/c/2147483647-AbCdEfGhIj_-",
    "site": "я" * SITE_CHARS,
    "client": "я" * SITE_CHARS,  # a client's name in a staff text, cut as a site's
    "booked": "999",
    "headcount": "999",
    "arrived": "999",
    "id": "2147483647",  # a webhook subscription's
    "list": "1 Русский, 2 English, 3 O'zbek, 4 Тоҷикӣ, 5 Кыргызча",
    "name": "я" * 30,
    "branch": "я" * 30,
    "districts": "я" * 60,
    "when": "31.12 23:30",
    "place": "я" * 60,
    # issue 19 self-service: one entry of each list (a text is cut to MAX_LIST_SEGMENTS when sent)
    "more": "99",
    "owed": "-99999.99",
    "since": "31.12",
    "shifts": "99",
    "fines": "999999 " + max(PENALTY_WORDS["ru"].values(), key=len) + " 99999.99",
    "rating": "4.99",
    "reliability": "100",
    "strikes": "9",
    "history": "31.12 " + max(PENALTY_WORDS["ru"].values(), key=len) + " 999999",
    "days": "31.12, 31.12, 31.12",
    "day": "31.12",
    "last": "31.12",
    "max": "60",
    # issue 19 disputes and deletion
    "reason": "я" * 60,
    "pin": "9999",
    "window": "99",
    "blocker": "я" * 40,
    # issue 21: the last payout batch paid, in a PAY answer
    "paid": "999999.99",
    "paid_on": "31.12",
    "method": max(PAYOUT_METHOD_WORDS["ru"].values(), key=len),
}
REASON_CHARS = 60  # an upheld dispute's reason in the worker's text, cut
BLOCKER_CHARS = 40


def longest_values(language: str) -> dict[str, str]:
    """LONGEST_VALUES with this language's longest skill and penalty words."""
    skills = {**SKILL_NAMES["ru"], **SKILL_NAMES.get(language, {})}
    words = {**PENALTY_WORDS["ru"], **PENALTY_WORDS.get(language, {})}
    what = max(words.values(), key=len)
    return {
        **LONGEST_VALUES,
        "skill": max(skills.values(), key=len),
        "what": what,
        "why": what,
        "fines": f"999999 {what} 99999.99",
        "history": f"31.12 {what} 999999",
        "method": max(
            {**PAYOUT_METHOD_WORDS["ru"], **PAYOUT_METHOD_WORDS.get(language, {})}.values(),
            key=len,
        ),
    }


MAX_OFFER_SEGMENTS = 2
# The kinds a branch's wording may not make longer than this (segments, with the longest values).
SEGMENT_LIMITS = {"offer": MAX_OFFER_SEGMENTS, "offer_now": MAX_OFFER_SEGMENTS}
# The booking text carries the site's address when it fits in this many segments; else it is
# sent as "booked_link_only" (the check-in link's page shows the address).
MAX_BOOKED_SEGMENTS = 2


def render(
    kind: str,
    language: str,
    override: str | None = None,
    transliterate: bool = False,
    **values: object,
) -> str:
    """The text of this kind: the branch's own wording if it has one, else ours (Russian where
    the language has none). Transliterated where the branch asks and the text's language has
    a scheme (sms/transliteration.py)."""
    default, written_in = default_text(kind, language)
    if override is not None:
        default, written_in = override, language
    text = default.format(**values)
    return to_latin(text, written_in) if transliterate else text


# Texts a worker answers (YES/NO): with several offers open, the reply names the order's code.
ANSWERED_WITH_CODE = frozenset({"offer", "offer_now", "confirm_request", "order_moved"})


def check_override(kind: str, language: str, body: str, transliterate: bool = False) -> None:
    """A branch's wording: known kind and language, only this kind's fields, and an offer
    at most two segments long with the longest values it can take."""
    if language not in TEMPLATES:
        raise InvalidInput("language", f"language must be one of {', '.join(TEMPLATES)}")
    if kind not in KINDS:
        raise InvalidInput("kind", f"kind must be one of {', '.join(KINDS)}")
    if kind in CLIENT_KINDS and language not in CLIENT_LANGUAGES:
        raise InvalidInput("language", f"a client's text is in {' or '.join(CLIENT_LANGUAGES)}")
    try:
        used = {name for _, name, _, _ in Formatter().parse(body) if name is not None}
    except ValueError as exc:
        raise TemplateInvalid("body", f"not a valid template: {exc}", "unreadable") from None
    allowed = fields_of(kind, language)
    if not used <= allowed:
        unknown = ", ".join(sorted(used - allowed))
        raise TemplateInvalid(
            "body",
            f"unknown fields {unknown}; this text may use {', '.join(sorted(allowed)) or 'none'}",
            "unknown_fields",
        )
    if not body.strip():
        raise TemplateInvalid("body", "the text is empty", "empty")
    if kind in ANSWERED_WITH_CODE and "code" not in used:
        raise TemplateInvalid(
            "body",
            "this text must carry {code}: a worker with several offers answers with it",
            "needs_code",
        )
    parts = measure_longest(kind, language, body, transliterate).segments
    limit = SEGMENT_LIMITS.get(kind)
    if limit is not None and parts > limit:
        raise TemplateInvalid(
            "body",
            f"an offer can take {parts} SMS segments with long values; at most {limit} are allowed",
            "too_long",
        )


def measure_longest(kind: str, language: str, body: str, transliterate: bool = False) -> Encoded:
    """The encoding and segments of a wording with the longest values its fields can take: what
    it costs at most. KeyError, ValueError or IndexError for a body that does not render."""
    longest = render(
        kind,
        language,
        body,
        transliterate,
        **{
            name: longest_values(language).get(name, "x" * 10) for name in fields_of(kind, language)
        },
    )
    return measure(longest)
