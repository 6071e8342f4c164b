"""What every resource method shares: building the request, sending it through the retrying
transport, turning error answers into typed errors and success envelopes into models or pages."""

from __future__ import annotations

import datetime
import decimal
import hashlib
import hmac
import json
import os
import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, urlsplit

import httpx

from ._pagination import AsyncPage, Page
from ._retry import NO_IDEMPOTENCY_KEY, AsyncRetryTransport, RetryTransport
from .errors import APIConnectionError, APITimeoutError, JeweliaError, error_from_response

__version__ = "1.0.0"
USER_AGENT = f"jewelia-api-client-python/{__version__}"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 2
_PATH_PARAM = re.compile(r"\{[^}]+\}")


@dataclass(frozen=True)
class Operation:
    """One API operation as the facade calls it; `parsers` are the generated envelope classes
    its success answer may be, tried in order; `result` is "data", "page" or "bytes";
    `authenticated` is False for operations that take no API key (it is then not sent)."""

    method: str
    path: str
    result: str
    parsers: tuple[Any, ...] = ()
    authenticated: bool = True


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


def api_root(url: str) -> str:
    """The API root from a base URL: a bare origin (`https://host` or `https://host/`) gets
    `/api/v1`; a URL with a path is taken as the API root itself."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise JeweliaError(
            f"base_url must be an http(s) URL, e.g. https://your-host/api/v1: {url!r}"
        )
    if parts.path in ("", "/"):
        return parts._replace(path="/api/v1").geturl()
    return url.rstrip("/")


def settings(api_key: str | None, base_url: str | None) -> tuple[str | None, str]:
    """The API key (None: only key-less operations work) and the API root, from the arguments
    or JEWELIA_API_KEY / JEWELIA_API_URL."""
    key = api_key or os.environ.get("JEWELIA_API_KEY") or None
    url = base_url or os.environ.get("JEWELIA_API_URL")
    if not url:
        raise JeweliaError("base_url is required (or set JEWELIA_API_URL), e.g. https://your-host")
    return key, api_root(url)


def _headers(api_key: str | None, extra: Mapping[str, str] | None) -> dict[str, str]:
    auth = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    return {**auth, "Accept": "application/json", "User-Agent": USER_AGENT, **(extra or {})}


def _request_headers(
    body: Any, idempotency_key: str | Literal[False] | None, extra_headers: Mapping[str, str] | None
) -> dict[str, str]:
    headers = dict(extra_headers or {})
    if body is not None:
        headers["Content-Type"] = "application/json"
    if isinstance(idempotency_key, str):
        headers["Idempotency-Key"] = idempotency_key
    return headers


def signature_headers(body: Any, content: bytes, signing_secret: str) -> dict[str, str]:
    """What an incoming webhook's sender adds: `X-Webhook-Signature: sha256=<hex>` (HMAC-SHA256
    of exactly `content`, keyed with the secret's UTF-8 bytes) and, unless the body carries its
    own `timestamp`, a `webhook-timestamp` (Unix seconds) for the server's 5-minute rule."""
    if not signing_secret:
        raise JeweliaError("signing_secret is required: the source's secret (whsec_...)")
    digest = hmac.new(signing_secret.encode(), content, hashlib.sha256).hexdigest()
    headers = {"X-Webhook-Signature": f"sha256={digest}"}
    fields = body.to_dict() if hasattr(body, "to_dict") else body
    if not (isinstance(fields, Mapping) and "timestamp" in fields):
        headers["webhook-timestamp"] = str(int(time.time()))
    return headers


def upload_parts(body: Any) -> dict[str, Any] | None:
    """The file parts of a multipart upload (a dict whose `file` is bytes, an open binary file
    or a (name, content) tuple), or None for a JSON body."""
    if not isinstance(body, Mapping):
        return None
    value = body.get("file")
    if isinstance(value, bytes | tuple) or hasattr(value, "read"):
        return {"file": value}
    return None


def _build(
    http: httpx.Client | httpx.AsyncClient,
    op: Operation,
    args: tuple[Any, ...],
    query: Mapping[str, Any] | None,
    body: Any,
    idempotency_key: str | Literal[False] | None,
    extra_headers: Mapping[str, str] | None,
    signing_secret: str | None,
) -> httpx.Request:
    """The request of one call: body serialized once (and signed, for an incoming webhook)."""
    given = {name.lower() for name in extra_headers or {}}
    if op.authenticated and "authorization" not in http.headers and "authorization" not in given:
        raise JeweliaError("api_key is required (or set JEWELIA_API_KEY)")
    files = upload_parts(body)
    content = None if body is None or files is not None else encode_body(body)
    headers = _request_headers(None if files else body, idempotency_key, extra_headers)
    if signing_secret is not None:
        headers.update(signature_headers(body, content or b"", signing_secret))
    request = http.build_request(
        op.method,
        build_path(op.path, args),
        params=query_params(query),
        content=content,
        files=files,
        data={k: v for k, v in body.items() if k not in files} if files else None,
        headers=headers,
        extensions={NO_IDEMPOTENCY_KEY: True} if idempotency_key is False else None,
    )
    if not op.authenticated and "authorization" not in given:
        request.headers.pop("Authorization", None)
    return request


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
        idempotency_key: str | Literal[False] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        *,
        signing_secret: str | None = None,
    ) -> Any:
        request = _build(
            self._http,
            op,
            args,
            query,
            body,
            idempotency_key,
            extra_headers,
            signing_secret,
        )
        try:
            response = self._http.send(request)
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
        idempotency_key: str | Literal[False] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        *,
        signing_secret: str | None = None,
    ) -> Any:
        request = _build(
            self._http,
            op,
            args,
            query,
            body,
            idempotency_key,
            extra_headers,
            signing_secret,
        )
        try:
            response = await self._http.send(request)
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
