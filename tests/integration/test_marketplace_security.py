"""Marketplace security fixes: an app's webhook events stay within its scopes (listing form,
new versions, the install's endpoint, the consent page), a suspended app's endpoints get no
deliveries until it is reinstated, and an authorization code binds to the install it was
issued for."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from jewelia.core.db import execute, fetch, tenant_scope
from jewelia.core.errors import ValidationFailed
from jewelia.platform.marketplace import installs, listings, orgs
from tests.integration.test_marketplace_installs import _events, _tenant_ref
from tests.integration.test_marketplace_listings import complete, new_listing, person
from tests.integration.test_marketplace_oauth import (
    authorize_url,
    bearer,
    exchange,
    get_code,
    pkce,
    seed_listing,
    tokens_for,
)
from tests.integration.test_pages import signup
from tests.integration.test_webhooks import _wait
from tests.webhook_receiver import Receiver

WIDE = ["inventory.updated", "customer.created", "order.created", "export.completed"]


def _scope_errors(exc: ValidationFailed) -> list[dict[str, str]]:
    return [e for e in exc.errors if e["field"] == "webhook_events"]


async def test_listing_events_beyond_scopes_are_refused(db: None, app: Any) -> None:
    user = await person()
    org = await orgs.create_org(user.id, f"Studio {uuid.uuid4().hex[:6]}")
    with pytest.raises(ValidationFailed) as caught:
        await listings.create_listing(
            user.id, org["id"], complete(scopes=["inventory:read"], webhook_events=WIDE)
        )
    errors = _scope_errors(caught.value)
    assert [e["code"] for e in errors] == ["SCOPE_REQUIRED"] * 3
    text = " ".join(e["message"] for e in errors)
    for needed in ("customers:read", "orders:read", "import_export:read"):
        assert needed in text
    assert "inventory.updated" not in text
    # write implies read, and integration.* needs no scope
    made, _ = await listings.create_listing(
        user.id,
        org["id"],
        complete(
            scopes=["inventory:write"],
            webhook_events=["inventory.updated", "integration.installed"],
        ),
    )
    assert made["webhook_events"] == ["inventory.updated", "integration.installed"]

    # a new version cannot widen events beyond its scopes either
    _, listing, _ = await new_listing(user)
    with pytest.raises(ValidationFailed) as caught:
        await listings.add_version(
            user.id, listing["id"], "1.1.0", "More", ["inventory:read"], ["customer.created"]
        )
    assert [e["code"] for e in _scope_errors(caught.value)] == ["SCOPE_REQUIRED"]
    assert "customers:read" in _scope_errors(caught.value)[0]["message"]
    assert len(await listings.versions(listing["id"])) == 1
    ok = await listings.add_version(
        user.id,
        listing["id"],
        "1.1.0",
        "Orders",
        ["customers:read", "orders:read"],
        ["customer.created", "order.created"],
    )
    assert list(ok["webhook_events"]) == ["customer.created", "order.created"]


async def test_install_endpoint_and_consent_page_keep_events_within_scopes(client: Any) -> None:
    # a listing row written before the fix (by SQL, past validation) with events beyond scopes
    listing = await seed_listing(
        scopes=["inventory:read"], webhook_url="https://app.example.com/hook", events=WIDE
    )
    email = await signup(client, business="Narrow Gems")
    tenant = await _tenant_ref(email)
    _, challenge = pkce()
    page = await client.get(authorize_url(listing, challenge))
    assert page.status_code == 200
    assert 'It will be told when: <code data-event="inventory.updated">' in page.text
    for hidden in ("customer.created", "order.created", "export.completed"):
        assert f'data-event="{hidden}"' not in page.text
    await tokens_for(client, listing)
    async with tenant_scope(tenant):
        endpoints = await fetch("SELECT events FROM webhook_endpoint")
    assert [list(e["events"]) for e in endpoints] == [["inventory.updated"]]


async def test_suspended_app_gets_no_deliveries_until_reinstated(client: Any, worker: Any) -> None:
    with Receiver() as hooks:
        paused = await seed_listing(webhook_url=hooks.url("/paused"), events=["customer.*"])
        normal = await seed_listing(webhook_url=hooks.url("/normal"), events=["customer.*"])
        await signup(client, business="Suspended Gems")
        await tokens_for(client, paused)
        token = (await tokens_for(client, normal))["access_token"]

        def got(path: str) -> list[Any]:
            return [r for r in _events(hooks, "customer.created") if r.path == path]

        await execute("UPDATE public.listing SET status = 'suspended' WHERE id = $1", paused["id"])
        made = await client.post(
            "/api/v1/customers", json={"full_name": "Sam Suspended"}, headers=bearer(token)
        )
        assert made.status_code == 201, made.text
        await _wait(lambda: _async(len(got("/normal")) == 1), 30)
        await asyncio.sleep(1.5)
        assert got("/paused") == []

        await execute("UPDATE public.listing SET status = 'published' WHERE id = $1", paused["id"])
        again = await client.post(
            "/api/v1/customers", json={"full_name": "Rita Reinstated"}, headers=bearer(token)
        )
        assert again.status_code == 201, again.text
        await _wait(lambda: _async(len(got("/paused")) == 1), 30)
        assert got("/paused")[0].json()["data"]["full_name"] == "Rita Reinstated"
        assert len(got("/normal")) == 2


async def _async(value: Any) -> Any:
    return value


@pytest.mark.parametrize("fewer", [True, False])
async def test_code_binds_to_the_install_it_was_issued_for(client: Any, fewer: bool) -> None:
    listing = await seed_listing()
    email = await signup(client, business=f"Bound Gems {fewer}")
    tenant = await _tenant_ref(email)
    verifier, challenge = pkce()
    code = await get_code(client, listing, challenge)
    first = await installs.active_install(listing["id"], tenant.id)
    assert first is not None
    await installs.uninstall(first["id"], first["installed_by"])
    scopes = ["customers:read"] if fewer else list(first["scopes"])
    await installs.install(listing["id"], tenant.id, first["installed_by"], scopes)
    r = await exchange(client, listing, code, verifier)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant", r.text
    # a code issued for the new install works
    verifier, challenge = pkce()
    code = await get_code(client, listing, challenge)
    assert (await exchange(client, listing, code, verifier)).status_code == 200
