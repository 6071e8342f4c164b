"""Issue 10, pages: destructive actions ask first, and errors keep the app's layout.

A POST that skips the confirmation step (no confirm=yes) gets the confirmation page and
changes nothing; the same POST through the confirmation does the thing.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from jewelia.platform.accounts import service as accounts
from jewelia.platform.apikeys import service as keys
from jewelia.platform.tenancy.registry import get_tenant
from jewelia.tenants.audit.service import Actor
from jewelia.tenants.transfer import service as transfer
from tests.conftest import STRONG_PASSWORD, unique_email
from tests.integration.test_pages import CSRF, form_post

HTML = {"Accept": "text/html"}


async def _owner_signed_in(client: Any, api: Any) -> str:
    """Log the page client in as the owner of the `api` fixture's business; a CSRF token."""
    r = await form_post(client, "/login", {"email": api.user.email, "password": STRONG_PASSWORD})
    assert r.status_code == 200 and 'action="/logout"' in r.text, r.text
    return await _token(client)


async def _token(client: Any, page: str = "/app") -> str:
    found = CSRF.search((await client.get(page)).text)
    assert found
    return found.group(1)


async def _asks_first(client: Any, path: str, data: dict[str, str]) -> None:
    """The POST without confirmation answers with the confirmation page, fields carried over."""
    r = await client.post(path, data=data)
    assert r.status_code == 200, (path, r.status_code, r.text[:400])
    assert 'id="confirm-page"' in r.text and "Nothing has changed yet." in r.text, path
    assert 'class="sidebar"' in r.text  # inside the app's layout
    assert (
        f'action="{path}"' in r.text
        and '<input type="hidden" name="confirm" value="yes">' in r.text
    )
    for name, value in data.items():
        if name != "_csrf_token":
            assert f'name="{name}" value="{value}"' in r.text, (path, name)


async def _confirmed(client: Any, path: str, data: dict[str, str]) -> Any:
    r = await client.post(path, data={**data, "confirm": "yes"})
    assert r.status_code in (200, 201), (path, r.status_code, r.text[:400])
    assert 'id="confirm-page"' not in r.text
    return r


async def test_customer_delete_and_order_cancel_ask_first(client: Any, api: Any) -> None:
    token = await _owner_signed_in(client, api)
    customer = (await api.post("/customers", json={"full_name": "Cara Coral"})).json()["data"]
    lone = (await api.post("/customers", json={"full_name": "Lone Lapis"})).json()["data"]
    item = (
        await api.post(
            "/inventory",
            json={"sku": "R-1", "name": "Ring", "category": "rings", "price": 10, "quantity": 2},
        )
    ).json()["data"]
    order = (
        await api.post(
            "/orders",
            json={"customer_id": customer["id"], "items": [{"inventory_id": item["id"]}]},
        )
    ).json()["data"]

    page = await client.get(f"/app/customers/{lone['id']}")
    assert 'name="confirm" value="yes"' in page.text and "Delete customer…" in page.text
    path = f"/app/customers/{lone['id']}/delete"
    await _asks_first(client, path, {"_csrf_token": token})
    assert (await api.get(f"/customers/{lone['id']}")).status_code == 200
    r = await _confirmed(client, path, {"_csrf_token": token})
    assert "Customer deleted." in r.text
    assert (await api.get(f"/customers/{lone['id']}")).status_code == 404

    page = await client.get(f"/app/orders/{order['id']}")
    assert "Cancel order…" in page.text and 'name="status" value="cancelled"' in page.text
    path = f"/app/orders/{order['id']}"
    data = {"_csrf_token": token, "status": "cancelled"}
    await _asks_first(client, path, data)
    assert (await api.get(f"/orders/{order['id']}")).json()["data"]["status"] == "pending"
    assert (await api.get(f"/inventory/{item['id']}")).json()["data"]["quantity"] == 1
    # Other moves need no confirmation.
    r = await client.post(path, data={"_csrf_token": token, "status": "confirmed"})
    assert "Order updated." in r.text
    r = await _confirmed(client, path, data)
    assert "Order cancelled; stock released." in r.text
    assert (await api.get(f"/inventory/{item['id']}")).json()["data"]["quantity"] == 2


