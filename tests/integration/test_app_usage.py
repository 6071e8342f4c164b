"""Usage-based app charges over HTTP: an app reports usage with its token and an idempotency
key (one row however often and however concurrently it is sent), priced at the accepted
per-unit amount, refused whole over the monthly cap the business accepted, 80 % and 100 %
notices once a period on the recorded total, bad input and foreign credentials refused with clear codes, tenants
kept apart; the reference app reporting through its real HTTP server; monthly billing once."""

from __future__ import annotations

import asyncio
import html
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from jewelia.core.db import DB, execute, fetch
from jewelia.platform.apikeys.service import PERMISSIONS, create_key
from jewelia.platform.apikeys.tokens import issue_access
from jewelia.platform.commerce import usage
from tests.conftest import unique_email
from tests.integration.test_marketplace_oauth import (
    TENANT_RADIO,
    bearer,
    seed_listing,
    tenant_of,
    tokens_for,
)
from tests.integration.test_pages import CSRF, signup
from tests.marketplace_app import ReferenceApp

URL = "/api/v1/marketplace/usage"


async def usage_listing(price: str = "0.25", webhook_url: str = "", **extra: Any) -> dict[str, Any]:
    """A published usage-priced listing (per-unit price in dollars)."""
    listing = await seed_listing(["customers:read"], webhook_url=webhook_url, **extra)
    await execute(
        "UPDATE public.listing SET pricing_model = 'usage_based', pricing_amount = $2"
        " WHERE id = $1",
        listing["id"],
        Decimal(price),
    )
    return {**listing, "pricing_amount": Decimal(price)}


async def accept_usage(tenant_id: uuid.UUID, listing: dict[str, Any], cap_minor: int) -> uuid.UUID:
    """The business's owner accepted the app's usage pricing with a monthly cap (the app
    charge row the confirmation page leaves)."""
    charge_id = uuid.uuid4()
    await execute(
        "INSERT INTO public.app_charge (id, tenant_id, listing_id, kind, status, amount_minor,"
        " currency, cap_minor, accepted_at) VALUES ($1, $2, $3, 'usage', 'active', $4, 'USD',"
        " $5, now())",
        charge_id,
        tenant_id,
        listing["id"],
        int(listing["pricing_amount"] * 100),
        cap_minor,
    )
    return charge_id


async def installed(
    client: Any, listing: dict[str, Any], cap_minor: int | None = 1000
) -> dict[str, Any]:
    """A fresh business that accepted the cap and installed the app: its tenant, the app's
    access token and the install id."""
    email = await signup(client, business=f"Usage Gems {uuid.uuid4().hex[:4]}")
    tenant = await tenant_of(email)
    if cap_minor is not None:
        await accept_usage(tenant["id"], listing, cap_minor)
    tokens = await tokens_for(client, listing)
    rows = await fetch(
        "SELECT id FROM public.app_install WHERE tenant_id = $1 AND listing_id = $2"
        " AND uninstalled_at IS NULL",
        tenant["id"],
        listing["id"],
    )
    client.cookies.clear()
    return {
        "tenant": tenant,
        "email": email,
        "token": tokens["access_token"],
        "install_id": rows[0]["id"],
    }


async def report(client: Any, token: str, body: Any, **headers: str) -> httpx.Response:
    return await client.post(URL, json=body, headers={**bearer(token), **headers})  # type: ignore[no-any-return]


async def rows_of(install_id: uuid.UUID) -> list[dict[str, Any]]:
    return await fetch(
        "SELECT * FROM public.app_usage WHERE install_id = $1 ORDER BY created_at", install_id
    )


async def period_of(install_id: uuid.UUID) -> dict[str, Any] | None:
    rows = await fetch(
        "SELECT * FROM public.app_usage_period WHERE install_id = $1 AND period = $2",
        install_id,
        usage.period_of(),
    )
    return rows[0] if rows else None


