"""Retries as httpx transports, so the facade and the generated low-level layer share them.

A POST without an Idempotency-Key gets one (uuid4), kept on every retry, so the server replays
its first answer instead of acting twice; a call may opt out (the NO_IDEMPOTENCY_KEY request
extension). What is retried (`may_retry`): a 429 for every method, since the server refused it
before doing anything; a 5xx or a connection failure for GET, HEAD, PUT, DELETE and OPTIONS, and
for a POST carrying an Idempotency-Key (the server honours keys on POST only).
Waits: exponential backoff with jitter (0.5 s base, 8 s cap), or the server's Retry-After.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid

import httpx

from .errors import retry_after_seconds

BASE_DELAY = 0.5
MAX_DELAY = 8.0
MAX_RETRY_AFTER = 60.0  # a longer wait is the caller's decision: RateLimitError says how long
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
NO_IDEMPOTENCY_KEY = "jewelia_no_idempotency_key"  # request extension: send the POST unkeyed


def add_idempotency_key(request: httpx.Request) -> None:
    """Give a POST an Idempotency-Key unless the caller chose one or opted out."""
    if (
        request.method == "POST"
        and "idempotency-key" not in request.headers
        and not request.extensions.get(NO_IDEMPOTENCY_KEY)
    ):
        request.headers["Idempotency-Key"] = str(uuid.uuid4())


def may_retry(method: str, keyed: bool, status: int | None) -> bool:
    """Whether an attempt that failed may be sent again.

    `status` is the answer's status code, None when no answer came (a connection failure);
    `keyed` is whether the request carries an Idempotency-Key.
    """
    if status == 429:
        return True
    if status is not None and status < 500:
        return False
    return method.upper() in IDEMPOTENT_METHODS or (method.upper() == "POST" and keyed)


def backoff(retry: int) -> float:
    """Seconds before retry number `retry` (0-based): exponential with jitter, capped."""
    ceiling = min(MAX_DELAY, BASE_DELAY * 2.0**retry)
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def delay_for(response: httpx.Response, retry: int) -> float | None:
    """Seconds to wait before retrying this answer: its Retry-After, else the backoff; None
    when the server asks for a wait longer than MAX_RETRY_AFTER."""
    wait = retry_after_seconds(response)
    if wait is None:
        return backoff(retry)
    return wait if wait <= MAX_RETRY_AFTER else None


def _wait_before_retry(
    request: httpx.Request, response: httpx.Response | None, retry: int, max_retries: int
) -> float | None:
    """Seconds before the next attempt, or None when this outcome is final."""
    if retry >= max_retries:
        return None
    keyed = "idempotency-key" in request.headers
    if not may_retry(request.method, keyed, None if response is None else response.status_code):
        return None
    return backoff(retry) if response is None else delay_for(response, retry)


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport with the retry policy (sync)."""

    def __init__(self, wrapped: httpx.BaseTransport, max_retries: int = 2) -> None:
        self.wrapped = wrapped
        self.max_retries = max_retries

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        add_idempotency_key(request)
        retry = 0
        while True:
            try:
                response = self.wrapped.handle_request(request)
            except httpx.TransportError:
                wait = _wait_before_retry(request, None, retry, self.max_retries)
                if wait is None:
                    raise
            else:
                wait = _wait_before_retry(request, response, retry, self.max_retries)
                if wait is None:
                    return response
                response.close()
            time.sleep(wait)
            retry += 1

    def close(self) -> None:
        self.wrapped.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """Wraps a transport with the retry policy (async)."""

    def __init__(self, wrapped: httpx.AsyncBaseTransport, max_retries: int = 2) -> None:
        self.wrapped = wrapped
        self.max_retries = max_retries

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        add_idempotency_key(request)
        retry = 0
        while True:
            try:
                response = await self.wrapped.handle_async_request(request)
            except httpx.TransportError:
                wait = _wait_before_retry(request, None, retry, self.max_retries)
                if wait is None:
                    raise
            else:
                wait = _wait_before_retry(request, response, retry, self.max_retries)
                if wait is None:
                    return response
                await response.aclose()
            await asyncio.sleep(wait)
            retry += 1

    async def aclose(self) -> None:
        await self.wrapped.aclose()
