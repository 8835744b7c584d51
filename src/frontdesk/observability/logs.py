"""Logging for every command: plain text for a terminal, one JSON object per line for a log
collector (`FRONTDESK_LOG_FORMAT=json`).

Each record is stamped with the request id and the conversation id of the work that wrote
it (see context.py), whichever logger wrote it: ours, uvicorn's, huey's or livekit's.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from frontdesk.observability import context

TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s%(ids)s"

# Attributes every LogRecord has; anything else on a record came from `extra=` and is kept.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "request_id",
    "conversation_id",
    "ids",
    # Uvicorn's copy of its message with terminal colours: noise in a log collector.
    "color_message",
}


class ContextIds(logging.Filter):
    """Copies the current request and conversation ids onto each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = context.request_id.get()
        conversation = context.conversation_id.get()
        record.request_id = request
        record.conversation_id = conversation
        shown = [f"request={request}"] if request else []
        if conversation:
            shown.append(f"conversation={conversation}")
        record.ids = f" [{' '.join(shown)}]" if shown else ""
        return True


# A request line as uvicorn (and most HTTP libraries) write it: `"WebSocket /path?query"`,
# `"GET /path?query HTTP/1.1"`. The widget's call socket carries its session token in the
# query string (a browser cannot set headers on a WebSocket), so no query is ever logged.
_REQUEST_QUERY = re.compile(
    r"((?:WebSocket|GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) /[^\s?\"]*)\?[^\s\"]*"
)


class RedactQueries(logging.Filter):
    """Drops the query string from request lines in any logger's records."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "?" in message:
            redacted = _REQUEST_QUERY.sub(r"\1?…", message)
            if redacted != message:
                record.msg, record.args = redacted, None
                # Uvicorn keeps a coloured copy of the message for its own formatter.
                if hasattr(record, "color_message"):
                    record.color_message = redacted
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the ids, the exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "conversation_id": getattr(record, "conversation_id", None),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        # default=str: an `extra` value that JSON cannot hold is written as text, never lost
        # with the whole line.
        return json.dumps(entry, default=str, ensure_ascii=False)


def build_handler(log_format: str, stream: Any = None) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactQueries())
    handler.addFilter(ContextIds())
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    return handler


def configure_logging(log_format: str = "text", level: str = "INFO") -> None:
    """Send every logger's records to stderr in `log_format` ("text" or "json")."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(build_handler(log_format))
    root.setLevel(level.upper())
    # Huey logs every periodic tick and task at INFO; owners need its warnings only.
    logging.getLogger("huey").setLevel(logging.WARNING)
    # Uvicorn's and livekit's loggers keep their own handlers when a library configured
    # them; ours must be the only one, or JSON lines would be interleaved with text.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "livekit", "livekit.agents"):
        named = logging.getLogger(name)
        named.handlers.clear()
        named.propagate = True
