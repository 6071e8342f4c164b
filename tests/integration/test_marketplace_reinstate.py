"""Staff lift a suspension: the listing returns to the status it had before (published when
the history does not say), the change is recorded and mailed, and the app's tokens work again."""

from __future__ import annotations

from typing import Any

import pytest

from jewelia.core.db import execute, fetch
from jewelia.core.errors import Conflict, PermissionDenied
from jewelia.platform.marketplace import listings, staff
from tests.integration.test_marketplace_listings import browser, person, staff_user
from tests.integration.test_marketplace_oauth import bearer, seed_listing, tokens_for
from tests.integration.test_pages import CSRF, signup


async def test_suspend_then_reinstate_returns_to_published_and_tokens_work(
    client: Any, app: Any
) -> None:
    await signup(client, business="Reinstated Gems")
    listing = await seed_listing()
    dev = await person()
    await execute(
        "INSERT INTO public.developer_member (org_id, user_id, role) VALUES ($1, $2, 'owner')",
        listing["org_id"],
        dev.id,
    )
    body = await tokens_for(client, listing)
    token = body["access_token"]
    assert (await client.get("/api/v1/customers", headers=bearer(token))).status_code == 200
    reviewer = await staff_user()
    with pytest.raises(Conflict):
        await staff.reinstate(reviewer.id, listing["id"])  # not suspended
    await staff.suspend(reviewer.id, listing["id"], ["Malware report"])
    assert (await client.get("/api/v1/customers", headers=bearer(token))).status_code == 401
    with pytest.raises(PermissionDenied):
        await staff.reinstate(dev.id, listing["id"])

    async with browser(app, reviewer.email) as b:
        page = await b.get("/staff/review-queue")
        assert f"/staff/listings/{listing['id']}/reinstate" in page.text
        token_csrf = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
        action = f"/staff/listings/{listing['id']}/reinstate"
        asked = await b.post(action, data={"_csrf_token": token_csrf})
        assert "Reinstate this listing?" in asked.text
        assert (await listings.get_listing(listing["id"]))["status"] == "suspended"  # type: ignore[index]
        done = await b.post(action, data={"_csrf_token": token_csrf, "confirm": "yes"})
        assert done.status_code == 200 and "reinstated (published)" in done.text
        assert f"/staff/listings/{listing['id']}/reinstate" not in done.text

    assert (await listings.get_listing(listing["id"]))["status"] == "published"  # type: ignore[index]
    assert (await client.get("/api/v1/customers", headers=bearer(token))).status_code == 200
    r = await client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
        auth=(listing["client_id"], listing["secret"]),
    )
    assert r.status_code == 200 and r.json()["access_token"].startswith("jwa_"), r.text
    events = [(e["from_status"], e["to_status"]) for e in await listings.history(listing["id"])]
    assert events[-2:] == [("published", "suspended"), ("suspended", "published")]
    mails = await fetch(
        "SELECT subject, body_text FROM public.email_outbox WHERE lower(to_address) = lower($1)"
        " ORDER BY created_at",
        dev.email,
    )
    assert [m["subject"] for m in mails][-2:] == [
        f"{listing['name']}: suspended",
        f"{listing['name']}: published",
    ]
    assert staff.REINSTATED in mails[-1]["body_text"]


async def test_reinstate_returns_to_the_status_before_or_published(db: None) -> None:
    reviewer = await staff_user()
    paused = await seed_listing(status="paused")
    await staff.suspend(reviewer.id, paused["id"], ["Checking a report"])
    assert (await staff.reinstate(reviewer.id, paused["id"]))["status"] == "paused"
    # No suspension in the history (set by hand): published.
    unknown = await seed_listing(status="suspended")
    assert (await staff.reinstate(reviewer.id, unknown["id"]))["status"] == "published"
    assert unknown["id"] not in [s["id"] for s in await staff.suspended_listings()]
