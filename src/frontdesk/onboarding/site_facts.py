"""What a business's own site states about it, read once, in code, before the interview.

Address, phone numbers, emails, the weekly hours, services with prices, a one-sentence
description and the time zone that follows from the address or phone. Every value is the
site's own text (or derived from it in code: the hours as intervals, the zone), so the
interview can quote it back ("Your site says … — still right?") and generation can store it
without a model inventing anything. `model_reading` can fill what these rules miss.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from frontdesk.onboarding import time_zones
from frontdesk.onboarding.addresses import Address, find_address
from frontdesk.onboarding.contact_points import Phone, find_emails, find_phones, site_country
from frontdesk.onboarding.descriptions import find_description
from frontdesk.onboarding.opening_hours import Week, read_week
from frontdesk.onboarding.price_lines import PricedItem, find_priced_items
from frontdesk.onboarding.site_lines import lines_of


@dataclass
class SiteFacts:
    address: Address | None = None
    phones: list[Phone] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    week: Week = field(default_factory=Week)
    services: list[PricedItem] = field(default_factory=list)
    description: str | None = None
    country: str | None = None
    timezone: str | None = None
    timezone_from: str | None = None  # "the address (IL)", "the phone number +1212…"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> SiteFacts:
        data = data or {}
        address = data.get("address")
        week = data.get("week") or {}
        return cls(
            address=Address(**address) if address else None,
            phones=[Phone(**p) for p in data.get("phones") or []],
            emails=list(data.get("emails") or []),
            week=Week(
                hours=week.get("hours") or {},
                quotes=week.get("quotes") or [],
                conflicts=week.get("conflicts") or [],
            ),
            services=[PricedItem(**s) for s in data.get("services") or []],
            description=data.get("description"),
            country=data.get("country"),
            timezone=data.get("timezone"),
            timezone_from=data.get("timezone_from"),
        )

    def derive_timezone(self) -> None:
        derived = time_zones.derive(
            country=self.country,
            region=self.address.region if self.address else None,
            phones=[p.e164 for p in self.phones],
            address=self.address.text if self.address else "",
        )
        self.timezone, self.timezone_from = derived if derived else (None, None)


def read_site(chunks: list[tuple[str, str]], business: str = "") -> SiteFacts:
    """Everything the rules can read from the (text, source) chunks."""
    by_chunk = lines_of(chunks)
    lines = [line for chunk in by_chunk for line in chunk]
    address = find_address(by_chunk)
    country = site_country(
        [source for _, source in chunks], lines, address.country if address else None
    )
    facts = SiteFacts(
        address=address,
        phones=find_phones(lines, country),
        emails=find_emails(lines),
        week=read_week(lines),
        services=find_priced_items(by_chunk),
        description=find_description(chunks, business),
        # The US when nothing says otherwise: a default for reading national numbers, which
        # never pins a zone by itself (the US has several).
        country=country,
    )
    facts.derive_timezone()
    return facts
