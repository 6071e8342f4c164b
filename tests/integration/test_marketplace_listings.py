"""Issue 12, developer side: organizations and members, listings (validation, life cycle,
versions, credentials shown once), media uploads, automated submit checks against real local
HTTP servers, and the staff review queue (CLI grant, order, position, decisions)."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import subprocess
import sys
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from jewelia.core.db import execute, fetch
from jewelia.core.errors import Conflict, PermissionDenied, ValidationFailed
from jewelia.platform.accounts import service as accounts
from jewelia.platform.marketplace import checks, listings, media, orgs, staff
from tests.conftest import ROOT, STRONG_PASSWORD, unique_email
from tests.integration.test_pages import CSRF, form_post

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


class AppServer:
    """A third-party app on 127.0.0.1: GET answers 200; POST checks X-Webhook-Signature with
    `secret` (401 when wrong) unless `verify` is off, in which case it accepts everything."""

    def __init__(self, verify: bool = True) -> None:
        self.verify = verify
        self.secret = ""
        self.posts: list[tuple[dict[str, str], bytes, int]] = []
        app = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return None

            def _send(self, status: int) -> None:
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def do_GET(self) -> None:
                self._send(200)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                given = self.headers.get("X-Webhook-Signature", "")
                good = "sha256=" + hmac.new(app.secret.encode(), body, hashlib.sha256).hexdigest()
                status = 200 if not app.verify or hmac.compare_digest(given, good) else 401
                app.posts.append((dict(self.headers.items()), body, status))
                self._send(status)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


@contextmanager
def app_server(verify: bool = True) -> Iterator[AppServer]:
    server = AppServer(verify)
    threading.Thread(target=server.server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()


@asynccontextmanager
async def browser(app: Any, email: str) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client signed in as `email`."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50200)),
        base_url="http://testserver.local",
        follow_redirects=True,
    ) as client:
        r = await form_post(client, "/login", {"email": email, "password": STRONG_PASSWORD})
        assert r.status_code == 200, r.text
        yield client


async def person(tag: str = "dev") -> Any:
    """A signed-up user (with their own business, as every account has)."""
    user, _ = await accounts.signup(
        f"{tag} {uuid.uuid4().hex[:6]}", "Dee Developer", unique_email(tag), STRONG_PASSWORD
    )
    return user


def complete(server: AppServer | None = None, **extra: Any) -> dict[str, Any]:
    """A listing with every field a submission needs."""
    base = server.url("") if server else "https://app.example.com"
    return {
        "name": f"Gem Sync {uuid.uuid4().hex[:6]}",
        "description": "Keeps your inventory in step with your shop.",
        "long_description": "# Gem Sync\n\nSyncs **everything**.",
        "category": "inventory_management",
        "features": ["Two-way sync", "Hourly updates"],
        "pricing": {"model": "subscription", "amount": "19.00", "currency": "usd",
                    "billingCycle": "monthly", "trialDays": 14},
        "scopes": ["customers:read", "inventory:write"],
        "webhook_events": ["customer.created"],
        "webhook_url": base + "/webhooks",
        "redirect_uris": ["https://app.example.com/callback", "http://127.0.0.1:9999/cb"],
        "app_url": base + "/",
        "support_url": "https://app.example.com/support",
        "privacy_url": "https://app.example.com/privacy",
        **extra,
    }  # fmt: skip


async def new_listing(user: Any, server: AppServer | None = None, **extra: Any) -> Any:
    org = await orgs.create_org(user.id, f"Studio {uuid.uuid4().hex[:6]}")
    listing, secret = await listings.create_listing(user.id, org["id"], complete(server, **extra))
    if server is not None:
        server.secret = secret
    return org, listing, secret


async def staff_user() -> Any:
    user = await person("staff")
    assert await staff.set_staff(user.email, True)
    return user


async def _count(table: str) -> int:
    return int((await fetch(f"SELECT count(*) AS n FROM public.{table}"))[0]["n"])


# --- organizations ------------------------------------------------------------------------


async def test_org_create_slug_and_members(db: None, app: Any) -> None:
    owner, other, third = await person(), await person(), await person()
    async with browser(app, owner.email) as b:
        before = await _count("developer_org")
        bad = await form_post(
            b, "/partners", {"name": "", "website": "ftp://x", "support_email": "nope"}
        )
        assert bad.status_code == 422
        for name in ("name", "website", "support_email"):
            assert f'data-field="{name}"' in bad.text
        assert await _count("developer_org") == before
        name = f"Facet Labs {uuid.uuid4().hex[:4]}"
        r = await form_post(
            b, "/partners", {"name": name, "website": "https://facet.example", "support_email": ""}
        )
        assert r.status_code == 200 and name in r.text
        slug = str(r.url).rsplit("/", 1)[1]
        assert slug == orgs.slugify(name)
        again = await orgs.create_org(owner.id, name)
        assert again["slug"] == f"{slug}-2"
        assert 'href="/partners"' in r.text  # the sidebar links the portal
        # members: add by email of an existing account; unknown emails refused
        unknown = await form_post(
            b, f"/partners/{slug}/members", {"email": unique_email("ghost"), "role": "developer"}
        )
        assert unknown.status_code == 422 and "ask them to sign up" in unknown.text
        ok = await form_post(
            b, f"/partners/{slug}/members", {"email": other.email, "role": "developer"}
        )
        assert ok.status_code == 200 and other.email in ok.text
    org = await orgs.get_org_by_slug(slug)
    assert await orgs.org_role(other.id, org["id"]) == "developer"
    assert await orgs.org_role(third.id, org["id"]) is None
    with pytest.raises(PermissionDenied):
        await orgs.add_member(other.id, org["id"], third.email, "developer")
    with pytest.raises(PermissionDenied):
        await orgs.remove_member(other.id, org["id"], owner.id)
    with pytest.raises(PermissionDenied):  # the last owner stays
        await orgs.remove_member(owner.id, org["id"], owner.id)
    async with browser(app, third.email) as outsider:
        assert (await outsider.get(f"/partners/{slug}")).status_code == 404
    async with browser(app, owner.email) as b:
        page = await b.get(f"/partners/{slug}/members")
        token = CSRF.search(page.text)
        assert token
        url = f"/partners/{slug}/members/{other.id}/remove"
        asked = await b.post(url, data={"_csrf_token": token.group(1)})
        assert "Please confirm" in asked.text
        assert await orgs.org_role(other.id, org["id"]) == "developer"
        await b.post(url, data={"_csrf_token": token.group(1), "confirm": "yes"})
    assert await orgs.org_role(other.id, org["id"]) is None
    # renaming the organization renames the developer on its listings
    _, listing, _ = await new_listing(owner)
    await orgs.update_org(owner.id, listing["org_id"], "Renamed Studio", "", "")
    assert (await listings.get_listing(listing["id"]))["developer_name"] == "Renamed Studio"  # type: ignore[index]


# --- listing validation -------------------------------------------------------------------


async def test_listing_bad_input_on_every_field_writes_nothing(db: None, app: Any) -> None:
    user = await person()
    org = await orgs.create_org(user.id, "Validators")
    bad = {
        "name": "",
        "slug": "Not A Slug!",
        "description": "x" * 301,
        "long_description": "y" * 20001,
        "category": "jewelry_magic",
        "features": ["ok", "z" * 81],
        "pricing": {"model": "barter", "amount": "-3", "currency": "XXX",
                    "billingCycle": "weekly", "trialDays": "soon"},
        "scopes": ["customers:read", "everything:write"],
        "webhook_events": ["customer.exploded"],
        "webhook_url": "http://169.254.169.254/latest",
        "redirect_uris": ["http://evil.example/cb", "https://ok.example/cb#frag"],
        "app_url": "javascript:alert(1)",
        "support_url": "not a url",
        "privacy_url": "ftp://files.example/privacy",
        "version": "one",
    }  # fmt: skip
    before = (await _count("listing"), await _count("listing_version"))
    with pytest.raises(ValidationFailed) as caught:
        await listings.create_listing(user.id, org["id"], bad)
    fields = {e["field"] for e in caught.value.errors}
    assert fields >= {
        "name", "slug", "description", "long_description", "category", "features",
        "pricing.model", "pricing.amount", "pricing.currency", "pricing.billingCycle",
        "pricing.trialDays", "scopes", "webhook_events", "webhook_url", "redirect_uris",
        "app_url", "support_url", "privacy_url", "version",
    }  # fmt: skip
    assert (await _count("listing"), await _count("listing_version")) == before
    # pricing rules between fields
    for pricing, field in (
        ({"model": "free", "amount": "5"}, "pricing.amount"),
        ({"model": "one_time", "amount": "0"}, "pricing.amount"),
        ({"model": "subscription", "amount": "9"}, "pricing.billingCycle"),
        ({"model": "one_time", "amount": "9", "billingCycle": "monthly"}, "pricing.billingCycle"),
        ({"model": "one_time", "amount": "9.999"}, "pricing.amount"),
        ({"model": "usage_based", "amount": "1", "trialDays": 400}, "pricing.trialDays"),
    ):
        with pytest.raises(ValidationFailed) as caught:
            await listings.create_listing(user.id, org["id"], complete(pricing=pricing))
        assert field in {e["field"] for e in caught.value.errors}, pricing
    assert (await _count("listing"), await _count("listing_version")) == before
    # the page shows the errors inline and keeps what was typed
    async with browser(app, user.email) as b:
        r = await form_post(
            b,
            f"/partners/{org['slug']}/listings/new",
            {"name": "Kept name", "description": "", "category": "nope",
             "pricing_model": "subscription", "pricing_amount": "abc",
             "redirect_uris": "http://evil.example/cb", "webhook_url": "http://0177.0.0.1/x"},
            action=f"/partners/{org['slug']}/listings",
        )  # fmt: skip
        assert r.status_code == 422
        for field in ("description", "category", "pricing.amount", "pricing.billingCycle",
                      "redirect_uris", "webhook_url"):  # fmt: skip
            assert f'data-field="{field}"' in r.text, field
        assert 'value="Kept name"' in r.text
    assert await _count("listing") == before[0]
    # outsiders cannot create in an organization
    outsider = await person()
    with pytest.raises(Exception) as denied:
        await listings.create_listing(outsider.id, org["id"], complete())
    assert getattr(denied.value, "status_code", None) == 404


# --- credentials --------------------------------------------------------------------------


async def test_client_secret_shown_once_and_rotated(db: None, app: Any) -> None:
    user = await person()
    org = await orgs.create_org(user.id, f"Keys {uuid.uuid4().hex[:4]}")
    async with browser(app, user.email) as b:
        data = complete()
        form = {k: v for k, v in data.items() if isinstance(v, str)}
        form |= {"redirect_uris": "https://app.example.com/callback", "pricing_model": "free"}
        got = await b.get(f"/partners/{org['slug']}/listings/new")
        token = CSRF.search(got.text).group(1)  # type: ignore[union-attr]
        created = await b.post(
            f"/partners/{org['slug']}/listings",
            data={**form, "scopes": ["customers:read"], "_csrf_token": token},
        )
        assert created.status_code == 201, created.text
        secret = re.search(r'id="client-secret" class="secret">(jws_[\w-]{40})<', created.text)
        assert secret, created.text
        listing = await listings.get_by_client_id(
            re.search(r"(jwc_[\w-]{24})", created.text).group(1)  # type: ignore[union-attr]
        )
        assert listing is not None and listing["client_id"].startswith("jwc_")
        assert listings.check_client_secret(listing, secret.group(1))
        assert not listings.check_client_secret(listing, secret.group(1) + "x")
        assert listings.client_secret(listing) == secret.group(1)
        assert listing["client_secret_hash"] == hashlib.sha256(secret.group(1).encode()).hexdigest()
        page = await b.get(f"/partners/{org['slug']}/listings/{listing['slug']}")
        assert secret.group(1) not in page.text and listing["client_id"] in page.text
        rotate = f"/partners/{org['slug']}/listings/{listing['slug']}/rotate-secret"
        token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
        asked = await b.post(rotate, data={"_csrf_token": token})
        assert "Please confirm" in asked.text
        rotated = await b.post(rotate, data={"_csrf_token": token, "confirm": "yes"})
        new = re.search(r'id="client-secret" class="secret">(jws_[\w-]{40})<', rotated.text)
        assert new and new.group(1) != secret.group(1)
    fresh = await listings.get_listing(listing["id"])
    assert fresh is not None
    assert listings.check_client_secret(fresh, new.group(1))
    assert not listings.check_client_secret(fresh, secret.group(1))
    developer = await person()
    await orgs.add_member(user.id, org["id"], developer.email, "developer")
    with pytest.raises(PermissionDenied):
        await listings.rotate_client_secret(developer.id, listing["id"])


# --- submit checks ------------------------------------------------------------------------


async def test_submit_checks_against_real_apps(db: None, app: Any) -> None:
    user = await person()
    with app_server(verify=False) as lax:
        org, listing, _ = await new_listing(user, lax)
        passed, results = await checks.submit(user.id, listing["id"])
        assert not passed
        by = {r["check"]: r for r in results}
        assert by["required_fields"]["passed"] and by["redirect_uris_https"]["passed"]
        assert by["app_url_reachable"]["passed"]
        assert by["webhook_signed_accepted"]["passed"]
        assert not by["webhook_bad_signature_refused"]["passed"]
        assert "answer 401" in by["webhook_bad_signature_refused"]["message"]
        assert (await listings.get_listing(listing["id"]))["status"] == "draft"  # type: ignore[index]
        body = lax.posts[0][1]
        assert b'"event":"app.test"' in body
    with app_server() as strict:
        # point the listing at an app that verifies signatures with the client secret
        _, listing2, _ = await new_listing(user, strict)
        passed, results = await checks.submit(user.id, listing2["id"])
        assert passed, results
        assert [p[2] for p in strict.posts] == [200, 401]
        headers = strict.posts[0][0]
        assert {"webhook-id", "webhook-timestamp", "webhook-signature"} <= {
            k.lower() for k in headers
        }
    saved = await checks.latest(listing2["id"])
    assert saved is not None and saved["passed"]
    assert (await listings.get_listing(listing2["id"]))["status"] == "submitted"  # type: ignore[index]
    # the developer sees the failed checks on the page, and the listing was not submitted
    async with browser(app, user.email) as b:
        page = await b.get(f"/partners/{org['slug']}/listings/{listing['slug']}")
        assert 'data-check="webhook_bad_signature_refused"' in page.text
        assert "check-failed" in page.text
        token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
        r = await b.post(
            f"/partners/{org['slug']}/listings/{listing['slug']}/submit",
            data={"_csrf_token": token},
        )
        assert "automated check(s) failed" in r.text
        # missing fields and http redirect URIs fail before any request
    incomplete_org = await orgs.create_org(user.id, f"Bare {uuid.uuid4().hex[:4]}")
    bare, _ = await listings.create_listing(
        user.id,
        incomplete_org["id"],
        {"name": "Bare", "description": "d", "category": "accounting"},
    )
    passed, results = await checks.submit(user.id, bare["id"])
    by = {r["check"]: r for r in results}
    assert not passed and not by["required_fields"]["passed"]
    assert "Webhook URL" in by["required_fields"]["message"]
    assert not by["redirect_uris_https"]["passed"]


# --- life cycle and staff -----------------------------------------------------------------


def jewelia(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jewelia.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=os.environ.copy(),
        timeout=120,
    )


async def test_staff_grant_cli_and_page_access(db: None, app: Any) -> None:
    user = await person("ops")
    async with browser(app, user.email) as b:
        denied = await b.get("/staff/review-queue", headers={"accept": "text/html"})
        assert denied.status_code == 403 and 'class="sidebar"' in denied.text
    out = jewelia("staff", "grant", user.email)
    assert out.returncode == 0, out.stderr
    assert await staff.is_staff(user.id)
    async with browser(app, user.email) as b:
        assert (await b.get("/staff/review-queue")).status_code == 200
    assert jewelia("staff", "revoke", user.email).returncode == 0
    assert not await staff.is_staff(user.id)
    missing = jewelia("staff", "grant", unique_email("nobody"))
    assert missing.returncode == 2 and "no account" in missing.stderr


async def test_life_cycle_queue_and_staff_decisions(db: None, app: Any) -> None:
    dev = await person()
    reviewer = await staff_user()
    with app_server() as server:
        made = [await new_listing(dev, server) for _ in range(3)]
        for _, listing, secret in made:
            server.secret = secret
            passed, results = await checks.submit(dev.id, listing["id"])
            assert passed, results
    ids = [m[1]["id"] for m in made]
    positions = [await staff.queue_position(i) for i in ids]
    assert positions[1] == positions[0] + 1 and positions[2] == positions[0] + 2
    queue = [row["id"] for row in await staff.review_queue()]
    assert [i for i in queue if i in ids] == ids  # oldest first
    org3, listing3 = made[2][0], made[2][1]
    async with browser(app, dev.email) as b:
        page = await b.get(f"/partners/{org3['slug']}/listings/{listing3['slug']}")
        assert f"{staff.ordinal(positions[2])} in the queue" in page.text  # type: ignore[arg-type]
    assert staff.ordinal(3) == "3rd" and staff.ordinal(11) == "11th" and staff.ordinal(22) == "22nd"
    # illegal transitions are refused
    with pytest.raises(Conflict):
        await listings.publish(dev.id, ids[0])  # submitted, not approved
    with pytest.raises(Conflict):
        await checks.submit(dev.id, ids[0])  # already in review
    with pytest.raises(PermissionDenied):
        await staff.approve(dev.id, ids[0])  # not staff
    with pytest.raises(Conflict):
        await listings.update_listing(dev.id, ids[0], {"name": "Sneaky"})
    async with browser(app, reviewer.email) as b:
        page = await b.get("/staff/review-queue")
        assert all(str(i) in page.text for i in ids)
        token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
        empty = await b.post(
            f"/staff/listings/{ids[1]}/reject", data={"_csrf_token": token, "reasons": " "}
        )
        assert empty.status_code == 422 and 'data-field="reasons"' in empty.text
        await b.post(f"/staff/listings/{ids[0]}/approve", data={"_csrf_token": token})
        await b.post(
            f"/staff/listings/{ids[1]}/reject",
            data={"_csrf_token": token, "reasons": "Icon missing\nPrivacy page is empty"},
        )
        await b.post(
            f"/staff/listings/{ids[2]}/approve", data={"_csrf_token": token, "verified": "yes"}
        )
    first, second, third = [await listings.get_listing(i) for i in ids]
    assert first and second and third
    assert first["status"] == "approved" and not first["is_verified"]
    assert second["status"] == "rejected"
    assert second["rejection_reasons"] == ["Icon missing", "Privacy page is empty"]
    assert third["status"] == "approved" and third["is_verified"]
    assert await staff.queue_position(ids[2]) is None
    with pytest.raises(Conflict):
        await staff.approve(reviewer.id, ids[1])  # rejected: must be resubmitted first
    # the developer reads the reasons, publishes, pauses, unlists
    async with browser(app, dev.email) as b:
        org2, l2 = made[1][0], made[1][1]
        page = await b.get(f"/partners/{org2['slug']}/listings/{l2['slug']}")
        assert "Privacy page is empty" in page.text
    assert (await listings.publish(dev.id, ids[0]))["status"] == "published"
    with pytest.raises(Conflict):
        await listings.publish(dev.id, ids[0])
    assert (await listings.pause(dev.id, ids[0]))["status"] == "paused"
    assert (await listings.publish(dev.id, ids[0]))["status"] == "published"
    assert (await listings.unlist(dev.id, ids[0]))["status"] == "unlisted"
    assert (await listings.publish(dev.id, ids[0]))["status"] == "published"
    # a published listing's scopes change only through a new version
    with pytest.raises(ValidationFailed) as caught:
        await listings.update_listing(dev.id, ids[0], {"scopes": ["orders:read"]})
    assert caught.value.errors[0]["field"] == "scopes"
    renamed = await listings.update_listing(dev.id, ids[0], {"description": "Now faster."})
    assert renamed["description"] == "Now faster."
    version = await listings.add_version(
        dev.id, ids[0], "1.1.0", "Reads orders too", ["customers:read", "orders:read"], []
    )
    assert version["published_at"] is not None
    now = await listings.get_listing(ids[0])
    assert now and now["scopes"] == ["customers:read", "orders:read"]
    assert now["current_version_id"] == version["id"]
    with pytest.raises(ValidationFailed):
        await listings.add_version(dev.id, ids[0], "1.1.0", "again", ["customers:read"], [])
    # staff suspend (reasons required) from the live list
    with pytest.raises(ValidationFailed):
        await staff.suspend(reviewer.id, ids[0], [])
    async with browser(app, reviewer.email) as b:
        page = await b.get("/staff/review-queue")
        token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
        await b.post(
            f"/staff/listings/{ids[0]}/suspend",
            data={"_csrf_token": token, "reasons": "Malware report", "confirm": "yes"},
        )
    assert (await listings.get_listing(ids[0]))["status"] == "suspended"  # type: ignore[index]
    with pytest.raises(Conflict):
        await listings.publish(dev.id, ids[0])
    # every transition was recorded and mailed to the organization's owners
    events = [(e["from_status"], e["to_status"]) for e in await listings.history(ids[0])]
    assert events == [
        (None, "draft"), ("draft", "submitted"), ("submitted", "approved"),
        ("approved", "published"), ("published", "paused"), ("paused", "published"),
        ("published", "unlisted"), ("unlisted", "published"), ("published", "suspended"),
    ]  # fmt: skip
    mails = await fetch(
        "SELECT subject, body_text FROM public.email_outbox WHERE lower(to_address) = lower($1)"
        " AND subject LIKE $2 ORDER BY created_at",
        dev.email,
        f"{first['name']}:%",
    )
    assert [m["subject"].rsplit(": ", 1)[1] for m in mails] == [
        "submitted", "approved", "published", "paused", "published", "unlisted", "published",
        "suspended",
    ]  # fmt: skip
    assert "Malware report" in mails[-1]["body_text"]


# --- media --------------------------------------------------------------------------------


async def test_media_upload_type_size_and_serving(db: None, app: Any) -> None:
    user = await person()
    org, listing, _ = await new_listing(user)
    base = f"/partners/{org['slug']}/listings/{listing['slug']}"
    async with browser(app, user.email) as b:
        page = await b.get(base)
        token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]

        async def upload(kind: str, content: bytes, name: str = "x.png") -> httpx.Response:
            return await b.post(
                f"/partners/media?listing={listing['id']}&kind={kind}",
                data={"_csrf_token": token},
                files={"file": (name, content, "image/png")},
            )

        r = await upload("icon", PNG)
        assert r.status_code == 200 and "Icon saved." in r.text
        icon = (await listings.get_listing(listing["id"]))["icon_path"]  # type: ignore[index]
        assert re.fullmatch(r"[\w-]{32}\.png", icon)
        served = await b.get(f"/marketplace/media/{icon}")
        assert served.status_code == 200 and served.content == PNG
        assert served.headers["content-type"] == "image/png"
        assert served.headers["x-content-type-options"] == "nosniff"
        assert "max-age=31536000" in served.headers["cache-control"]
        # the type comes from the bytes, not the name or the declared type
        fake = await upload("icon", b"GIF89a" + b"\x00" * 40, "fake.png")
        assert "Upload a PNG, JPEG or WebP image" in fake.text
        big = await upload("icon", PNG + b"\x00" * (1 << 20))
        assert "larger than 1 MB" in big.text
        assert (await listings.get_listing(listing["id"]))["icon_path"] == icon  # type: ignore[index]
        shot = await upload("screenshot", JPEG, "s.jpg")
        assert "Screenshot added." in shot.text
        shots = await media.screenshots(listing["id"])
        assert shots[0]["content_type"] == "image/jpeg"
        assert (await b.get(shots[0]["url"])).headers["content-type"] == "image/jpeg"
        huge = await upload("screenshot", JPEG + b"\x00" * (5 << 20))
        assert "larger than 5 MB" in huge.text or huge.status_code == 413
        for bad in ("../secret_key", "x.png", "a" * 32 + ".gif"):
            assert (await b.get(f"/marketplace/media/{bad}")).status_code == 404
    for _ in range(7):
        await media.add_screenshot(user.id, listing["id"], PNG)
    with pytest.raises(ValidationFailed) as caught:
        await media.add_screenshot(user.id, listing["id"], PNG)
    assert caught.value.errors[0]["code"] == "TOO_MANY"
    assert len(await media.screenshots(listing["id"])) == media.MAX_SCREENSHOTS
    outsider = await person()
    with pytest.raises(PermissionDenied):
        await media.set_icon(outsider.id, listing["id"], PNG)


async def test_dashboard_lists_listings_installs_and_markdown(db: None, app: Any) -> None:
    user = await person()
    org, listing, _ = await new_listing(
        user,
        long_description="<script>alert(1)</script> [x](javascript:alert(1)) [ok](https://a.example)",
    )
    await execute(
        "INSERT INTO public.app_install (id, listing_id, tenant_id, scopes, installed_at)"
        " SELECT gen_random_uuid(), $1, t.id, '{}', now() FROM public.tenant t"
        " WHERE t.status = 'active' LIMIT 2",
        listing["id"],
    )
    async with browser(app, user.email) as b:
        dash = await b.get(f"/partners/{org['slug']}")
        assert dash.status_code == 200 and listing["name"] in dash.text
        assert listing["client_id"] in dash.text and 'class="bar"' in dash.text
        page = await b.get(f"/partners/{org['slug']}/listings/{listing['slug']}")
        assert "&lt;script&gt;" in page.text and "<script>alert" not in page.text
        assert 'href="javascript:' not in page.text
        assert 'href="https://a.example" rel="nofollow ugc noopener"' in page.text
