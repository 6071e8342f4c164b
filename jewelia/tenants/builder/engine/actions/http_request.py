"""`http_request`: one request through the SSRF guard, the response captured and capped.

Input: {method, url, headers, body?, timeoutSeconds}; the url and header values are `{{ }}`
templates, the body a template string or a JSON value whose strings may hold templates. A POST,
PUT or PATCH without a body sends the trigger payload as JSON. Every attempt of the step sends
the same `Idempotency-Key: <run_id>:<step_path>`, so a receiver that honours it performs the
request once however often a crash or a retry repeats it.

Secrets (`{{ secrets.NAME }}`) render as markers: the recorded input keeps them and the values
are put in only here, when sending (every attempt); the response is masked before it is kept.

Output: {status, headers, body, truncated}; the body is parsed when the response says JSON, and
at most RESPONSE_MAX_BYTES are read. 5xx, 429, timeouts and network errors are transient
(retried by the step's policy); other 4xx fail the step; 1xx-3xx succeed (redirects are not
followed).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from jewelia.core.outbound import BlockedDestination, check_url_shape, guarded_client
from jewelia.tenants.builder import secrets
from jewelia.tenants.builder.engine.base import StepContext, StepError
from jewelia.tenants.builder.engine.render import render_template, render_value

SIDE_EFFECT = True
IN_TRANSACTION = False
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
DEFAULT_TIMEOUT = 15.0
MAX_TIMEOUT = 30.0
RESPONSE_MAX_BYTES = 1024 * 1024
USER_AGENT = "Jewelia-Flows/1.0"


_client: httpx.AsyncClient | None = None


def http_client() -> httpx.AsyncClient:
    """One SSRF-guarded client per worker process (its TLS context is costly to build)."""
    global _client
    if _client is None or _client.is_closed:
        _client = guarded_client(
            timeout=DEFAULT_TIMEOUT,
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        )
    return _client


def prepare(config: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """The request as it will be sent (templates rendered, secrets as markers)."""
    context = secrets.marker_context(config, context)
    method = str(config.get("method") or "GET").upper()
    if method not in METHODS:
        raise StepError(f"method must be one of {', '.join(METHODS)}", "invalid_config")
    headers = {
        str(k): render_template(str(v), context) for k, v in (config.get("headers") or {}).items()
    }
    request: dict[str, Any] = {
        "method": method,
        "url": render_template(str(config.get("url") or ""), context),
        "headers": headers,
        "timeoutSeconds": min(float(config.get("timeoutSeconds") or DEFAULT_TIMEOUT), MAX_TIMEOUT),
    }
    if "body" in config:
        request["body"] = render_value(config["body"], context)
    elif method in ("POST", "PUT", "PATCH"):
        request["body"] = context.get("trigger")
    return request


def _content(request: dict[str, Any], headers: dict[str, str]) -> bytes | None:
    if "body" not in request:
        return None
    body = request["body"]
    lower = {k.lower() for k in headers}
    if isinstance(body, str):
        if "content-type" not in lower:
            headers["Content-Type"] = "text/plain; charset=utf-8"
        return body.encode()
    if "content-type" not in lower:
        headers["Content-Type"] = "application/json"
    return json.dumps(body, ensure_ascii=False).encode()


async def execute(step: StepContext, request: dict[str, Any]) -> dict[str, Any]:
    """Send the request, secrets put in now; what comes back has them masked again."""
    if not secrets.has_markers(request):
        return await _send(step, request)
    known = await secrets.values(step.tenant, step.flow_id)
    try:
        revealed = secrets.reveal(request, known)
    except secrets.MissingSecret as exc:
        raise StepError(str(exc), "missing_secret") from exc
    try:
        return secrets.conceal(await _send(step, revealed), known)  # type: ignore[no-any-return]
    except StepError as exc:
        exc.message = secrets.conceal(exc.message, known)
        exc.args = (exc.message,)
        raise


async def _send(step: StepContext, request: dict[str, Any]) -> dict[str, Any]:
    headers = {k: v for k, v in request["headers"].items() if k.lower() != "idempotency-key"}
    headers.setdefault("User-Agent", USER_AGENT)
    headers["Idempotency-Key"] = step.idempotency_key
    content = _content(request, headers)
    timeout = max(0.5, min(float(request["timeoutSeconds"]), step.remaining_seconds))
    try:
        check_url_shape(request["url"])
        # httpx's timeout is per read: a server trickling bytes needs an overall deadline.
        async with (
            asyncio.timeout(timeout),
            http_client().stream(
                request["method"],
                request["url"],
                headers=headers,
                content=content,
                timeout=timeout,
            ) as response,
        ):
            raw, truncated = await _read(response)
    except BlockedDestination as exc:
        raise StepError(exc.message, "blocked_destination") from exc
    except (httpx.TimeoutException, TimeoutError) as exc:
        raise StepError(f"No answer within {timeout:g} s", "timeout", "timeout") from exc
    except httpx.InvalidURL as exc:
        raise StepError(f"Not a valid URL: {exc}", "invalid_config") from exc
    except httpx.TransportError as exc:
        raise StepError(f"Network error: {exc!r}"[:500], "network", "network") from exc
    output = {
        "status": response.status_code,
        "headers": dict(response.headers.items()),
        "body": _body(raw, truncated, response.headers.get("content-type", "")),
        "truncated": truncated,
    }
    status = response.status_code
    if status >= 400:
        snippet = raw[:300].decode("utf-8", "replace")
        message = f"HTTP {status} from {request['url'][:200]}: {snippet}"
        kind = "5xx" if status >= 500 else "429" if status == 429 else None
        raise StepError(message, "http_status", kind)
    return output


def simulate(step: StepContext, request: dict[str, Any]) -> dict[str, Any]:
    """The request exactly as `execute` would send it, not sent (a blocked URL still fails)."""
    headers = {k: v for k, v in request["headers"].items() if k.lower() != "idempotency-key"}
    headers.setdefault("User-Agent", USER_AGENT)
    headers["Idempotency-Key"] = step.idempotency_key
    content = _content(request, headers)
    try:
        check_url_shape(request["url"])
    except BlockedDestination as exc:
        raise StepError(exc.message, "blocked_destination") from exc
    would: dict[str, Any] = {"method": request["method"], "url": request["url"], "headers": headers}
    if content is not None:
        would["body"] = request["body"]
    return {"simulated": True, "wouldSend": would}


async def _read(response: httpx.Response) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > RESPONSE_MAX_BYTES:
            return b"".join(chunks)[:RESPONSE_MAX_BYTES], True
    return b"".join(chunks), False


def _body(raw: bytes, truncated: bool, content_type: str) -> Any:
    text = raw.decode("utf-8", "replace")
    if not truncated and "json" in content_type.lower() and raw.strip():
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text
