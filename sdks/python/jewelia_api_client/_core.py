"""What every resource method shares: building the request, sending it through the retrying
transport, turning error answers into typed errors and success envelopes into models or pages."""

from __future__ import annotations

import datetime
import decimal
import json
import os
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from ._pagination import AsyncPage, Page
from ._retry import AsyncRetryTransport, RetryTransport
from .errors import APIConnectionError, APITimeoutError, JeweliaError, error_from_response

__version__ = "0.1.0"
USER_AGENT = f"jewelia-api-client-python/{__version__}"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 2
_PATH_PARAM = re.compile(r"\{[^}]+\}")


@dataclass(frozen=True)
class Operation:
    """One API operation as the facade calls it; `parsers` are the generated envelope classes
    its success answer may be, tried in order; `result` is "data", "page" or "bytes"."""

    method: str
    path: str
    result: str
    parsers: tuple[Any, ...] = ()


def _json_default(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def encode_body(body: Any) -> bytes:
    """A request body (a dict, or a generated model) as JSON bytes."""
    if hasattr(body, "to_dict"):
        body = body.to_dict()
    return json.dumps(body, default=_json_default, separators=(",", ":")).encode()


def build_path(template: str, args: tuple[Any, ...]) -> str:
    """The path with its parameters filled in, in order, each one percent-encoded."""
    values = iter(args)
    return _PATH_PARAM.sub(lambda _: quote(str(next(values)), safe=""), template)


def query_params(query: Mapping[str, Any] | None) -> dict[str, str]:
    """Query parameters as strings; None means "not given" and is left out."""
    params: dict[str, str] = {}
    for name, value in (query or {}).items():
        if value is None:
            continue
        params[name] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return params


def settings(api_key: str | None, base_url: str | None) -> tuple[str, str]:
    """The API key and base URL, from the arguments or JEWELIA_API_KEY / JEWELIA_BASE_URL."""
    key = api_key or os.environ.get("JEWELIA_API_KEY")
    url = base_url or os.environ.get("JEWELIA_BASE_URL")
    if not key:
        raise JeweliaError("api_key is required (or set JEWELIA_API_KEY)")
    if not url:
        raise JeweliaError("base_url is required, e.g. https://your-host/api/v1")
    return key, url.rstrip("/")


def _headers(api_key: str, extra: Mapping[str, str] | None) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {api_key}",
        "Accept": "application/json",
        "User-Agent": USER_AGENT,
        **(extra or {}),
    }


def _request_headers(
    body: Any, idempotency_key: str | None, extra_headers: Mapping[str, str] | None
) -> dict[str, str]:
    headers = dict(extra_headers or {})
    if body is not None:
        headers["Content-Type"] = "application/json"
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    return headers


def parse_envelope(op: Operation, response: httpx.Response) -> Any:
    """The success answer as the first generated envelope class that accepts it."""
    payload = response.json()
    for index, parser in enumerate(op.parsers):
        try:
            return parser.from_dict(payload)
        except (KeyError, TypeError, ValueError, AttributeError):
            if index == len(op.parsers) - 1:
                raise
    return payload


def _is_page(envelope: Any) -> bool:
    return hasattr(envelope, "pagination") and isinstance(getattr(envelope, "data", None), list)


def _translate(exc: httpx.TransportError) -> JeweliaError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"Request timed out: {exc}")
    return APIConnectionError(f"Connection error: {exc}")


class SyncCore:
    """The HTTP side of JeweliaClient."""

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        max_retries: int = DEFAULT_MAX_RETRIES,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        default_headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.api_key, self.base_url = settings(api_key, base_url)
        self.max_retries = max_retries
        self._http = httpx.Client(
            base_url=self.base_url,
            headers=_headers(self.api_key, default_headers),
            timeout=timeout,
            transport=RetryTransport(transport or httpx.HTTPTransport(), max_retries),
        )

    @property
    def http_client(self) -> httpx.Client:
        """The httpx client (with the retrying transport) every request goes through."""
        return self._http

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _request(
        self,
        op: Operation,
        args: tuple[Any, ...] = (),
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        idempotency_key: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Any:
        try:
            response = self._http.request(
                op.method,
                build_path(op.path, args),
                params=query_params(query),
                content=None if body is None else encode_body(body),
                headers=_request_headers(body, idempotency_key, extra_headers),
            )
        except httpx.TransportError as exc:
            raise _translate(exc) from exc
        if response.status_code >= 400:
            raise error_from_response(response)
        if op.result == "bytes":
            return response.content
        envelope = parse_envelope(op, response)
        if op.result == "page" or _is_page(envelope):
            return Page(
                envelope,
                dict(query or {}),
                lambda next_query: self._request(op, args, next_query, None, None, extra_headers),
            )
        return envelope.data


class AsyncCore:
    """The HTTP side of AsyncJeweliaClient."""

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        max_retries: int = DEFAULT_MAX_RETRIES,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        default_headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.api_key, self.base_url = settings(api_key, base_url)
        self.max_retries = max_retries
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers=_headers(self.api_key, default_headers),
            timeout=timeout,
            transport=AsyncRetryTransport(transport or httpx.AsyncHTTPTransport(), max_retries),
        )

    @property
    def http_client(self) -> httpx.AsyncClient:
        """The httpx client (with the retrying transport) every request goes through."""
        return self._http

    async def close(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def _request(
        self,
        op: Operation,
        args: tuple[Any, ...] = (),
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        idempotency_key: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Any:
        try:
            response = await self._http.request(
                op.method,
                build_path(op.path, args),
                params=query_params(query),
                content=None if body is None else encode_body(body),
                headers=_request_headers(body, idempotency_key, extra_headers),
            )
        except httpx.TransportError as exc:
            raise _translate(exc) from exc
        if response.status_code >= 400:
            raise error_from_response(response)
        if op.result == "bytes":
            return response.content
        envelope = parse_envelope(op, response)
        if op.result == "page" or _is_page(envelope):

            async def fetch(next_query: dict[str, Any]) -> Any:
                return await self._request(op, args, next_query, None, None, extra_headers)

            return AsyncPage(envelope, dict(query or {}), fetch)
        return envelope.data
