"""A business's time zone from its address or phone number, offline.

US states, Canadian provinces and Australian states each map to the zone most of their
people live in; a country with one zone (the UK, Germany, Japan…) needs no table at all:
`phonenumbers` knows the zones of every country's numbers. Nothing here guesses: when the
address and phone do not settle the zone, the interview asks.
"""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import available_timezones

import phonenumbers
from phonenumbers import timezone as phone_zones

_NY, _CHI, _DEN, _LA = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
)

# (code, name, zone)
US_STATES: tuple[tuple[str, str, str], ...] = (
    ("AL", "Alabama", _CHI), ("AK", "Alaska", "America/Anchorage"),
    ("AZ", "Arizona", "America/Phoenix"),
    ("AR", "Arkansas", _CHI), ("CA", "California", _LA), ("CO", "Colorado", _DEN),
    ("CT", "Connecticut", _NY), ("DE", "Delaware", _NY), ("DC", "District of Columbia", _NY),
    ("FL", "Florida", _NY), ("GA", "Georgia", _NY), ("HI", "Hawaii", "Pacific/Honolulu"),
    ("ID", "Idaho", "America/Boise"), ("IL", "Illinois", _CHI),
    ("IN", "Indiana", "America/Indiana/Indianapolis"), ("IA", "Iowa", _CHI), ("KS", "Kansas", _CHI),
    ("KY", "Kentucky", _NY), ("LA", "Louisiana", _CHI), ("ME", "Maine", _NY),
    ("MD", "Maryland", _NY), ("MA", "Massachusetts", _NY), ("MI", "Michigan", "America/Detroit"),
    ("MN", "Minnesota", _CHI), ("MS", "Mississippi", _CHI), ("MO", "Missouri", _CHI),
    ("MT", "Montana", _DEN), ("NE", "Nebraska", _CHI), ("NV", "Nevada", _LA),
    ("NH", "New Hampshire", _NY), ("NJ", "New Jersey", _NY), ("NM", "New Mexico", _DEN),
    ("NY", "New York", _NY), ("NC", "North Carolina", _NY), ("ND", "North Dakota", _CHI),
    ("OH", "Ohio", _NY), ("OK", "Oklahoma", _CHI), ("OR", "Oregon", _LA),
    ("PA", "Pennsylvania", _NY), ("RI", "Rhode Island", _NY), ("SC", "South Carolina", _NY),
    ("SD", "South Dakota", _CHI), ("TN", "Tennessee", _CHI), ("TX", "Texas", _CHI),
    ("UT", "Utah", _DEN), ("VT", "Vermont", _NY), ("VA", "Virginia", _NY),
    ("WA", "Washington", _LA), ("WV", "West Virginia", _NY), ("WI", "Wisconsin", _CHI),
    ("WY", "Wyoming", _DEN), ("PR", "Puerto Rico", "America/Puerto_Rico"),
)  # fmt: skip
CA_PROVINCES: tuple[tuple[str, str, str], ...] = (
    ("AB", "Alberta", "America/Edmonton"), ("BC", "British Columbia", "America/Vancouver"),
    ("MB", "Manitoba", "America/Winnipeg"), ("NB", "New Brunswick", "America/Moncton"),
    ("NL", "Newfoundland and Labrador", "America/St_Johns"),
    ("NS", "Nova Scotia", "America/Halifax"),
    ("NT", "Northwest Territories", "America/Yellowknife"),
    ("NU", "Nunavut", "America/Iqaluit"), ("ON", "Ontario", "America/Toronto"),
    ("PE", "Prince Edward Island", "America/Halifax"), ("QC", "Quebec", "America/Toronto"),
    ("SK", "Saskatchewan", "America/Regina"), ("YT", "Yukon", "America/Whitehorse"),
)  # fmt: skip
AU_STATES: tuple[tuple[str, str, str], ...] = (
    ("NSW", "New South Wales", "Australia/Sydney"), ("VIC", "Victoria", "Australia/Melbourne"),
    ("QLD", "Queensland", "Australia/Brisbane"), ("SA", "South Australia", "Australia/Adelaide"),
    ("WA", "Western Australia", "Australia/Perth"), ("TAS", "Tasmania", "Australia/Hobart"),
    ("ACT", "Australian Capital Territory", "Australia/Sydney"),
    ("NT", "Northern Territory", "Australia/Darwin"),
)  # fmt: skip
REGIONS = {"US": US_STATES, "CA": CA_PROVINCES, "AU": AU_STATES}

# Country names as addresses write them (English and own language) → ISO 3166 code.
COUNTRY_NAMES = {
    "united states": "US", "usa": "US", "u.s.a.": "US", "united kingdom": "GB", "uk": "GB",
    "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB",
    "ireland": "IE", "germany": "DE", "deutschland": "DE", "france": "FR", "spain": "ES",
    "españa": "ES", "italy": "IT", "italia": "IT", "netherlands": "NL", "nederland": "NL",
    "belgium": "BE", "belgique": "BE", "austria": "AT", "österreich": "AT",
    "switzerland": "CH", "schweiz": "CH", "suisse": "CH", "portugal": "PT", "sweden": "SE",
    "sverige": "SE", "norway": "NO", "norge": "NO", "denmark": "DK", "danmark": "DK",
    "finland": "FI", "poland": "PL", "polska": "PL", "czech republic": "CZ", "greece": "GR",
    "canada": "CA", "australia": "AU", "new zealand": "NZ", "japan": "JP", "india": "IN",
    "singapore": "SG", "south africa": "ZA", "mexico": "MX", "méxico": "MX", "brazil": "BR",
    "brasil": "BR",
}  # fmt: skip

