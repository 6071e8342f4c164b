"""An app token manages only its own install's webhook endpoints: endpoints it creates are
tagged with the install (and removed on uninstall), the business's endpoints and deliveries are
not found (404), the business's key does not see the app's, the events need the token's
scopes, and incoming sources and the testing tools are closed to app tokens."""

from __future__ import annotations

from typing import Any

from jewelia.core.db import fetch, tenant_scope
from jewelia.platform.apikeys.service import PERMISSIONS, create_key
from jewelia.platform.marketplace import installs
from jewelia.platform.oauth.scopes import scope_for
from tests.integration.test_marketplace_installs import _tenant_ref
from tests.integration.test_marketplace_oauth import bearer, seed_listing, tokens_for
from tests.integration.test_pages import signup
from tests.webhook_receiver import Receiver


async def test_app_token_manages_only_its_install_endpoints(client: Any) -> None:
    with Receiver() as hooks:
        listing = await seed_listing(scopes=["webhooks:write", "customers:read"])
        email = await signup(client, business="Own Hook Gems")
        tenant = await _tenant_ref(email)
        body = await tokens_for(client, listing)
        app = bearer(body["access_token"])
        install = await installs.active_install(listing["id"], tenant.id)
        assert install is not None
        key = await create_key(tenant.id, "test key", list(PERMISSIONS))
        api = bearer(key.secret)

        # The business's own endpoint, with a delivery.
        r = await client.post(
            "/api/v1/webhooks", json={"url": hooks.url("/own"), "events": ["*"]}, headers=api
        )
        assert r.status_code == 201, r.text
        own = r.json()["data"]["id"]
        r = await client.post(f"/api/v1/webhooks/{own}/test", headers=api)
        assert r.status_code == 202, r.text
        own_delivery = r.json()["data"]["id"]

        # The app's endpoint: tagged with its install.
        r = await client.post(
            "/api/v1/webhooks",
            json={"url": hooks.url("/app"), "events": ["customer.*"]},
            headers=app,
        )
        assert r.status_code == 201, r.text
        mine = r.json()["data"]["id"]
        assert r.json()["data"]["secret"]
        async with tenant_scope(tenant):
            rows = await fetch("SELECT app_install_id FROM webhook_endpoint WHERE id = $1", mine)
        assert rows[0]["app_install_id"] == install["id"]

        # The app sees and changes only its own.
        listed = await client.get("/api/v1/webhooks", headers=app)
        assert listed.status_code == 200, listed.text
        assert [e["id"] for e in listed.json()["data"]] == [mine]
        assert listed.json()["pagination"]["total"] == 1
        assert (await client.get(f"/api/v1/webhooks/{mine}", headers=app)).status_code == 200
        r = await client.patch(
            f"/api/v1/webhooks/{mine}", json={"description": "app hook"}, headers=app
        )
        assert r.status_code == 200, r.text
        r = await client.post(f"/api/v1/webhooks/{mine}/rotate-secret", headers=app)
        assert r.status_code == 200, r.text
        r = await client.post(f"/api/v1/webhooks/{mine}/test", headers=app)
        assert r.status_code == 202, r.text
        app_delivery = r.json()["data"]["id"]
        r = await client.get(f"/api/v1/webhooks/{mine}/deliveries", headers=app)
        assert r.status_code == 200 and [d["id"] for d in r.json()["data"]] == [app_delivery]
        r = await client.get(f"/api/v1/webhooks/deliveries/{app_delivery}", headers=app)
        assert r.status_code == 200, r.text

        # The business's endpoint and deliveries are not found by the app's token.
        base = f"/api/v1/webhooks/{own}"
        assert (await client.get(base, headers=app)).status_code == 404
        for method in ("put", "patch"):
            r = await client.request(method, base, json={"url": hooks.url("/stolen")}, headers=app)
            assert r.status_code == 404, (method, r.text)
        for action in ("rotate-secret", "disable", "enable", "test"):
            r = await client.post(f"{base}/{action}", headers=app)
            assert r.status_code == 404, (action, r.text)
        r = await client.post(
            f"{base}/recover", json={"since": "2020-01-01T00:00:00Z"}, headers=app
        )
        assert r.status_code == 404, r.text
        assert (await client.get(f"{base}/deliveries", headers=app)).status_code == 404
        delivery = f"/api/v1/webhooks/deliveries/{own_delivery}"
        assert (await client.get(delivery, headers=app)).status_code == 404
        assert (await client.post(f"{delivery}/replay", headers=app)).status_code == 404
        assert (await client.delete(base, headers=app)).status_code == 404
        async with tenant_scope(tenant):
            kept = await fetch("SELECT url FROM webhook_endpoint WHERE id = $1", own)
        assert kept and kept[0]["url"] == hooks.url("/own")

        # The business's key does not see the app's endpoint or its deliveries.
        listed = await client.get("/api/v1/webhooks", headers=api)
        assert [e["id"] for e in listed.json()["data"]] == [own]
        assert (await client.get(f"/api/v1/webhooks/{mine}", headers=api)).status_code == 404
        r = await client.get(f"/api/v1/webhooks/deliveries/{app_delivery}", headers=api)
        assert r.status_code == 404
        assert (await client.delete(f"/api/v1/webhooks/{mine}", headers=api)).status_code == 404

        # Events beyond the token's scopes are refused, on create and on update.
        for events in (["order.*"], ["customer.created", "order.created"], ["*"]):
            r = await client.post(
                "/api/v1/webhooks", json={"url": hooks.url("/x"), "events": events}, headers=app
            )
            assert r.status_code == 422, r.text
            assert r.json()["code"] == "VALIDATION_ERROR", r.text
        r = await client.patch(
            f"/api/v1/webhooks/{mine}", json={"events": ["inventory.*"]}, headers=app
        )
        assert r.status_code == 422 and r.json()["code"] == "VALIDATION_ERROR", r.text
        r = await client.get(f"/api/v1/webhooks/{mine}", headers=app)
        assert r.json()["data"]["events"] == ["customer.*"]

        # Uninstalling removes the app's endpoint; the business's stays.
        await installs.uninstall(install["id"], None)
        async with tenant_scope(tenant):
            left = await fetch("SELECT id FROM webhook_endpoint")
        assert [str(r["id"]) for r in left] == [own]


