"""Encoding and segment counts; every text exists in both languages and fits."""

from string import Formatter

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


@pytest.mark.parametrize("language", templates.LANGUAGES)
def test_a_translation_has_only_known_kinds_with_the_russian_fields(language):
    table = templates.TEMPLATES[language]
    assert set(table) <= set(templates.KINDS)
    for kind, text in table.items():
        used = {name for _, name, _, _ in Formatter().parse(text) if name}
        assert used == templates.fields_of(kind, "ru"), (language, kind)


def _longest(kind: str, language: str) -> dict[str, str]:
    longest = templates.longest_values(language)
    return {k: longest[k] for k in templates.fields_of(kind, language)}


# The booking text with a long address may not fit: it is measured when sent and falls back
# to "booked_link_only" (tests/dispatch/test_booking_text.py).
BUDGETED_WHEN_SENT = {"booked"}


# A client's contact reads Russian or English (dispatch/hooks/notices.py): their texts are
# measured in those; a worker's in all five.
SENT = [
    (kind, language)
    for kind in sorted(set(templates.KINDS) - BUDGETED_WHEN_SENT)
    for language in templates.LANGUAGES
    if kind not in templates.CLIENT_KINDS or language in templates.CLIENT_LANGUAGES
]


@pytest.mark.parametrize("transliterate", [False, True])
@pytest.mark.parametrize(("kind", "language"), SENT)
def test_every_text_of_every_language_fits_two_segments(kind, language, transliterate):
    """Translated or sent in Russian for want of one, as written or transliterated: within
    the two segments every text is budgeted (SEGMENT_LIMITS: offers; the others by this)."""
    body = templates.render(kind, language, None, transliterate, **_longest(kind, language))
    assert measure(body).segments <= 2


@pytest.mark.parametrize("language", templates.LANGUAGES)
def test_the_booking_text_keeps_a_short_address_within_two_segments(language):
    values = _longest("booked", language)
    values["address"] = "ул. Складская, 12"  # a demo site's address, Cyrillic in both
    assert measure(templates.render("booked", language, **values)).segments <= 2