async def test_report_is_priced_replayed_and_listed(client: Any) -> None:
    listing = await usage_listing("0.25")
    app = await installed(client, listing, cap_minor=10_000)
    r = await report(
        client, app["token"], {"quantity": 3, "description": "renders", "idempotencyKey": "k-1"}
    )
    assert r.status_code == 201, r.text
    first = r.json()["data"]
    assert first["quantity"] == 3
    assert first["amount"] == 0.75 and first["unitPrice"] == 0.25
    assert first["periodTotal"] == 0.75 and first["cap"] == 100 and first["remaining"] == 99.25
    assert first["currency"] == "USD" and first["installId"] == str(app["install_id"])
    assert first["period"] == usage.period_of()

    again = await report(
        client, app["token"], {"quantity": 3, "description": "renders", "idempotencyKey": "k-1"}
    )
    assert again.status_code == 200, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["data"]["id"] == first["id"]
    assert again.json()["data"]["periodTotal"] == 0.75

    # The key through the header instead of the body: the same idempotency.
    h = await report(client, app["token"], {"quantity": 2}, **{"Idempotency-Key": "k-2"})
    assert h.status_code == 201, h.text
    h2 = await report(client, app["token"], {"quantity": 2}, **{"Idempotency-Key": "k-2"})
    assert h2.status_code == 200 and h2.json()["data"]["id"] == h.json()["data"]["id"]
    # The body's key wins over the header (SDKs send a fresh header on every POST).
    b = await report(
        client,
        app["token"],
        {"quantity": 3, "description": "renders", "idempotencyKey": "k-1"},
        **{"Idempotency-Key": "sdk-fresh-key"},
    )
    assert b.status_code == 200 and b.json()["data"]["id"] == first["id"]

    # The same key with another report is a conflict, and records nothing.
    other = await report(
        client, app["token"], {"quantity": 4, "description": "renders", "idempotencyKey": "k-1"}
    )
    assert other.status_code == 409, other.text
    assert other.json()["code"] == "USAGE_KEY_REUSED"
    assert len(await rows_of(app["install_id"])) == 2
    period = await period_of(app["install_id"])
    assert period is not None and period["total_minor"] == 125 and period["reports"] == 2

    listed = await client.get(URL, headers=bearer(app["token"]))
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert [row["quantity"] for row in body["data"]] == [2, 3]
    assert body["pagination"]["total"] == 2
    assert body["summary"] == {
        "period": usage.period_of(),
        "periodTotal": 1.25,
        "cap": 100,
        "remaining": 98.75,
        "currency": "USD",
    }

    # The developer raises the listing's price: this business pays what it accepted.
    await execute("UPDATE public.listing SET pricing_amount = 5 WHERE id = $1", listing["id"])
    later = await report(client, app["token"], {"quantity": 1, "idempotencyKey": "k-3"})
    assert later.status_code == 201 and later.json()["data"]["amount"] == 0.25


