"""A developer's session with the installed Python SDK, run in a fresh virtualenv by
test_python_sdk.py against the live server. Prints one JSON object of what happened.

Environment: JEWELIA_BASE_URL, JEWELIA_API_KEY, JEWELIA_FLAKY_URL (the proxy; a scenario is
inserted before /api/v1), JEWELIA_WEBHOOK_BODY_FILE, JEWELIA_WEBHOOK_HEADERS_FILE,
JEWELIA_WEBHOOK_SECRET. The business starts with 250 customers, none named John.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

from jewelia_api_client import (
    APIConnectionError,
    APIError,
    AsyncJeweliaClient,
    AuthenticationError,
    ConflictError,
    JeweliaClient,
    JeweliaError,
    NotFoundError,
    Page,
    RateLimitError,
    ValidationError,
    WebhookSignatureError,
    webhooks,
)

BASE_URL = os.environ["JEWELIA_BASE_URL"]
API_KEY = os.environ["JEWELIA_API_KEY"]
FLAKY_URL = os.environ["JEWELIA_FLAKY_URL"]  # http://127.0.0.1:port/api/v1


def flaky(scenario: str) -> str:
    """The proxy's base URL for a scenario: http://host:port/<scenario>/api/v1."""
    root, _, rest = FLAKY_URL.partition("/api/v1")
    return f"{root}/{scenario}/api/v1{rest}"


def origin() -> str:
    """The proxy's bare origin (no path): the SDK adds /api/v1 itself."""
    return FLAKY_URL.partition("/api/v1")[0]


def error_facts(exc: Any) -> dict[str, Any]:
    return {
        "class": type(exc).__name__,
        "status": exc.status,
        "code": exc.code,
        "details": exc.details,
        "request_id": exc.request_id,
        "message": exc.message,
    }


def iterate_everyone(client: JeweliaClient) -> dict[str, Any]:
    first = client.customers.list(limit=100)
    ids = [str(c.id) for c in first.auto_paging_iter()]
    pages = 0
    page: Page[Any] | None = first
    while page is not None:
        pages += 1
        page = page.next_page()
    return {
        "count": len(ids),
        "unique": len(set(ids)),
        "pages": pages,
        "first_page_len": len(first.data),
        "first_has_more": first.has_more,
        "cursor_given": bool(first.pagination.next_cursor),
        "total": first.pagination.total,
    }


def contract_calls(client: JeweliaClient) -> dict[str, Any]:
    """The contract's calls, verbatim (with a John to find first)."""
    john = client.customers.create({"full_name": "John Doe", "email": "john@example.com"})
    customers = client.customers.list(page=1, limit=20, search="john")
    customer = client.customers.create({"full_name": "Jane Smith", "email": "jane@example.com"})
    return {
        "list_is_page": isinstance(customers, Page),
        "found": [c.full_name for c in customers.data],
        "found_john": str(john.id) in [str(c.id) for c in customers.data],
        "page": customers.pagination.page,
        "limit": customers.pagination.limit,
        "jane": {"id": str(customer.id), "full_name": customer.full_name, "email": customer.email},
    }


def customer_crud(client: JeweliaClient) -> dict[str, Any]:
    made = client.customers.create(
        {"full_name": "Ruby Crud", "email": "ruby@example.com", "tags": ["vip"]}
    )
    got = client.customers.get(made.id)
    patched = client.customers.update(str(made.id), {"phone": "+1 555 010 2030"})
    replaced = client.customers.replace(made.id, {"company": "Ruby & Co"})
    deleted = client.customers.delete(made.id)
    try:
        client.customers.get(made.id)
        gone = False
    except NotFoundError:
        gone = True
    return {
        "same": str(got.id) == str(made.id) and got.tags == ["vip"],
        "phone": patched.phone,
        "company": replaced.company,
        "deleted": deleted.to_dict(),
        "gone": gone,
    }


def inventory_crud(client: JeweliaClient) -> dict[str, Any]:
    item = client.inventory.create(
        {
            "sku": "SDK-RING-1",
            "name": "Solitaire ring",
            "category": "rings",
            "price": 2500,
            "quantity": 3,
            "specifications": {"metal": "gold"},
        }
    )
    got = client.inventory.get(item.id)
    updated = client.inventory.update(item.id, {"price": 2750})
    listed = client.inventory.list(category="rings")
    spare = client.inventory.create(
        {"sku": "SDK-SPARE", "name": "Spare", "category": "other", "price": 1}
    )
    client.inventory.delete(spare.id)
    return {
        "sku": got.sku,
        "price": updated.price,
        "listed": [i.sku for i in listed.data],
        "item_id": str(item.id),
        "spare_gone": _missing(lambda: client.inventory.get(spare.id)),
    }


def _missing(call: Any) -> bool:
    try:
        call()
    except NotFoundError:
        return True
    return False


