"""Retries as httpx transports, so the facade and the generated low-level layer share them.

A POST without an Idempotency-Key gets one (uuid4), kept on every retry, so the server replays
its first answer instead of acting twice. Retried: 429, 5xx and connection failures, for GET,
HEAD, PUT, DELETE and OPTIONS, and for POST and PATCH that carry an Idempotency-Key.
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
KEYED_METHODS = frozenset({"POST", "PATCH"})


def add_idempotency_key(request: httpx.Request) -> None:
    """Give a POST an Idempotency-Key unless the caller chose one."""
    if request.method == "POST" and "idempotency-key" not in request.headers:
        request.headers["Idempotency-Key"] = str(uuid.uuid4())


def may_retry(request: httpx.Request) -> bool:
    """Whether sending the request again is safe."""
    if request.method in IDEMPOTENT_METHODS:
        return True
    return request.method in KEYED_METHODS and "idempotency-key" in request.headers


def backoff(retry: int) -> float:
    """Seconds before retry number `retry` (0-based): exponential with jitter, capped."""
    ceiling = min(MAX_DELAY, BASE_DELAY * 2.0**retry)
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def delay_for(response: httpx.Response, retry: int) -> float | None:
    """Seconds to wait before retrying this response, or None when it is not to be retried."""
    if response.status_code != 429 and response.status_code < 500:
        return None
    wait = retry_after_seconds(response)
    if wait is None:
        return backoff(retry)
    return wait if wait <= MAX_RETRY_AFTER else None


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport with the retry policy (sync)."""

    def __init__(self, wrapped: httpx.BaseTransport, max_retries: int = 2) -> None:
        self.wrapped = wrapped
        self.max_retries = max_retries

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        add_idempotency_key(request)
        retry = 0
        while True:
            last_try = retry >= self.max_retries or not may_retry(request)
            try:
                response = self.wrapped.handle_request(request)
            except httpx.TransportError:
                if last_try:
                    raise
                wait = backoff(retry)
            else:
                delay = None if last_try else delay_for(response, retry)
                if delay is None:
                    return response
                response.close()
                wait = delay
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
            last_try = retry >= self.max_retries or not may_retry(request)
            try:
                response = await self.wrapped.handle_async_request(request)
            except httpx.TransportError:
                if last_try:
                    raise
                wait = backoff(retry)
            else:
                delay = None if last_try else delay_for(response, retry)
                if delay is None:
                    return response
                await response.aclose()
                wait = delay
            await asyncio.sleep(wait)
            retry += 1

    async def aclose(self) -> None:
        await self.wrapped.aclose()