async def test_one_hundred_concurrent_identical_reports_are_one(client: Any) -> None:
    listing = await usage_listing("1.00")
    app = await installed(client, listing, cap_minor=100_000)
    body = {"quantity": 7, "description": "batch 42", "idempotencyKey": "batch-42"}
    answers = await asyncio.gather(*(report(client, app["token"], body) for _ in range(100)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(201) == 1 and statuses.count(200) == 99, statuses
    assert len({a.json()["data"]["id"] for a in answers}) == 1
    rows = await rows_of(app["install_id"])
    assert len(rows) == 1 and rows[0]["amount_minor"] == 700
    period = await period_of(app["install_id"])
    assert period is not None and period["total_minor"] == 700 and period["reports"] == 1

    # The same through the Idempotency-Key header, concurrently.
    answers = await asyncio.gather(
        *(
            report(client, app["token"], {"quantity": 1}, **{"Idempotency-Key": "hdr-1"})
            for _ in range(30)
        )
    )
    assert sorted(a.status_code for a in answers).count(201) == 1
    assert len(await rows_of(app["install_id"])) == 2
    period = await period_of(app["install_id"])
    assert period is not None and period["total_minor"] == 800

    # Distinct reports racing near the cap never add up past it.
    listing2 = await usage_listing("1.00")
    app2 = await installed(client, listing2, cap_minor=1000)  # $10: ten reports of $1
    answers = await asyncio.gather(
        *(
            report(client, app2["token"], {"quantity": 1, "idempotencyKey": f"r-{i}"})
            for i in range(25)
        )
    )
    codes = [a.status_code for a in answers]
    assert codes.count(201) == 10 and codes.count(402) == 15, codes
    period = await period_of(app2["install_id"])
    assert period is not None and period["total_minor"] == 1000
    assert len(await rows_of(app2["install_id"])) == 10


async def _emails(address: str) -> list[dict[str, Any]]:
    return await fetch(
        "SELECT subject, body_text FROM public.email_outbox WHERE to_address = $1"
        " AND subject LIKE '%usage cap%' ORDER BY created_at",
        address,
    )


async def test_cap_refuses_whole_reports_and_warns_once(client: Any) -> None:
    listing = await usage_listing("1.00")
    app = await installed(client, listing, cap_minor=1000)  # $10 a month
    admin = unique_email("admin")
    user_id = uuid.uuid4()
    await execute(
        "INSERT INTO public.app_user (id, email, full_name, password_hash) VALUES ($1, $2,"
        " 'Ada Admin', 'x')",
        user_id,
        admin,
    )
    await execute(
        "INSERT INTO public.membership (id, user_id, tenant_id, role) VALUES ($1, $2, $3, 'admin')",
        uuid.uuid4(),
        user_id,
        app["tenant"]["id"],
    )
    member = unique_email("member")
    member_id = uuid.uuid4()
    await execute(
        "INSERT INTO public.app_user (id, email, full_name, password_hash) VALUES ($1, $2,"
        " 'Mo Member', 'x')",
        member_id,
        member,
    )
    await execute(
        "INSERT INTO public.membership (id, user_id, tenant_id, role) VALUES ($1, $2, $3,"
        " 'member')",
        uuid.uuid4(),
        member_id,
        app["tenant"]["id"],
    )

    r = await report(client, app["token"], {"quantity": 7, "idempotencyKey": "a"})
    assert r.status_code == 201 and r.json()["data"]["remaining"] == 3
    assert await _emails(app["email"]) == []  # 70 %: nothing yet
    r = await report(client, app["token"], {"quantity": 1, "idempotencyKey": "b"})
    assert r.status_code == 201  # 80 %
    for address in (app["email"], admin):
        sent = await _emails(address)
        assert len(sent) == 1 and "80% of its monthly usage cap" in sent[0]["subject"], sent
        assert "8.00 USD of the 10.00 USD" in sent[0]["body_text"]
    assert await _emails(member) == []  # owners and admins only

    # Over the cap: refused whole, nothing recorded; only the 402 tells the app.
    over = await report(client, app["token"], {"quantity": 3, "idempotencyKey": "c"})
    assert over.status_code == 402, over.text
    error = over.json()
    assert error["code"] == "USAGE_CAP_EXCEEDED"
    assert error["details"]["remaining"] == 2 and error["details"]["periodTotal"] == 8
    assert len(await rows_of(app["install_id"])) == 2
    period = await period_of(app["install_id"])
    assert period is not None and period["total_minor"] == 800
    assert period["warned_100_at"] is None
    assert len(await _emails(app["email"])) == 1

    # What is left still fits; the recorded total reaching the cap sends the 100 % notice.
    r = await report(client, app["token"], {"quantity": 2, "idempotencyKey": "d"})
    assert r.status_code == 201 and r.json()["data"]["remaining"] == 0
    sent = await _emails(app["email"])
    assert len(sent) == 2 and "reached its monthly usage cap" in sent[1]["subject"]
    assert "used the whole 10.00 USD monthly usage cap" in sent[1]["body_text"]
    again = await report(client, app["token"], {"quantity": 1, "idempotencyKey": "e"})
    assert again.status_code == 402
    # The refused key is free: the same report is refused again, not replayed as recorded.
    assert (
        await report(client, app["token"], {"quantity": 3, "idempotencyKey": "c"})
    ).status_code == 402
    for address in (app["email"], admin):
        assert len(await _emails(address)) == 2
    period = await period_of(app["install_id"])
    assert period is not None and period["total_minor"] == 1000
    assert period["warned_80_at"] is not None and period["warned_100_at"] is not None


async def test_reaching_the_cap_exactly_sends_the_hundred_percent_notice(client: Any) -> None:
    listing = await usage_listing("1.00")
    app = await installed(client, listing, cap_minor=500)
    assert (
        await report(client, app["token"], {"quantity": 4, "idempotencyKey": "x"})
    ).status_code == 201
    assert (
        await report(client, app["token"], {"quantity": 1, "idempotencyKey": "y"})
    ).status_code == 201
    sent = await _emails(app["email"])
    assert len(sent) == 2, sent
    assert "80% of its monthly usage cap" in sent[0]["subject"]
    assert "reached its monthly usage cap" in sent[1]["subject"]
    assert "used the whole 5.00 USD monthly usage cap" in sent[1]["body_text"]
    assert (
        await report(client, app["token"], {"quantity": 1, "idempotencyKey": "z"})
    ).status_code == 402
    assert len(await _emails(app["email"])) == 2


BAD_BODIES: list[tuple[Any, str, str]] = [
    ({"quantity": -1, "idempotencyKey": "k"}, "quantity", "OUT_OF_RANGE"),
    ({"quantity": 0, "idempotencyKey": "k"}, "quantity", "OUT_OF_RANGE"),
    ({"quantity": 1_000_001, "idempotencyKey": "k"}, "quantity", "OUT_OF_RANGE"),
    ({"quantity": 10**30, "idempotencyKey": "k"}, "quantity", "INVALID"),
    ({"quantity": "5", "idempotencyKey": "k"}, "quantity", "INVALID_TYPE"),
    ({"quantity": 1.5, "idempotencyKey": "k"}, "quantity", "INVALID_TYPE"),
    ({"quantity": True, "idempotencyKey": "k"}, "quantity", "INVALID_TYPE"),
    ({"quantity": None, "idempotencyKey": "k"}, "quantity", "INVALID_TYPE"),
    ({"idempotencyKey": "k"}, "quantity", "REQUIRED"),
    ({"quantity": 1}, "idempotencyKey", "REQUIRED"),
    ({"quantity": 1, "idempotencyKey": ""}, "idempotencyKey", "REQUIRED"),
    ({"quantity": 1, "idempotencyKey": "k" * 256}, "idempotencyKey", "INVALID_FORMAT"),
    ({"quantity": 1, "idempotencyKey": 5}, "idempotencyKey", "INVALID_TYPE"),
    ({"quantity": 1, "idempotencyKey": "k", "description": "d" * 201}, "description", "TOO_LONG"),
    ({"quantity": 1, "idempotencyKey": "k", "description": 3}, "description", "INVALID_TYPE"),
    ({"quantity": 1, "idempotencyKey": "k", "amount": 5}, "amount", "UNKNOWN_FIELD"),
    ({"quantity": 1, "idempotencyKey": "k", "installId": "nope"}, "installId", "INVALID_UUID"),
    ([1, 2], "body", "INVALID_TYPE"),
]


async def test_bad_input_is_refused_and_records_nothing(client: Any) -> None:
    listing = await usage_listing("0.10")
    app = await installed(client, listing)
    for body, field, code in BAD_BODIES:
        r = await report(client, app["token"], body)
        assert r.status_code in (400, 422), (body, r.text)
        if code == "INVALID_TYPE":  # a wrong type is a 400, as on every API body
            assert r.status_code == 400, (body, r.text)
        error = r.json()
        assert error["code"] == "VALIDATION_ERROR", (body, error)
        fields = {(d["field"], d["code"]) for d in error["details"]}
        assert any(f == field for f, _ in fields), (body, fields)
        if code != "INVALID":
            assert (field, code) in fields or any(c == code for _, c in fields), (body, fields)
    bad_header = await client.post(
        URL, json={"quantity": 1}, headers={**bearer(app["token"]), "Idempotency-Key": "x" * 300}
    )
    assert bad_header.status_code in (400, 422) and bad_header.json()["code"] == "VALIDATION_ERROR"
    not_json = await client.post(
        URL,
        content=b"{quantity",
        headers={**bearer(app["token"]), "Content-Type": "application/json"},
    )
    assert not_json.status_code == 400 and not_json.json()["code"] == "VALIDATION_ERROR"
    assert await rows_of(app["install_id"]) == []
    assert await period_of(app["install_id"]) is None

    # Unknown install (another id than the token's): not found, nothing recorded.
    unknown = await report(
        client, app["token"], {"quantity": 1, "idempotencyKey": "u", "installId": str(uuid.uuid4())}
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "NOT_FOUND"
    mine = await report(
        client,
        app["token"],
        {"quantity": 1, "idempotencyKey": "u", "installId": str(app["install_id"])},
    )
    assert mine.status_code == 201


async def test_only_an_app_token_may_report(client: Any) -> None:
    listing = await usage_listing("0.10")
    app = await installed(client, listing)
    body = {"quantity": 1, "idempotencyKey": "k"}
    key = await create_key(app["tenant"]["id"], "admin key", list(PERMISSIONS))
    owner = await fetch("SELECT id FROM public.app_user WHERE email = $1", app["email"])
    jwt = issue_access(owner[0]["id"], app["tenant"]["id"], "owner")
    for credential in (key.secret, jwt):
        for method in ("POST", "GET"):
            r = await client.request(
                method, URL, json=body if method == "POST" else None, headers=bearer(credential)
            )
            assert r.status_code == 403, r.text
            assert r.json()["code"] == "APP_TOKEN_REQUIRED"
    for credential in ("jwa_" + "0" * 43, "nonsense"):
        r = await report(client, credential, body)
        assert r.status_code == 401 and r.json()["code"] == "AUTHENTICATION_ERROR"
    assert (await client.post(URL, json=body)).status_code == 401
    assert await rows_of(app["install_id"]) == []

    # An app whose business accepted no usage charge (a free listing) cannot bill.
    free = await seed_listing(["customers:read"])
    free_app = await installed(client, {**free, "pricing_amount": Decimal(0)}, cap_minor=None)
    r = await report(client, free_app["token"], body)
    assert r.status_code == 409 and r.json()["code"] == "USAGE_CHARGE_REQUIRED", r.text

    # The app's other scopes still hold on the data routes; usage needs no data scope.
    assert (await client.get("/api/v1/customers", headers=bearer(app["token"]))).status_code == 200
    assert (await client.get("/api/v1/orders", headers=bearer(app["token"]))).status_code == 403


async def test_tenants_are_kept_apart(client: Any) -> None:
    listing = await usage_listing("0.50")
    a = await installed(client, listing, cap_minor=1000)
    b = await installed(client, listing, cap_minor=1000)
    r = await report(client, a["token"], {"quantity": 2, "idempotencyKey": "same"})
    assert r.status_code == 201
    # A's token naming B's install: not found, and nothing recorded for B.
    cross = await report(
        client,
        a["token"],
        {"quantity": 1, "idempotencyKey": "x", "installId": str(b["install_id"])},
    )
    assert cross.status_code == 404
    assert await rows_of(b["install_id"]) == []
    # The same key in B is B's own report.
    rb = await report(client, b["token"], {"quantity": 5, "idempotencyKey": "same"})
    assert rb.status_code == 201 and rb.json()["data"]["id"] != r.json()["data"]["id"]
    seen = await usage.tenant_usage(a["tenant"]["id"])
    assert [(u["installId"], u["periodTotal"], u["reports"]) for u in seen] == [
        (a["install_id"], 1, 1)
    ]
    la = (await client.get(URL, headers=bearer(a["token"]))).json()
    lb = (await client.get(URL, headers=bearer(b["token"]))).json()
    assert [x["quantity"] for x in la["data"]] == [2] and la["summary"]["periodTotal"] == 1
    assert [x["quantity"] for x in lb["data"]] == [5] and lb["summary"]["periodTotal"] == 2.5


async def test_an_uninstalled_app_cannot_report(client: Any) -> None:
    from jewelia.platform.marketplace import installs

    listing = await usage_listing("0.10")
    app = await installed(client, listing)
    assert (
        await report(client, app["token"], {"quantity": 1, "idempotencyKey": "a"})
    ).status_code == 201
    await installs.uninstall(app["install_id"], None)
    r = await report(client, app["token"], {"quantity": 1, "idempotencyKey": "b"})
    assert r.status_code == 403, r.text  # its token only reads during the clean-up window
    listed = await client.get(URL, headers=bearer(app["token"]))
    assert listed.status_code == 200 and listed.json()["pagination"]["total"] == 1


async def test_last_month_is_billed_once(client: Any) -> None:
    listing = await usage_listing("0.25")
    app = await installed(client, listing, cap_minor=10_000)
    last_month = datetime.now(UTC).replace(day=1) - timedelta(days=2)
    for i, quantity in enumerate((4, 6)):
        await usage.report(
            app["tenant"]["id"], app["install_id"], quantity=quantity, key=f"m-{i}", now=last_month
        )
    period = usage.period_of(last_month)
    assert await usage.bill_one(app["install_id"], usage.period_of()) is None  # not over yet
    first = await usage.bill_due()
    assert first >= 1
    rows = await fetch(
        "SELECT * FROM public.app_usage_period WHERE install_id = $1 AND period = $2",
        app["install_id"],
        period,
    )
    assert rows[0]["bill_status"] in ("paid", "charged"), rows[0]
    payments = await fetch(
        "SELECT p.* FROM public.app_charge_payment p JOIN public.app_charge c ON c.id = p.charge_id"
        " WHERE c.tenant_id = $1",
        app["tenant"]["id"],
    )
    assert len(payments) == 1 and payments[0]["amount_minor"] == 250
    assert payments[0]["ledger_key"] == usage.charge_key(app["install_id"], period)
    # Once more (a crashed run resumed, a second worker): nothing new.
    await usage.bill_due()
    assert await usage.bill_one(app["install_id"], period) is None
    assert (
        len(await fetch("SELECT 1 FROM public.app_charge_payment WHERE id = $1", payments[0]["id"]))
        == 1
    )
    if rows[0]["bill_status"] == "paid":
        journals = await fetch(
            "SELECT * FROM public.ledger_journal WHERE key = $1",
            usage.charge_key(app["install_id"], period),
        )
        assert len(journals) == 1


async def _approve(client: Any, authorize: str) -> str:
    """The signed-in owner approves the consent page at `authorize` (a path with its query);
    where Jewelia sends the browser back (the app's callback with the code)."""
    page = await client.get(authorize)
    assert page.status_code == 200, page.text
    token = CSRF.search(page.text)
    tenant = TENANT_RADIO.search(page.text)
    assert token and tenant, page.text
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
    form = {k: html.unescape(v) for k, v in hidden.items() if k != "_csrf_token"}
    form.update(
        {"_csrf_token": token.group(1), "tenant_id": tenant.group(1), "decision": "approve"}
    )
    answer = await client.post("/oauth/authorize", data=form, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    return str(answer.headers["location"])


async def test_reference_app_reports_usage_through_its_server(
    client: Any, live_server: str, worker: Any
) -> None:
    ref = ReferenceApp(live_server, "pending", "pending")
    listing = await usage_listing("0.50", webhook_url=f"{ref.url}/webhooks")
    await execute(
        "UPDATE public.listing SET redirect_uris = $2 WHERE id = $1",
        listing["id"],
        [f"{ref.url}/callback"],
    )
    ref.env.update({"APP_CLIENT_ID": listing["client_id"], "APP_CLIENT_SECRET": listing["secret"]})
    email = await signup(client, business="Reference Usage Gems")
    tenant = await tenant_of(email)
    await accept_usage(tenant["id"], listing, cap_minor=300)  # $3 a month: six units
    with ref:
        async with httpx.AsyncClient(timeout=30) as browser:
            start = await browser.get(f"{ref.url}/install", follow_redirects=False)
            assert start.status_code == 302 and start.headers["location"].startswith(live_server)
            back = await _approve(client, start.headers["location"][len(live_server) :])
            assert back.startswith(f"{ref.url}/callback?")
            done = await browser.get(back, follow_redirects=False)
            assert done.status_code == 303, done.text
            tenant_id = str(tenant["id"])
            assert done.headers["location"] == f"/tenants/{tenant_id}"

            # One report sent twice (a retry after a timeout): recorded and charged once.
            first = await ref.report_usage(
                browser, tenant_id, 2, "monthly report", "report-2026-12-03"
            )
            again = await ref.report_usage(
                browser, tenant_id, 2, "monthly report", "report-2026-12-03"
            )
            assert first["status"] == 201 and again["status"] == 200, (first, again)
            assert first["jewelia"]["data"]["id"] == again["jewelia"]["data"]["id"]
            assert again["jewelia"]["data"]["periodTotal"] == 1
            installs = await fetch(
                "SELECT id FROM public.app_install WHERE tenant_id = $1 AND listing_id = $2",
                tenant["id"],
                listing["id"],
            )
            install_id = installs[0]["id"]
            assert len(await rows_of(install_id)) == 1

            # Up to the cap: the app hears app.usage.capped (signed, through the worker); past it
            # the report is refused whole.
            full = await ref.report_usage(browser, tenant_id, 4, "bulk export", "export-1")
            assert full["status"] == 201 and full["jewelia"]["data"]["remaining"] == 0
            over = await ref.report_usage(browser, tenant_id, 1, "one more", "export-2")
            assert over["status"] == 402 and over["jewelia"]["code"] == "USAGE_CAP_EXCEEDED"
            deadline = time.monotonic() + 30
            capped: list[dict[str, Any]] = []
            while time.monotonic() < deadline and not capped:
                capped = [e for e in ref.events() if e["event"] == "app.usage.capped"]
                if not capped:
                    await asyncio.sleep(0.3)
            assert len(capped) == 1, ref.events()
            assert (
                capped[0]["data"]["period_total"] == "3.00" and capped[0]["data"]["cap"] == "3.00"
            )
            assert capped[0]["tenant_id"] == tenant_id

    # The month closes: its usage is charged once, however often billing runs.
    last = usage.previous_period(usage.period_of())
    await execute(
        "UPDATE public.app_usage_period SET period = $2 WHERE install_id = $1",
        install_id,
        last,
    )
    await usage.bill_due()
    await usage.bill_due()
    payments = await fetch(
        "SELECT p.* FROM public.app_charge_payment p JOIN public.app_charge c"
        " ON c.id = p.charge_id WHERE c.tenant_id = $1",
        tenant["id"],
    )
    assert [p["amount_minor"] for p in payments] == [300]


async def _last_month_usage(client: Any, quantity: int, price: str = "1.00") -> dict[str, Any]:
    listing = await usage_listing(price)
    app = await installed(client, listing, cap_minor=100_000)
    last_month = datetime.now(UTC).replace(day=1) - timedelta(days=3)
    await usage.report(
        app["tenant"]["id"], app["install_id"], quantity=quantity, key="m", now=last_month
    )
    return {**app, "listing": listing, "period": usage.period_of(last_month)}


async def test_usage_charged_through_stripe_with_its_fee_and_a_declined_card(
    client: Any, fake_stripe: Any
) -> None:
    good = await _last_month_usage(client, 12)  # $12.00
    bad = await _last_month_usage(client, 5)
    with fake_stripe.lock:
        paying = fake_stripe._new_customer({"email": "pays@example.com"})["id"]
        declining = fake_stripe._new_customer({"email": "declines@example.com"})["id"]
    fake_stripe.attach_card(paying)
    fake_stripe.attach_card(declining, declined=True)
    for app, customer in ((good, paying), (bad, declining)):
        await execute(
            "UPDATE public.app_charge SET stripe_customer = $2 WHERE tenant_id = $1",
            app["tenant"]["id"],
            customer,
        )
    with fake_stripe.configured():
        assert await usage.bill_one(good["install_id"], good["period"]) == "paid"
        assert await usage.bill_one(bad["install_id"], bad["period"]) == "failed"
        # Again (a second worker, a resumed run): nothing new at Stripe or here.
        assert await usage.bill_one(good["install_id"], good["period"]) is None
    charges = [c for c in fake_stripe.all("charge") if c["customer"] == paying]
    assert len(charges) == 1 and charges[0]["amount"] == 1200
    journal = await fetch(
        "SELECT j.id FROM public.ledger_journal j WHERE j.key = $1",
        usage.charge_key(good["install_id"], good["period"]),
    )
    assert len(journal) == 1
    postings = await fetch(
        "SELECT line_type, amount FROM public.ledger_posting WHERE journal_id = $1"
        " AND line_type = 'fee'",
        journal[0]["id"],
    )
    assert [p["amount"] for p in postings] == [65]  # Stripe's 2.9 % + 30 c of $12.00
    failed = await fetch(
        "SELECT * FROM public.app_usage_period WHERE install_id = $1", bad["install_id"]
    )
    assert failed[0]["bill_status"] == "failed" and "card_declined" in failed[0]["bill_detail"]
    told = await fetch(
        "SELECT subject FROM public.email_outbox WHERE to_address = $1 AND subject LIKE"
        " 'We could not charge%'",
        bad["email"],
    )
    assert len(told) == 1
    assert not await fetch(
        "SELECT 1 FROM public.ledger_journal WHERE key = $1",
        usage.charge_key(bad["install_id"], bad["period"]),
    )


async def test_a_first_report_over_the_cap_is_refused_and_changes_nothing(client: Any) -> None:
    listing = await usage_listing("1.00")
    app = await installed(client, listing, cap_minor=500)
    for key in ("big", "bigger"):
        r = await report(client, app["token"], {"quantity": 6, "idempotencyKey": key})
        assert r.status_code == 402 and r.json()["details"]["remaining"] == 5
    assert await rows_of(app["install_id"]) == []
    assert await _emails(app["email"]) == []
    assert await period_of(app["install_id"]) is None


async def test_a_refused_report_sends_no_notice_before_recorded_usage_does(client: Any) -> None:
    """The reviewer's repro: 6.60 of 10 used, a refused report of 10.00 sets no notice; the
    80 % and 100 % notices come when the recorded total crosses them."""
    listing = await usage_listing("0.01")
    app = await installed(client, listing, cap_minor=1000)
    r = await report(client, app["token"], {"quantity": 660, "idempotencyKey": "r1"})
    assert r.status_code == 201
    r = await report(client, app["token"], {"quantity": 1000, "idempotencyKey": "r2-g"})
    assert r.status_code == 402 and r.json()["code"] == "USAGE_CAP_EXCEEDED"
    period = await period_of(app["install_id"])
    assert period is not None and period["total_minor"] == 660
    assert period["warned_80_at"] is None and period["warned_100_at"] is None
    assert await _emails(app["email"]) == []
    r = await report(client, app["token"], {"quantity": 140, "idempotencyKey": "r3"})
    assert r.status_code == 201  # 8.00 of 10.00 recorded
    sent = await _emails(app["email"])
    assert len(sent) == 1 and "80% of its monthly usage cap" in sent[0]["subject"]
    r = await report(client, app["token"], {"quantity": 199, "idempotencyKey": "r4"})
    assert r.status_code == 201 and len(await _emails(app["email"])) == 1  # 99.9 %
    r = await report(client, app["token"], {"quantity": 1, "idempotencyKey": "r5"})
    assert r.status_code == 201
    sent = await _emails(app["email"])
    assert len(sent) == 2 and "reached its monthly usage cap" in sent[1]["subject"]
    period = await period_of(app["install_id"])
    assert period is not None and period["warned_100_at"] is not None


async def test_billing_closes_the_period_so_a_late_report_goes_to_the_next(client: Any) -> None:
    """A report that began before midnight but waits for the period row while billing reads
    the total is recorded in the current period, never added to a billed month."""
    app = await _last_month_usage(client, 3)
    last_month = datetime.now(UTC).replace(day=1) - timedelta(days=3)
    locked = asyncio.Event()
    release = asyncio.Event()

    async def hold() -> None:
        async with DB.transaction():
            await fetch(
                "SELECT 1 FROM public.app_usage_period WHERE install_id = $1 FOR UPDATE",
                app["install_id"],
            )
            locked.set()
            await release.wait()

    holder = asyncio.create_task(hold())
    await locked.wait()
    billing = asyncio.create_task(usage.bill_one(app["install_id"], app["period"]))
    await asyncio.sleep(0.5)  # billing waits for the row first
    late = asyncio.create_task(
        usage.report(app["tenant"]["id"], app["install_id"], quantity=2, key="late", now=last_month)
    )
    await asyncio.sleep(0.5)
    release.set()
    await holder
    assert await billing == "paid"
    row, created = await late
    assert created and row["period"] == usage.period_of()
    billed = await fetch(
        "SELECT * FROM public.app_usage_period WHERE install_id = $1 AND period = $2",
        app["install_id"],
        app["period"],
    )
    assert billed[0]["total_minor"] == 300 and billed[0]["bill_status"] == "paid"
    payments = await fetch(
        "SELECT amount_minor FROM public.app_charge_payment WHERE payment_intent = $1",
        billed[0]["payment_intent"],
    )
    assert [p["amount_minor"] for p in payments] == [300]
    current = await period_of(app["install_id"])
    assert current is not None and current["total_minor"] == 200
    # A report dated in a billed month is recorded now, in this month.
    row, created = await usage.report(
        app["tenant"]["id"], app["install_id"], quantity=1, key="later", now=last_month
    )
    assert created and row["period"] == usage.period_of() and row["periodTotal"] == 3


async def test_a_payment_stripe_charged_differently_is_posted_as_charged(client: Any) -> None:
    app = await _last_month_usage(client, 3)
    intent = {
        "id": f"pi_test_{uuid.uuid4().hex[:12]}",
        "status": "succeeded",
        "amount": 350,
        "amount_received": 350,
        "fee": 40,
        "metadata": {"install_id": str(app["install_id"]), "usage_period": app["period"]},
    }
    assert await usage.record_payment(intent) == "paid"
    rows = await fetch(
        "SELECT * FROM public.app_usage_period WHERE install_id = $1", app["install_id"]
    )
    assert rows[0]["bill_status"] == "paid" and "Stripe charged 350" in rows[0]["bill_detail"]
    payments = await fetch(
        "SELECT amount_minor FROM public.app_charge_payment WHERE id = $1", intent["id"]
    )
    assert [p["amount_minor"] for p in payments] == [350]
    journal = await fetch(
        "SELECT j.id FROM public.ledger_journal j WHERE j.key = $1",
        usage.charge_key(app["install_id"], app["period"]),
    )
    assert len(journal) == 1
    cash = await fetch(
        "SELECT p.amount FROM public.ledger_posting p JOIN public.ledger_account a"
        " ON a.id = p.account_id WHERE p.journal_id = $1 AND a.kind = 'platform_cash'",
        journal[0]["id"],
    )
    assert [c["amount"] for c in cash] == [310]  # the 3.50 Stripe charged, less its fee


async def test_the_monthly_actor_bills_on_a_real_worker(client: Any, worker: Any) -> None:
    from jewelia.workers import commerce_actors

    app = await _last_month_usage(client, 3)
    commerce_actors.bill_due_usage.send()
    commerce_actors.bill_due_usage.send()  # the scheduler sends it every minute
    deadline = time.monotonic() + 60
    row: dict[str, Any] = {}
    while time.monotonic() < deadline:
        row = (
            await fetch(
                "SELECT * FROM public.app_usage_period WHERE install_id = $1",
                app["install_id"],
            )
        )[0]
        if row["bill_status"] != "open":
            break
        await asyncio.sleep(0.3)
    assert row["bill_status"] == "paid", row
    await asyncio.sleep(1)  # the second message has run too
    payments = await fetch(
        "SELECT amount_minor FROM public.app_charge_payment WHERE payment_intent = $1",
        row["payment_intent"],
    )
    assert [p["amount_minor"] for p in payments] == [300]
    journals = await fetch(
        "SELECT 1 FROM public.ledger_journal WHERE key = $1",
        usage.charge_key(app["install_id"], app["period"]),
    )
    assert len(journals) == 1
