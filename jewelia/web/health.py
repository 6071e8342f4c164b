"""Liveness and readiness probes."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Response, get

from jewelia.core.db import fetch
from jewelia.core.redis_client import get_redis
from jewelia.platform.billing import ratelimit
from jewelia.platform.mail.service import mail_status


@get("/health", name="health", include_in_schema=False)
async def health() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


async def _check(coro: Any) -> str:
    try:
        await asyncio.wait_for(coro, timeout=2)
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


@get("/ready", name="ready", include_in_schema=False)
async def ready() -> Response[dict[str, Any]]:
    """Database and Redis both answer (200, else 503).

    `mail` reports `ok`, `dev_capture` or `not_configured` but never fails the probe: without
    SMTP the site still serves and emails wait in the outbox, so a load balancer must not take
    it out of rotation for that; monitoring should alert on `mail: "not_configured"` instead.
    """
    checks = {
        "database": await _check(fetch("SELECT 1")),
        "redis": await _check(get_redis().ping()),
    }
    ok = all(v == "ok" for v in checks.values())
    limiter = {
        "fail_open_count": ratelimit.Stats.failures,
        "last_error": ratelimit.Stats.last_error,
    }
    return Response(
        {
            "status": "ok" if ok else "unavailable",
            "checks": checks,
            "mail": mail_status(),
            "rate_limiter": limiter,
        },
        status_code=200 if ok else 503,
    )
