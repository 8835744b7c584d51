"""Timestamps in API answers are always UTC with an offset.

SQLite hands back naive datetimes even for timezone-aware columns, and a browser reads a
timestamp without an offset as local time; a row just created carries its offset. This
type makes both answer the same.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator

from frontdesk.models.base import as_utc

UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]
