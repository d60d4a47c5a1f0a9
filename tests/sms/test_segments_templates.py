"""Encoding and segment counts; every text exists in both languages and fits."""

import pytest

from sms import templates
from sms.segments import measure


@pytest.mark.parametrize(
    "body, encoding, segments",
    [
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("{" * 80, "GSM-7", 1),  # extension characters count twice
        ("{" * 81, "GSM-7", 2),
        ("я" * 70, "UCS-2", 1),
        ("я" * 71, "UCS-2", 2),
        ("я" * 134, "UCS-2", 2),
        ("я" * 135, "UCS-2", 3),
        ("Work: loader ДА", "UCS-2", 1),  # one Cyrillic letter makes it UCS-2
        ("", "GSM-7", 1),
        ("a" * 152 + "€" + "a" * 152, "GSM-7", 3),  # an escape pair is never split
        ("я" * 66 + "😀" + "я" * 66, "UCS-2", 3),  # nor a surrogate pair
    ],
)
def test_measure(body, encoding, segments):
    result = measure(body)
    assert (result.encoding, result.segments) == (encoding, segments)


def test_every_text_exists_in_both_languages_with_the_same_fields():
    assert set(templates.TEMPLATES["ru"]) == set(templates.TEMPLATES["en"])
    for kind in templates.TEMPLATES["ru"]:
        assert templates.fields_of(kind, "ru") == templates.fields_of(kind, "en"), kind


LONGEST_SKILL = max(templates.SKILL_NAMES["ru"].values(), key=len)
LONGEST = {
    "code": "99999",
    "skill": LONGEST_SKILL,
    "date": "31.12",
    "start": "23:30",
    "end": "23:59",
    "address": "x" * 40,
    "pay": "1250.50",
    "codes": "101, 202, 303",
    "example": "101",
    "deadline": "31.12 20:30",
    "what": max(templates.PENALTY_WORDS["ru"].values(), key=len),
    "why": max(templates.PENALTY_WORDS["ru"].values(), key=len),
    "fine": "12500.00",
    "payout": "12500.00",
    "currency": "RUB",
    "points": "3",
    "until": "31.12 23:59",
    "link": "https://brigada.example.ru/c/2147483647-AbCdEfGhIj_-",
    "site": "x" * templates.SITE_CHARS,
    "booked": "999",
    "headcount": "999",
    "arrived": "999",
    "id": "2147483647",
    # issue 19: an office's reason (cut when sent), a deletion's code and why it waits; in
    # Cyrillic, so an English text carrying one is measured as UCS-2
    "reason": "я" * templates.REASON_CHARS,
    "pin": "9999",
    "blocker": "я" * templates.BLOCKER_CHARS,
}


# The booking text with a long address may not fit: it is measured when sent and falls back
# to "booked_link_only" (tests/dispatch/test_booking_text.py).
BUDGETED_WHEN_SENT = {"booked"}


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("kind", sorted(set(templates.TEMPLATES["ru"]) - BUDGETED_WHEN_SENT))
def test_every_text_fits_two_segments(kind, language):
    values = {k: LONGEST[k] for k in templates.fields_of(kind, language)}
    assert measure(templates.render(kind, language, **values)).segments <= 2


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_booking_text_keeps_a_short_address_within_two_segments(language):
    values = {k: LONGEST[k] for k in templates.fields_of("booked", language)}
    values["address"] = "ул. Складская, 12"  # a demo site's address, Cyrillic in both
    assert measure(templates.render("booked", language, **values)).segments <= 2
