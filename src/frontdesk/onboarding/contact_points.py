"""The business's phone numbers and email addresses as its website writes them.

Phone numbers are found with `phonenumbers` (every country's formats), reading national
numbers with the country the site is in (from its address, an international number it
gives, or its domain), so "020 7946 0000" on a London site and "(212) 555-0143" on a New York
one are both numbers. Each keeps the site's own spelling, which is what a caller hears read
out and what the site's text can be checked against, and its E.164 form for the time zone.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlparse

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from frontdesk.onboarding.site_lines import Line


@dataclass(frozen=True)
class Phone:
    text: str  # as the site writes it
    e164: str
    source: str


_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,24}\b")
_NOT_EMAIL_ENDINGS = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
# A line that gives another line (the emergency number, a partner's, a fax), not the
# business's own.
_OTHER_LINE = re.compile(
    r"emergenc|after[- ]hours|out of hours|forwarded|\bER\b|\bfax\b|hotline|crisis|"
    r"poison|\b911\b|\b999\b|\b112\b",
    re.I,
)
_TLD_COUNTRY = {
    "uk": "GB", "ie": "IE", "de": "DE", "at": "AT", "ch": "CH", "fr": "FR", "es": "ES",
    "it": "IT", "nl": "NL", "be": "BE", "pt": "PT", "se": "SE", "no": "NO", "dk": "DK",
    "fi": "FI", "pl": "PL", "ca": "CA", "au": "AU", "nz": "NZ", "jp": "JP", "in": "IN",
    "sg": "SG", "za": "ZA", "mx": "MX", "br": "BR",
}  # fmt: skip


def site_country(sources: list[str], lines: list[Line], address_country: str | None) -> str:
    """The country national numbers are read in: the address's, else the country of an
    international number the site gives, else the domain's, else the US."""
    if address_country:
        return address_country
    for line in lines:
        for match in re.finditer(r"\+\d[\d ()./-]{6,}\d", line.text):
            try:
                number = phonenumbers.parse(match.group(0), None)
            except phonenumbers.NumberParseException:
                continue
            region = phonenumbers.region_code_for_number(number)
            if region and region != "ZZ":
                return region
    # The domain of the site, or of the emails it gives (a site served from anywhere
    # still writes hello@practice.co.uk).
    emails = [e.rsplit("@", 1)[1] for line in lines for e in _EMAIL.findall(line.text)]
    for host in [urlparse(source).hostname or "" for source in sources] + emails:
        tld = host.rsplit(".", 1)[-1].lower()
        if tld in _TLD_COUNTRY and not re.fullmatch(r"[\d.]+", host):
            return _TLD_COUNTRY[tld]
    return "US"


def phones_on(text: str, country: str) -> list[tuple[str, str]]:
    """(as written, E.164) of each phone number in `text`."""
    found = []
    for match in PhoneNumberMatcher(text, country, leniency=Leniency.POSSIBLE):
        raw = match.raw_string.strip()
        digits = re.sub(r"\D", "", raw)
        before = text[max(0, match.start - 4) : match.start]
        if len(digits) < 7 or re.search(r"[$€£¥₹]\s*$", before):
            continue
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        found.append((raw, e164))
    return found


def _main(counts: dict[str, int], plain: dict[str, int]) -> str | None:
    use = plain or counts
    return max(use, key=lambda k: use[k], default=None)


def find_phones(lines: list[Line], country: str) -> list[Phone]:
    """Every distinct number, the business's own first: the one the most lines give without
    calling it an emergency, after-hours or fax line (sites repeat the emergency line on
    many pages; the main number is on fewer), then in the order met."""
    first: dict[str, Phone] = {}
    anywhere: Counter[str] = Counter()
    plain: Counter[str] = Counter()
    for line in lines:
        for raw, e164 in dict(phones_on(line.text, country)).items():
            first.setdefault(e164, Phone(raw, e164, line.source))
            anywhere[e164] += 1
            if not _OTHER_LINE.search(line.text):
                plain[e164] += 1
    main = _main(anywhere, plain)
    ordered = sorted(first.values(), key=lambda p: p.e164 != main)
    return ordered


def find_emails(lines: list[Line]) -> list[str]:
    """Every distinct email, the one the most plain lines give first."""
    anywhere: Counter[str] = Counter()
    plain: Counter[str] = Counter()
    for line in lines:
        for email in dict.fromkeys(_EMAIL.findall(line.text)):
            if email.lower().endswith(_NOT_EMAIL_ENDINGS):
                continue
            anywhere[email] += 1
            if not _OTHER_LINE.search(line.text):
                plain[email] += 1
    main = _main(anywhere, plain)
    return sorted(anywhere, key=lambda e: e != main)
