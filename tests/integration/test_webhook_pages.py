"""Developers > Webhooks over HTTP: endpoints with inline errors and a secret shown once, the
catalog, an endpoint's deliveries and attempts, test events, replay and recovery, roles, CSRF,
other businesses' ids, and the REST test-event route."""

from __future__ import annotations

import html
import json
import re
import uuid
from typing import Any

from jewelia.core.db import TenantRef, fetch, tenant_scope
from jewelia.tenants.audit.service import Actor
from jewelia.tenants.webhooks import catalog
from jewelia.tenants.webhooks.outbound import service
from jewelia.tenants.webhooks.outbound.test_event import send_test_event
from tests.conftest import STRONG_PASSWORD, unique_email
from tests.integration.test_pages import CSRF, form_post, signup
from tests.integration.test_webhooks import _wait
from tests.webhook_receiver import Receiver, seed_signature_ok

PAGE = "/developers/webhooks"
SECRET = re.compile(r'id="new-webhook-secret" class="secret">(whsec_[^<]+)<')
HTML = {"accept": "text/html"}


async def _token(client: Any, page: str = PAGE) -> str:
    got = await client.get(page)
    assert got.status_code == 200, got.text
    found = CSRF.search(got.text)
    assert found
    return found.group(1)


async def _create(client: Any, url: str, events: list[str], **extra: str) -> tuple[str, str]:
    """Create an endpoint through the page; its id and the secret shown once."""
    data: dict[str, Any] = {"_csrf_token": await _token(client), "url": url, "events": events}
    r = await client.post(PAGE, data={**data, **extra})
    assert r.status_code == 201, r.text
    secret = SECRET.search(r.text)
    assert secret
    found = re.search(r'href="/developers/webhooks/([0-9a-f-]{36})"', r.text)
    assert found
    return found.group(1), secret.group(1)


async def _signed_up(client: Any, business: str) -> TenantRef:
    """Sign up through the pages; the new business."""
    email = await signup(client, business=business)
    rows = await fetch(
        "SELECT t.id, t.schema_name FROM public.tenant t JOIN public.membership m"
        " ON m.tenant_id = t.id JOIN public.app_user u ON u.id = m.user_id WHERE u.email = $1",
        email,
    )
    return TenantRef(rows[0]["id"], rows[0]["schema_name"])


async def _delivery_row(tenant: TenantRef, delivery_id: str) -> dict[str, Any]:
    async with tenant_scope(tenant):
        rows = await fetch(
            "SELECT event_type, status, payload::text AS payload FROM webhook_delivery"
            " WHERE id = $1",
            uuid.UUID(delivery_id),
        )
    return rows[0]


async def test_pages_need_a_login(client: Any) -> None:
    for path in (PAGE, f"{PAGE}/{uuid.uuid4()}", f"{PAGE}/stream"):
        r = await client.get(path, follow_redirects=False)
        assert r.status_code in (302, 303) and r.headers["location"].startswith("/login"), path


async def test_the_page_lists_the_catalog_and_links_the_other_tools(client: Any) -> None:
    await signup(client, business="Catalog Gems")
    r = await client.get(PAGE)
    assert r.status_code == 200
    for event in catalog.EVENT_TYPES:
        assert f'value="{event}"' in r.text, event  # a checkbox in the form
        assert f"<code>{event}</code>" in r.text  # and in the catalog
    for category in catalog.CATEGORIES:
        assert f'value="{category}.*"' in r.text
    assert '"event": "order.created"' in html.unescape(r.text)  # an example delivery
    assert 'href="/developers/webhooks/tools"' in r.text
    assert 'href="/developers/webhooks/inbound"' in r.text
    assert "No endpoints yet" in r.text
    assert 'sse-connect="/developers/webhooks/stream"' in r.text
    assert "/static/vendor/htmx-ext-sse/sse.js" in r.text
    for asset in ("/static/vendor/htmx-ext-sse/sse.js", "/static/webhooks.js"):
        got = await client.get(asset)
        assert got.status_code == 200 and "javascript" in got.headers["content-type"]
    assert "<script>" not in r.text and "style=" not in r.text  # the CSP allows neither


