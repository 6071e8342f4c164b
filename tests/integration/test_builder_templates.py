"""The builder's eight flow templates end to end: each made through the API from its template and
the settings of its fixture, its records set up through the CRM API, its real trigger fired (a
CRM change read from the outbox, a signed POST to the flow's webhook URL, the scheduler's fire
for a fixed time), run by a real worker against a real HTTP receiver; the step outputs match the
fixture's `expected`, the receiver, the mail outbox, the database and the files say the same;
a dry run on the fixture's payload then performs nothing. Also: the templates API, every
template valid, settings checked, and the contract's POST and PUT verbatim (data_sync) running
against a receiver."""

from __future__ import annotations

import asyncio
import copy
import io
import json
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from jewelia.core.db import execute, fetch, tenant_scope
from jewelia.core.errors import ValidationFailed
from jewelia.tenants.builder import definition, flow_templates, testing
from jewelia.tenants.builder.triggers import schedule
from jewelia.tenants.webhooks import signing
from tests.integration.test_builder_api import CONTRACT_POST, CONTRACT_PUT
from tests.webhook_receiver import Receiver

BASE = "/integrations/builder"
TERMINAL = ("succeeded", "failed", "cancelled")
PLACEHOLDER = re.compile(r"\{(receiver|unique|today(?::\d{4})?|[a-z0-9_]+\.[a-z_]+)\}")
IGNORED_TRIGGER_KEYS = ("eventId", "timestamp", "firedAt")  # differ on every firing


class FlowReceiver(Receiver):
    """The test receiver, also answering GETs, with the fixture's `responses` by path."""

    def __init__(self, responses: dict[str, Any] | None = None) -> None:
        super().__init__()
        handler = self.server.RequestHandlerClass
        handler.do_GET = handler._handle  # type: ignore[attr-defined]
        self.responses = {k.split(" ", 1)[1]: v for k, v in (responses or {}).items()}

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes, dict]:
        if path in self.responses:
            given = self.responses[path]
            content = json.dumps(given["body"]).encode()
            return given.get("status", 200), content, {"Content-Type": "application/json"}
        return super().answer(path, headers, body)

    def base(self) -> str:
        return self.url("")

    def __enter__(self) -> FlowReceiver:
        super().__enter__()
        return self


class Env:
    """The fixture's placeholders (see flow_templates' docstring)."""

    def __init__(self, receiver: FlowReceiver) -> None:
        self.today = datetime.now(UTC).date().isoformat()
        self.values: dict[str, Any] = {"receiver": receiver.base(), "unique": uuid.uuid4().hex[:10]}
        self.records: dict[str, dict[str, Any]] = {}

    def lookup(self, key: str) -> Any:
        if key == "today":
            return self.today
        if key.startswith("today:"):
            return f"{key[6:]}-{self.today[5:]}"
        if "." in key and key not in self.values:
            ref, field = key.split(".", 1)
            return self.records[ref][field]
        return self.values[key]

    def resolve(self, value: Any) -> Any:
        if isinstance(value, str):
            whole = PLACEHOLDER.fullmatch(value)
            if whole:
                return self.lookup(whole.group(1))
            return PLACEHOLDER.sub(lambda m: str(self.lookup(m.group(1))), value)
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        return value


def mismatches(actual: Any, expected: Any, path: str = "") -> list[str]:
    """Where `actual` does not match `expected` (objects by their keys, lists item by item)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: {actual!r} is not an object"]
        out: list[str] = []
        for key, value in expected.items():
            if key not in actual:
                out.append(f"{path}.{key}: missing")
            else:
                out += mismatches(actual[key], value, f"{path}.{key}")
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: {actual!r} is not a list of {len(expected)}"]
        return [m for n, e in enumerate(expected) for m in mismatches(actual[n], e, f"{path}[{n}]")]
    return [] if actual == expected else [f"{path}: {actual!r} != {expected!r}"]


async def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()["data"]


async def setup_records(api: Any, env: Env, setup: dict[str, Any]) -> None:
    """The fixture's records, made (and changed) through the CRM API."""
    for data in setup.get("customers", []):
        body = env.resolve({k: v for k, v in data.items() if k != "ref"})
        env.records[data["ref"]] = await ok(await api.post("/customers", json=body), 201)
    for data in setup.get("inventory", []):
        body = env.resolve({k: v for k, v in data.items() if k != "ref"})
        env.records[data["ref"]] = await ok(await api.post("/inventory", json=body), 201)
    for data in setup.get("orders", []):
        body = {
            "customer_id": env.records[data["customer"]]["id"],
            "items": [
                {"inventory_id": env.records[line["inventory"]]["id"], "quantity": line["quantity"]}
                for line in data["items"]
            ],
        }
        env.records[data["ref"]] = await ok(await api.post("/orders", json=body), 201)
    for change in setup.get("changes", []):
        record = env.records[change["ref"]]
        path = f"/{change['resource']}/{record['id']}"
        env.records[change["ref"]] = await ok(
            await api.patch(path, json=env.resolve(change["data"]))
        )


