"""Endpoints an installed app owns are not the business's: the Webhooks API and page neither
list nor find them (404 by id, their deliveries too), the plan's endpoint limit does not count
them, and the app keeps receiving its events."""

from __future__ import annotations

from typing import Any

from jewelia.core.db import fetch, tenant_scope
from jewelia.platform.apikeys.service import PERMISSIONS, create_key
from jewelia.platform.marketplace import installs
from tests.integration.test_marketplace_installs import _async, _events, _signed_by, _tenant_ref
from tests.integration.test_marketplace_oauth import bearer, seed_listing, tokens_for
from tests.integration.test_pages import signup
from tests.integration.test_webhooks import _wait
from tests.webhook_receiver import Receiver


async def test_app_endpoints_are_hidden_from_the_business_and_still_delivered(
    client: Any, worker: Any
) -> None:
    with Receiver() as app:
        listing = await seed_listing(webhook_url=app.url("/hook"), events=["customer.*"])
        email = await signup(client, business="Hidden Hook Gems")
        tenant = await _tenant_ref(email)
        body = await tokens_for(client, listing)
        install = await installs.active_install(listing["id"], tenant.id)
        assert install is not None
        async with tenant_scope(tenant):
            rows = await fetch(
                "SELECT id FROM webhook_endpoint WHERE app_install_id = $1", install["id"]
            )
        assert len(rows) == 1
        app_hook = rows[0]["id"]
        key = await create_key(tenant.id, "test key", list(PERMISSIONS))
        api = bearer(key.secret)

        # The Free plan allows two endpoints: the app's does not take one of them.
        own = []
        for path in ("/own-1", "/own-2"):
            r = await client.post(
                "/api/v1/webhooks",
                json={"url": app.url(path), "events": ["order.*"]},
                headers=api,
            )
            assert r.status_code == 201, r.text
            own.append(r.json()["data"]["id"])
        r = await client.post(
            "/api/v1/webhooks", json={"url": app.url("/own-3"), "events": ["order.*"]}, headers=api
        )
        assert r.status_code == 403 and r.json()["code"] == "PLAN_LIMIT_EXCEEDED", r.text
        assert r.json()["details"]["used"] == 2

        listed = await client.get("/api/v1/webhooks", headers=api)
        assert listed.status_code == 200
        assert sorted(e["id"] for e in listed.json()["data"]) == sorted(own)
        assert str(app_hook) not in listed.text

        base = f"/api/v1/webhooks/{app_hook}"
        assert (await client.get(base, headers=api)).status_code == 404
        r = await client.put(base, json={"url": app.url("/stolen")}, headers=api)
        assert r.status_code == 404
        assert (await client.delete(base, headers=api)).status_code == 404
        for action in ("rotate-secret", "disable", "enable", "test"):
            r = await client.post(f"{base}/{action}", headers=api)
            assert r.status_code == 404, (action, r.text)
        assert (await client.get(f"{base}/deliveries", headers=api)).status_code == 404

        page = await client.get("/developers/webhooks")
        assert page.status_code == 200
        assert str(app_hook) not in page.text and app.url("/hook") not in page.text
        assert all(str(i) in page.text for i in own)
        assert 'href="/settings/integrations"' in page.text
        assert "Apps you installed manage their own webhooks" in page.text
        assert (await client.get(f"/developers/webhooks/{app_hook}")).status_code == 404

        # The app still hears the business's events through its endpoint, untouched.
        made = await client.post(
            "/api/v1/customers",
            json={"full_name": "Hedda Hidden"},
            headers=bearer(body["access_token"]),
        )
        assert made.status_code == 201, made.text
        await _wait(lambda: _async(len(_events(app, "customer.created")) == 1), 30)
        _signed_by(listing["secret"], _events(app, "customer.created")[0])
        async with tenant_scope(tenant):
            endpoint = await fetch(
                "SELECT url, enabled FROM webhook_endpoint WHERE id = $1", app_hook
            )
            delivery = await fetch(
                "SELECT id FROM webhook_delivery WHERE endpoint_id = $1", app_hook
            )
        assert endpoint[0]["url"] == app.url("/hook") and endpoint[0]["enabled"]
        assert delivery
        deliveries = f"/api/v1/webhooks/deliveries/{delivery[0]['id']}"
        assert (await client.get(deliveries, headers=api)).status_code == 404
        assert (await client.post(f"{deliveries}/replay", headers=api)).status_code == 404
