"""Fixtures shared by the SDK tests (Python and TypeScript): a business on the live server, a
flaky proxy in front of it, and a real signed webhook delivery.

`sdk_target` is a dict: `base_url` (`<live_server>/api/v1`), `api_key` (admin key secret),
`tenant_id` (str), `flaky_base_url` (`<proxy>/api/v1`, plain forwarding), `flaky_url`
(a function: scenario -> `<proxy>/<scenario>/api/v1`, scenarios in tests.sdk.flaky_proxy),
`proxy_log_url` (`<proxy>/__log`, every request the proxy saw as JSON).
`webhook_delivery` is a dict: `body` (raw bytes), `headers` (dict), `secret` (str), from its own
business so it leaves `sdk_target`'s data alone.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import STRONG_PASSWORD, unique_email
from tests.sdk.flaky_proxy import FlakyProxy
from tests.webhook_receiver import Receiver


async def new_business(name: str) -> tuple[Any, str]:
    """A fresh business and an admin API key secret for it: (tenant, secret)."""
    from jewelia.platform.accounts import service as accounts
    from jewelia.platform.apikeys.service import PERMISSIONS, create_key

    _, tenant = await accounts.signup(
        f"{name} {uuid.uuid4().hex[:6]}", "Sam Sdk", unique_email("sdk"), STRONG_PASSWORD
    )
    key = await create_key(tenant.id, "sdk test key", list(PERMISSIONS))
    return tenant, key.secret


@pytest.fixture
def flaky_proxy(live_server: str) -> Iterator[FlakyProxy]:
    """A fresh proxy per test, so every test sees its own 'first request'."""
    with FlakyProxy(live_server) as proxy:
        yield proxy


@pytest.fixture
async def sdk_target(live_server: str, flaky_proxy: FlakyProxy) -> dict[str, Any]:
    """A fresh business with an admin API key on the live server, and the proxy before it."""
    tenant, secret = await new_business("Sdk Gems")
    return {
        "base_url": f"{live_server}/api/v1",
        "api_key": secret,
        "tenant_id": str(tenant.id),
        "flaky_base_url": f"{flaky_proxy.base}/api/v1",
        "flaky_url": flaky_proxy.url,
        "proxy_log_url": flaky_proxy.log_url,
    }


@pytest.fixture
async def webhook_delivery(live_server: str, worker: Any) -> dict[str, Any]:
    """A real customer.created delivery, signed by a real worker and caught by a receiver."""
    _, secret = await new_business("Hook Gems")
    auth = {"Authorization": f"Bearer {secret}"}
    with Receiver() as receiver:
        async with httpx.AsyncClient(
            base_url=f"{live_server}/api/v1", headers=auth, timeout=30
        ) as api:
            r = await api.post(
                "/webhooks", json={"url": receiver.url("/hook"), "events": ["customer.created"]}
            )
            assert r.status_code == 201, r.text
            hook_secret = r.json()["data"]["secret"]
            r = await api.post(
                "/customers", json={"full_name": "Wendy Webhook", "email": "wendy@example.com"}
            )
            assert r.status_code == 201, r.text
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if receiver.received:
                break
            await asyncio.sleep(0.1)
        assert receiver.received, "no webhook delivery arrived within 60 s"
        got = receiver.received[0]
    return {"body": got.body, "headers": dict(got.headers), "secret": hook_secret}
