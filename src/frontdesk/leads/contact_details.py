"""Validation of the contact details callers give: what a small model hears is not always valid.

A phone number is read with the business's country as the default region (`phonenumbers`):
"07700 900123" said to a London business and "+44 7700 900123" are the same line, stored once
as E.164 ("+447700900123"), and found again whichever way it is written next time. A number
is accepted when its length and shape are possible for its country; the stricter "assigned
range" check would refuse the fictional ranges (UK 07700 900xxx, US 555-01xx) that callers
in films, tests and demos give, and every range newer than the library's data.

Without a known country (an agent nobody has placed yet) a national number cannot become
E.164; it is then kept as its digits, with a '+' when the caller gave one, as before.
"""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import (
    NumberParseException,
    PhoneNumberFormat,
    PhoneNumberType,
    ValidationResult,
)

from frontdesk.agents.country import country_name


class InvalidContact(ValueError):
    """A phone number or email that cannot be right; the message says what to ask again."""


_WHY = {
    ValidationResult.TOO_SHORT: "is too short",
    ValidationResult.TOO_LONG: "is too long",
    ValidationResult.INVALID_LENGTH: "has the wrong number of digits",
    ValidationResult.INVALID_COUNTRY_CODE: "has an unknown country code",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "lacks its area code",
}


def _not_a_number(raw: str) -> InvalidContact:
    return InvalidContact(
        f"{raw!r} does not look like a phone number; please ask for it again digit by digit."
    )


def _legacy(raw: str, text: str) -> str:
    """Digits with an optional '+': the form kept when the country is unknown."""
    plus = text.startswith("+") or text.startswith("00")
    digits = re.sub(r"\D", "", text)
    if text.startswith("00"):
        digits = digits[2:]
    if not 7 <= len(digits) <= 15:
        raise _not_a_number(raw)
    return ("+" if plus else "") + digits


_TYPES = (
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.VOIP,
    PhoneNumberType.PERSONAL_NUMBER,
    PhoneNumberType.UAN,
)


def _region_of(number: phonenumbers.PhoneNumber) -> str | None:
    """The main country of the number's country code (an unassigned number has no region
    of its own); None for a non-geographic code."""
    region = phonenumbers.region_code_for_country_code(number.country_code or 0)
    return None if region in ("ZZ", "001") else region


def region_of(e164: str | None) -> str | None:
    """The country of a number in E.164 (a phone call's caller ID); None when unknown."""
    if not e164:
        return None
    try:
        return _region_of(phonenumbers.parse(e164, None))
    except NumberParseException:
        return None


def _plausible(number: phonenumbers.PhoneNumber) -> bool:
    """A number in an assigned range, or one as long as the country's numbers that start
    like it are ("07700 9001" is too short for a UK mobile, though UK numbers vary)."""
    if phonenumbers.is_valid_number(number):
        return True
    region = _region_of(number)
    if region is None:
        return True  # no country's examples to compare with: the length check stands
    national = str(number.national_number)
    examples = [
        str(example.national_number)
        for kind in _TYPES
        if (example := phonenumbers.example_number_for_type(region, kind)) is not None
    ]
    alike = [e for e in examples if e[:1] == national[:1]] or examples
    return not alike or any(len(e) == len(national) for e in alike)


def normalize_phone(raw: str | None, region: str | None = None) -> str | None:
    """The number in E.164, read with `region` (ISO 3166 alpha-2) as the default country;
    None for nothing given; `InvalidContact` with a message to ask again otherwise."""
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    # An extension ("ext 12", "x12") is dropped: the line is what a call-back needs.
    bare = re.sub(r"\s*(?:ext\.?|extension|x)\s*\d{1,6}\s*$", "", text, flags=re.IGNORECASE)
    if re.search(r"[A-Za-z]", bare):
        raise _not_a_number(raw)
    if text.startswith("00"):
        bare = "+" + bare.lstrip("0 ")
    region = (region or "").upper() or None
    if region is None and not bare.startswith("+"):
        return _legacy(raw, bare)
    try:
        number = phonenumbers.parse(bare, region)
    except NumberParseException:
        raise _not_a_number(raw) from None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == ValidationResult.IS_POSSIBLE and not _plausible(number):
        reason = ValidationResult.INVALID_LENGTH
    if reason != ValidationResult.IS_POSSIBLE:
        where = _region_of(number) or region
        country = country_name(where) if where else "its country"
        why = _WHY.get(reason, "is not a possible number")
        raise InvalidContact(
            f"{raw!r} {why} for a phone number in {country}; please ask for it again digit "
            "by digit, with the area code."
        )
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def in_region(phone: str | None, region: str | None) -> str | None:
    """A number kept as the model wrote it (digits), in E.164 once the region is known;
    unchanged when it cannot be read there."""
    try:
        return normalize_phone(phone, region)
    except InvalidContact:
        return phone


def normalize_email(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    try:
        # No deliverability check: that would need DNS, which air-gapped servers may lack.
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidContact(f"{raw!r} is not a valid email address ({exc}).") from None


def significant_digits(phone: str) -> str:
    """The digits that tell a line apart: the national significant number of an E.164
    number, or the digits without a trunk '0' of one stored before its country was known."""
    if phone.startswith("+"):
        try:
            return str(phonenumbers.parse(phone, None).national_number)
        except NumberParseException:
            pass
    return re.sub(r"\D", "", phone).lstrip("0")


def phone_tail(phone: str) -> str:
    """The digits a stored number ends with when it is this line, however it was stored."""
    return significant_digits(phone)


def same_phone(a: str | None, b: str | None) -> bool:
    """Whether two stored (normalized) numbers are the same line: one side may carry a
    country code or a trunk '0' the other lacks ("+1 415 555 0100" from the network,
    "4155550100" stored before the business's country was known)."""
    if not a or not b:
        return False
    x, y = sorted((significant_digits(a), significant_digits(b)), key=len)
    return len(x) >= 7 and y.endswith(x)
