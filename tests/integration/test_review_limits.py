"""Issue 10, items 6 and 12: plan limits enforced by the services (API and pages answer alike,
racing requests cannot both take the last one), and page actions charged like API calls."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from jewelia.core.db import execute, fetch, tenant_scope
from jewelia.core.redis_client import get_redis
from jewelia.platform.accounts import service as accounts
from jewelia.platform.apikeys.grant_cache import GRANTS
from tests.conftest import STRONG_PASSWORD, unique_email
from tests.integration.test_pages import CSRF, form_post

HOOK = {"url": "https://hooks.example.com/in", "events": ["*"]}


@asynccontextmanager
async def _login(app: Any, email: str) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client signed in as `email`."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50100)),
        base_url="http://testserver.local",
        follow_redirects=True,
    ) as client:
        r = await form_post(client, "/login", {"email": email, "password": STRONG_PASSWORD})
        assert r.status_code == 200, r.text
        yield client


async def _owner() -> tuple[Any, Any]:
    """A fresh Free business and its owner."""
    return await accounts.signup(
        f"Limits {uuid.uuid4().hex[:6]}", "Lia Limit", unique_email("limit"), STRONG_PASSWORD
    )


async def _set_plan(tenant_id: uuid.UUID, plan: str) -> None:
    await execute("UPDATE public.tenant SET plan = $2 WHERE id = $1", tenant_id, plan)
    GRANTS.clear()


def _is_limit(body: dict[str, Any], limit: str, plan: str, allowed: int) -> None:
    assert body["success"] is False and body["code"] == "PLAN_LIMIT_EXCEEDED", body
    assert body["details"]["limit"] == limit and body["details"]["plan"] == plan
    assert body["details"]["allowed"] == allowed
    assert body["details"]["upgrade_url"] == "/settings/billing"
    assert "/settings/billing" in body["error"] and "plan" in body["error"]


# --- item 6: plan limits ------------------------------------------------------------------


async def test_seats_count_members_and_pending_invites(app: Any) -> None:
    user, tenant = await _owner()
    async with _login(app, user.email) as page:
        r = await form_post(
            page, "/app/team", {"email": unique_email("one"), "role": "member"}, "/app/team/invite"
        )
        assert r.status_code == 200 and "Invitation sent" in r.text
        # Free has 2 seats: the owner and one pending invitation fill them.
        r = await form_post(
            page, "/app/team", {"email": unique_email("two"), "role": "member"}, "/app/team/invite"
        )
        assert r.status_code == 403
        assert "The Free plan allows 2 seats" in r.text and "/settings/billing" in r.text
        # Re-inviting the pending address replaces its invitation instead of taking a seat.
        pending = (await fetch("SELECT email FROM public.invite WHERE tenant_id = $1", tenant.id))[
            0
        ]["email"]
        r = await form_post(
            page, "/app/team", {"email": pending, "role": "admin"}, "/app/team/invite"
        )
        assert r.status_code == 200 and "Invitation sent" in r.text
        await _set_plan(tenant.id, "professional")
        r = await form_post(
            page,
            "/app/team",
            {"email": unique_email("three"), "role": "member"},
            "/app/team/invite",
        )
        assert r.status_code == 200 and "Invitation sent" in r.text


async def test_two_invites_racing_for_the_last_seat(app: Any) -> None:
    user, tenant = await _owner()
    async with _login(app, user.email) as page:
        got = await page.get("/app/team")
        token = CSRF.search(got.text).group(1)  # type: ignore[union-attr]

        async def invite(tag: str) -> httpx.Response:
            return await page.post(
                "/app/team/invite",
                data={"email": unique_email(tag), "role": "member", "_csrf_token": token},
            )

        answers = await asyncio.gather(*(invite(f"race{n}") for n in range(4)))
    assert sorted(r.status_code for r in answers) == [200, 403, 403, 403]
    rows = await fetch(
        "SELECT count(*) AS n FROM public.invite WHERE tenant_id = $1 AND revoked_at IS NULL",
        tenant.id,
    )
    assert rows[0]["n"] == 1


async def test_webhook_endpoints_limit_api_and_page(app: Any, api: Any) -> None:
    for _ in range(2):
        assert (await api.post("/webhooks", json=HOOK)).status_code == 201
    r = await api.post("/webhooks", json=HOOK)
    assert r.status_code == 403
    _is_limit(r.json(), "webhook_endpoints", "free", 2)
    assert "webhook endpoints" in r.json()["error"]
    # The page calls the same service and shows the same message.
    async with _login(app, api.user.email) as page:
        r = await form_post(page, "/developers/webhooks", HOOK)
        assert r.status_code == 403
        assert "The Free plan allows 2 webhook endpoints" in r.text
        assert (await api.get("/webhooks")).json()["pagination"]["total"] == 2
        # A plan change applies to the next request.
        await _set_plan(api.tenant.id, "professional")
        r = await form_post(page, "/developers/webhooks", HOOK)
        assert r.status_code == 201


async def test_webhook_endpoints_racing_for_the_last_one(api: Any) -> None:
    assert (await api.post("/webhooks", json=HOOK)).status_code == 201
    answers = await asyncio.gather(*(api.post("/webhooks", json=HOOK) for _ in range(4)))
    assert sorted(r.status_code for r in answers) == [201, 403, 403, 403]
    assert (await api.get("/webhooks")).json()["pagination"]["total"] == 2


async def test_inbound_sources_limit_api_and_page(app: Any, api: Any) -> None:
    for n in range(2):
        assert (await api.post("/webhooks/inbound", json={"name": f"Shop {n}"})).status_code == 201
    r = await api.post("/webhooks/inbound", json={"name": "One too many"})
    assert r.status_code == 403
    _is_limit(r.json(), "inbound_sources", "free", 2)
    async with _login(app, api.user.email) as page:
        r = await form_post(page, "/developers/webhooks/inbound", {"name": "Page one"})
        assert r.status_code == 403
        assert "The Free plan allows 2 incoming webhook sources" in r.text
    assert len((await api.get("/webhooks/inbound")).json()["data"]) == 2


async def test_free_businesses_per_owner_and_new_business_throttle(app: Any) -> None:
    user, first = await _owner()
    async with _login(app, user.email) as page:
        for n in range(2):
            r = await form_post(page, "/app/businesses/new", {"business_name": f"Branch {n}"})
            assert r.status_code == 200 and "is ready" in r.text
        r = await form_post(page, "/app/businesses/new", {"business_name": "Branch four"})
        assert r.status_code == 403
        assert "You already own 3 businesses on the Free plan" in r.text
        assert "/settings/billing" in r.text
        # Upgraded businesses do not count; the hourly throttle (every attempt) still does.
        await _set_plan(first.id, "professional")
        r = await form_post(page, "/app/businesses/new", {"business_name": "Branch four"})
        assert r.status_code == 200 and "is ready" in r.text
        for m in await accounts.memberships(user.id):
            await _set_plan(m.tenant.id, "professional")
        r = await form_post(page, "/app/businesses/new", {"business_name": "Branch five"})
        assert r.status_code == 200
        r = await form_post(page, "/app/businesses/new", {"business_name": "Branch six"})
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
        assert "You have started 5 businesses this hour" in r.text
    assert len(await accounts.memberships(user.id)) == 5


# --- item 12: page actions are charged like API calls -------------------------------------


async def _nearly_spent(tenant_id: uuid.UUID, left: int, limit: int = 1000) -> None:
    """Fill the business's hourly budget (the limiter's own sorted set) but `left` requests."""
    key = f"rl:tenant:{tenant_id}"
    used = int(await get_redis().zcard(key))
    now = int(time.time() * 1000)
    members = {f"{now}-pre{n}": now for n in range(limit - left - used)}
    await get_redis().zadd(key, members)  # type: ignore[arg-type]


async def _remaining(api: Any) -> int:
    return int((await api.get("/customers")).headers["x-ratelimit-remaining"])


async def test_page_actions_share_the_api_budget(app: Any, api: Any) -> None:
    endpoint = (await api.post("/webhooks", json=HOOK)).json()["data"]
    async with _login(app, api.user.email) as page:
        before = await _remaining(api)
        r = await form_post(
            page,
            f"/developers/webhooks/{endpoint['id']}",
            {},
            f"/developers/webhooks/{endpoint['id']}/test",
        )
        assert r.status_code == 200 and "Test event queued" in r.text
        assert await _remaining(api) == before - 2  # the page action and this GET

        await _nearly_spent(api.tenant.id, left=1 + 1)  # one page action, then one API call
        r = await form_post(page, "/app/data/export", {"type": "customers", "fields": "email"})
        assert r.status_code == 200 and "/app/data/jobs/" in str(r.url)
        assert (await api.get("/customers")).status_code == 200
        assert (await api.get("/customers")).status_code == 429

        # Over the limit: a whole page with the message, 429 and Retry-After ...
        tools = "/developers/webhooks/tools"
        r = await form_post(page, tools, {"webhookUrl": "https://example.com/x"}, f"{tools}/send")
        assert r.status_code == 429
        assert int(r.headers["retry-after"]) > 0 and r.headers["x-ratelimit-remaining"] == "0"
        assert "Rate limit exceeded" in r.text and "Try again in" in r.text
        assert "Free plan" in r.text
        # ... or for htmx the message alone, for the result area.
        token = CSRF.search((await page.get(tools)).text).group(1)  # type: ignore[union-attr]
        r = await page.post(
            f"{tools}/send",
            data={"webhookUrl": "https://example.com/x", "_csrf_token": token},
            headers={"HX-Request": "true"},
        )
        assert r.status_code == 429 and r.headers["retry-after"]
        assert r.text.startswith('<div class="flash flash-error"') and "Rate limit" in r.text
        r = await page.post(
            f"/developers/webhooks/{endpoint['id']}/test",
            data={"_csrf_token": token},
            headers={"HX-Request": "true"},
        )
        assert r.status_code == 429
        r = await form_post(page, "/app/data/export", {"type": "customers", "fields": "email"})
        assert r.status_code == 429
        jobs = await api.get("/import-export")
        assert jobs.status_code == 429  # the API is spent too: one budget


async def test_page_import_upload_is_charged(app: Any, api: Any) -> None:
    async with _login(app, api.user.email) as page:
        got = await page.get("/app/data/import")
        token = CSRF.search(got.text).group(1)  # type: ignore[union-attr]
        await _nearly_spent(api.tenant.id, left=0)
        r = await page.post(
            "/app/data/import",
            data={"_csrf_token": token, "type": "customers", "format": "csv"},
            files={"file": ("c.csv", b"full_name,email\nAda,ada@example.com\n", "text/csv")},
        )
        assert r.status_code == 429 and r.headers["retry-after"]
        assert "Rate limit exceeded" in r.text
    async with tenant_scope(api.tenant.ref):
        rows = await fetch("SELECT count(*) AS n FROM transfer_job")
    assert rows[0]["n"] == 0  # no job was started