async def test_create_errors_show_at_their_fields_and_create_nothing(client: Any) -> None:
    await signup(client, business="Careful Gems")
    token = await _token(client)
    r = await client.post(
        PAGE,
        data={
            "_csrf_token": token,
            "url": "ftp://example.com/hook",
            "description": "x" * 501,
            "secret": "short",
        },
    )
    assert r.status_code == 422
    for name in ("url", "events", "description", "secret"):
        assert f'data-field="{name}"' in r.text, name
    assert "Choose at least one event type" in r.text
    assert 'value="short"' not in r.text  # a secret is never echoed back
    assert 'value="ftp://example.com/hook"' in r.text  # the rest is kept
    r = await client.post(
        PAGE,
        data={
            "_csrf_token": token,
            "url": "http://169.254.169.254/latest/meta-data/",
            "events": ["order.created", "nope.event"],
        },
    )
    assert r.status_code == 422
    assert "Unknown event type &#39;nope.event&#39;" in r.text
    assert 'data-field="url"' in r.text
    assert 'value="order.created" checked' in r.text  # the choices are kept
    assert "No endpoints yet" in r.text


async def test_create_shows_the_secret_once_and_the_endpoint_page(client: Any) -> None:
    await signup(client, business="Secret Gems")
    endpoint_id, secret = await _create(
        client,
        "https://hooks.example.com/jewelia",
        ["order.*", "customer.created"],
        description="Shop sync",
    )
    assert len(secret) > 30
    listed = await client.get(PAGE)
    assert secret not in listed.text
    assert "https://hooks.example.com/jewelia" in listed.text and "Shop sync" in listed.text
    assert f'id="endpoint-{endpoint_id}"' in listed.text
    page = await client.get(f"{PAGE}/{endpoint_id}")
    assert page.status_code == 200
    assert secret not in page.text
    assert "Send test event" in page.text and "No deliveries" in page.text
    assert f'sse-connect="/developers/webhooks/stream?endpoint={endpoint_id}"' in page.text
    # Rotation shows the new one once, and says how long the old one keeps signing.
    token = CSRF.search(page.text).group(1)
    r = await client.post(
        f"{PAGE}/{endpoint_id}/rotate", data={"_csrf_token": token, "confirm": "yes"}
    )
    assert r.status_code == 201
    rotated = SECRET.search(r.text).group(1)
    assert rotated != secret and "keeps signing beside this one until" in r.text
    assert rotated not in (await client.get(f"{PAGE}/{endpoint_id}")).text
    # A secret of one's own is kept.
    own = "whsec_" + "A1b2" * 10
    _, shown = await _create(client, "https://hooks.example.com/two", ["*"], secret=own)
    assert shown == own


async def test_edit_enable_disable_and_delete(client: Any) -> None:
    await signup(client, business="Editing Gems")
    endpoint_id, _ = await _create(client, "https://hooks.example.com/a", ["order.created"])
    base = f"{PAGE}/{endpoint_id}"
    token = await _token(client, base)
    r = await client.post(
        f"{base}/edit", data={"_csrf_token": token, "url": "nonsense", "events": []}
    )
    assert r.status_code == 422
    assert 'data-field="url"' in r.text and 'data-field="events"' in r.text
    r = await client.post(
        f"{base}/edit",
        data={
            "_csrf_token": token,
            "url": "https://hooks.example.com/b",
            "events": ["inventory.*"],
            "description": "moved",
        },
    )
    assert r.status_code == 200 and "Endpoint saved." in r.text
    assert "https://hooks.example.com/b" in r.text and "<code>inventory.*</code>" in r.text
    r = await client.post(f"{base}/disable", data={"_csrf_token": token, "confirm": "yes"})
    assert "Disabled by a user" in r.text and "Send test event" not in r.text
    r = await client.post(f"{base}/test", data={"_csrf_token": token})
    assert "The endpoint is disabled" in r.text  # a flash, back on the page
    r = await client.post(f"{base}/enable", data={"_csrf_token": token})
    assert "Endpoint enabled." in r.text and "Send test event" in r.text
    r = await client.post(f"{base}/test", data={"_csrf_token": token})  # without JavaScript
    assert r.status_code == 200 and "Test event queued" in r.text
    assert str(r.url).endswith(base) and "<code>webhook.test</code>" in r.text
    r = await client.post(f"{base}/delete", data={"_csrf_token": token, "confirm": "yes"})
    assert r.status_code == 200 and "deleted." in r.text and "No endpoints yet" in r.text
    assert (await client.get(base, headers=HTML)).status_code == 404


