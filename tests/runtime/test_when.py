from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from frontdesk.runtime.when import UnclearWhen, resolve_date, resolve_datetime, resolve_time

TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("today", TODAY),
        ("Tomorrow", date(2026, 11, 26)),
        ("friday", date(2026, 11, 27)),
        ("next Friday", date(2026, 11, 27)),
        ("on Wednesday", date(2026, 12, 2)),
        ("tue", date(2026, 12, 1)),
        ("Dec 3", date(2026, 12, 3)),
        ("3rd of December", date(2026, 12, 3)),
        ("December 3, 2027", date(2027, 12, 3)),
        ("January 5", date(2027, 1, 5)),
        ("next week", date(2026, 11, 30)),
    ],
)
def test_dates(said: str, expected: date) -> None:
    assert resolve_date(said, TODAY) == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("15:00", time(15)),
        ("3pm", time(15)),
        ("3:30 p.m.", time(15, 30)),
        ("9", time(9)),
        ("3", time(15)),
        ("noon", time(12)),
        ("12 am", time(0)),
        ("10 o'clock", time(10)),
    ],
)
def test_times(said: str, expected: time) -> None:
    assert resolve_time(said) == expected


@pytest.mark.parametrize("said", ["", "someday", "February 30", "the 5th"])
def test_unclear_dates_explain(said: str) -> None:
    with pytest.raises(UnclearWhen):
        resolve_date(said, TODAY)


def test_unclear_times_explain() -> None:
    for said in ["teatime", "25:00", "3:75"]:
        with pytest.raises(UnclearWhen):
            resolve_time(said)


def test_datetime_in_business_zone() -> None:
    zone = ZoneInfo("America/New_York")
    now = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)  # still Wednesday evening in New York
    moment = resolve_datetime("tomorrow", "10am", now, zone)
    assert moment == datetime(2026, 11, 26, 10, 0, tzinfo=zone)
    iso = resolve_datetime("2026-12-01T09:30", "", now, zone)
    assert iso == datetime(2026, 12, 1, 9, 30, tzinfo=zone)
