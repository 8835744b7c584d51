"""The business's country (ISO 3166 alpha-2), which decides how callers' words are read.

A caller's "07700 900123" is a UK mobile only to a UK business, and "3/12" is the 3rd of
December in Dublin but March 12 in Boston. The owner can set the country; otherwise it is
derived from what the agent already knows, most certain first: the business's own phone
written with its country code, its time zone (each IANA zone belongs to one country), the
country named in its address.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import phonenumbers
from phonenumbers import NumberParseException
from phonenumbers.geodata.locale import LOCALE_DATA

if TYPE_CHECKING:
    from frontdesk.models import Agent

# Where a short date is read month first ("3/12" is March 12).
MONTH_FIRST = frozenset({"US", "PR", "GU", "VI", "AS", "MP", "UM", "PH", "FM", "MH", "PW"})

# What addresses say instead of the country's English name.
_ALIASES = {
    "GB": ("UK", "U.K.", "England", "Scotland", "Wales", "Northern Ireland", "Great Britain"),
    "US": ("USA", "U.S.A.", "U.S.", "United States of America"),
    "DE": ("Deutschland",),
    "NL": ("The Netherlands", "Holland"),
    "IE": ("Éire", "Eire"),
    "AE": ("UAE",),
}
_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|"
    "NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
# A US state and ZIP ("NY 10013"): certain enough to go before names ("Georgia", "New
# Jersey" are countries' names too). Then a UK postcode ("SW1A 1AA"), a Canadian one.
_US_ZIP = re.compile(rf"\b(?:{_STATES})\s+\d{{5}}(?:-\d{{4}})?\b")
_POSTCODES = (
    ("GB", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b")),
    ("CA", re.compile(r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b")),
)


def country_name(code: str) -> str:
    """ "GB" → "United Kingdom (GB)", for messages a model reads back."""
    names = LOCALE_DATA.get(code.upper()) or {}
    name = names.get("en") or ""
    if name.startswith("*"):  # a reference to another language's identical entry
        name = names.get(name[1:]) or ""
    return f"{name} ({code.upper()})" if name else code.upper()


def _zone_table() -> str:
    try:
        return (resources.files("tzdata") / "zoneinfo" / "zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        path = Path("/usr/share/zoneinfo/zone.tab")
        return path.read_text("utf-8") if path.exists() else ""


@cache
def _zone_countries() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in _zone_table().splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and not line.startswith("#"):
            table[fields[2]] = fields[0]
    return table


def country_of_timezone(timezone: str | None) -> str | None:
    return _zone_countries().get(timezone or "")


def country_of_phone(phone: str | None) -> str | None:
    """Only a number written with its country code says where it is."""
    text = (phone or "").strip()
    if not text.startswith(("+", "00")):
        return None
    try:
        number = phonenumbers.parse("+" + text.lstrip("+0 ") if text.startswith("00") else text)
    except NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(number)
    return region if region and region != "001" else None


@cache
def _name_patterns() -> list[tuple[str, re.Pattern[str]]]:
    patterns = []
    for code in phonenumbers.SUPPORTED_REGIONS:
        names = [country_name(code).rsplit(" (", 1)[0], *_ALIASES.get(code, ())]
        names = [n for n in names if len(n) > 2 and n != code]
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        if alternatives:
            patterns.append((code, re.compile(rf"(?<!\w)(?<!New )(?:{alternatives})(?!\w)")))
    return patterns


def country_of_address(address: str | None) -> str | None:
    text = address or ""
    if not text.strip():
        return None
    # The country is written last: the last name found wins ("Paris Road, Dublin, Ireland").
    if _US_ZIP.search(text):
        return "US"
    found: list[tuple[int, str]] = []
    for code, pattern in _name_patterns():
        for match in pattern.finditer(text):
            found.append((match.end(), code))
    if found:
        return max(found)[1]
    for code, pattern in _POSTCODES:
        if pattern.search(text):
            return code
    return None


def business_country(facts: dict[str, Any] | None, timezone: str | None) -> str | None:
    """The country the agent's settings give, or None when nothing tells."""
    facts = facts or {}
    stated = str(facts.get("country") or "").strip().upper()
    if stated:
        return stated
    return (
        country_of_phone(facts.get("phone"))
        or country_of_timezone(timezone)
        or country_of_address(facts.get("address"))
    )


def month_first(country: str | None) -> bool:
    return (country or "").upper() in MONTH_FIRST


def agent_country(agent: Agent) -> str | None:
    """The country of a stored agent (see `business_country`)."""
    return business_country(agent.business_facts, (agent.scheduling or {}).get("timezone"))