async def test_test_event_replay_and_attempts_on_the_page(client: Any, worker: Any) -> None:
    tenant = await _signed_up(client, "Testing Gems")
    with Receiver() as receiver:
        endpoint_id, secret = await _create(client, receiver.url("/hook"), ["order.created"])
        receiver.secret = secret  # answers 401 unless the signature is made with it
        base = f"{PAGE}/{endpoint_id}"
        token = await _token(client, base)
        hx = {"HX-Request": "true", "x-csrftoken": token}
        r = await client.post(f"{base}/test", headers=hx)
        assert r.status_code == 202
        assert "<html" not in r.text and 'class="badge wh-pending">pending<' in r.text
        delivery_id = re.search(r'id="delivery-([0-9a-f-]{36})"', r.text).group(1)
        row = await _delivery_row(tenant, delivery_id)
        assert row["event_type"] == "webhook.test"
        payload = json.loads(row["payload"])
        assert set(payload) == {"event", "data", "timestamp", "id"}
        assert payload["event"] == "webhook.test"
        assert payload["data"] == {
            "message": "Test webhook from Jewelia",
            "endpoint_id": endpoint_id,
        }

        async def status(wanted: str) -> bool:
            return (await _delivery_row(tenant, delivery_id))["status"] == wanted

        await _wait(lambda: status("succeeded"), 20)
        got = receiver.received[-1]
        assert seed_signature_ok(secret, got.headers, got.body)
        assert json.loads(got.body) == payload

        detail = await client.get(f"{PAGE}/deliveries/{delivery_id}")
        assert detail.status_code == 200 and "<html" in detail.text
        assert "wh-succeeded" in detail.text and "Attempt 1" in detail.text
        assert "HTTP 200" in detail.text and "X-Webhook-Signature: sha256=" in detail.text
        assert "{&#34;received&#34;: true}" in detail.text  # the response body
        assert f"msg_{uuid.UUID(payload['id']).hex}" in detail.text
        opened = await client.get(f"{PAGE}/deliveries/{delivery_id}", headers=hx)
        assert opened.text.lstrip().startswith("<tbody") and 'data-expanded="true"' in opened.text
        assert "Attempt 1" in opened.text
        closed = await client.get(f"{PAGE}/deliveries/{delivery_id}?view=row", headers=hx)
        assert 'data-expanded="false"' in closed.text and "Attempt 1" not in closed.text

        # Replay with htmx: the row comes back (open, as it was), then a second attempt.
        r = await client.post(
            f"{PAGE}/deliveries/{delivery_id}/replay", data={"expanded": "1"}, headers=hx
        )
        assert r.status_code == 202 and 'data-expanded="true"' in r.text
        assert f'id="delivery-{delivery_id}"' in r.text
        await _wait(lambda: _received(receiver, 2), 20)
        await _wait(lambda: status("succeeded"), 20)
        assert receiver.received[1].headers["webhook-id"] == got.headers["webhook-id"]
        # Replay without JavaScript: back to the endpoint page with a message.
        r = await client.post(
            f"{PAGE}/deliveries/{delivery_id}/replay", data={"_csrf_token": token}
        )
        assert r.status_code == 200 and "Delivery queued again" in r.text
        assert str(r.url).endswith(base)
        await _wait(lambda: _received(receiver, 3), 20)
        await _wait(lambda: status("succeeded"), 20)

        page = await client.get(base)
        assert 'data-attempts="3"' in page.text and "100.0%" in page.text
        assert "hist-seg wh-seg-succeeded" in page.text  # the chart has a bar
        # htmx filter: the deliveries alone
        part = await client.get(
            f"{base}?status=failed", headers={"HX-Request": "true", "HX-Target": "deliveries"}
        )
        assert "<html" not in part.text and "No deliveries failed yet." in part.text
        assert 'data-status="failed"' in part.text
        part = await client.get(
            f"{base}?status=bogus", headers={"HX-Request": "true", "HX-Target": "deliveries"}
        )
        assert f'id="delivery-{delivery_id}"' in part.text  # an unknown filter shows all


async def _received(receiver: Receiver, n: int) -> bool:
    return len(receiver.received) >= n


