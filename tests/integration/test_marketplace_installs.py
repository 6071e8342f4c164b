"""Installs over HTTP with a real worker and a real app receiver: the app's webhook endpoint in
the tenant, app.installed signed with the client secret, catalog events carrying the tenant id,
uninstall with its read-only cleanup window, tenant.redact after 48 hours, reinstall keeping
data, and new scopes needing consent again."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from jewelia.core.db import TenantRef, execute, fetch, tenant_scope
from jewelia.core.errors import PermissionDenied
from jewelia.platform.marketplace import installs
from jewelia.tenants.webhooks import signing
from tests.integration.test_marketplace_oauth import (
    bearer,
    consent,
    pkce,
    seed_listing,
    tenant_of,
    tokens_for,
)
from tests.integration.test_pages import CSRF, signup
from tests.integration.test_webhooks import _wait
from tests.webhook_receiver import Receiver

PAGE = "/settings/integrations"


def _events(receiver: Receiver, name: str) -> list[Any]:
    return [r for r in receiver.received if r.json().get("event") == name]


def _signed_by(secret: str, received: Any) -> None:
    assert signing.verify_legacy(secret, received.body, received.headers["X-Webhook-Signature"])
    assert signing.verify_standard(secret, received.headers, received.body)
    assert not signing.verify_legacy(
        "wrong-secret-000000", received.body, received.headers["X-Webhook-Signature"]
    )


async def _tenant_ref(email: str) -> TenantRef:
    t = await tenant_of(email)
    return TenantRef(t["id"], t["schema_name"])


async def test_install_creates_the_endpoint_and_the_app_hears_signed_events(
    client: Any, worker: Any
) -> None:
    with Receiver() as app:
        listing = await seed_listing(webhook_url=app.url("/hook"), events=["customer.*"])
        secret = listing["secret"]
        email = await signup(client, business="Install Gems")
        tenant = await _tenant_ref(email)
        body = await tokens_for(client, listing)

        install = await installs.active_install(listing["id"], tenant.id)
        assert install is not None and install["scopes"] == ["customers:write", "orders:read"]
        assert install["installed_by"] is not None and install["installed_at"] is not None
        counts = await fetch(
            "SELECT download_count, active_installs FROM public.listing WHERE id = $1",
            listing["id"],
        )
        assert (counts[0]["download_count"], counts[0]["active_installs"]) == (1, 1)
        async with tenant_scope(tenant):
            endpoints = await fetch("SELECT url, events, app_install_id FROM webhook_endpoint")
            outbox = await fetch(
                "SELECT payload FROM event_outbox WHERE event_type = 'integration.installed'"
            )
            audit = await fetch(
                "SELECT actor_type FROM audit_log WHERE action = 'integration.installed'"
            )
        assert [(e["url"], list(e["events"]), e["app_install_id"]) for e in endpoints] == [
            (app.url("/hook"), ["customer.*"], install["id"])
        ]
        assert len(outbox) == 1 and audit[0]["actor_type"] == "user"

        await _wait(lambda: _async(len(_events(app, "app.installed")) == 1), 30)
        got = _events(app, "app.installed")[0]
        _signed_by(secret, got)
        payload = got.json()
        assert payload["tenant_id"] == str(tenant.id)
        assert payload["data"]["install_id"] == str(install["id"])
        assert payload["data"]["scopes"] == ["customers:write", "orders:read"]
        assert set(payload) == {"id", "event", "timestamp", "tenant_id", "data"}

        # A catalog event reaches the app signed with its client secret, with the tenant id.
        made = await client.post(
            "/api/v1/customers",
            json={"full_name": "Carla Catalog"},
            headers=bearer(body["access_token"]),
        )
        assert made.status_code == 201, made.text
        await _wait(lambda: _async(len(_events(app, "customer.created")) == 1), 30)
        created = _events(app, "customer.created")[0]
        _signed_by(secret, created)
        assert created.json()["tenant_id"] == str(tenant.id)
        assert created.json()["data"]["full_name"] == "Carla Catalog"
        async with tenant_scope(tenant):
            by_app = await fetch(
                "SELECT actor_type, actor_id FROM audit_log WHERE action LIKE 'customer.%'"
            )
        assert [(r["actor_type"], r["actor_id"]) for r in by_app] == [("app", listing["id"])]

        # Authorizing again with the same scopes is not a second install.
        await tokens_for(client, listing)
        assert len(await installs.install_history(listing["id"], tenant.id)) == 1
        counts = await fetch(
            "SELECT download_count FROM public.listing WHERE id = $1", listing["id"]
        )
        assert counts[0]["download_count"] == 1


async def _async(value: Any) -> Any:
    return value


async def test_uninstall_keeps_reads_for_the_cleanup_window_then_redacts(
    client: Any, worker: Any
) -> None:
    with Receiver() as app:
        listing = await seed_listing(webhook_url=app.url("/hook"), events=["customer.*"])
        email = await signup(client, business="Leaving Gems")
        tenant = await _tenant_ref(email)
        body = await tokens_for(client, listing)
        token = body["access_token"]
        install = await installs.active_install(listing["id"], tenant.id)
        assert install is not None

        page = await client.get(PAGE)
        assert page.status_code == 200 and listing["name"] in page.text
        assert "See your orders" in page.text and "Pat Pearl" in page.text
        csrf = CSRF.search(page.text)
        assert csrf
        action = f"{PAGE}/{install['id']}/uninstall"
        asked = await client.post(action, data={"_csrf_token": csrf.group(1)})
        assert "Uninstall this app?" in asked.text
        assert await installs.active_install(listing["id"], tenant.id) is not None
        done = await client.post(action, data={"_csrf_token": csrf.group(1), "confirm": "yes"})
        assert done.status_code == 200 and "The app was uninstalled." in done.text
        assert await installs.active_install(listing["id"], tenant.id) is None

        await _wait(lambda: _async(len(_events(app, "app.uninstalled")) == 1), 30)
        gone = _events(app, "app.uninstalled")[0]
        _signed_by(listing["secret"], gone)
        assert gone.json()["tenant_id"] == str(tenant.id)

        row = (await installs.install_history(listing["id"], tenant.id))[0]
        window = row["cleanup_until"] - row["uninstalled_at"]
        assert window.total_seconds() == 15 * 60
        assert (row["redact_due_at"] - row["uninstalled_at"]).total_seconds() == 48 * 3600
        counts = await fetch(
            "SELECT download_count, active_installs FROM public.listing WHERE id = $1",
            listing["id"],
        )
        assert (counts[0]["download_count"], counts[0]["active_installs"]) == (1, 0)
        async with tenant_scope(tenant):
            assert await fetch("SELECT 1 FROM webhook_endpoint") == []
            assert await fetch(
                "SELECT 1 FROM event_outbox WHERE event_type = 'integration.uninstalled'"
            )

        # Read-only until cleanup_until; no refresh.
        assert (await client.get("/api/v1/customers", headers=bearer(token))).status_code == 200
        r = await client.post("/api/v1/customers", json={"full_name": "X"}, headers=bearer(token))
        assert r.status_code == 403 and r.json()["code"] == "AUTHORIZATION_ERROR"
        r = await client.post(
            "/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
            auth=(listing["client_id"], listing["secret"]),
        )
        assert r.json()["error"] == "invalid_grant"
        await execute(
            "UPDATE public.app_install SET cleanup_until = now() - interval '1 second'"
            " WHERE id = $1",
            install["id"],
        )
        assert (await client.get("/api/v1/customers", headers=bearer(token))).status_code == 401

        # tenant.redact once its time has come, and only once.
        await installs.send_due_redacts()
        assert _events(app, "tenant.redact") == []
        await execute(
            "UPDATE public.app_install SET redact_due_at = now() - interval '1 second'"
            " WHERE id = $1",
            install["id"],
        )
        assert await installs.send_due_redacts() >= 1
        await _wait(lambda: _async(len(_events(app, "tenant.redact")) == 1), 30)
        redact = _events(app, "tenant.redact")[0]
        _signed_by(listing["secret"], redact)
        assert redact.json()["data"]["install_id"] == str(install["id"])
        assert redact.json()["tenant_id"] == str(tenant.id)
        await installs.send_due_redacts()
        sent = await fetch(
            "SELECT redact_sent_at FROM public.app_install WHERE id = $1", install["id"]
        )
        assert sent[0]["redact_sent_at"] is not None


async def test_reinstall_inside_the_window_cancels_the_redact(client: Any, worker: Any) -> None:
    with Receiver() as app:
        listing = await seed_listing(webhook_url=app.url("/hook"), events=["order.*"])
        email = await signup(client, business="Back Again Gems")
        tenant = await _tenant_ref(email)
        await tokens_for(client, listing)
        first = await installs.active_install(listing["id"], tenant.id)
        assert first is not None
        await installs.uninstall(first["id"], first["installed_by"])
        await _wait(lambda: _async(len(_events(app, "app.uninstalled")) == 1), 30)

        again = await tokens_for(client, listing)
        assert (
            await client.get("/api/v1/customers", headers=bearer(again["access_token"]))
        ).status_code == 200
        history = await installs.install_history(listing["id"], tenant.id)
        assert [h["status"] for h in history] == ["uninstalled", "active"]
        assert history[0]["redact_due_at"] is None
        # Even when everything due is swept, nothing is sent for this app.
        await execute(
            "UPDATE public.app_install SET redact_due_at = now() - interval '1 second'"
            " WHERE id = $1 AND redact_due_at IS NOT NULL",
            first["id"],
        )
        await installs.send_due_redacts()
        counts = await fetch(
            "SELECT download_count, active_installs FROM public.listing WHERE id = $1",
            listing["id"],
        )
        assert (counts[0]["download_count"], counts[0]["active_installs"]) == (2, 1)
        async with tenant_scope(tenant):
            endpoints = await fetch("SELECT app_install_id FROM webhook_endpoint")
        assert [e["app_install_id"] for e in endpoints] == [history[1]["id"]]
        await _wait(lambda: _async(len(_events(app, "app.installed")) == 2), 30)
        assert _events(app, "tenant.redact") == []


async def test_more_scopes_need_consent_again(client: Any) -> None:
    listing = await seed_listing(scopes=["customers:read"])
    email = await signup(client, business="Growing Gems")
    tenant = await tenant_of(email)
    await tokens_for(client, listing)
    # A new version asks for more.
    await execute(
        "UPDATE public.listing SET scopes = $2 WHERE id = $1",
        listing["id"],
        ["customers:read", "orders:write"],
    )
    grown = {**listing, "scopes": ["customers:read", "orders:write"]}
    from tests.integration.test_marketplace_oauth import authorize_url

    _, challenge = pkce()
    page = await client.get(authorize_url(grown, challenge))
    assert 'data-new-scopes="orders:write"' in page.text
    install = await installs.active_install(listing["id"], tenant["id"])
    assert install is not None and install["scopes"] == ["customers:read"]
    r = await consent(client, grown, challenge)
    assert r.status_code == 302 and "code=" in r.headers["location"]
    install = await installs.active_install(listing["id"], tenant["id"])
    assert install is not None and install["scopes"] == ["customers:read", "orders:write"]
    assert len(await installs.install_history(listing["id"], tenant["id"])) == 1


async def test_only_owners_and_admins_install(client: Any, business: Any) -> None:
    user, tenant = business
    listing = await seed_listing()
    stranger = uuid.uuid4()
    with pytest.raises(PermissionDenied):
        await installs.install(listing["id"], tenant.id, stranger, ["customers:read"])
    await execute(
        "UPDATE public.membership SET role = 'member' WHERE user_id = $1 AND tenant_id = $2",
        user.id,
        tenant.id,
    )
    with pytest.raises(PermissionDenied):
        await installs.install(listing["id"], tenant.id, user.id, ["customers:read"])
    assert await installs.install_history(listing["id"], tenant.id) == []
