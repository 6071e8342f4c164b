"""Two businesses' flows never meet: with either credential the API takes (an API key, a user's
JWT), business B cannot list, get, update, delete, publish or read the versions of business A's
flows (404, as for an id that does not exist), and A's flows are untouched afterwards. App
tokens are refused on the builder's paths altogether."""

from __future__ import annotations

import uuid
from typing import Any

from jewelia.core.db import fetch, tenant_scope
from jewelia.platform.accounts import service as accounts
from jewelia.platform.apikeys.service import PERMISSIONS, create_key
from jewelia.platform.oauth.scopes import scope_for
from tests.conftest import STRONG_PASSWORD, unique_email
from tests.integration.test_api_security import client_for
from tests.integration.test_builder_api import BASE, CONTRACT_POST, flow_body, http
from tests.integration.test_marketplace_installs import _tenant_ref
from tests.integration.test_marketplace_oauth import bearer, seed_listing, tokens_for
from tests.integration.test_pages import signup


async def _credentials(app: Any, name: str) -> dict[str, str]:
    """A new business's API key and its owner's JWT access token."""
    email = unique_email(name)
    _, tenant = await accounts.signup(f"{name} Gems", "Bo", email, STRONG_PASSWORD)
    key = await create_key(tenant.id, "all", list(PERMISSIONS))
    async with client_for(app, None) as c:
        r = await c.post("/auth/token", json={"email": email, "password": STRONG_PASSWORD})
        assert r.status_code == 200, r.text
        token = r.json()["data"]["access_token"]
    return {"api key": key.secret, "jwt": token}


async def test_another_business_never_reaches_a_flow(api: Any, app: Any) -> None:
    a_flow = (await api.post(BASE, json=CONTRACT_POST)).json()["data"]
    a_before = (await api.get(f"{BASE}/{a_flow['id']}")).json()["data"]
    a_versions = (await api.get(f"{BASE}/{a_flow['id']}/versions")).json()["data"]
    b = await _credentials(app, "Bee")

    for kind, secret in b.items():
        async with client_for(app, secret) as c:
            # B sees only its own flows, and A's id is not found by any operation.
            own = await c.post(BASE, json=flow_body([http()], name=f"B's own ({kind})"))
            assert own.status_code == 201, (kind, own.text)
            listed = (await c.get(BASE)).json()
            assert a_flow["id"] not in [f["id"] for f in listed["data"]], kind
            assert (await c.get(BASE, params={"search": "Customer Data"})).json()["data"] == []
            for method, path, body in (
                ("GET", f"{BASE}/{a_flow['id']}", None),
                ("GET", f"{BASE}/{a_flow['id']}/versions", None),
                ("PUT", BASE, {"id": a_flow["id"], "name": "Stolen", "isActive": False}),
                ("PUT", BASE, {"id": a_flow["id"], "configuration": {"actions": [http()]}}),
                ("POST", f"{BASE}/{a_flow['id']}/publish", None),
                ("DELETE", f"{BASE}/{a_flow['id']}", None),
            ):
                r = await c.request(method, path, json=body)
                assert r.status_code == 404, (kind, method, path, r.text)
                assert r.json()["code"] == "NOT_FOUND", (kind, method, path)
                assert a_flow["id"] not in r.text and "Customer Data Sync" not in r.text

    # B's own flows are B's: A does not see them either.
    a_list = (await api.get(BASE)).json()
    assert [f["id"] for f in a_list["data"]] == [a_flow["id"]]
    # A's flow, its draft and its versions are as they were.
    assert (await api.get(f"{BASE}/{a_flow['id']}")).json()["data"] == a_before
    assert (await api.get(f"{BASE}/{a_flow['id']}/versions")).json()["data"] == a_versions
    async with tenant_scope(api.tenant.ref):
        rows = await fetch(
            "SELECT count(*) AS n FROM flow_version WHERE flow_id = $1", uuid.UUID(a_flow["id"])
        )
        audit = await fetch("SELECT action FROM audit_log WHERE entity = 'flow'")
    assert rows[0]["n"] == 1
    assert sorted(r["action"] for r in audit) == ["flow.created", "flow.published"]


async def test_app_tokens_are_refused_on_the_builder(client: Any) -> None:
    for method in ("GET", "POST", "PUT", "DELETE"):
        assert scope_for(method, "/api/v1/integrations/builder") is None
        assert scope_for(method, f"/api/v1/integrations/builder/{uuid.uuid4()}") is None
    listing = await seed_listing(scopes=["customers:write", "webhooks:write"])
    email = await signup(client, business="Builder Closed Gems")
    tenant = await _tenant_ref(email)
    app_token = bearer((await tokens_for(client, listing))["access_token"])
    key = await create_key(tenant.id, "test key", list(PERMISSIONS))
    r = await client.post(
        f"/api/v1{BASE}", json=flow_body([http()], name="Mine"), headers=bearer(key.secret)
    )
    assert r.status_code == 201, r.text
    flow_id = r.json()["data"]["id"]

    for method, path, body in (
        ("GET", BASE, None),
        ("POST", BASE, flow_body([http()])),
        ("PUT", BASE, {"id": flow_id, "name": "App's"}),
        ("GET", f"{BASE}/{flow_id}", None),
        ("GET", f"{BASE}/{flow_id}/versions", None),
        ("POST", f"{BASE}/{flow_id}/publish", None),
        ("DELETE", f"{BASE}/{flow_id}", None),
    ):
        r = await client.request(method, f"/api/v1{path}", json=body, headers=app_token)
        assert r.status_code == 403, (method, path, r.text)
        assert r.json()["code"] == "AUTHORIZATION_ERROR", (method, path)
    async with tenant_scope(tenant):
        rows = await fetch("SELECT name, published_version, deleted_at FROM flow")
    assert rows == [{"name": "Mine", "published_version": None, "deleted_at": None}]