async def test_recover_failed_since(client: Any, worker: Any) -> None:
    tenant = await _signed_up(client, "Recovering Gems")
    with Receiver() as receiver:
        endpoint_id, _ = await _create(client, receiver.url("/status/500"), ["*"])
        async with tenant_scope(tenant):
            await fetch("UPDATE webhook_endpoint SET max_attempts = 1")
        base = f"{PAGE}/{endpoint_id}"
        token = await _token(client, base)
        hx = {"HX-Request": "true", "x-csrftoken": token}
        for _ in range(2):
            assert (await client.post(f"{base}/test", headers=hx)).status_code == 202

        async def failed() -> bool:
            async with tenant_scope(tenant):
                rows = await fetch("SELECT status FROM webhook_delivery")
            return [r["status"] for r in rows] == ["failed", "failed"]

        await _wait(failed, 20)
        assert len(receiver.received) == 2
        r = await client.post(f"{base}/recover", data={"_csrf_token": token, "since": "yesterday"})
        assert "Choose the date and time" in r.text
        r = await client.post(
            f"{base}/recover", data={"_csrf_token": token, "since": "2100-01-01T00:00"}
        )
        assert "No failed deliveries since 2100-01-01 00:00." in r.text
        r = await client.post(
            f"{base}/recover", data={"_csrf_token": token, "since": "2000-01-01T00:00"}
        )
        assert "2 failed deliveries queued again." in r.text
        await _wait(lambda: _received(receiver, 4), 20)


async def test_csrf_is_required(client: Any) -> None:
    await signup(client, business="Csrf Gems")
    endpoint_id, _ = await _create(client, "https://hooks.example.com/c", ["*"])
    base = f"{PAGE}/{endpoint_id}"
    for path, data in (
        (PAGE, {"url": "https://hooks.example.com/x", "events": "*"}),
        (f"{base}/test", {}),
        (f"{base}/rotate", {}),
        (f"{base}/delete", {}),
        (f"{base}/recover", {"since": "2000-01-01T00:00"}),
    ):
        r = await client.post(path, data=data, headers=HTML)
        assert r.status_code == 403, path
        r = await client.post(path, data=data, headers={"HX-Request": "true", "x-csrftoken": "x"})
        assert r.status_code == 403, path
    assert (await client.get(base)).status_code == 200  # still there


async def test_other_businesses_ids_are_not_found(client: Any, api: Any) -> None:
    with Receiver() as receiver:
        r = await api.post("/webhooks", json={"url": receiver.url("/hook"), "events": ["*"]})
        theirs = r.json()["data"]["id"]
        r = await api.post(f"/webhooks/{theirs}/test")
        assert r.status_code == 202, r.text
        delivery = r.json()["data"]["id"]
    await signup(client, business="Nosy Gems")
    token = await _token(client)
    for path in (
        f"{PAGE}/{theirs}",
        f"{PAGE}/deliveries/{delivery}",
        f"{PAGE}/stream?endpoint={theirs}",
    ):
        assert (await client.get(path, headers=HTML)).status_code == 404, path
    for path in ("test", "rotate", "delete", "disable", "edit", "recover"):
        r = await client.post(
            f"{PAGE}/{theirs}/{path}",
            data={"_csrf_token": token, "since": "2000-01-01T00:00", "url": "https://a.example"},
            headers=HTML,
        )
        assert r.status_code == 404, path
    r = await client.post(
        f"{PAGE}/deliveries/{delivery}/replay", data={"_csrf_token": token}, headers=HTML
    )
    assert r.status_code == 404
    assert theirs not in (await client.get(PAGE)).text
    r = await api.get(f"/webhooks/{theirs}")
    assert r.json()["data"]["enabled"] is True  # nothing changed


async def _member(client: Any, role: str) -> str:
    """Sign the client in as a new member with `role` of a business that has one endpoint."""
    from jewelia.platform.accounts import service as accounts

    owner, tenant = await accounts.signup(
        f"Role Gems {role}", "Owner", unique_email("owner"), STRONG_PASSWORD
    )
    endpoint, _ = await service.create_endpoint(
        tenant.ref, owner.actor, {"url": "https://hooks.example.com/r", "events": ["*"]}
    )
    token = await accounts.invite_member(
        owner, await accounts.membership(owner.id, tenant.id), unique_email(role), role
    )
    user, _ = await accounts.register_and_accept(token, role.title(), STRONG_PASSWORD)
    r = await form_post(client, "/login", {"email": user.email, "password": STRONG_PASSWORD})
    assert r.status_code == 200
    return str(endpoint["id"])


