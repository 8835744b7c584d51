"""The tools a receptionist agent can be given, by name; each can be enabled per agent.

What each tool does is said once, in its docstring in runtime/tools.py: that text is the
schema description the model reads.
"""

from __future__ import annotations

TOOL_NAMES: tuple[str, ...] = (
    "search_knowledge",
    "business_info",
    "capture_lead",
    "check_availability",
    "book_appointment",
    "reschedule_appointment",
    "cancel_appointment",
    "take_message",
    "handoff_to_human",
    "end_conversation",
)