async def runs_of(api: Any, flow_id: str, count: int = 1, seconds: float = 90) -> list[Any]:
    """The flow's runs once `count` of them have finished, oldest first (with their steps)."""
    deadline = time.monotonic() + seconds
    while True:
        listed = await ok(await api.get(f"{BASE}/runs", params={"flow_id": flow_id}))
        done = [r for r in listed if r["status"] in TERMINAL]
        if len(listed) >= count and len(done) == len(listed):
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"runs of {flow_id}: {listed}")
        await asyncio.sleep(0.1)
    return [await ok(await api.get(f"{BASE}/runs/{r['id']}")) for r in reversed(listed)]


def outputs(run: dict[str, Any]) -> dict[str, Any]:
    return {s["step_path"]: s["output"] for s in run["steps"] if "." not in s["step_path"]}


async def fire_schedule(tenant: Any, flow_id: str, at: str) -> None:
    """The scheduler's fire for the fixed time `at` (the flow's schedule made due then)."""
    await execute(
        "UPDATE public.builder_schedule SET next_fire_at = $3 WHERE tenant_id = $1 AND flow_id = $2",
        tenant.id,
        uuid.UUID(flow_id),
        datetime.fromisoformat(at.replace("Z", "+00:00")),
    )
    assert await schedule.fire_due() >= 1


async def post_webhook(client: Any, hook: dict[str, str], payload: Any) -> httpx.Response:
    """A signed delivery to the flow's webhook URL (Standard Webhooks)."""
    body = json.dumps(payload).encode()
    msg_id = f"msg_{uuid.uuid4().hex}"
    headers = signing.signed_headers([hook["secret"]], msg_id, int(time.time()), body)
    path = httpx.URL(hook["url"]).path
    return await client.post(
        path, content=body, headers={**headers, "Content-Type": "application/json"}
    )


async def emails_to(address: str) -> list[dict[str, Any]]:
    return await fetch(
        "SELECT to_address, subject, body_text FROM public.email_outbox"
        " WHERE lower(to_address) = lower($1) ORDER BY created_at",
        address,
    )


async def run_template(api: Any, client: Any, name: str) -> tuple[Env, dict[str, Any], Any]:
    """Make the template's flow, set up and fire its fixture, check its outputs and effects:
    (env, the run, the receiver's requests)."""
    fixture = flow_templates.fixture(name)
    with FlowReceiver(fixture.get("responses")) as receiver:
        env = Env(receiver)
        created = await ok(
            await api.post(
                BASE,
                json={
                    "name": f"From {name}",
                    "template": name,
                    "settings": env.resolve(fixture["settings"]),
                    "isActive": True,
                },
            ),
            201,
        )
        assert created["template"] == name and created["published_version"] == 1
        assert created["configuration"] == flow_templates.configure(
            name, env.resolve(fixture["settings"])
        )
        await setup_records(api, env, fixture.get("setup", {}))
        trigger = fixture["trigger"]
        payload = env.resolve(trigger["payload"])
        if trigger["type"] == "schedule":
            await fire_schedule(api.tenant, created["id"], payload["scheduledAt"])
        elif trigger["type"] == "webhook":
            env.values["secret"] = created["webhook"]["secret"]
            answer = await post_webhook(client, created["webhook"], payload)
            assert answer.status_code == 202, answer.text
        [run] = await runs_of(api, created["id"])
        received = list(receiver.received)
        # A dry run on the same payload walks every step and performs none of their effects.
        dry = await testing.dry_run(api.tenant.ref, None, uuid.UUID(created["id"]), payload=payload)
        assert dry["status"] == "succeeded", dry
        assert len(receiver.received) == len(received)
    assert run["trigger_type"] == trigger["type"]
    assert run["status"] == "succeeded", run
    seen = {k: v for k, v in run["trigger_payload"].items() if k not in IGNORED_TRIGGER_KEYS}
    assert not mismatches(seen, {k: v for k, v in payload.items() if k not in IGNORED_TRIGGER_KEYS})
    assert not mismatches(outputs(run), env.resolve(fixture["expected"]))
    effects = env.resolve(fixture.get("effects", {}))
    wanted = effects.get("requests", [])
    assert len(received) == len(wanted), [(r.method, r.path) for r in received]
    for got, want in zip(received, wanted, strict=True):
        assert (got.method, got.path) == (want["method"], want["path"])
        assert got.headers["Idempotency-Key"].startswith(f"{run['id']}:")
        if "body" in want:
            assert not mismatches(got.json(), want["body"]), got.json()
    for mail in effects.get("emails", []):
        [sent] = await emails_to(mail["to"])
        assert mail["subject"] in sent["subject"], sent
        assert mail.get("body", "") in sent["body_text"], sent
    return env, run, received