async def test_read_only_members_look_but_do_not_change(client: Any) -> None:
    endpoint_id = await _member(client, "read-only")
    page = await client.get(PAGE)
    assert page.status_code == 200 and "https://hooks.example.com/r" in page.text
    assert 'id="endpoint-form"' not in page.text
    base = f"{PAGE}/{endpoint_id}"
    detail = await client.get(base)
    assert detail.status_code == 200
    assert "Send test event" not in detail.text and "Rotate secret" not in detail.text
    assert 'id="recover-form"' not in detail.text
    token = CSRF.search(detail.text).group(1)
    for path in (PAGE, f"{base}/test", f"{base}/rotate", f"{base}/delete", f"{base}/recover"):
        r = await client.post(
            path,
            data={"_csrf_token": token, "url": "https://x.example", "events": "*"},
            headers=HTML,
        )
        assert r.status_code == 403, path
    assert (await client.get(base)).status_code == 200


async def test_members_send_tests_but_only_admins_manage(client: Any) -> None:
    endpoint_id = await _member(client, "member")
    base = f"{PAGE}/{endpoint_id}"
    detail = await client.get(base)
    assert "Send test event" in detail.text and "Rotate secret" not in detail.text
    token = CSRF.search(detail.text).group(1)
    r = await client.post(f"{base}/test", headers={"HX-Request": "true", "x-csrftoken": token})
    assert r.status_code == 202
    for path in (PAGE, f"{base}/rotate", f"{base}/delete", f"{base}/disable"):
        r = await client.post(
            path,
            data={"_csrf_token": token, "url": "https://x.example", "events": "*"},
            headers=HTML,
        )
        assert r.status_code == 403, path


async def test_api_sends_a_test_event(api: Any, worker: Any) -> None:
    with Receiver(secret="whsec_" + "k" * 32) as receiver:
        r = await api.post(
            "/webhooks",
            json={
                "url": receiver.url("/hook"),
                "events": ["order.created"],
                "secret": receiver.secret,
            },
        )
        hook = r.json()["data"]
        r = await api.post(f"/webhooks/{hook['id']}/test")
        assert r.status_code == 202, r.text
        delivery = r.json()["data"]
        assert delivery["event_type"] == "webhook.test" and delivery["status"] == "pending"

        async def done() -> Any:
            d = (await api.get(f"/webhooks/deliveries/{delivery['id']}")).json()["data"]
            return d if d["status"] == "succeeded" else None

        detail = await _wait(done, 20)
        assert [a["status_code"] for a in detail["attempts"]] == [200]
        got = receiver.received[-1]
        assert seed_signature_ok(receiver.secret, got.headers, got.body)
        assert got.json()["event"] == "webhook.test"
        assert got.json()["data"]["endpoint_id"] == hook["id"]
    assert (await api.post(f"/webhooks/{uuid.uuid4()}/test")).status_code == 404
    from jewelia.platform.apikeys.service import create_key

    reader = await create_key(api.tenant.id, "read only", ["read"])
    r = await api.post(
        f"/webhooks/{hook['id']}/test", headers={"Authorization": f"Bearer {reader.secret}"}
    )
    assert r.status_code == 403  # sending needs the write permission
    await api.post(f"/webhooks/{hook['id']}/disable")
    r = await api.post(f"/webhooks/{hook['id']}/test")
    assert r.status_code == 409 and "disabled" in r.json()["error"]


async def test_send_test_event_service_records_it(business: Any) -> None:
    user, tenant = business
    endpoint, _ = await service.create_endpoint(
        tenant.ref, user.actor, {"url": "https://hooks.example.com/s", "events": ["order.*"]}
    )
    delivery = await send_test_event(tenant.ref, Actor("user", user.id, user.email), endpoint["id"])
    assert delivery["status"] == "pending" and delivery["attempt_count"] == 0
    async with tenant_scope(tenant.ref):
        audit = await fetch(
            "SELECT action FROM audit_log WHERE entity_id = $1", str(endpoint["id"])
        )
    assert "webhook.test_sent" in [a["action"] for a in audit]