def order_crud(client: JeweliaClient, customer_id: str, item_id: str) -> dict[str, Any]:
    order = client.orders.create(
        {
            "customer_id": customer_id,
            "items": [{"inventory_id": item_id, "quantity": 1, "unit_price": 2750}],
        }
    )
    got = client.orders.get(order.id)
    updated = client.orders.update(order.id, {"status": "confirmed"})
    listed = client.orders.list(customer_id=customer_id)
    try:
        client.customers.delete(customer_id)  # has an order
        conflict: Any = None
    except ConflictError as exc:
        conflict = error_facts(exc)
    return {
        "order_id": str(order.id),
        "lines": len(got.items),
        "status": updated.status,
        "listed": [str(o.id) for o in listed.data],
        "conflict": conflict,
    }


def _normalized(value: Any) -> Any:
    """JSON with timestamps compared as instants ("…Z" and "…+00:00" are the same)."""
    if isinstance(value, dict):
        return {k: _normalized(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalized(v) for v in value]
    if isinstance(value, str) and len(value) > 19 and value[4:5] == "-" and value[10:11] == "T":
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
        except ValueError:
            return value
    return value


def round_trips(
    client: JeweliaClient, customer_id: str, item_id: str, order_id: str
) -> dict[str, Any]:
    """The returned models hold exactly what the server sent: to_dict() equals the raw JSON."""
    raw = client.http_client
    checks: dict[str, tuple[Any, str]] = {
        "customer": (client.customers.get(customer_id), f"/customers/{customer_id}"),
        "item": (client.inventory.get(item_id), f"/inventory/{item_id}"),
        "order": (client.orders.get(order_id), f"/orders/{order_id}"),
    }
    facts = {
        name: _normalized(model.to_dict()) == _normalized(raw.get(path).json()["data"])
        for name, (model, path) in checks.items()
    }
    page = client.customers.list(limit=5)
    answer = raw.get("/customers", params={"limit": 5}).json()
    facts["customer_page"] = (
        _normalized([c.to_dict() for c in page.data]) == _normalized(answer["data"])
        and page.pagination.to_dict() == answer["pagination"]
    )
    keys = client.api_keys.list()
    facts["api_keys"] = _normalized([k.to_dict() for k in keys.data]) == _normalized(
        raw.get("/api-keys").json()["data"]
    )
    return facts


def typed_errors(client: JeweliaClient) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    try:
        client.customers.get(uuid.uuid4())
    except NotFoundError as exc:
        facts["not_found"] = error_facts(exc)
    try:
        client.customers.create({"full_name": "Bad Email", "email": "not-an-email"})
    except ValidationError as exc:
        facts["validation"] = error_facts(exc)
    try:
        JeweliaClient(api_key="jw_live_wrong", base_url=BASE_URL).customers.list()
    except AuthenticationError as exc:
        facts["authentication"] = error_facts(exc)
    unreachable = JeweliaClient(
        api_key=API_KEY, base_url="http://127.0.0.1:1/api/v1", max_retries=1
    )
    try:
        unreachable.customers.list()
    except APIConnectionError as exc:
        facts["connection"] = {"class": type(exc).__name__, "status": exc.status}
    return facts


def rate_limited(client_kwargs: dict[str, Any]) -> dict[str, Any]:
    retried = JeweliaClient(base_url=flaky("ratelimit-once"), **client_kwargs)
    page = retried.customers.list(limit=1)
    refused = JeweliaClient(base_url=flaky("ratelimit-once"), max_retries=0, **client_kwargs)
    try:
        refused.inventory.list(limit=1)
        error: Any = None
    except RateLimitError as exc:
        error = {**error_facts(exc), "retry_after": exc.retry_after}
    return {"retried_ok": len(page.data), "no_retry_error": error}


def idempotent_replay(client_kwargs: dict[str, Any]) -> dict[str, Any]:
    dropped = JeweliaClient(base_url=flaky("drop-once"), **client_kwargs)
    made = dropped.customers.create({"full_name": "Idem Potent", "email": "idem@example.com"})
    return {"id": str(made.id), "email": made.email}


def retry_table(client_kwargs: dict[str, Any], customer_id: str) -> dict[str, Any]:
    """Which failures are retried, through the proxy: a 503 before the server (fail-once) and a
    429 (ratelimit-once), for each kind of request."""
    failing = JeweliaClient(base_url=flaky("fail-once"), **client_kwargs)
    limited = JeweliaClient(base_url=flaky("ratelimit-once"), **client_kwargs)
    facts: dict[str, Any] = {"get": len(failing.customers.list(limit=1).data)}
    try:
        failing.customers.update(customer_id, {"notes": "patched through fail-once"})
        facts["patch"] = "ok"
    except APIError as exc:
        facts["patch"] = error_facts(exc)
    try:
        failing.inventory.create(
            {"sku": "SDK-UNKEYED", "name": "Unkeyed", "category": "other", "price": 1},
            idempotency_key=False,
        )
        facts["unkeyed_post"] = "ok"
    except APIError as exc:
        facts["unkeyed_post"] = error_facts(exc)
    sign = {"secret": "whsec_" + "C" * 32, "body": "{}"}  # a POST that changes nothing
    facts["keyed_post"] = failing.webhook_tools.sign(sign).legacy_signature[:7]
    facts["unkeyed_post_429"] = limited.webhook_tools.sign(
        sign, idempotency_key=False
    ).legacy_signature[:7]
    return facts


def big_import(client_kwargs: dict[str, Any]) -> dict[str, Any]:
    """An import whose JSON body is over 1 MiB: with the automatic Idempotency-Key, and without."""
    note = "n" * 1200
    rows = [f"Big Import {n:04d},big{n:04d}@example.com,{note}" for n in range(900)]
    data = base64.b64encode(("full_name,email,notes\n" + "\n".join(rows)).encode()).decode()
    body = {
        "type": "customers",
        "format": "csv",
        "data": data,
        "fileName": "big.csv",
        "options": {"dryRun": True},
    }
    size = len(json.dumps(body))
    client = JeweliaClient(base_url=flaky("ok"), **client_kwargs)
    keyed = client.import_export.start(body, action="import")
    unkeyed = client.import_export.start(body, action="import", idempotency_key=False)
    return {"body_bytes": size, "keyed_job": str(keyed.job_id), "unkeyed_job": str(unkeyed.job_id)}


def inbound_receive(client: JeweliaClient) -> dict[str, Any]:
    """Send signed events to an incoming-webhook source as an integration would: no API key
    (the environment's is hidden for the sender) and the proxy's bare origin as base_url."""
    source = client.inbound_webhooks.create({"name": "SDK sender"})
    saved = os.environ.pop("JEWELIA_API_KEY")
    try:
        sender = JeweliaClient(base_url=origin())
    finally:
        os.environ["JEWELIA_API_KEY"] = saved
    try:
        sender.customers.list()
        keyless_list = "sent"
    except JeweliaError as exc:
        keyless_list = f"{type(exc).__name__}: {exc.message}"
    event = {"id": f"evt-{uuid.uuid4()}", "event": "sdk.ping", "data": {"n": 1, "text": "é ü"}}
    first = sender.inbound_webhooks.receive(source.id, event, signing_secret=source.secret)
    again = sender.inbound_webhooks.receive(source.id, event, signing_secret=source.secret)
    stamped = {
        "event": "sdk.ping",
        "timestamp": datetime.now(UTC).isoformat(),
        "data": {"stamped": True},
    }
    with_timestamp = sender.inbound_webhooks.receive(
        source.id, stamped, signing_secret=source.secret
    )
    try:
        sender.inbound_webhooks.receive(
            source.id, {**event, "id": "evt-wrong"}, signing_secret="whsec_" + "B" * 32
        )
        wrong: Any = None
    except AuthenticationError as exc:
        wrong = error_facts(exc)
    return {
        "source_id": str(source.id),
        "keyless_list": keyless_list,
        "first": {"duplicate": first.duplicate, "status": first.status, "id": str(first.id)},
        "again": {"duplicate": again.duplicate, "id": str(again.id)},
        "with_timestamp": {"duplicate": with_timestamp.duplicate},
        "wrong_secret": wrong,
    }


def webhook_checks() -> dict[str, Any]:
    with open(os.environ["JEWELIA_WEBHOOK_BODY_FILE"], "rb") as f:
        body = f.read()
    with open(os.environ["JEWELIA_WEBHOOK_HEADERS_FILE"]) as f:
        headers = json.load(f)
    secret = os.environ["JEWELIA_WEBHOOK_SECRET"]
    facts: dict[str, Any] = {}
    webhooks.verify_signature(body, headers, secret)
    facts["verified"] = True
    facts["event"] = webhooks.construct_event(body, headers, secret)["event"]
    tampered = body.replace(b"Wendy", b"Wanda")
    facts["tampered_changed"] = tampered != body
    for name, payload, hdrs, key in [
        ("tampered_body", tampered, headers, secret),
        ("wrong_secret", body, headers, "whsec_" + "A" * 32),
        ("no_signature", body, {"Content-Type": "application/json"}, secret),
    ]:
        try:
            webhooks.verify_signature(payload, hdrs, key)
            facts[name] = "accepted"
        except WebhookSignatureError as exc:
            facts[name] = f"refused: {exc.message}"
    legacy_only = {k: v for k, v in headers.items() if not k.lower().startswith("webhook-")}
    stamp = next(k for k in headers if k.lower() == "webhook-timestamp")
    stale = {**headers, stamp: str(int(headers[stamp]) - 3600)}
    for name, payload, hdrs in [
        ("legacy_default", body, legacy_only),
        ("stale", body, stale),
        ("partial", body, {k: v for k, v in headers.items() if k.lower() != "webhook-signature"}),
    ]:
        try:
            webhooks.verify_signature(payload, hdrs, secret)
            facts[name] = "accepted"
        except WebhookSignatureError as exc:
            facts[name] = f"refused: {exc.message}"
    webhooks.verify_signature(body, legacy_only, secret, allow_legacy=True)
    facts["legacy_verified"] = True
    facts["legacy_event"] = webhooks.construct_event(body, legacy_only, secret, allow_legacy=True)[
        "event"
    ]
    for name, payload, hdrs in [("legacy_tampered", tampered, legacy_only), ("stale", body, stale)]:
        try:
            webhooks.verify_signature(payload, hdrs, secret, allow_legacy=True)
            facts[f"{name}_allowed"] = "accepted"
        except WebhookSignatureError as exc:
            facts[f"{name}_allowed"] = f"refused: {exc.message}"
    return facts


async def async_story() -> dict[str, Any]:
    async with AsyncJeweliaClient(api_key=API_KEY, base_url=BASE_URL) as client:
        made = await client.customers.create({"full_name": "Asa Async", "email": "asa@example.com"})
        got = await client.customers.get(made.id)
        updated = await client.customers.update(made.id, {"notes": "async note"})
        first = await client.customers.list(limit=100)
        ids = [str(c.id) async for c in first.auto_paging_iter()]
        deleted = await client.customers.delete(made.id)
        try:
            await client.orders.get(uuid.uuid4())
            not_found: Any = None
        except NotFoundError as exc:
            not_found = error_facts(exc)
    async with AsyncJeweliaClient(
        api_key=API_KEY, base_url=flaky("ratelimit-once")
    ) as flaky_client:
        orders = await flaky_client.orders.list(limit=5)
    return {
        "same": str(got.id) == str(made.id),
        "notes": updated.notes,
        "iterated": len(ids),
        "unique": len(set(ids)),
        "deleted": deleted.to_dict(),
        "not_found": not_found,
        "rate_limited_then_ok": isinstance(orders.data, list),
    }


def flow_files(client: JeweliaClient) -> dict[str, Any]:
    """A flow's uploaded file through multipart: upload (bytes, then a named tuple replacing
    it), list, and a file step reading it in a dry run."""
    flow = client.builder.create(
        {
            "name": "SDK file reader",
            "configuration": {
                "triggers": [{"type": "api_call", "config": {}}],
                "actions": [
                    {
                        "id": "read",
                        "type": "file",
                        "config": {"operation": "read", "format": "csv", "name": "rings.csv"},
                    }
                ],
            },
        }
    )
    first = client.builder.upload_file(flow.id, {"file": ("rings.csv", b"sku,qty\nR-1,2\n")})
    again = client.builder.upload_file(
        flow.id, {"file": ("rings.csv", b"sku,qty\nR-1,2\nR-2,5\n"), "format": "csv"}
    )
    listed = client.builder.list_files(flow.id)
    dry = client.builder.dry_run(flow.id, {"payload": {}})
    return {
        "first_name": first.name,
        "replaced_rows": getattr(again, "rows", None),
        "listed": [f.name for f in listed.data],
        "dry": json.loads(json.dumps(dry.to_dict(), default=str)),
    }


def main() -> int:
    client = JeweliaClient(api_key=API_KEY, base_url=BASE_URL)
    result: dict[str, Any] = {"iterate_250": iterate_everyone(client)}
    result["contract"] = contract_calls(client)
    result["customers"] = customer_crud(client)
    result["inventory"] = inventory_crud(client)
    result["orders"] = order_crud(
        client, result["contract"]["jane"]["id"], result["inventory"]["item_id"]
    )
    result["round_trips"] = round_trips(
        client,
        result["contract"]["jane"]["id"],
        result["inventory"]["item_id"],
        result["orders"]["order_id"],
    )
    result["errors"] = typed_errors(client)
    result["rate_limit"] = rate_limited({"api_key": API_KEY})
    result["idempotency"] = idempotent_replay({"api_key": API_KEY})
    result["retry_table"] = retry_table({"api_key": API_KEY}, result["contract"]["jane"]["id"])
    result["big_import"] = big_import({"api_key": API_KEY})
    result["inbound"] = inbound_receive(client)
    result["bare_origin"] = len(
        JeweliaClient(api_key=API_KEY, base_url=origin()).customers.list(limit=2).data
    )
    result["flow_files"] = flow_files(client)
    result["webhooks"] = webhook_checks()
    result["async"] = asyncio.run(async_story())
    client.close()
    import jewelia_api_client

    result["installed_at"] = jewelia_api_client.__file__
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