# --- the catalog and its API ---------------------------------------------------------------


def test_every_template_is_listed_valid_and_has_a_fixture() -> None:
    assert flow_templates.template_names() == list(definition.TEMPLATES)
    for name in definition.TEMPLATES:
        template = flow_templates.get_template(name)
        assert not definition.problems(template["configuration"]), name
        assert definition.normalise(template["configuration"])
        fixture = flow_templates.fixture(name)
        assert fixture["template"] == name
        assert set(fixture["settings"]) <= {s["key"] for s in template["settings"]}
        assert fixture["trigger"]["type"] == template["trigger"]
        step_ids = {at.id for at in definition.steps(template["configuration"])}
        assert set(fixture["expected"]) <= step_ids, name
        # Settings go into expressions only as numbers or checked text (see the docstring).
        raw = json.dumps(flow_templates.catalog.TEMPLATES[definition.TEMPLATES.index(name)])
        for key in re.findall(r"\$\{([a-z_]+)\}", raw):
            assert key in {s["key"] for s in template["settings"]}, (name, key)


def test_settings_are_checked() -> None:
    configured = flow_templates.configure(
        "low_stock_alert", {"threshold": 7, "alert_email": "Boss@Example.com"}
    )
    email, in_app = configured["actions"]
    assert (
        email["if"]
        == in_app["if"]
        == ("'quantity' in trigger.changed and trigger.data.quantity <= 7")
    )
    assert email["config"]["to"] == "boss@example.com"
    with pytest.raises(ValidationFailed) as failed:
        flow_templates.configure(
            "metal_price_repricing",
            {"markup": "2; $eval('x')", "category": "rings' or '1", "price_api_url": "ftp://x"},
        )
    fields = {e["field"]: e["code"] for e in failed.value.errors}
    assert fields == {
        "settings.markup": "INVALID_TYPE",
        "settings.category": "INVALID_FORMAT",
        "settings.price_api_url": "INVALID_URL",
    }
    with pytest.raises(ValidationFailed) as failed:
        flow_templates.configure("data_sync", {"partner_url": "http://169.254.169.254/x", "x": 1})
    assert {e["field"] for e in failed.value.errors} == {"settings.x"}
    with pytest.raises(ValidationFailed) as failed:
        flow_templates.configure(
            "daily_sales_report", {"cron": "every day", "timezone": "Mars/Base"}
        )
    assert {e["code"] for e in failed.value.errors} == {"INVALID_CRON", "UNKNOWN_TIMEZONE"}


