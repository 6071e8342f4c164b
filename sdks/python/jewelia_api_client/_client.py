"""JeweliaClient and AsyncJeweliaClient: the resources over the HTTP core."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType

import httpx

from ._core import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, AsyncCore, SyncCore
from ._generated.client import AuthenticatedClient
from ._resources import AsyncResources, Resources
from .stream import AsyncStreaming, SyncStreaming


class JeweliaClient(SyncCore, Resources, SyncStreaming):
    """The Jewelia API, synchronously: `JeweliaClient(api_key=..., base_url=...)`, then
    `client.customers.list(page=1, limit=20, search="john")` and the other resources.

    `base_url` is the API root, e.g. `https://your-host/api/v1` (a bare `https://your-host`
    gets `/api/v1`); both fall back to the JEWELIA_API_KEY and JEWELIA_API_URL environment
    variables. Only `inbound_webhooks.receive` and `auth` work without an API key.
    `max_retries` retries 429s, and 5xx and connection errors where repeating is safe;
    `timeout` is in seconds.
    """

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
        super().__init__(
            api_key,
            base_url,
            max_retries=max_retries,
            timeout=timeout,
            default_headers=default_headers,
            transport=transport,
        )
        self._attach_resources(self)

    @property
    def low_level(self) -> AuthenticatedClient:
        """The generated client (`jewelia_api_client._generated.api.*` functions take it),
        sharing this client's connection pool, retries and idempotency keys."""
        client = AuthenticatedClient(base_url=self.base_url, token=self.api_key or "")
        return client.set_httpx_client(self.http_client)

    def __enter__(self) -> JeweliaClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncJeweliaClient(AsyncCore, AsyncResources, AsyncStreaming):
    """The Jewelia API with asyncio: the same resources and methods as JeweliaClient, each a
    coroutine (`await client.customers.list(limit=20)`)."""

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
        super().__init__(
            api_key,
            base_url,
            max_retries=max_retries,
            timeout=timeout,
            default_headers=default_headers,
            transport=transport,
        )
        self._attach_resources(self)

    @property
    def low_level(self) -> AuthenticatedClient:
        """The generated client for its `asyncio` functions, sharing this client's pool,
        retries and idempotency keys."""
        client = AuthenticatedClient(base_url=self.base_url, token=self.api_key or "")
        return client.set_async_httpx_client(self.http_client)

    async def __aenter__(self) -> AsyncJeweliaClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
