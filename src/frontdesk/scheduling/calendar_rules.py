"""Pure calendar arithmetic: which starts are bookable and which units a booking occupies.

No database here, so the rules can be tested exhaustively and reused by the tools layer to
explain to a caller *why* a time does not work.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from frontdesk.scheduling.config import WEEKDAYS, AppointmentType, SchedulingConfig


class SlotRejected(ValueError):
    """The requested time breaks a calendar rule; the message is for the caller."""


def occupied_units(
    config: SchedulingConfig, start: datetime, duration_minutes: int
) -> list[datetime]:
    """UTC starts of the units a booking at `start` covers, its buffer included."""
    step = timedelta(minutes=config.slot_minutes)
    end = start + timedelta(minutes=duration_minutes + config.buffer_minutes)
    units, cursor = [], start.astimezone(UTC)
    while cursor < end:
        units.append(cursor)
        cursor += step
    return units


def notice_minutes(config: SchedulingConfig, kind: AppointmentType) -> int:
    return config.min_notice_minutes if kind.min_notice_minutes is None else kind.min_notice_minutes


def say_notice(minutes: int) -> str:
    """ "72 hours'", "2 days'", "30 minutes'": as a rule is said."""
    if minutes > 72 * 60 and minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)} days'"
    if minutes == 60:
        return "an hour's"
    if minutes > 60:
        return f"{minutes / 60:g} hours'"
    return f"{minutes} minutes'"


def check_start(
    config: SchedulingConfig, kind: AppointmentType, start: datetime, now: datetime
) -> None:
    """Raise SlotRejected unless `start` suits `kind` (other bookings are not checked here)."""
    zone = config.zone
    local = start.astimezone(zone)
    if local.second or local.microsecond or (local.hour * 60 + local.minute) % config.slot_minutes:
        raise SlotRejected(
            f"Appointments start on the {config.slot_minutes}-minute mark, e.g. {local:%H}:00."
        )
    notice = notice_minutes(config, kind)
    if start < now + timedelta(minutes=notice):
        what = "bookings" if kind.min_notice_minutes is None else kind.name.lower()
        earliest = (now + timedelta(minutes=notice)).astimezone(zone)
        # On the slot mark: the first start a caller could really be given.
        late = earliest.minute % config.slot_minutes or (earliest.second or earliest.microsecond)
        earliest = earliest.replace(second=0, microsecond=0)
        if late:
            earliest += timedelta(
                minutes=config.slot_minutes - earliest.minute % config.slot_minutes
            )
        raise SlotRejected(
            f"That is too soon: {what} need {say_notice(notice)} notice, so the earliest is "
            f"{earliest:%A %-d %B at %H:%M}."
        )
    if start > now + timedelta(days=config.horizon_days):
        raise SlotRejected(f"We only book up to {config.horizon_days} days ahead.")
    if local.date() in config.closed_dates:
        raise SlotRejected(f"We are closed on {local:%A %B %-d}.")
    end_local = local + timedelta(minutes=kind.duration_minutes)
    intervals = config.hours.get(WEEKDAYS[local.weekday()]) or []
    for interval in intervals:
        opens = local.replace(hour=interval.opens.hour, minute=interval.opens.minute)
        closes = local.replace(hour=interval.closes.hour, minute=interval.closes.minute)
        if opens <= local and end_local <= closes:
            return
    if not intervals:
        raise SlotRejected(f"We are closed on {local:%A}s.")
    raise SlotRejected(
        f"A {kind.duration_minutes}-minute {kind.name.lower()} at {local:%H:%M} is outside our "
        f"hours that day ({', '.join(f'{i.opens:%H:%M}-{i.closes:%H:%M}' for i in intervals)})."
    )


def candidate_starts(
    config: SchedulingConfig, kind: AppointmentType, day: date, now: datetime
) -> Iterator[datetime]:
    """Every start on `day` (business-local date) that the rules allow, in UTC."""
    zone = config.zone
    if day in config.closed_dates:
        return
    step = timedelta(minutes=config.slot_minutes)
    for interval in config.hours.get(WEEKDAYS[day.weekday()]) or []:
        cursor = datetime.combine(day, interval.opens, tzinfo=zone)
        closes = datetime.combine(day, interval.closes, tzinfo=zone)
        while cursor + timedelta(minutes=kind.duration_minutes) <= closes:
            start = cursor.astimezone(UTC)
            try:
                check_start(config, kind, start, now)
            except SlotRejected:
                pass
            else:
                yield start
            cursor += step