async def test_templates_api(api: Any) -> None:
    listed = await ok(await api.get(f"{BASE}/templates"))
    assert [t["name"] for t in listed] == list(definition.TEMPLATES)
    first = listed[0]
    assert set(first) == {"name", "title", "description", "category", "trigger", "settings"}
    assert first["trigger"] == "database_change"
    assert first["settings"][0]["key"] == "partner_url"
    one = await ok(await api.get(f"{BASE}/templates/metal_price_repricing"))
    assert (
        one["configuration"]
        == flow_templates.get_template("metal_price_repricing")["configuration"]
    )
    missing = await api.get(f"{BASE}/templates/no_such_template")
    assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"

    # A flow from a template: its configuration, the settings put in, defaults for the rest.
    made = await ok(
        await api.post(
            BASE,
            json={
                "name": "Stock watch",
                "template": "low_stock_alert",
                "settings": {"alert_email": "stock@gems.example"},
            },
        ),
        201,
    )
    assert made["configuration"]["actions"][0]["config"]["to"] == "stock@gems.example"
    assert "<= 3" in made["configuration"]["actions"][0]["if"] and not made["isActive"]
    bad = await api.post(
        BASE,
        json={"name": "x", "template": "low_stock_alert", "settings": {"threshold": -1}},
    )
    assert bad.status_code == 422, bad.text
    assert [(d["field"], d["code"]) for d in bad.json()["details"]] == [
        ("settings.threshold", "OUT_OF_RANGE")
    ]
    bad = await api.post(BASE, json={"name": "x", "template": "nope"})
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json()["details"]} >= {"template"}
    bad = await api.post(BASE, json={"name": "x"})
    assert bad.status_code == 422
    assert [d["field"] for d in bad.json()["details"]] == ["configuration"]
    both = await api.post(
        BASE,
        json={**CONTRACT_POST, "isActive": False, "settings": {"partner_url": "https://a.b/c"}},
    )
    assert both.status_code == 422
    assert [d["field"] for d in both.json()["details"]] == ["settings"]


# --- end to end ----------------------------------------------------------------------------


async def test_contract_post_and_put_verbatim_then_sync_customers(
    api: Any, client: Any, worker: Any
) -> None:
    created = await ok(await api.post(BASE, json=CONTRACT_POST), 201)
    assert created["template"] == "data_sync" and created["isActive"]
    assert created["configuration"] == CONTRACT_POST["configuration"]
    put = {**CONTRACT_PUT, "id": created["id"]}
    updated = await ok(await api.put(BASE, json=put))
    assert updated["configuration"]["actions"] == CONTRACT_PUT["configuration"]["actions"]
    assert updated["configuration"]["triggers"] == CONTRACT_POST["configuration"]["triggers"]
    with Receiver() as receiver:
        # The same body with the receiver's URL, published: a customer made through the API is
        # sent to it by the database_change trigger.
        put["configuration"]["actions"][0]["config"]["url"] = receiver.url("/api/customers")
        await ok(await api.put(BASE, json=put))
        await ok(await api.post(f"{BASE}/{created['id']}/publish"), 201)
        email = f"sync-{uuid.uuid4().hex[:8]}@example.com"
        customer = await ok(
            await api.post("/customers", json={"full_name": "Sam Sync", "email": email}), 201
        )
        [run] = await runs_of(api, created["id"])
        [hit] = receiver.received
    assert run["status"] == "succeeded" and run["version"] == 2
    assert hit.path == "/api/customers"
    assert hit.json()["event"] == "customer.created"
    assert hit.json()["data"]["customer_id"] == customer["id"]
    assert hit.json()["data"]["email"] == email


async def test_data_sync(api: Any, client: Any, worker: Any) -> None:
    env, _run, received = await run_template(api, client, "data_sync")
    assert received[0].json()["data"]["id"] == env.records["ada"]["id"]


async def test_new_order_notification(api: Any, client: Any, worker: Any) -> None:
    env, _run, _received = await run_template(api, client, "new_order_notification")
    [mail] = await emails_to(env.resolve("team-{unique}@example.com"))
    assert env.records["o1"]["id"] in mail["body_text"]
    assert env.records["ring"]["id"] in mail["body_text"]


async def test_low_stock_alert(api: Any, client: Any, worker: Any) -> None:
    env, run, _ = await run_template(api, client, "low_stock_alert")
    async with tenant_scope(api.tenant.ref):
        notes = await fetch(
            "SELECT title, body FROM notification WHERE source_id = $1", run["flow_id"]
        )
    assert len(notes) == 1 and env.records["ring"]["sku"] in notes[0]["title"]
    # A change that leaves the quantity above the threshold runs the flow and skips both steps.
    await ok(await api.patch(f"/inventory/{env.records['ring']['id']}", json={"quantity": 9}))
    later = (await runs_of(api, run["flow_id"], 2))[1]
    assert [s["status"] for s in later["steps"]] == ["skipped", "skipped"]
    assert len(await emails_to(env.resolve("stock-{unique}@example.com"))) == 1


