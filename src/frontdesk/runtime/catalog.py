"""The tools a receptionist agent can be given, by name; each can be enabled per agent."""

from __future__ import annotations

TOOL_DESCRIPTIONS: dict[str, str] = {
    "search_knowledge": "Look up the business's knowledge base to answer a question.",
    "business_info": "Opening hours, address and contact details.",
    "capture_lead": "Save a caller's name, phone and/or email, what they want, and notes.",
    "check_availability": "Find free appointment times on a day.",
    "book_appointment": "Book an appointment for the caller.",
    "reschedule_appointment": "Move the caller's booked appointment to another time.",
    "cancel_appointment": "Cancel the caller's booked appointment.",
    "take_message": "Take a message for the staff.",
    "handoff_to_human": "Record that the caller wants a person, and who to notify.",
    "end_conversation": "End the conversation politely.",
}
TOOL_NAMES: tuple[str, ...] = tuple(TOOL_DESCRIPTIONS)
