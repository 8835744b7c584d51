"""The confirmation a receptionist reads out or sends to the caller after a booking."""

from __future__ import annotations

from frontdesk.models import Agent, Appointment
from frontdesk.models.base import as_utc
from frontdesk.scheduling.config import SchedulingConfig


def confirmation_text(agent: Agent, config: SchedulingConfig, appointment: Appointment) -> str:
    """A few plain sentences: who, what, when (in the business's own zone), where, and how
    to cancel. Plain text, so it reads the same in an SMS, an email or out loud."""
    facts = agent.business_facts or {}
    business = facts.get("business_name") or agent.name
    kind = config.appointment_type(appointment.appointment_type)
    what = kind.name if kind else appointment.appointment_type
    local = as_utc(appointment.starts_at).astimezone(config.zone)
    # The zone's abbreviation (EST, CET…) alone is ambiguous across countries; add the name.
    when = f"{local:%A %B %-d, %Y at %H:%M} {local:%Z} ({config.timezone})"
    name = appointment.customer_name
    if appointment.status == "cancelled":
        lines = [f"Hello {name}, your {what} at {business} on {when} has been cancelled."]
    else:
        lines = [f"Hello {name}, your {what} at {business} is booked for {when}."]
        if facts.get("address"):
            lines.append(f"Address: {facts['address']}.")
    phone, email = facts.get("phone"), facts.get("email")
    if appointment.status != "cancelled":
        if phone and email:
            lines.append(f"To cancel or reschedule, call us at {phone} or email {email}.")
        elif phone or email:
            how = f"call us at {phone}" if phone else f"email {email}"
            lines.append(f"To cancel or reschedule, {how}.")
        else:
            lines.append("To cancel or reschedule, call us back and ask the receptionist.")
    elif phone:
        lines.append(f"To book a new time, call us at {phone}.")
    return " ".join(lines)
