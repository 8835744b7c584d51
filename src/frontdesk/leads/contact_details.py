"""Validation of the contact details callers give: what a small model hears is not always valid.

Phone numbers are kept as the caller's digits with an optional leading '+', so the same number
said two ways ("(555) 014-2398", "555 014 2398") is stored, and found again, the same way.
"""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email


class InvalidContact(ValueError):
    """A phone number or email that cannot be right; the message says what to ask again."""


def normalize_phone(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    plus = text.startswith("+") or text.startswith("00")
    digits = re.sub(r"\D", "", text)
    if text.startswith("00"):
        digits = digits[2:]
    if re.search(r"[A-Za-z]", text.replace("ext", "")) or not 7 <= len(digits) <= 15:
        raise InvalidContact(
            f"{raw!r} does not look like a phone number; please ask for it again digit by digit."
        )
    return ("+" if plus else "") + digits


def normalize_email(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    try:
        # No deliverability check: that would need DNS, which air-gapped servers may lack.
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidContact(f"{raw!r} is not a valid email address ({exc}).") from None


# A line is told by its national number; one side may carry a country code or a trunk '0'
# the other lacks ("+1 415 555 0100" from the network, "415 555 0100" said by the caller).
NATIONAL_DIGITS = 10


def phone_tail(phone: str) -> str:
    """The digits that tell a line apart, for comparing numbers written two ways."""
    return re.sub(r"\D", "", phone)[-NATIONAL_DIGITS:]


def same_phone(a: str | None, b: str | None) -> bool:
    """Whether two stored (normalized) numbers are the same line."""
    if not a or not b:
        return False
    return len(phone_tail(a)) >= 7 and phone_tail(a) == phone_tail(b)
