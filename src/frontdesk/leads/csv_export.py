"""Leads as a CSV file the owner opens in a spreadsheet.

Callers choose what they say, and what they say lands in cells: a name like
`=HYPERLINK("http://evil.example","click")` would run as a formula when the owner opens the
file in Excel, LibreOffice or Google Sheets (CSV/formula injection). Every cell that starts
with a character a spreadsheet reads as a formula gets a leading apostrophe, which the
spreadsheet shows as text and does not display. Phone numbers starting with "+" get one too:
that also keeps a spreadsheet from turning them into numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from frontdesk.models import Lead
from frontdesk.models.base import as_utc

MAX_ROWS = 50_000
HEADER = (
    "created_at",
    "agent",
    "name",
    "phone",
    "email",
    "interest",
    "status",
    "score",
    "category",
    "score_reason",
    "owner_notes",
    "conversation_id",
)
# Tab and carriage return too: some spreadsheets strip them and then read what follows.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def leads_csv(rows: Iterable[tuple[Lead, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for lead, agent_name in rows:
        writer.writerow(
            safe_cell(value)
            for value in (
                as_utc(lead.created_at).isoformat(),
                agent_name,
                lead.name,
                lead.phone,
                lead.email,
                lead.interest,
                lead.status,
                lead.score,
                lead.category,
                lead.score_reason,
                lead.owner_notes,
                lead.conversation_id,
            )
        )
    return out.getvalue()
