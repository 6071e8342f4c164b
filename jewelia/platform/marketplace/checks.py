"""Automated checks run when a developer submits a listing; results are saved (listing_check)
and shown to them. A listing with a failing check stays where it is (draft or rejected).

The app must answer a correctly signed test webhook (event `app.test`, signed like every app
delivery: `X-Webhook-Signature` and the Standard Webhooks headers, keyed with the client
secret) with 2xx, and refuse the same body under a wrong signature with 401.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from jewelia.core.db import DB, execute, fetch
from jewelia.core.errors import Conflict, NotFound
from jewelia.core.outbound import BlockedDestination, guarded_client
from jewelia.platform.marketplace import listings
from jewelia.tenants.webhooks.signing import signed_headers

TIMEOUT = 10.0
REQUIRED = (
    ("name", "Name"),
    ("description", "Short description"),
    ("category", "Category"),
    ("app_url", "App URL"),
    ("webhook_url", "Webhook URL"),
    ("support_url", "Support URL"),
    ("privacy_url", "Privacy policy URL"),
)


def _result(check: str, passed: bool, message: str) -> dict[str, Any]:
    return {"check": check, "passed": passed, "message": message}


def required_fields(listing: dict[str, Any]) -> dict[str, Any]:
    """Every field a reviewer and an installer need is filled in."""
    missing = [label for name, label in REQUIRED if not listing.get(name)]
    if not listing.get("redirect_uris"):
        missing.append("at least one redirect URI")
    if not listing.get("scopes"):
        missing.append("at least one scope")
    if missing:
        return _result("required_fields", False, "Missing: " + ", ".join(missing))
    return _result("required_fields", True, "All required fields are filled in")


def redirect_uris(listing: dict[str, Any]) -> dict[str, Any]:
    """Every redirect URI is https (http only to loopback in development)."""
    problems = [
        f"{uri} {problem}"
        for uri in listing.get("redirect_uris") or []
        if (problem := listings.redirect_uri_problem(uri))
    ]
    if not listing.get("redirect_uris"):
        return _result("redirect_uris_https", False, "No redirect URI")
    if problems:
        return _result("redirect_uris_https", False, "; ".join(problems))
    return _result("redirect_uris_https", True, "Every redirect URI uses https")


async def app_url_reachable(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    """The app URL answers (anything below 500) through the SSRF guard."""
    if not url:
        return _result("app_url_reachable", False, "No app URL")
    try:
        response = await client.get(url)
    except BlockedDestination as exc:
        return _result("app_url_reachable", False, f"Refused: {exc.message}")
    except httpx.HTTPError as exc:
        return _result("app_url_reachable", False, f"No answer from {url}: {type(exc).__name__}")
    if response.status_code >= 500:
        return _result(
            "app_url_reachable", False, f"{url} answered {response.status_code} (a server error)"
        )
    return _result("app_url_reachable", True, f"{url} answered {response.status_code}")


def test_delivery(listing: dict[str, Any]) -> tuple[str, int, bytes]:
    """(id, timestamp, body) of the `app.test` webhook."""
    msg_id = str(uuid.uuid4())
    now = int(time.time())
    body = {
        "id": msg_id,
        "event": "app.test",
        "timestamp": datetime.fromtimestamp(now, UTC).isoformat().replace("+00:00", "Z"),
        "tenant_id": None,
        "data": {"listing_id": str(listing["id"]), "client_id": listing["client_id"]},
    }
    return msg_id, now, json.dumps(body, separators=(",", ":")).encode()


async def webhook_checks(
    client: httpx.AsyncClient, listing: dict[str, Any]
) -> list[dict[str, Any]]:
    """The signed test webhook must get 2xx; the same body wrongly signed must get 401."""
    url = listing.get("webhook_url") or ""
    names = ("webhook_signed_accepted", "webhook_bad_signature_refused")
    if not url:
        return [_result(n, False, "No webhook URL") for n in names]
    msg_id, stamp, body = test_delivery(listing)
    good = signed_headers([listings.client_secret(listing)], msg_id, stamp, body)
    bad = signed_headers(["jws_" + secrets.token_urlsafe(30)], msg_id, stamp, body)
    out = []
    for name, headers, wanted in ((names[0], good, "2xx"), (names[1], bad, "401")):
        try:
            response = await client.post(url, content=body, headers=headers)
        except BlockedDestination as exc:
            out.append(_result(name, False, f"Refused: {exc.message}"))
            continue
        except httpx.HTTPError as exc:
            out.append(_result(name, False, f"No answer from {url}: {type(exc).__name__}"))
            continue
        status = response.status_code
        ok = 200 <= status < 300 if wanted == "2xx" else status == 401
        if name == names[0]:
            message = (
                f"The correctly signed app.test webhook got {status}"
                if ok
                else f"The correctly signed app.test webhook got {status}; answer 2xx"
            )
        else:
            message = (
                "A wrongly signed webhook was refused with 401"
                if ok
                else f"A wrongly signed webhook got {status}; verify the signature and answer 401"
            )
        out.append(_result(name, ok, message))
    return out


async def run_checks(listing: dict[str, Any]) -> list[dict[str, Any]]:
    """Every automated check of a listing, in order."""
    results = [required_fields(listing), redirect_uris(listing)]
    async with guarded_client(timeout=TIMEOUT) as client:
        results.append(await app_url_reachable(client, listing.get("app_url") or ""))
        results.extend(await webhook_checks(client, listing))
    return results


async def latest(listing_id: uuid.UUID) -> dict[str, Any] | None:
    """The newest check run of a listing (results, passed, ran_at), or None."""
    rows = await fetch(
        "SELECT * FROM public.listing_check WHERE listing_id = $1 ORDER BY ran_at DESC LIMIT 1",
        listing_id,
    )
    if not rows:
        return None
    row = rows[0]
    if isinstance(row["results"], str):
        row["results"] = json.loads(row["results"])
    return row


async def submit(user_id: uuid.UUID, listing_id: uuid.UUID) -> tuple[bool, list[dict[str, Any]]]:
    """Run the checks, save them, and submit the listing for review when all pass;
    (submitted, results). A failing check keeps the listing where it was."""
    listing = await listings.get_listing(listing_id)
    if listing is None:
        raise NotFound("Listing not found")
    await listings.require_member(user_id, listing)
    if listing["status"] not in listings.TRANSITIONS["submitted"]:
        raise Conflict(f"A {listing['status']} listing cannot be submitted")
    results = await run_checks(listing)
    passed = all(r["passed"] for r in results)
    async with DB.transaction():
        await execute(
            "INSERT INTO public.listing_check (id, listing_id, results, passed)"
            " VALUES ($1, $2, $3::jsonb, $4)",
            uuid.uuid4(),
            listing_id,
            json.dumps(results),
            passed,
        )
        if passed:
            await listings.mark_submitted(user_id, listing_id)
    return passed, results
