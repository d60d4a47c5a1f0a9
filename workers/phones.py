"""Phone numbers of Russia and the CIS, parsed and checked with phonenumbers."""

import re
from typing import Literal, get_args

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from core.errors import FieldRequired
from workers.errors import PhoneInvalid

# Russia/Kazakhstan, Armenia, Belarus, Georgia, Lithuania, Ukraine, Azerbaijan, and the home
# numbers of the workers texted in Uzbek, Tajik and Kyrgyz (docs/languages.md): Uzbekistan,
# Tajikistan, Kyrgyzstan. A branch's country (REGIONS) stays among the first.
COUNTRY_CODES = frozenset({7, 374, 375, 995, 370, 380, 994, 998, 992, 996})
Region = Literal["RU", "KZ", "AM", "BY", "GE", "LT", "UA", "AZ"]
REGIONS: tuple[Region, ...] = get_args(Region)
_MOBILE = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
# phonenumbers reads letters as keypad digits and drops extensions: neither belongs here.
_PHONE_CHARS = re.compile(r"^[\d\s+()\-.]+$")


def to_e164(raw: str, default_region: str = "RU", field: str = "phone") -> str:
    """A mobile number in E.164, or PhoneInvalid naming the field and the reason."""
    text = (raw or "").strip()
    if not text:
        raise FieldRequired(field, "phone number is required")
    if not _PHONE_CHARS.match(text):
        raise PhoneInvalid(
            field, f"{text!r} is not a phone number (digits, spaces, +, (), - and . only)"
        )
    try:
        number = phonenumbers.parse(text, default_region)
    except NumberParseException as exc:
        raise PhoneInvalid(field, f"{text!r} is not a phone number ({exc._msg})") from exc
    if number.country_code not in COUNTRY_CODES:
        raise PhoneInvalid(
            field, f"{text!r}: country code +{number.country_code} is not served (Russia and CIS)"
        )
    if not phonenumbers.is_valid_number(number):
        raise PhoneInvalid(field, f"{text!r} is not a valid number")
    if phonenumbers.number_type(number) not in _MOBILE:
        raise PhoneInvalid(field, f"{text!r} is not a mobile number; workers get offers by SMS")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)