async def test_order_status_update_to_customer(api: Any, client: Any, worker: Any) -> None:
    env, run, _ = await run_template(api, client, "order_status_update_to_customer")
    # A change of notes only: the flow runs, nobody is emailed.
    await ok(await api.patch(f"/orders/{env.records['o1']['id']}", json={"notes": "gift wrap"}))
    later = (await runs_of(api, run["flow_id"], 2))[1]
    assert [s["status"] for s in later["steps"]] == ["skipped", "skipped"]
    assert len(await emails_to(env.records["ada"]["email"])) == 1


async def test_customer_anniversary_email(api: Any, client: Any, worker: Any) -> None:
    env, _run, _ = await run_template(api, client, "customer_anniversary_email")
    assert await emails_to(env.records["bob"]["email"]) == []  # no marketing consent
    assert await emails_to(env.records["cy"]["email"]) == []  # another day


async def test_metal_price_repricing(api: Any, client: Any, worker: Any) -> None:
    env, _run, _ = await run_template(api, client, "metal_price_repricing")
    prices = {}
    for ref in ("r1", "r2", "r3", "pendant"):
        item = await ok(await api.get(f"/inventory/{env.records[ref]['id']}"))
        prices[ref] = item["price"]
    assert prices == {"r1": 652.5, "r2": 62.5, "r3": 300, "pendant": 500}
    async with tenant_scope(api.tenant.ref):
        audit = await fetch(
            "SELECT actor_type, count(*) AS n FROM audit_log WHERE action = 'inventory.updated'"
            " GROUP BY actor_type"
        )
    assert audit == [{"actor_type": "flow", "n": 2}]


async def test_webhook_to_crm(api: Any, client: Any, worker: Any) -> None:
    env, run, _ = await run_template(api, client, "webhook_to_crm")
    email = env.resolve("ada-{unique}@example.com")
    found = await ok(await api.get("/customers", params={"search": "Lovelace"}))
    assert [(c["email"], c["tags"]) for c in found] == [(email, ["web-lead"])]
    # The same lead again, for a customer who exists: updated, not duplicated, tags merged.
    flow = await ok(await api.get(f"{BASE}/{run['flow_id']}"))
    assert flow["webhookUrl"]
    grace = env.records["grace"]
    lead = {
        "contact": {"first_name": "Grace", "last_name": "Hopper", "email": grace["email"]},
        "message": "Resize my ring",
    }
    hook = {"url": flow["webhookUrl"], "secret": env.values["secret"]}
    answer = await post_webhook(client, hook, lead)
    assert answer.status_code == 202, answer.text
    later = (await runs_of(api, run["flow_id"], 2))[1]
    steps = {s["step_path"]: s for s in later["steps"]}
    assert steps["create_customer"]["status"] == "skipped"
    assert steps["update_customer"]["output"]["tags"] == ["vip", "web-lead"]
    again = await ok(await api.get(f"/customers/{grace['id']}"))
    assert again["full_name"] == "Grace Hopper" and again["tags"] == ["vip", "web-lead"]


async def test_daily_sales_report(api: Any, client: Any, worker: Any) -> None:
    env, run, _ = await run_template(api, client, "daily_sales_report")
    report = outputs(run)["write_report"]
    download = await client.get(httpx.URL(report["downloadUrl"]).raw_path.decode())
    assert download.status_code == 200, download.text
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(download.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["order", "customer", "status", "payment"]
    assert sorted((r[0], r[2]) for r in rows[1:]) == sorted(
        [(env.records["o1"]["id"], "pending"), (env.records["o2"]["id"], "cancelled")]
    )
    [mail] = await emails_to(env.resolve("owner-{unique}@example.com"))
    assert report["downloadUrl"] in mail["body_text"]


def test_fixtures_are_plain_json() -> None:
    for name in definition.TEMPLATES:
        text = (flow_templates.FIXTURES / f"{name}.json").read_text()
        assert json.loads(text) == copy.deepcopy(flow_templates.fixture(name))
