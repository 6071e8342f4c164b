"""Structured JSON logs carrying the request id and the tenant."""

from __future__ import annotations

import json
import logging
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
tenant_id_var: ContextVar[str | None] = ContextVar("log_tenant_id", default=None)

_SECRET_WORDS = ("password", "secret", "token", "authorization", "api_key", "apikey", "cookie")
# Routes whose next path segment is a bearer secret: signed download links, password reset,
# invite, email verification and unlock links.
_SECRET_SEGMENT = re.compile(
    r"(/api/v1/import-export/download|/api/v1/integrations/builder/files/download"
    r"|/password/reset|/invites?|/verify(?:-email)?"
    r"|/email/verify|/unlock)/[^/]+"
)


def redacted_path(path: str) -> str:
    """A request path fit for logs: the token segment of secret-bearing routes becomes `***`.

    Log a path only through this, and never the query string (it may carry search terms as
    well as `token`, `code` or `sig` parameters).
    """
    return _SECRET_SEGMENT.sub(r"\1/***", path)


class JsonFormatter(logging.Formatter):
    """One JSON object per line; secret-looking extras are masked."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if rid := request_id_var.get():
            data["request_id"] = rid
        if tid := tenant_id_var.get():
            data["tenant_id"] = tid
        for key, value in getattr(record, "fields", {}).items():
            lowered = key.lower()
            data[key] = "***" if any(w in lowered for w in _SECRET_WORDS) else value
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str)


def setup_logging(level: str = "INFO") -> None:
    """Send every logger to stdout as JSON lines."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("uvicorn.access", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