# Abbreviations owners type when asked for their time zone.
_ABBREVIATIONS = {
    "eastern": _NY, "est": _NY, "edt": _NY, "et": _NY, "central": _CHI, "cst": _CHI,
    "cdt": _CHI, "ct": _CHI, "mountain": _DEN, "mst": _DEN, "mdt": _DEN, "mt": _DEN,
    "pacific": _LA, "pst": _LA, "pdt": _LA, "pt": _LA, "gmt": "Europe/London",
    "bst": "Europe/London", "uk time": "Europe/London", "cet": "Europe/Berlin",
    "cest": "Europe/Berlin", "aest": "Australia/Sydney", "aedt": "Australia/Sydney",
    "awst": "Australia/Perth", "nzst": "Pacific/Auckland", "ist": "Asia/Kolkata",
    "utc": "UTC",
}  # fmt: skip


def region_zone(country: str, region: str) -> str | None:
    """The zone of a US state, Canadian province or Australian state (code or name)."""
    wanted = region.strip().rstrip(".").lower()
    for code, name, zone in REGIONS.get(country, ()):
        if wanted in (code.lower(), name.lower()):
            return zone
    return None


# Countries whose numbering data also covers islands or dependencies with a zone of their
# own (Chatham, the Canaries, Madeira, Jersey…), where nearly every business keeps one clock.
_ONE_CLOCK = {
    "GB": "Europe/London", "IE": "Europe/Dublin", "NZ": "Pacific/Auckland",
    "ES": "Europe/Madrid", "PT": "Europe/Lisbon", "IN": "Asia/Kolkata",
}  # fmt: skip


@cache
def country_zone(country: str) -> str | None:
    """The zone of a country that has only one (per phonenumbers' data for its calling
    code); None for countries with several (the US, Canada, Australia…)."""
    country = country.upper()
    if country in _ONE_CLOCK:
        return _ONE_CLOCK[country]
    code = phonenumbers.country_code_for_region(country)
    data = getattr(phone_zones, "TIMEZONE_DATA", {})  # generated data, untyped in stubs
    zones: tuple[str, ...] = tuple(data.get(str(code), ())) if code else ()
    return zones[0] if len(zones) == 1 else None


def phone_zone(e164: str) -> str | None:
    """The zone of a phone number's area, when its prefix pins one zone."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None
    zones = {z for z in phone_zones.time_zones_for_number(number) if z != "Etc/Unknown"}
    return zones.pop() if len(zones) == 1 else None


def derive(
    *, country: str | None, region: str | None, phones: list[str], address: str = ""
) -> tuple[str, str] | None:
    """(zone, how it was found) from the address's region or country, else the phone,
    else a city the address names that is a zone's own city ("10435 Berlin")."""
    if country and region:
        zone = region_zone(country, region)
        if zone:
            return zone, f"the address ({region})"
    for phone in phones:
        zone = phone_zone(phone)
        if zone:
            return zone, f"the phone number {phone}"
    if country:
        zone = country_zone(country)
        if zone:
            return zone, f"the address ({country})"
    for word in re.findall(r"\b[A-Z][a-zäöüéèí]{3,}(?:[ -][A-Z][a-zäöüé]+)?\b", address):
        zone = _zones_by_city().get(word.lower())
        if zone:
            return zone, f"the address ({word})"
    return None


_AREAS = {"Africa", "America", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific"}
# Old alias zones named for a direction or a region (Australia/West, Australia/North…), not a
# city: "West 4th Avenue" in an answer must not make a Vancouver clinic keep Perth time.
_NOT_CITIES = {"north", "south", "east", "west", "central", "eastern", "western", "act", "lhi"}


@cache
def _zones_by_city() -> dict[str, str]:
    zones: dict[str, str] = {}
    for zone in sorted(available_timezones()):
        area, _, city = zone.partition("/")
        city = city.rsplit("/", 1)[-1].replace("_", " ").lower()
        if area in _AREAS and city and city not in _NOT_CITIES:
            zones.setdefault(city, zone)
    return zones


def zone_from_answer(answer: str) -> str | None:
    """The zone an owner's answer names: "America/New_York", "Eastern", "we're in Texas",
    "London time", "Toronto"."""
    text = answer.strip()
    for token in re.findall(r"[A-Za-z]+/[A-Za-z_]+(?:/[A-Za-z_]+)?", text):
        if token in available_timezones():
            return token
    words = re.findall(r"[a-z]+", text.lower())
    grams = [" ".join(words[i : i + n]) for n in (3, 2, 1) for i in range(len(words) - n + 1)]
    # Places first ("Central London" is London), then zone names and abbreviations.
    for phrase in grams:
        for country in REGIONS:
            zone = region_zone(country, phrase) if " " in phrase or len(phrase) > 3 else None
            if zone:
                return zone
        if phrase in _zones_by_city():
            return _zones_by_city()[phrase]
        code = COUNTRY_NAMES.get(phrase)
        if code and country_zone(code):
            return country_zone(code)
    for phrase in grams:
        if phrase in _ABBREVIATIONS:
            return _ABBREVIATIONS[phrase]
    return None
