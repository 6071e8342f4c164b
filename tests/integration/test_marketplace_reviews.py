"""Marketplace reviews (issue 12, item 10): who may review (install age from the database's
clock, moved in SQL), one review per business, exact counts under concurrency, the developer's
one reply, reports and staff moderation, bad input, and the pages."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from jewelia.core.db import execute, fetch
from jewelia.core.errors import Conflict, PermissionDenied, ValidationFailed
from jewelia.platform.accounts import service as accounts
from jewelia.platform.apikeys import tokens
from jewelia.platform.apikeys.service import create_key
from jewelia.platform.marketplace import reviews
from tests.conftest import STRONG_PASSWORD, unique_email

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


# --- seeding -----------------------------------------------------------------------------------


async def _developer(role: str = "owner", org_id: uuid.UUID | None = None) -> tuple[Any, uuid.UUID]:
    """A user who is `role` in a developer organization (a new one unless given)."""
    user, _ = await accounts.signup(
        f"Dev {uuid.uuid4().hex[:6]}", "Dee Dev", unique_email("dev"), STRONG_PASSWORD
    )
    if org_id is None:
        org_id = uuid.uuid4()
        await execute(
            "INSERT INTO public.developer_org (id, name, slug, created_by) VALUES ($1, $2, $3, $4)",
            org_id,
            "Facet Labs",
            f"facet-{org_id.hex[:8]}",
            user.id,
        )
    await execute(
        "INSERT INTO public.developer_member (org_id, user_id, role) VALUES ($1, $2, $3)",
        org_id,
        user.id,
        role,
    )
    return user, org_id


async def _listing(org_id: uuid.UUID, status: str = "published") -> dict[str, Any]:
    listing_id = uuid.uuid4()
    rows = await fetch(
        "INSERT INTO public.listing (id, org_id, slug, name, description, developer_name,"
        " category, status, client_id, client_secret_hash, client_secret_enc, published_at)"
        " VALUES ($1, $2, $3, 'Gem Counter', 'Counts gems', 'Facet Labs', 'inventory_management',"
        " $4, $5, 'x', 'x', now()) RETURNING *",
        listing_id,
        org_id,
        f"gem-counter-{listing_id.hex[:8]}",
        status,
        f"cid_{listing_id.hex}",
    )
    return rows[0]


async def _install(
    listing_id: uuid.UUID,
    tenant_id: uuid.UUID,
    hours_ago: float,
    uninstalled_days_ago: float | None = None,
) -> None:
    await execute(
        "INSERT INTO public.app_install (id, listing_id, tenant_id, scopes, installed_at,"
        " uninstalled_at) VALUES ($1, $2, $3, '{customers:read}',"
        " now() - make_interval(secs => $4),"
        " CASE WHEN $5::float8 IS NULL THEN NULL ELSE now() - make_interval(secs => $5) END)",
        uuid.uuid4(),
        listing_id,
        tenant_id,
        hours_ago * 3600,
        None if uninstalled_days_ago is None else uninstalled_days_ago * 86400,
    )


async def _move_clock(listing_id: uuid.UUID, tenant_id: uuid.UUID, hours: float) -> None:
    """ "Clock moved": the installs happened `hours` earlier."""
    await execute(
        "UPDATE public.app_install SET installed_at = installed_at - make_interval(secs => $3),"
        " uninstalled_at = uninstalled_at - make_interval(secs => $3)"
        " WHERE listing_id = $1 AND tenant_id = $2",
        listing_id,
        tenant_id,
        hours * 3600,
    )


class Business:
    def __init__(self, user: Any, tenant: Any, key: str) -> None:
        self.user, self.tenant, self.key = user, tenant, key


async def _business() -> Business:
    user, tenant = await accounts.signup(
        f"Shop {uuid.uuid4().hex[:6]}", "Sam Shop", unique_email("shop"), STRONG_PASSWORD
    )
    key = await create_key(tenant.id, "reviews", ["read", "write"])
    return Business(user, tenant, key.secret)


@pytest.fixture
async def http(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50002))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver.local/api/v1"
    ) as c:
        yield c


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def _listing_counts(listing_id: uuid.UUID) -> tuple[str, int, list[int]]:
    row = (
        await fetch(
            "SELECT rating::text AS rating, review_count, rating_counts FROM public.listing"
            " WHERE id = $1",
            listing_id,
        )
    )[0]
    return row["rating"], row["review_count"], list(row["rating_counts"])


async def _review_rows(listing_id: uuid.UUID) -> int:
    return int(
        (await fetch("SELECT count(*) AS n FROM public.review WHERE listing_id = $1", listing_id))[
            0
        ]["n"]
    )


# --- eligibility -------------------------------------------------------------------------------


async def test_ineligible_businesses_are_refused_until_the_install_ages(
    db: None, http: httpx.AsyncClient
) -> None:
    _, org_id = await _developer()
    listing = await _listing(org_id)
    lid = listing["id"]
    never, fresh, gone, recent = [await _business() for _ in range(4)]
    await _install(lid, fresh.tenant.id, hours_ago=2)
    await _install(lid, gone.tenant.id, hours_ago=24 * 90, uninstalled_days_ago=60)
    await _install(lid, recent.tenant.id, hours_ago=24 * 40, uninstalled_days_ago=10)
    url = f"/integrations/marketplace/{lid}/reviews"

    expected = {
        "NOT_INSTALLED": (never, "Only businesses that have installed this app"),
        "TOO_SOON": (fresh, "You can review after 24 hours of use"),
        "UNINSTALLED_LONG_AGO": (gone, "45 days after uninstalling"),
    }
    for code, (shop, words) in expected.items():
        r = await http.post(url, json={"rating": 1, "body": "Meh"}, headers=_auth(shop.key))
        body = r.json()
        assert r.status_code == 403, body
        assert body["code"] == "AUTHORIZATION_ERROR" and words in body["error"]
        assert body["details"][0]["code"] == code
    assert await _review_rows(lid) == 0
    assert await _listing_counts(lid) == ("0.00", 0, [0, 0, 0, 0, 0])

    # Uninstalled 10 days ago after 40 days of use: still welcome.
    r = await http.post(url, json={"rating": 4}, headers=_auth(recent.key))
    assert r.status_code == 201, r.text
    assert r.json()["data"]["usedFor"] == "1 month"

    # The clock moves on 25 hours: the fresh install may review now.
    await _move_clock(lid, fresh.tenant.id, 25)
    r = await http.post(url, json={"rating": 2, "body": " Slow sync "}, headers=_auth(fresh.key))
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    assert data["body"] == "Slow sync" and data["usedForSeconds"] >= 27 * 3600
    assert data["usedFor"] == "1 day"
    assert await _listing_counts(lid) == ("3.00", 2, [0, 1, 0, 1, 0])


async def test_short_installs_add_up_to_a_day(db: None) -> None:
    _, org_id = await _developer()
    lid = (await _listing(org_id))["id"]
    shop = await _business()
    await _install(lid, shop.tenant.id, hours_ago=48, uninstalled_days_ago=1.5)  # 12 h
    await _install(lid, shop.tenant.id, hours_ago=11)  # active, 11 h
    verdict = await reviews.eligibility(lid, shop.tenant.id)
    assert (
        not verdict.eligible
        and verdict.code == "TOO_SOON"
        and "1 hour to go" in str(verdict.reason)
    )
    await _move_clock(lid, shop.tenant.id, 1.5)  # the active one is now 12.5 h old
    verdict = await reviews.eligibility(lid, shop.tenant.id)
    assert verdict.eligible and verdict.used_for_seconds >= 24 * 3600


# --- one per business, counts ------------------------------------------------------------------


async def test_one_review_per_business_edit_keeps_one_row(
    db: None, http: httpx.AsyncClient
) -> None:
    _, org_id = await _developer()
    lid = (await _listing(org_id))["id"]
    a, b = await _business(), await _business()
    for shop in (a, b):
        await _install(lid, shop.tenant.id, hours_ago=24 * 100)
    url = f"/integrations/marketplace/{lid}/reviews"

    r = await http.post(url, json={"rating": 5, "body": "Love it"}, headers=_auth(a.key))
    assert r.status_code == 201
    first = r.json()["data"]
    assert first["usedFor"] == "3 months" and first["edited"] is False
    assert await _listing_counts(lid) == ("5.00", 1, [0, 0, 0, 0, 1])

    r = await http.post(url, json={"rating": 1}, headers=_auth(a.key))
    assert r.status_code == 409 and r.json()["code"] == "CONFLICT"
    assert await _listing_counts(lid) == ("5.00", 1, [0, 0, 0, 0, 1])

    r = await http.put(url, json={"rating": 2, "body": "Broke after update"}, headers=_auth(a.key))
    assert r.status_code == 200, r.text
    edited = r.json()["data"]
    assert edited["id"] == first["id"] and edited["edited"] is True
    assert edited["updatedAt"] > first["updatedAt"]
    assert await _review_rows(lid) == 1
    assert await _listing_counts(lid) == ("2.00", 1, [0, 1, 0, 0, 0])

    r = await http.put(url, json={"rating": 4}, headers=_auth(b.key))  # PUT creates too
    assert r.status_code == 201
    assert await _listing_counts(lid) == ("3.00", 2, [0, 1, 0, 1, 0])

    listed = await http.get(url)  # public: no credential
    assert listed.status_code == 200
    got = listed.json()
    assert got["pagination"]["total"] == 2
    assert [x["rating"] for x in got["data"]] == [4, 2]  # newest first
    assert got["data"][1]["body"] == "Broke after update" and got["data"][1]["reply"] is None
    paged = (await http.get(url, params={"limit": 1, "page": 2})).json()
    assert [x["rating"] for x in paged["data"]] == [2]
    assert (await http.get(f"/integrations/marketplace/{uuid.uuid4()}/reviews")).status_code == 404


async def test_unpublished_listings_take_no_reviews(db: None, http: httpx.AsyncClient) -> None:
    _, org_id = await _developer()
    lid = (await _listing(org_id, status="draft"))["id"]
    shop = await _business()
    await _install(lid, shop.tenant.id, hours_ago=100)
    url = f"/integrations/marketplace/{lid}/reviews"
    assert (await http.post(url, json={"rating": 5}, headers=_auth(shop.key))).status_code == 404
    assert (await http.get(url)).status_code == 404


async def test_concurrent_reviews_from_twenty_businesses_keep_counts_exact(
    db: None, http: httpx.AsyncClient
) -> None:
    _, org_id = await _developer()
    lid = (await _listing(org_id))["id"]
    shops = [await _business() for _ in range(20)]
    for shop in shops:
        await _install(lid, shop.tenant.id, hours_ago=24 * 30)
    url = f"/integrations/marketplace/{lid}/reviews"

    async def write(i: int, shop: Business, rating: int) -> int:
        r = await http.put(url, json={"rating": rating, "body": f"#{i}"}, headers=_auth(shop.key))
        return r.status_code

    statuses = await asyncio.gather(*(write(i, s, i % 5 + 1) for i, s in enumerate(shops)))
    assert sorted(statuses) == [201] * 20
    assert await _listing_counts(lid) == ("3.00", 20, [4, 4, 4, 4, 4])
    # Everyone changes their mind at once: all fives.
    statuses = await asyncio.gather(*(write(i, s, 5) for i, s in enumerate(shops)))
    assert sorted(statuses) == [200] * 20
    assert await _listing_counts(lid) == ("5.00", 20, [0, 0, 0, 0, 20])
    assert await _review_rows(lid) == 20


# --- who writes ----------------------------------------------------------------------------------


async def test_read_only_members_cannot_review_and_users_can(
    db: None, http: httpx.AsyncClient
) -> None:
    _, org_id = await _developer()
    lid = (await _listing(org_id))["id"]
    owner, tenant = await accounts.signup(
        "Ro Gems", "Owner", unique_email("ro"), STRONG_PASSWORD, verified=True
    )
    await _install(lid, tenant.id, hours_ago=30)
    invite = await accounts.invite_member(
        owner, await accounts.membership(owner.id, tenant.id), unique_email("reader"), "read-only"
    )
    reader, _ = await accounts.register_and_accept(invite, "Reader", STRONG_PASSWORD)
    url = f"/integrations/marketplace/{lid}/reviews"

    reader_jwt = (await tokens.issue_pair(reader.id, tenant.id, "read-only", 0)).access_token
    r = await http.post(url, json={"rating": 1}, headers=_auth(reader_jwt))
    assert r.status_code == 403
    with pytest.raises(PermissionDenied):
        await reviews.write_review(lid, tenant.ref, reader.actor, 1, "")
    read_key = (await create_key(tenant.id, "ro key", ["read"])).secret
    assert (await http.post(url, json={"rating": 1}, headers=_auth(read_key))).status_code == 403
    assert await _review_rows(lid) == 0

    owner_jwt = (
        await tokens.issue_pair(owner.id, tenant.id, "owner", owner.session_epoch)
    ).access_token
    r = await http.post(url, json={"rating": 4, "body": "Solid"}, headers=_auth(owner_jwt))
    assert r.status_code == 201, r.text
    row = (await fetch("SELECT author_user_id FROM public.review WHERE listing_id = $1", lid))[0]
    assert row["author_user_id"] == owner.id


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field", "status"),
    [
        ({"rating": 0}, "rating", 422),
        ({"rating": 6}, "rating", 422),
        ({"rating": -1}, "rating", 422),
        ({"rating": 2.5}, "rating", 400),
        ({"rating": "x"}, "rating", 400),
        ({"rating": True}, "rating", 400),
        ({"rating": None}, "rating", 400),
        ({"body": "no rating"}, "rating", 400),
        ({"rating": 3, "body": "x" * 5001}, "body", 422),
        ({"rating": 3, "body": 5}, "body", 400),
        ({"rating": 3, "stars": 3}, "stars", 400),
    ],
)
async def test_bad_review_input_writes_nothing(
    db: None, http: httpx.AsyncClient, payload: dict[str, Any], field: str, status: int
) -> None:
    _, org_id = await _developer()
    lid = (await _listing(org_id))["id"]
    shop = await _business()
    await _install(lid, shop.tenant.id, hours_ago=48)
    for method in ("POST", "PUT"):
        r = await http.request(
            method,
            f"/integrations/marketplace/{lid}/reviews",
            json=payload,
            headers=_auth(shop.key),
        )
        body = r.json()
        assert r.status_code == status, body
        assert body["code"] == "VALIDATION_ERROR"
        assert field in {d["field"] for d in body["details"]}, body
    assert await _review_rows(lid) == 0
    assert await _listing_counts(lid) == ("0.00", 0, [0, 0, 0, 0, 0])


async def test_nul_characters_and_service_checks(db: None, http: httpx.AsyncClient) -> None:
    _, org_id = await _developer()
    lid = (await _listing(org_id))["id"]
    shop = await _business()
    await _install(lid, shop.tenant.id, hours_ago=48)
    r = await http.post(
        f"/integrations/marketplace/{lid}/reviews",
        content=b'{"rating": 3, "body": "a\\u0000b"}',
        headers={**_auth(shop.key), "content-type": "application/json"},
    )
    assert r.status_code == 400 and r.json()["code"] == "VALIDATION_ERROR"
    # The service refuses NUL on its own too (pages and other callers).
    with pytest.raises(ValidationFailed) as failed:
        await reviews.write_review(lid, shop.tenant.ref, shop.user.actor, 3, "a\x00b")
    assert failed.value.by_field() == {"body": "Review text must not contain NUL characters"}
    with pytest.raises(ValidationFailed) as failed:
        await reviews.write_review(lid, shop.tenant.ref, shop.user.actor, "5", "ok")
    assert set(failed.value.by_field()) == {"rating"}
    assert await _review_rows(lid) == 0


# --- developer reply -----------------------------------------------------------------------------


async def test_developer_replies_once_and_only_managers_reply(
    db: None, http: httpx.AsyncClient
) -> None:
    owner, org_id = await _developer()
    plain_dev, _ = await _developer("developer", org_id)
    stranger, _ = await _developer()
    lid = (await _listing(org_id))["id"]
    shop = await _business()
    await _install(lid, shop.tenant.id, hours_ago=48)
    review, _ = await reviews.write_review(lid, shop.tenant.ref, shop.user.actor, 3, "Okay")

    for who in (stranger, plain_dev):
        with pytest.raises(PermissionDenied):
            await reviews.reply(review["id"], who.id, "Thanks!")
    with pytest.raises(ValidationFailed):
        await reviews.reply(review["id"], owner.id, "   ")
    with pytest.raises(ValidationFailed):
        await reviews.reply(review["id"], owner.id, "x" * 5001)
    done = await reviews.reply(review["id"], owner.id, " Thanks, fixed in 2.1 ")
    assert done["reply"]["body"] == "Thanks, fixed in 2.1"
    with pytest.raises(Conflict):
        await reviews.reply(review["id"], owner.id, "Second thoughts")
    listed = (await http.get(f"/integrations/marketplace/{lid}/reviews")).json()["data"]
    assert listed[0]["reply"]["body"] == "Thanks, fixed in 2.1"
    assert listed[0]["reply"]["developer"] == "Facet Labs"
    # Editing the review keeps the reply.
    edited, created = await reviews.write_review(lid, shop.tenant.ref, shop.user.actor, 4, "Better")
    assert not created and edited["reply"]["body"] == "Thanks, fixed in 2.1"


# --- reports and moderation ----------------------------------------------------------------------


async def test_report_then_staff_hide_recomputes_the_rating(
    db: None, http: httpx.AsyncClient
) -> None:
    _, org_id = await _developer()
    lid = (await _listing(org_id))["id"]
    fair, fake = await _business(), await _business()
    for shop in (fair, fake):
        await _install(lid, shop.tenant.id, hours_ago=48)
    good, _ = await reviews.write_review(lid, fair.tenant.ref, fair.user.actor, 5, "Great")
    bad, _ = await reviews.write_review(lid, fake.tenant.ref, fake.user.actor, 1, "Spam spam")
    assert await _listing_counts(lid) == ("3.00", 2, [1, 0, 0, 0, 1])

    reporter = fair.user
    jwt = (
        await tokens.issue_pair(reporter.id, fair.tenant.id, "owner", reporter.session_epoch)
    ).access_token
    url = f"/integrations/marketplace/{lid}/reviews/{bad['id']}/report"
    r = await http.post(url, json={"reason": "  "}, headers=_auth(jwt))
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "reason"
    r = await http.post(url, json={"reason": "x" * 501}, headers=_auth(jwt))
    assert r.status_code == 422
    r = await http.post(url, json={}, headers=_auth(jwt))
    assert r.status_code == 400 and r.json()["code"] == "VALIDATION_ERROR"
    r = await http.post(url, json={"reason": "Fake"}, headers=_auth(fair.key))  # not a user
    assert r.status_code == 403
    r = await http.post(url, json={"reason": "Never used it, competitor"}, headers=_auth(jwt))
    assert r.status_code == 201, r.text
    report_id = uuid.UUID(r.json()["data"]["id"])
    r = await http.post(url, json={"reason": "Again"}, headers=_auth(jwt))
    assert r.status_code == 409
    other_listing = f"/integrations/marketplace/{uuid.uuid4()}/reviews/{bad['id']}/report"
    assert (
        await http.post(other_listing, json={"reason": "x"}, headers=_auth(jwt))
    ).status_code == 404
    second = await reviews.report(bad["id"], fake.user.id, "Another voice")
    keep_me = await reviews.report(good["id"], fake.user.id, "I dislike it")

    with pytest.raises(PermissionDenied):
        await reviews.open_reports(reporter.id)
    with pytest.raises(PermissionDenied):
        await reviews.resolve_report(report_id, reporter.id, "hide")
    staff_user, _ = await _developer()
    await execute("UPDATE public.app_user SET is_staff = true WHERE id = $1", staff_user.id)
    open_ids = {p["id"] for p in await reviews.open_reports(staff_user.id)}
    assert {report_id, second["id"], keep_me["id"]} <= open_ids
    with pytest.raises(ValidationFailed):
        await reviews.resolve_report(report_id, staff_user.id, "delete")

    assert await reviews.resolve_report(keep_me["id"], staff_user.id, "keep") == "kept"
    assert await _listing_counts(lid) == ("3.00", 2, [1, 0, 0, 0, 1])
    assert await reviews.resolve_report(report_id, staff_user.id, "hide") == "hidden"
    assert await _listing_counts(lid) == ("5.00", 1, [0, 0, 0, 0, 1])
    closed = await fetch(
        "SELECT id, resolution FROM public.review_report WHERE review_id = ANY($1::uuid[])",
        [bad["id"], good["id"]],
    )
    assert {r["id"]: r["resolution"] for r in closed} == {
        report_id: "hidden",
        second["id"]: "hidden",
        keep_me["id"]: "kept",
    }
    with pytest.raises(Conflict):
        await reviews.resolve_report(report_id, staff_user.id, "keep")
    listed = (await http.get(f"/integrations/marketplace/{lid}/reviews")).json()
    assert [x["id"] for x in listed["data"]] == [str(good["id"])]
    assert listed["pagination"]["total"] == 1
    # The hidden review's business edits it: it stays hidden and out of the rating.
    edited, _ = await reviews.write_review(lid, fake.tenant.ref, fake.user.actor, 2, "Hm")
    assert edited["status"] == "hidden"
    assert await _listing_counts(lid) == ("5.00", 1, [0, 0, 0, 0, 1])


# --- pages ---------------------------------------------------------------------------------------


async def _log_in(client: Any, email: str) -> None:
    got = await client.get("/login")
    token = CSRF.search(got.text)
    assert token
    r = await client.post(
        "/login",
        data={"email": email, "password": STRONG_PASSWORD, "_csrf_token": token.group(1)},
    )
    assert r.status_code == 200 and 'action="/logout"' in r.text, r.text


async def _post_form(client: Any, page: str, action: str, data: dict[str, str], **kw: Any) -> Any:
    got = await client.get(page)
    token = CSRF.search(got.text)
    assert token, f"no CSRF token on {page}"
    return await client.post(action, data={**data, "_csrf_token": token.group(1)}, **kw)


async def test_listing_partial_renders_summary_and_loader(app: Any, client: Any, db: None) -> None:
    _, org_id = await _developer()
    listing = await _listing(org_id)
    template = app.template_engine.get_template("marketplace/_reviews.html")
    html = template.render(
        listing={
            "id": listing["id"],
            "slug": listing["slug"],
            "rating": 4.5,
            "review_count": 2,
            "rating_counts": [0, 0, 0, 1, 1],
        }
    )
    assert f'hx-get="/marketplace/{listing["slug"]}/reviews"' in html
    assert "4.5" in html and "2 reviews" in html and 'value="1"' in html
    # The listing page includes it (its own breakdown gives way to the partial's).
    page = await client.get(f"/marketplace/{listing['slug']}")
    assert page.status_code == 200
    assert f'hx-get="/marketplace/{listing["slug"]}/reviews"' in page.text
    assert page.text.count('id="reviews"') == 1


async def test_review_pages_for_businesses(client: Any, db: None) -> None:
    owner, org_id = await _developer()
    listing = await _listing(org_id)
    lid, slug = listing["id"], listing["slug"]
    shop = await _business()
    await _install(lid, shop.tenant.id, hours_ago=2)
    page = f"/marketplace/{slug}/reviews"

    anon = await client.get(page, headers={"HX-Request": "true"})
    assert anon.status_code == 200 and "Log in</a> to review" in anon.text
    assert 'id="reviews-list"' in anon.text and "<html" not in anon.text

    await _log_in(client, shop.user.email)
    r = await client.get(page)
    assert r.status_code == 200 and "<html" in r.text
    assert "You can review after 24 hours of use" in r.text and 'name="rating"' not in r.text

    await _move_clock(lid, shop.tenant.id, 25)
    r = await client.get(page)
    assert 'name="rating"' in r.text and "Post review" in r.text
    # Bad input on the form: the errors come back, nothing is written.
    r = await _post_form(client, page, page, {"rating": "9", "body": "Hi"})
    assert r.status_code == 422 and 'data-field="rating"' in r.text
    r = await _post_form(
        client, page, page, {"rating": "4", "body": "x"}, headers={"HX-Request": "true"}
    )
    assert r.status_code == 200 and "your review is saved" in r.text
    assert "used for 1 day" in r.text and "Edit your review" in r.text
    r = await _post_form(client, page, page, {"rating": "3", "body": "Edited <b>text</b>"})
    assert r.status_code == 200 and "Edited &lt;b&gt;text&lt;/b&gt;" in r.text
    assert await _listing_counts(lid) == ("3.00", 1, [0, 0, 1, 0, 0])

    # Reporting from the page.
    review_id = (await fetch("SELECT id FROM public.review WHERE listing_id = $1", lid))[0]["id"]
    action = f"{page}/{review_id}/report"
    r = await _post_form(client, page, action, {"reason": ""})
    assert r.status_code == 422 and 'data-field="reason"' in r.text
    r = await _post_form(client, page, action, {"reason": "Looks fake"})
    assert r.status_code == 200 and "staff will look at the report" in r.text

    # The developer's reply page.
    await client.post("/logout", data={"_csrf_token": CSRF.search(r.text).group(1)})  # type: ignore[union-attr]
    await _log_in(client, owner.email)
    r = await client.get("/partners/reviews")
    assert r.status_code == 200 and "Edited &lt;b&gt;text&lt;/b&gt;" in r.text
    assert f'action="/partners/reviews/{review_id}/reply"' in r.text
    r = await _post_form(
        client, "/partners/reviews", f"/partners/reviews/{review_id}/reply", {"body": ""}
    )
    assert r.status_code == 422 and 'data-field="body"' in r.text
    r = await _post_form(
        client, "/partners/reviews", f"/partners/reviews/{review_id}/reply", {"body": "Thank you"}
    )
    assert r.status_code == 200 and "Your reply is public now." in r.text
    assert f'action="/partners/reviews/{review_id}/reply"' not in r.text
    r = await client.get(page)
    assert "Reply from Facet Labs" in r.text and "Thank you" in r.text

    # Staff moderation: 403 for everyone else.
    r = await client.get("/staff/reports", headers={"accept": "text/html"})
    assert r.status_code == 403
    await execute("UPDATE public.app_user SET is_staff = true WHERE id = $1", owner.id)
    r = await client.get("/staff/reports")
    assert r.status_code == 200 and "Looks fake" in r.text
    report_id = (
        await fetch("SELECT id FROM public.review_report WHERE review_id = $1", review_id)
    )[0]["id"]
    # Hiding asks first; without confirm=yes nothing changes.
    r = await _post_form(
        client, "/staff/reports", f"/staff/reports/{report_id}", {"action": "hide"}
    )
    assert r.status_code == 200 and 'name="confirm" value="yes"' in r.text
    assert await _listing_counts(lid) == ("3.00", 1, [0, 0, 1, 0, 0])
    r = await _post_form(
        client,
        "/staff/reports",
        f"/staff/reports/{report_id}",
        {"action": "hide", "confirm": "yes"},
    )
    assert r.status_code == 200 and "Review hidden" in r.text and "Looks fake" not in r.text
    assert await _listing_counts(lid) == ("0.00", 0, [0, 0, 0, 0, 0])