async def test_api_key_revoke_and_rotate_ask_first(client: Any, api: Any) -> None:
    token = await _owner_signed_in(client, api)
    new = await keys.create_key(api.tenant.id, "Shop sync", ["read"])
    path = f"/settings/api-keys/{new.key.id}/revoke"
    await _asks_first(client, path, {"_csrf_token": token})
    assert (await keys.get_key(api.tenant.id, new.key.id)).status == "active"
    r = await _confirmed(client, path, {"_csrf_token": token})
    assert f"Key {new.key.prefix}… revoked." in r.text
    assert (await keys.get_key(api.tenant.id, new.key.id)).status == "revoked"

    other = await keys.create_key(api.tenant.id, "Other", ["read"])
    path = f"/settings/api-keys/{other.key.id}/rotate"
    before = {k.id for k in await keys.list_keys(api.tenant.id)}
    await _asks_first(client, path, {"_csrf_token": token, "grace_period_hours": "0"})
    assert {k.id for k in await keys.list_keys(api.tenant.id)} == before
    r = await _confirmed(client, path, {"_csrf_token": token, "grace_period_hours": "0"})
    assert r.status_code == 201 and 'id="new-api-key"' in r.text
    assert (await keys.get_key(api.tenant.id, other.key.id)).status != "active"


async def test_member_removal_and_invite_revocation_ask_first(client: Any, api: Any) -> None:
    token = await _owner_signed_in(client, api)
    owner = await accounts.membership(api.user.id, api.tenant.id)
    invite = await accounts.invite_member(api.user, owner, unique_email("mia"), "member")
    mia, _ = await accounts.register_and_accept(invite, "Mia Member", STRONG_PASSWORD)

    path = f"/app/team/{mia.id}/remove"
    await _asks_first(client, path, {"_csrf_token": token})
    members, _ = await accounts.team(api.tenant.id)
    assert mia.id in {m.user_id for m in members}
    r = await _confirmed(client, path, {"_csrf_token": token})
    assert "Member removed." in r.text
    members, _ = await accounts.team(api.tenant.id)
    assert mia.id not in {m.user_id for m in members}

    await accounts.invite_member(api.user, owner, unique_email("pending"), "read-only")
    (pending,) = (await accounts.team(api.tenant.id))[1]
    path = f"/app/team/invites/{pending.id}/revoke"
    await _asks_first(client, path, {"_csrf_token": token})
    assert len((await accounts.team(api.tenant.id))[1]) == 1
    r = await _confirmed(client, path, {"_csrf_token": token})
    assert "Invitation revoked." in r.text
    assert (await accounts.team(api.tenant.id))[1] == []


async def test_webhook_endpoint_and_inbound_source_actions_ask_first(client: Any, api: Any) -> None:
    token = await _owner_signed_in(client, api)
    hook = (
        await api.post("/webhooks", json={"url": "https://hooks.example.com/a", "events": ["*"]})
    ).json()["data"]
    base = f"/developers/webhooks/{hook['id']}"

    await _asks_first(client, f"{base}/disable", {"_csrf_token": token})
    assert (await api.get(f"/webhooks/{hook['id']}")).json()["data"]["enabled"] is True
    r = await _confirmed(client, f"{base}/disable", {"_csrf_token": token})
    assert "Endpoint disabled" in r.text
    assert (await api.get(f"/webhooks/{hook['id']}")).json()["data"]["enabled"] is False
    r = await client.post(f"{base}/enable", data={"_csrf_token": token})  # harmless: no question
    assert "Endpoint enabled." in r.text

    await _asks_first(client, f"{base}/rotate", {"_csrf_token": token})
    assert (await api.get(f"/webhooks/{hook['id']}")).json()["data"].get(
        "secret_rotation_ends_at"
    ) is None
    r = await _confirmed(client, f"{base}/rotate", {"_csrf_token": token})
    assert r.status_code == 201 and "keeps signing beside this one until" in r.text

    await _asks_first(client, f"{base}/delete", {"_csrf_token": token})
    assert (await api.get(f"/webhooks/{hook['id']}")).status_code == 200
    r = await _confirmed(client, f"{base}/delete", {"_csrf_token": token})
    assert "deleted." in r.text
    assert (await api.get(f"/webhooks/{hook['id']}")).status_code == 404

    source = (await api.post("/webhooks/inbound", json={"name": "Etsy"})).json()["data"]
    base = f"/developers/webhooks/inbound/{source['id']}"
    data = {"_csrf_token": token, "grace_period_hours": "0"}
    await _asks_first(client, f"{base}/rotate", data)
    r = await _confirmed(client, f"{base}/rotate", data)
    assert r.status_code == 201 and 'id="new-inbound-secret"' in r.text
    await _asks_first(client, f"{base}/delete", {"_csrf_token": token})
    assert (await api.get(f"/webhooks/inbound/{source['id']}")).status_code == 200
    r = await _confirmed(client, f"{base}/delete", {"_csrf_token": token})
    assert "Etsy deleted." in r.text
    assert (await api.get(f"/webhooks/inbound/{source['id']}")).status_code == 404


