"""Phone numbers: Russian and CIS mobiles in, E.164 out; everything else named and explained."""

import phonenumbers
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from core.errors import InvalidInput
from workers.phones import REGIONS, to_e164

ACCEPTED = [
    # (raw, default region, E.164)
    ("8 921 123-45-67", "RU", "+79211234567"),
    ("+7 (921) 123-45-67", "RU", "+79211234567"),
    ("89211234567", "RU", "+79211234567"),
    ("  +7 921 123 45 67  ", "RU", "+79211234567"),
    ("+7 701 123 4567", "RU", "+77011234567"),  # Kazakhstan shares +7
    ("8 701 123 4567", "KZ", "+77011234567"),
    ("+375 29 123-45-67", "RU", "+375291234567"),  # Belarus
    ("+374 77 123456", "RU", "+37477123456"),  # Armenia
    ("+995 555 12 34 56", "RU", "+995555123456"),  # Georgia
    ("+370 612 34567", "RU", "+37061234567"),  # Lithuania
    ("+380 50 123 4567", "RU", "+380501234567"),  # Ukraine
    ("+994 40 123 45 67", "RU", "+994401234567"),  # Azerbaijan
    ("+998 90 123 45 67", "RU", "+998901234567"),  # Uzbekistan: a worker texted in Uzbek
    ("+992 93 512 34 56", "RU", "+992935123456"),  # Tajikistan
    ("+996 555 123 456", "RU", "+996555123456"),  # Kyrgyzstan
    ("+79211234567", "BY", "+79211234567"),  # a full number ignores the default region
    ("029 123 45 67", "BY", "+375291234567"),
    ("8 612 34567", "LT", "+37061234567"),
    ("050 123 4567", "UA", "+380501234567"),
    ("077 123456", "AM", "+37477123456"),
    ("555 12 34 56", "GE", "+995555123456"),
    ("040 123 45 67", "AZ", "+994401234567"),
]

REJECTED = [
    # (raw, default region, a fragment the message must hold)
    ("+7 495 123-45-67", "RU", "not a mobile"),  # Moscow landline
    ("8 (495) 123-45-67", "RU", "not a mobile"),
    ("8 800 200 06 00", "RU", "not a mobile"),  # toll-free
    ("+7 727 258 25 25", "RU", "not a mobile"),  # Almaty landline
    ("+375 17 123-45-67", "RU", "not a mobile"),  # Minsk landline
    ("+380 44 123 4567", "RU", "not a mobile"),  # Kyiv landline
    ("+1 202 555 0123", "RU", "+1 is not served"),
    ("+44 7400 123456", "RU", "+44 is not served"),  # a UK mobile is still abroad
    ("abc", "RU", "not a phone number"),
    ("звоните мне", "RU", "not a phone number"),
    ("123", "RU", "not a valid number"),
    ("+7 921 123", "RU", "not a valid number"),
    ("+7 921 123 45 67 8", "RU", "not a valid number"),  # one digit too many
    ("8 029 123-45-67", "RU", "not a valid number"),  # Belarusian national, read as Russian
]


@pytest.mark.parametrize("raw, region, expected", ACCEPTED)
def test_mobiles_of_russia_and_the_cis_become_e164(raw, region, expected):
    assert to_e164(raw, region) == expected


@pytest.mark.parametrize("raw, region, fragment", REJECTED)
def test_other_numbers_are_rejected_naming_the_field_and_the_reason(raw, region, fragment):
    with pytest.raises(InvalidInput) as caught:
        to_e164(raw, region)
    assert caught.value.loc == ("body", "phone")
    assert fragment in caught.value.msg
    assert repr(raw.strip()) in caught.value.msg  # the operator sees what they typed


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_an_empty_phone_is_required(raw):
    with pytest.raises(InvalidInput) as caught:
        to_e164(raw)
    assert caught.value.loc == ("body", "phone")
    assert caught.value.msg == "phone number is required"


def test_the_error_names_the_field_it_was_given():
    with pytest.raises(InvalidInput) as caught:
        to_e164("+7 495 123-45-67", field="contact_phone")
    assert caught.value.loc == ("body", "contact_phone")


def test_the_default_region_decides_how_a_national_number_is_read():
    assert to_e164("8 029 123-45-67", "BY") == "+375291234567"
    with pytest.raises(InvalidInput):
        to_e164("8 029 123-45-67", "RU")
    # And the same Russian national number is not Belarusian.
    assert to_e164("8 921 123-45-67", "RU") == "+79211234567"
    with pytest.raises(InvalidInput):
        to_e164("8 921 123-45-67", "BY")


@pytest.mark.parametrize("raw", ["8 921 ABC-DE-FG", "8921JKLMNOP"])
def test_letters_in_place_of_digits_are_rejected(raw):
    with pytest.raises(InvalidInput):
        to_e164(raw)


# --- properties -------------------------------------------------------------------------

# Per region: country code, a mobile prefix taken from the library's example, digits to draw.
_PLANS = []
for _region in REGIONS:
    _example = phonenumbers.example_number_for_type(_region, PhoneNumberType.MOBILE)
    assert _example is not None, _region
    _nsn = phonenumbers.national_significant_number(_example)
    _PLANS.append((_example.country_code, _nsn[:3], len(_nsn) - 3))


@st.composite
def valid_mobiles(draw) -> phonenumbers.PhoneNumber:
    code, prefix, free = draw(st.sampled_from(_PLANS))
    rest = draw(st.text(alphabet="0123456789", min_size=free, max_size=free))
    number = phonenumbers.parse(f"+{code}{prefix}{rest}")
    assume(phonenumbers.is_valid_number(number))
    assume(phonenumbers.number_type(number) == PhoneNumberType.MOBILE)
    return number


@st.composite
def scattered(draw, digits: str) -> str:
    """The digits with spaces and dashes between them and maybe one pair of parentheses."""
    gaps = draw(st.lists(st.sampled_from(["", " ", "-", " - "]), min_size=len(digits)))
    opens, closes = [""] * len(digits), [""] * len(digits)
    if draw(st.booleans()):
        start = draw(st.integers(0, len(digits) - 1))
        end = draw(st.integers(start, len(digits) - 1))
        opens[start], closes[end] = "(", ")"
    pieces = zip(opens, digits, closes, gaps[: len(digits) - 1] + [""], strict=True)
    return "".join(o + d + c + g for o, d, c, g in pieces)


@given(valid_mobiles(), st.sampled_from(REGIONS))
def test_an_e164_answer_reads_back_as_itself_in_any_region(number, region):
    e164 = to_e164(phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL))
    assert e164 == phonenumbers.format_number(number, PhoneNumberFormat.E164)
    assert to_e164(e164, region) == e164


@given(st.data())
def test_spacing_dashes_and_parentheses_do_not_change_the_number(data):
    number = data.draw(valid_mobiles())
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    nsn = phonenumbers.national_significant_number(number)
    international = f"+{number.country_code} " + data.draw(scattered(nsn))
    assert to_e164(international) == e164
    region = phonenumbers.region_code_for_number(number)
    national_digits = "".join(
        c for c in phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL) if c.isdigit()
    )
    assert to_e164(data.draw(scattered(national_digits)), region) == e164
