"""Amounts of money as sites and replies write them, in any currency.

"$34", "34 dollars", "$34.00", "USD 34" are one amount; "18 €", "€18", "18,00 EUR" another;
"CA$25" and "$25" are both dollars (a small model drops the country, and a caller hears
"dollars" either way). An amount keeps its currency family, so "$18" is not "18 €".
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# Written before or after the amount: symbol or code -> family.
_SYMBOLS: dict[str, str] = {
    "$": "dollar", "us$": "dollar", "ca$": "dollar", "c$": "dollar", "a$": "dollar",
    "au$": "dollar", "nz$": "dollar", "hk$": "dollar", "s$": "dollar", "mx$": "peso",
    "r$": "real", "£": "pound", "€": "euro", "¥": "yen", "円": "yen", "₹": "rupee",
    "rs": "rupee", "rs.": "rupee", "₩": "won", "₪": "shekel", "₺": "lira", "₽": "rouble",
    "₱": "peso", "฿": "baht", "zł": "zloty", "kč": "koruna", "kr": "krona", "kr.": "krona",
    "chf": "franc", "fr.": "franc", "usd": "dollar", "cad": "dollar", "aud": "dollar",
    "nzd": "dollar", "hkd": "dollar", "sgd": "dollar", "eur": "euro", "gbp": "pound",
    "jpy": "yen", "cny": "yuan", "rmb": "yuan", "inr": "rupee", "sek": "krona",
    "nok": "krona", "dkk": "krona", "isk": "krona", "pln": "zloty", "czk": "koruna",
    "zar": "rand", "brl": "real", "mxn": "peso", "krw": "won", "ils": "shekel",
    "try": "lira", "huf": "forint", "ft": "forint",
}  # fmt: skip
# Written after the amount as words; a hundredth of the family for pence and cents.
_WORDS: dict[str, tuple[str, int]] = {
    "dollar": ("dollar", 1), "dollars": ("dollar", 1), "buck": ("dollar", 1),
    "bucks": ("dollar", 1), "euro": ("euro", 1), "euros": ("euro", 1),
    "pound": ("pound", 1), "pounds": ("pound", 1), "quid": ("pound", 1),
    "pence": ("pound", 100), "p": ("pound", 100), "cent": ("cent", 100),
    "cents": ("cent", 100), "franc": ("franc", 1), "francs": ("franc", 1),
    "yen": ("yen", 1), "rupee": ("rupee", 1), "rupees": ("rupee", 1), "rand": ("rand", 1),
    "krona": ("krona", 1), "kronor": ("krona", 1), "krone": ("krona", 1),
    "kroner": ("krona", 1), "zloty": ("zloty", 1), "złoty": ("zloty", 1),
    "pesos": ("peso", 1), "peso": ("peso", 1), "reais": ("real", 1), "yuan": ("yuan", 1),
}  # fmt: skip
_AMOUNT = r"\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_PREFIX = (
    r"(?:US\$|CA\$|C\$|AU\$|A\$|NZ\$|HK\$|MX\$|R\$|S\$|Rs\.?|Fr\.|[$£€¥₹₩₪₺₽₱฿]|"
    r"\b(?:USD|CAD|AUD|NZD|HKD|SGD|EUR|GBP|JPY|CNY|RMB|INR|SEK|NOK|DKK|ISK|PLN|CZK|ZAR|"
    r"BRL|MXN|KRW|ILS|TRY|HUF|CHF)\b)"
)
# "p" alone is pence, but not the p of "5 p.m.".
_SUFFIX_WORDS = "|".join(
    "p(?!\\.?m\\b)" if w == "p" else w for w in sorted(_WORDS, key=len, reverse=True)
)
_SUFFIX = (
    r"(?:(?:canadian|australian|american|us|u\.s\.|new zealand|hong kong|singapore)\s+dollars?"
    r"|[$£€¥₹円]|zł|Kč|kr\.?|Ft|\b(?:USD|CAD|AUD|NZD|HKD|SGD|EUR|GBP|JPY|CNY|RMB|INR|SEK|"
    rf"NOK|DKK|ISK|PLN|CZK|ZAR|BRL|MXN|KRW|ILS|TRY|HUF|CHF)\b|(?<![a-z])(?:{_SUFFIX_WORDS})\b)"
)
# "R150" (South African rand) only when the R touches the digits.
PRICE = re.compile(
    rf"(?P<pre>{_PREFIX})\s?(?P<a1>{_AMOUNT})(?:\s?(?:{_SUFFIX}))?"
    rf"|\bR(?P<a3>\d+(?:[.,]\d{{2}})?)\b"
    rf"|(?<![\w.,])(?P<a2>{_AMOUNT})\s?(?P<post>{_SUFFIX})"
    # "two euros fifty", "12 pounds 50": the hundredths said after the currency.
    rf"(?:\s+(?:and\s+)?(?P<cents>\d{{2}})\b(?!\s*(?:[a-z%]|[.,]\d)))?",
    re.IGNORECASE,
)
# What a price is for: "$50 per pound", "£15/lb", "$20 an hour", "€12 each".
PRICE_UNIT = re.compile(
    r"^\s*(?:(?P<conn>per|/|an?)\s*(?P<unit>[a-z]+)|(?P<each>each|apiece|pp)\b)", re.IGNORECASE
)
# A price of one thing: "€50 each" (see unit_matches).
_EACH = frozenset({"each", "apiece", "item", "piece"})
_UNIT_ALIASES = [
    {"pound", "pounds", "lb", "lbs"},
    {"kilo", "kilos", "kg", "kilogram", "kilograms"},
    {"person", "persons", "people", "head", "guest", "guests", "pp", "adult", "pax"},
    {"hour", "hours", "hr", "hrs", "h", "hourly"},
    {"night", "nights", "nightly"},
    {"day", "days", "daily"},
    {"week", "weeks", "wk", "weekly"},
    {"month", "months", "mo", "monthly"},
    {"year", "years", "yr", "annual", "annually", "yearly"},
    set(_EACH),
]
# "a"/"an" before these is a rate ("$20 an hour"); before other words it is not.
RATE_WORDS = frozenset().union(*_UNIT_ALIASES)


def amount(text: str) -> Decimal | None:
    """A written amount as a number: "1,200" 1200, "18,50" 18.5, "1.200,00" 1200."""
    text = re.sub(r"[\u00a0\u202f ]", "", text)
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in text or "." in text:
        mark = "," if "," in text else "."
        head, _, tail = text.rpartition(mark)
        # "1,200" and "1.200.000" group thousands; "18,50" and "34.5" have decimals.
        if len(tail) == 3 and (text.count(mark) > 1 or len(head.replace(mark, "")) <= 3):
            text = text.replace(mark, "")
        else:
            text = text.replace(mark, ".")
    try:
        return Decimal(text).normalize()
    except InvalidOperation:
        return None


def family_and_scale(match: re.Match[str]) -> tuple[str | None, int]:
    """The currency family of a `PRICE` match, and the divisor for pence and cents."""
    if match.group("a3") is not None:
        return "rand", 1
    mark = (match.group("pre") or match.group("post") or "").lower()
    if mark.endswith(("dollar", "dollars")):
        return "dollar", 1
    if mark in _WORDS:
        return _WORDS[mark]
    return _SYMBOLS.get(mark), 1


def same_family(a: str | None, b: str | None) -> bool:
    if a is None or b is None or a == b:
        return True
    # Cents are a hundredth of a dollar or of a euro.
    return {a, b} in ({"cent", "dollar"}, {"cent", "euro"})


_OTHER_RATES = RATE_WORDS - _EACH
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


def unit_matches(unit: str, context: str) -> bool:
    """Whether a price's unit ("pound") is named in the evidence around its amount."""
    words = set(re.findall(r"[a-z]+", context.lower()))
    unit = unit.lower()
    if unit in _EACH and not words & _EACH:
        # "They cost €50 each" of "Single session — €50": the price of one thing is each
        # one's price, unless the evidence gives it by a rate ("€50 per hour") or for a
        # number of things ("5-session pack — €225" is no price of each session).
        return not words & _OTHER_RATES and len(_DIGITS.findall(context)) <= 1
    for aliases in _UNIT_ALIASES:
        if unit in aliases:
            return bool(words & aliases)
    return any(w[:4] == unit[:4] for w in words)
