"""Log records as JSON lines, for the security events (and, when asked, every log).

One record is one JSON object on one line: `time` (ISO-8601, UTC), `level`, `logger`,
`message`, and the `security` dict that `portal.core.security.security_event` attaches, so a log
collector can filter on `security.event`, `security.user_id` or `security.outcome` without
parsing text. An exception, when there is one, comes as `exception` (the formatted traceback).
"""

import datetime as dt
import json
import logging
from typing import Any


class JSONFormatter(logging.Formatter):
    """One JSON object per record, on a single line (newlines in values are escaped)."""

    # Extra attributes copied from the record when present (the `extra=` of a logging call).
    EXTRA_KEYS = ("security",)

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in self.EXTRA_KEYS:
            value = getattr(record, key, None)
            if value is not None:
                payload[key] = value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            payload["exception"] = record.exc_text
        # default=str: a lazy translation, a date or a UUID in a field is written as text
        # rather than losing the whole record.
        return json.dumps(payload, ensure_ascii=False, default=str, separators=(",", ":"))