async def test_job_cancel_asks_first(client: Any, api: Any, monkeypatch: Any) -> None:
    async def hold(tenant_id: uuid.UUID, job_id: uuid.UUID) -> None:
        return None  # stays queued: no worker picks it up

    monkeypatch.setattr(transfer, "_enqueue", hold)
    token = await _owner_signed_in(client, api)
    info = await get_tenant(api.tenant.id)
    started = await transfer.start_export(
        info, Actor("user", api.user.id, api.user.email), data_type="customers", fmt="csv"
    )
    job_id = uuid.UUID(str(started["jobId"]))
    page = await client.get(f"/app/data/jobs/{job_id}")
    assert 'id="cancel-job" hx-preserve' in page.text  # the open question survives polling
    path = f"/app/data/jobs/{job_id}/cancel"
    await _asks_first(client, path, {"_csrf_token": token, "back": "jobs"})
    assert (await transfer.get_job(info.ref, job_id))["status"] == "queued"
    r = await _confirmed(client, path, {"_csrf_token": token, "back": "jobs"})
    assert "Cancelling" in r.text
    assert (await transfer.get_job(info.ref, job_id))["status"] == "cancelled"


async def test_refusals_and_errors_keep_the_app_layout(client: Any, api: Any) -> None:
    owner = await accounts.membership(api.user.id, api.tenant.id)
    invite = await accounts.invite_member(api.user, owner, unique_email("ro"), "read-only")
    viewer, _ = await accounts.register_and_accept(invite, "Vera Viewer", STRONG_PASSWORD)
    r = await form_post(client, "/login", {"email": viewer.email, "password": STRONG_PASSWORD})
    assert r.status_code == 200
    for path in ("/settings/api-keys", f"/app/customers/{uuid.uuid4()}"):
        r = await client.get(path, headers=HTML)
        assert r.status_code in (403, 404), path
        assert 'class="sidebar"' in r.text and 'id="error-page"' in r.text, path
        assert api.tenant.name in r.text and "Vera Viewer" in r.text, path
        assert 'class="topbar"' not in r.text
    r = await client.get("/settings/api-keys", headers=HTML)
    assert "Only owners and admins can manage API keys" in r.text
    assert re.search(r'<a href="/settings/api-keys" aria-current="page">', r.text)
    # A POST the role may not make is refused (403) before any question is asked.
    token = await _token(client)
    key = await keys.create_key(api.tenant.id, "Kept", ["read"])
    r = await client.post(
        f"/settings/api-keys/{key.key.id}/revoke", data={"_csrf_token": token}, headers=HTML
    )
    assert r.status_code == 403 and 'id="confirm-page"' not in r.text
    # Signed out, an error is the public page.
    await form_post(client, "/app", {}, action="/logout")
    r = await client.get("/no-such-page", headers=HTML)
    assert r.status_code == 404 and 'class="topbar"' in r.text and 'class="sidebar"' not in r.text