async def test_incoming_sources_and_testing_tools_are_closed_to_app_tokens(client: Any) -> None:
    listing = await seed_listing(scopes=["webhooks:write"])
    email = await signup(client, business="Closed Source Gems")
    tenant = await _tenant_ref(email)
    app = bearer((await tokens_for(client, listing))["access_token"])
    key = await create_key(tenant.id, "test key", list(PERMISSIONS))
    r = await client.post(
        "/api/v1/webhooks/inbound", json={"name": "CRM"}, headers=bearer(key.secret)
    )
    assert r.status_code == 201, r.text
    source = r.json()["data"]["id"]

    refused = [
        ("GET", "/api/v1/webhooks/inbound"),
        ("POST", "/api/v1/webhooks/inbound"),
        ("GET", f"/api/v1/webhooks/inbound/{source}"),
        ("GET", f"/api/v1/webhooks/inbound/{source}/events"),
        ("POST", f"/api/v1/webhooks/inbound/{source}/rotate-secret"),
        ("DELETE", f"/api/v1/webhooks/inbound/{source}"),
        ("GET", "/api/v1/webhooks/test"),
        ("POST", "/api/v1/webhooks/test"),
        ("POST", "/api/v1/webhooks/test/signature"),
    ]
    for method, path in refused:
        kwargs = {"json": {"name": "x"}} if method == "POST" else {}
        r = await client.request(method, path, headers=app, **kwargs)
        assert r.status_code == 403, (method, path, r.text)
        assert r.json()["code"] == "AUTHORIZATION_ERROR", (method, path)
    async with tenant_scope(tenant):
        sources = await fetch("SELECT id FROM inbound_source")
    assert len(sources) == 1

    # Endpoint management and the catalog stay open to the webhooks scopes.
    assert (await client.get("/api/v1/webhooks", headers=app)).status_code == 200
    assert (await client.get("/api/v1/webhooks/events", headers=app)).status_code == 200
    assert scope_for("GET", "/api/v1/webhooks/sources") is None
    assert scope_for("POST", "/api/v1/webhooks/inbound/") is None
    assert scope_for("GET", f"/api/v1/webhooks/{source}/deliveries") == "webhooks:read"
    assert scope_for("POST", f"/api/v1/webhooks/deliveries/{source}/replay") == "webhooks:write"
