"""Callers' phone numbers read in the business's country, and the days, times and party
sizes read from what callers say: pure functions, every case a caller really says."""

from __future__ import annotations

from datetime import date, time

import pytest
from livekit.agents import llm

from frontdesk.agents.country import business_country, country_of_address, month_first
from frontdesk.leads.contact_details import InvalidContact, normalize_phone, same_phone
from frontdesk.runtime.caller_words import CallerWords, party_size_in
from frontdesk.runtime.when import UnclearWhen, resolve_date, resolve_time
from frontdesk.runtime.when_said import SaidTime, mentions

TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize(
    ("said", "country", "stored"),
    [
        ("07700 900123", "GB", "+447700900123"),
        ("+44 (0)7700 900123", "GB", "+447700900123"),
        ("087 123 4567", "IE", "+353871234567"),
        ("01 234 5678", "IE", "+35312345678"),
        ("030 12345678", "DE", "+493012345678"),
        ("0171 1234567", "DE", "+491711234567"),
        ("0412 345 678", "AU", "+61412345678"),
        ("(02) 9876 5432", "AU", "+61298765432"),
        ("(212) 555-0147", "US", "+12125550147"),
        ("555-014-2398", "US", "+15550142398"),
        # A number with its country code is that country's, whatever the business's.
        ("0044 7700 900123", "US", "+447700900123"),
        ("+353 87 123 4567", "GB", "+353871234567"),
        # No country known: the digits, as before.
        ("555 014 2398", None, "5550142398"),
    ],
)
def test_numbers_are_stored_in_e164(said: str, country: str | None, stored: str) -> None:
    assert normalize_phone(said, country) == stored


def test_an_impossible_number_says_why_and_where() -> None:
    with pytest.raises(InvalidContact, match=r"wrong number of digits.*United Kingdom \(GB\)"):
        normalize_phone("07700 9001", "GB")
    with pytest.raises(InvalidContact, match="area code"):
        normalize_phone("555-0100", "US")
    with pytest.raises(InvalidContact, match="does not look like a phone number"):
        normalize_phone("call me maybe", "GB")


def test_the_same_line_written_two_ways() -> None:
    assert same_phone("+353871234567", "0871234567")
    assert same_phone("+15550142398", "5550142398")
    assert not same_phone("+447700900123", "+447700900124")


def _heard(*texts: str, region: str | None = None) -> CallerWords:
    words = CallerWords(region)
    ctx = llm.ChatContext()
    for text in texts:
        ctx.add_message(role="user", content=text)
    words.hear(ctx)
    return words


@pytest.mark.parametrize(
    ("caller", "model", "region"),
    [
        ("It's 07700 900123", "+447700900123", "GB"),
        ("It's 07700 900123", "+44 7700 900 123", "GB"),
        ("my mobile is 087 123 4567", "+353871234567", "IE"),
        ("0412 345 678", "+61 412 345 678", "AU"),
        ("030 12345678", "+49 30 12345678", "DE"),
        ("five five five, zero one four, two three nine eight", "555-014-2398", "US"),
    ],
)
def test_a_number_the_caller_said_matches_however_the_model_writes_it(
    caller: str, model: str, region: str
) -> None:
    assert _heard(caller, region=region).unsaid(model) == []


def test_a_number_the_caller_never_said_is_caught() -> None:
    words = _heard("It's 07700 900123", region="GB")
    assert words.unsaid("+447700900999") == ["+447700900999"]


@pytest.mark.parametrize(
    ("facts", "timezone", "country"),
    [
        ({"country": "IE"}, "Europe/London", "IE"),
        ({"phone": "+44 20 7946 0000"}, "UTC", "GB"),
        ({}, "Australia/Sydney", "AU"),
        ({}, "America/New_York", "US"),
        ({"address": "Hauptstraße 5, 10115 Berlin, Germany"}, "UTC", "DE"),
        ({"address": "12 Hudson St, New York, NY 10013"}, "UTC", "US"),
        ({}, "UTC", None),
    ],
)
def test_the_business_country(facts: dict, timezone: str, country: str | None) -> None:
    assert business_country(facts, timezone) == country


def test_addresses_name_their_country_last() -> None:
    assert country_of_address("1 Main St, Newark, New Jersey") is None
    assert country_of_address("Flat 2, 1 High St, London SW1A 1AA") == "GB"


@pytest.mark.parametrize(
    ("text", "days", "times"),
    [
        ("A table for four this Saturday at 7pm", [date(2026, 11, 28)], [SaidTime(19, 0)]),
        ("next Tuesday at 8", [date(2026, 12, 1)], [SaidTime(8, 0, either_half=True)]),
        ("tomorrow at half past three", [date(2026, 11, 26)], [SaidTime(3, 30, True)]),
        ("19:00 on 3 December", [date(2026, 12, 3)], [SaidTime(19, 0)]),
        ("December 3 at noon", [date(2026, 12, 3)], [SaidTime(12, 0)]),
        ("Saturday 12 December at 7.30pm", [date(2026, 12, 12)], [SaidTime(19, 30)]),
        ("at 8 tonight", [TODAY], [SaidTime(20, 0)]),
        ("on 3/12 please", [date(2026, 12, 3)], []),
        ("how about 8 instead", [], [SaidTime(8, 0, True)]),
        # Never times: a party size, a phone number said in pairs, a price.
        ("a table for 4 people", [], []),
        ("my number is 030 12 34 56 78", [], []),
        ("is it £7.50?", [], []),
    ],
)
def test_days_and_times_in_what_callers_say(
    text: str, days: list[date], times: list[SaidTime]
) -> None:
    found = mentions(text, TODAY, month_first=False)
    assert found.days == days and found.times == times


def test_short_dates_follow_the_country() -> None:
    assert resolve_date("3/12", TODAY, month_first("GB")) == date(2026, 12, 3)
    assert resolve_date("3/12", TODAY, month_first("US")) == date(2027, 3, 12)
    with pytest.raises(UnclearWhen, match="month by name"):
        resolve_date("3/12", TODAY)  # no country: both readings are real dates
    assert resolve_date("25/12", TODAY) == date(2026, 12, 25)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("at 7", time(19)),
        ("half past three", time(15, 30)),
        ("quarter to eight", time(19, 45)),
        ("seven thirty", time(19, 30)),
        ("8 in the evening", time(20)),
        ("10 in the morning", time(10)),
        ("19h30", time(19, 30)),
    ],
)
def test_times_as_said(said: str, expected: time) -> None:
    assert resolve_time(said) == expected


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("A table for four this Saturday at 7pm", 4),
        ("We're a group of ten", 10),
        ("there will be 6 of us", 6),
        ("party of 12", 12),
        ("2 adults", 2),
        ("a table for 7pm", None),
        ("we're open at 7", None),
    ],
)
def test_party_sizes(text: str, size: int | None) -> None:
    assert party_size_in(text) == size


def test_the_latest_time_wins_and_an_answered_offer_counts() -> None:
    words = CallerWords("GB")
    ctx = llm.ChatContext()
    ctx.add_message(role="user", content="Saturday at 7pm please")
    ctx.add_message(role="assistant", content="7pm is full; 20:30 is free.")
    ctx.add_message(role="user", content="Fine, book it")
    words.hear(ctx)
    asked = words.asked_when(TODAY, month_first=False)
    assert asked.days == [date(2026, 11, 28)] and asked.times == [SaidTime(19, 0)]
    assert SaidTime(20, 30) in asked.offered_times
