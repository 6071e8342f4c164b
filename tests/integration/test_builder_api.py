"""The integration builder's flows API: the contract's POST and PUT verbatim, validation errors
that name their path in the body, immutable versions, filters and paging, soft delete that keeps
versions, the plan's flow limit, permissions, and the audit trail."""

from __future__ import annotations

import json
import uuid
from typing import Any

from jewelia.core.db import execute, fetch, tenant_scope
from jewelia.platform.apikeys.service import create_key
from tests.integration.test_api_security import client_for

BASE = "/integrations/builder"
# The contract's own example bodies (seeds/001, "Custom Integration Builder"), verbatim.
CONTRACT_POST: dict[str, Any] = {
    "name": "Customer Data Sync",
    "description": "Sync customer data with external CRM",
    "template": "data_sync",
    "configuration": {
        "triggers": [
            {
                "type": "database_change",
                "config": {"table": "customers", "operation": "insert,update"},
            }
        ],
        "actions": [
            {
                "type": "http_request",
                "config": {"url": "https://external-crm.com/api/customers", "method": "POST"},
            }
        ],
    },
    "isActive": True,
}
CONTRACT_PUT: dict[str, Any] = {
    "id": "integration-uuid",
    "configuration": {
        "actions": [
            {
                "type": "http_request",
                "config": {"url": "https://new-crm.com/api/customers", "method": "POST"},
            }
        ]
    },
}
WEBHOOK = {"type": "webhook", "config": {}}


def flow_body(
    actions: list[Any], triggers: list[Any] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "name": extra.pop("name", "Test flow"),
        "configuration": {"triggers": triggers or [WEBHOOK], "actions": actions},
        **extra,
    }


def http(url: str = "https://example.com/hook", **extra: Any) -> dict[str, Any]:
    return {"type": "http_request", "config": {"method": "POST", "url": url}, **extra}


def fields(response: Any) -> dict[str, str]:
    """The 422's details as {field: code}."""
    body = response.json()
    assert response.status_code == 422, response.text
    assert body["code"] == "VALIDATION_ERROR"
    return {d["field"]: d["code"] for d in body["details"]}


async def test_the_contracts_post_and_put_verbatim(api: Any) -> None:
    r = await api.post(BASE, json=CONTRACT_POST)
    assert r.status_code == 201, r.text
    flow = r.json()["data"]
    assert flow["name"] == "Customer Data Sync"
    assert flow["description"] == "Sync customer data with external CRM"
    assert flow["template"] == "data_sync"
    assert flow["configuration"] == CONTRACT_POST["configuration"]  # the draft, as sent
    assert flow["isActive"] is True
    assert flow["published_version"] == 1  # active: published at once
    assert flow["created_by"]["type"] == "api_key"

    versions = (await api.get(f"{BASE}/{flow['id']}/versions")).json()
    assert versions["pagination"]["total"] == 1
    v1 = versions["data"][0]
    assert v1["number"] == 1 and v1["flow_id"] == flow["id"]
    # The version is stored normalised: the contract's spelling of the trigger, ids, policies.
    assert v1["configuration"]["triggers"] == [
        {
            "type": "database_change",
            "config": {"resource": "customers", "operations": ["insert", "update"]},
        }
    ]
    step = v1["configuration"]["actions"][0]
    assert step["id"] == "step_1" and step["onError"] == "stop"
    assert step["retry"] == {
        "attempts": 1,
        "backoff": "exponential",
        "delaySeconds": 1,
        "retryOn": ["5xx", "429", "timeout", "network"],
    }
    assert step["config"] == {"url": "https://external-crm.com/api/customers", "method": "POST"}

    # The contract's PUT as written carries a placeholder id: a clean 400 naming the field.
    r = await api.put(BASE, json=CONTRACT_PUT)
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "VALIDATION_ERROR"
    assert [d["field"] for d in r.json()["details"]] == ["id"]

    # With the flow's real id: the draft's actions are replaced, its triggers kept.
    r = await api.put(BASE, json={**CONTRACT_PUT, "id": flow["id"]})
    assert r.status_code == 200, r.text
    updated = r.json()["data"]
    assert updated["configuration"] == {
        "triggers": CONTRACT_POST["configuration"]["triggers"],
        "actions": CONTRACT_PUT["configuration"]["actions"],
    }
    assert updated["name"] == "Customer Data Sync" and updated["isActive"] is True
    assert updated["published_version"] == 1  # PUT edits the draft only
    got = (await api.get(f"{BASE}/{flow['id']}")).json()["data"]
    assert got == updated

    # Version 1 is unchanged by the edit; publishing makes version 2 from the draft.
    still = (await api.get(f"{BASE}/{flow['id']}/versions")).json()["data"]
    assert still == [v1]
    r = await api.post(f"{BASE}/{flow['id']}/publish")
    assert r.status_code == 201, r.text
    v2 = r.json()["data"]
    assert v2["number"] == 2
    assert v2["configuration"]["actions"][0]["config"]["url"] == "https://new-crm.com/api/customers"
    assert v2["configuration"]["triggers"] == v1["configuration"]["triggers"]
    assert (await api.get(f"{BASE}/{flow['id']}")).json()["data"]["published_version"] == 2

    # Nothing changed since: publishing again answers the current version, makes none.
    r = await api.post(f"{BASE}/{flow['id']}/publish")
    assert r.status_code == 200 and r.json()["data"] == v2
    history = (await api.get(f"{BASE}/{flow['id']}/versions")).json()
    assert [v["number"] for v in history["data"]] == [2, 1]
    assert history["data"][1] == v1


async def test_validation_errors_name_the_path(api: Any) -> None:
    # A bad URL in actions[1] (and one nested in a branch), each named by its path.
    r = await api.post(
        BASE,
        json=flow_body(
            [
                http(),
                http("not a url"),
                {
                    "type": "branch",
                    "config": {
                        "branches": [
                            {"if": "trigger.total > 100", "actions": [http("ftp://x.example")]}
                        ]
                    },
                },
                http("http://169.254.169.254/latest/meta-data"),
            ]
        ),
    )
    assert fields(r) == {
        "configuration.actions[1].config.url": "INVALID_URL",
        "configuration.actions[2].config.branches[0].actions[0].config.url": "INVALID_URL",
        "configuration.actions[3].config.url": "BLOCKED_DESTINATION",
    }

    # An unknown step type, an unknown trigger type, a missing field, an unknown field.
    r = await api.post(
        BASE,
        json=flow_body(
            [
                {"type": "teleport", "config": {}},
                {"type": "http_request", "config": {"method": "POST"}},
                {**http(), "colour": "blue"},
            ],
            [{"type": "carrier_pigeon", "config": {}}],
        ),
    )
    assert fields(r) == {
        "configuration.triggers[0].type": "INVALID_CHOICE",
        "configuration.actions[0].type": "INVALID_CHOICE",
        "configuration.actions[1].config.url": "REQUIRED",
        "configuration.actions[2].colour": "UNKNOWN_FIELD",
    }

    # Duplicate step ids: given twice, or given equal to another step's default (step_<n>).
    r = await api.post(
        BASE,
        json=flow_body(
            [
                {**http(), "id": "notify"},
                {**http(), "id": "notify"},
                http(),
                {"type": "delay", "config": {"seconds": 5}, "id": "step_3"},
            ]
        ),
    )
    assert fields(r) == {
        "configuration.actions[1].id": "DUPLICATE",
        "configuration.actions[3].id": "DUPLICATE",
    }
    assert "already used by configuration.actions[2]" in r.text

    # A bad cron expression and an unknown time zone.
    r = await api.post(
        BASE,
        json=flow_body(
            [http()],
            [
                {"type": "schedule", "config": {"cron": "61 25 * * *", "timezone": "Europe/Paris"}},
                {"type": "schedule", "config": {"cron": "0 9 * * *", "timezone": "Mars/Olympus"}},
            ],
        ),
    )
    assert fields(r) == {
        "configuration.triggers[0].config.cron": "INVALID_CRON",
        "configuration.triggers[1].config.timezone": "UNKNOWN_TIMEZONE",
    }

    # Ranges and choices inside a step: retry policy, delay, for_each bounds.
    r = await api.post(
        BASE,
        json=flow_body(
            [
                {**http(), "retry": {"attempts": 11, "backoff": "linear"}, "onError": "panic"},
                {"type": "delay", "config": {"seconds": 86_401}},
                {
                    "type": "for_each",
                    "config": {"items": "trigger.items", "actions": [http()], "maxItems": 5000},
                },
            ]
        ),
    )
    assert fields(r) == {
        "configuration.actions[0].retry.attempts": "OUT_OF_RANGE",
        "configuration.actions[0].retry.backoff": "INVALID_CHOICE",
        "configuration.actions[0].onError": "INVALID_CHOICE",
        "configuration.actions[1].config.seconds": "OUT_OF_RANGE",
        "configuration.actions[2].config.maxItems": "OUT_OF_RANGE",
    }

    # JSONata expressions and {{ }} templates are compiled as a run would, named by path.
    r = await api.post(
        BASE,
        json=flow_body(
            [
                {"type": "transform", "config": {"output": "$sum(trigger.items.(price * qty)"}},
                {
                    "type": "http_request",
                    "config": {
                        "method": "POST",
                        "url": "https://crm.example/{{ trigger.id }",
                        "headers": {"X-Total": "{{ steps.step_1.output }}"},
                        "body": {"lines": ["{{ item.sku }}", "{% for %}"]},
                    },
                    "if": "trigger.total >",
                },
                {
                    "type": "branch",
                    "config": {
                        "branches": [
                            {
                                "if": "trigger.total > 100",
                                "actions": [
                                    {
                                        "type": "notification",
                                        "config": {"channel": "in_app", "body": "{{ trigger. }}"},
                                    }
                                ],
                            }
                        ]
                    },
                },
                {
                    "type": "database",
                    "config": {
                        "resource": "customers",
                        "operation": "find",
                        "match": {"email": "trigger.email = = 1"},
                    },
                },
            ]
        ),
    )
    assert fields(r) == {
        "configuration.actions[0].config.output": "EXPRESSION_INVALID",
        "configuration.actions[1].if": "EXPRESSION_INVALID",
        "configuration.actions[1].config.url": "EXPRESSION_INVALID",
        "configuration.actions[1].config.body.lines[1]": "EXPRESSION_INVALID",
        "configuration.actions[2].config.branches[0].actions[0].config.body": "EXPRESSION_INVALID",
        "configuration.actions[3].config.match.email": "EXPRESSION_INVALID",
    }
    assert "Not a valid JSONata expression: " in r.text and "Not a valid template: " in r.text

    # The flow's own fields are checked alongside, and nothing was created by any of this.
    r = await api.post(BASE, json={**flow_body([]), "name": " ", "template": "nope"})
    assert fields(r) == {
        "name": "REQUIRED",
        "template": "INVALID_CHOICE",
        "configuration.actions": "TOO_SHORT",
    }
    assert (await api.get(BASE)).json()["pagination"]["total"] == 0


async def test_every_step_type_and_trigger_type_is_accepted(api: Any) -> None:
    steps = [
        {
            "id": "fetch_rates",
            "name": "Fetch metal prices",
            "type": "http_request",
            "config": {
                "method": "GET",
                "url": "https://prices.example.com/{{ trigger.metal }}",
                "headers": {"Authorization": "Bearer {{ trigger.token }}"},
                "body": {"metal": "{{ trigger.metal }}"},
                "timeoutSeconds": 10,
            },
            "retry": {"attempts": 3, "backoff": "fixed", "delaySeconds": 0.5, "retryOn": ["5xx"]},
            "onError": "continue",
        },
        {"type": "transform", "config": {"output": "steps.fetch_rates.output.price * 1.2"}},
        {
            "type": "database",
            "config": {
                "resource": "inventory",
                "operation": "update",
                "match": {"sku": "trigger.sku"},
                "data": {"price": "steps.step_2.output", "quantity": 3},
            },
            "if": "steps.step_2.output > 0",
        },
        {
            "type": "branch",
            "config": {
                "branches": [
                    {
                        "if": "trigger.total > 1000",
                        "actions": [
                            {
                                "type": "notification",
                                "config": {
                                    "channel": "email",
                                    "to": "owner@example.com",
                                    "subject": "Big order",
                                    "body": "Order {{ trigger.id }}",
                                },
                            }
                        ],
                    }
                ],
                "else": [
                    {
                        "type": "notification",
                        "config": {
                            "channel": "slack",
                            "webhookUrl": "https://hooks.slack.com/services/T0/B0/x",
                            "body": "Small order",
                        },
                    }
                ],
            },
        },
        {
            "type": "for_each",
            "config": {
                "items": "trigger.items",
                "maxItems": 100,
                "actions": [{"type": "delay", "config": {"seconds": 1}}],
            },
        },
        {
            "type": "file",
            "config": {
                "operation": "write",
                "format": "xlsx",
                "name": "sales-{{ run.started_at }}.xlsx",
                "rows": "steps.step_2.output",
            },
        },
        {"type": "notification", "config": {"channel": "in_app", "body": "Done"}},
    ]
    triggers = [
        {"type": "webhook", "config": {}},
        {"type": "schedule", "config": {"cron": "0 9 * * 1-5", "timezone": "Europe/Paris"}},
        {
            "type": "database_change",
            "config": {"resource": "orders", "operations": ["insert", "delete"]},
        },
        {"type": "api_call", "config": {}},
    ]
    r = await api.post(
        BASE, json=flow_body(steps, triggers, template="metal_price_repricing", isActive=True)
    )
    assert r.status_code == 201, r.text
    flow = r.json()["data"]
    version = (await api.get(f"{BASE}/{flow['id']}/versions")).json()["data"][0]
    ids: list[str] = []

    def walk(items: list[dict[str, Any]]) -> None:
        for step in items:
            ids.append(step["id"])
            config = step["config"]
            for branch in config.get("branches", []):
                walk(branch["actions"])
            walk(config.get("else", []))
            if step["type"] == "for_each":
                walk(config["actions"])

    walk(version["configuration"]["actions"])
    # Depth-first document order; default ids count every step before them.
    assert ids == [
        "fetch_rates",
        "step_2",
        "step_3",
        "step_4",
        "step_5",
        "step_6",
        "step_7",
        "step_8",
        "step_9",
        "step_10",
    ]
    assert version["configuration"]["actions"][0]["retry"]["attempts"] == 3
    assert version["configuration"]["actions"][0]["onError"] == "continue"
    assert version["configuration"]["triggers"][1]["config"]["timezone"] == "Europe/Paris"


async def test_drafts_versions_and_switching_on(api: Any) -> None:
    r = await api.post(BASE, json=flow_body([http()], name="Quiet flow"))
    assert r.status_code == 201, r.text
    flow = r.json()["data"]
    assert flow["isActive"] is False and flow["published_version"] is None
    assert (await api.get(f"{BASE}/{flow['id']}/versions")).json()["data"] == []

    # No version yet: it cannot be switched on.
    r = await api.put(BASE, json={"id": flow["id"], "isActive": True})
    assert fields(r) == {"isActive": "NOT_PUBLISHED"}
    v1 = (await api.post(f"{BASE}/{flow['id']}/publish")).json()["data"]
    assert v1["number"] == 1
    v1.pop("webhook", None)  # the webhook trigger's URL and secret, shown by this publish only
    r = await api.put(BASE, json={"id": flow["id"], "isActive": True, "name": "Loud flow"})
    assert r.status_code == 200 and r.json()["data"]["isActive"] is True

    # An invalid edit is refused and leaves the draft as it was.
    before = (await api.get(f"{BASE}/{flow['id']}")).json()["data"]
    r = await api.put(
        BASE, json={"id": flow["id"], "configuration": {"actions": [http("gopher://x")]}}
    )
    assert fields(r) == {"configuration.actions[0].config.url": "INVALID_URL"}
    assert (await api.get(f"{BASE}/{flow['id']}")).json()["data"] == before

    # Drafts change, versions never do.
    for n in range(2, 4):
        r = await api.put(
            BASE,
            json={"id": flow["id"], "configuration": {"actions": [http(f"https://e{n}.example")]}},
        )
        assert r.status_code == 200, r.text
        assert (await api.get(f"{BASE}/{flow['id']}/versions")).json()["data"][-1] == v1
        r = await api.post(f"{BASE}/{flow['id']}/publish")
        assert r.status_code == 201 and r.json()["data"]["number"] == n
    versions = (await api.get(f"{BASE}/{flow['id']}/versions", params={"limit": 2})).json()
    assert versions["pagination"]["total"] == 3
    assert [v["number"] for v in versions["data"]] == [3, 2]
    assert versions["data"][0]["configuration"]["actions"][0]["config"]["url"] == (
        "https://e3.example"
    )
    page2 = (await api.get(f"{BASE}/{flow['id']}/versions", params={"limit": 2, "page": 2})).json()
    assert page2["data"] == [v1]

    # A draft made invalid by rules that changed since it was saved is not published.
    async with tenant_scope(api.tenant.ref):
        await execute(
            "UPDATE flow SET draft = $2::jsonb WHERE id = $1",
            uuid.UUID(flow["id"]),
            json.dumps(
                flow_body([http(), {"type": "retired_type", "config": {}}])["configuration"]
            ),
        )
    r = await api.post(f"{BASE}/{flow['id']}/publish")
    assert fields(r) == {"configuration.actions[1].type": "INVALID_CHOICE"}
    assert "before publishing" in r.json()["error"]
    assert (await api.get(f"{BASE}/{flow['id']}")).json()["data"]["published_version"] == 3

    # The audit log has the story.
    async with tenant_scope(api.tenant.ref):
        rows = await fetch(
            "SELECT action, after::text AS after FROM audit_log WHERE entity = 'flow'"
            " AND entity_id = $1 ORDER BY created_at",
            flow["id"],
        )
    actions = [r["action"] for r in rows]
    assert actions[0] == "flow.created"
    assert actions.count("flow.published") == 3 and actions.count("flow.updated") == 3
    assert {"version": 3} in [json.loads(r["after"]) for r in rows]


async def test_list_filters_paging_and_delete(api: Any) -> None:
    made = []
    for name, template, active in (
        ("Nightly 100% sync", "data_sync", True),
        ("Low stock alert", "low_stock_alert", False),
        ("Order mail", None, True),
    ):
        r = await api.post(
            BASE, json=flow_body([http()], name=name, template=template, isActive=active)
        )
        assert r.status_code == 201, r.text
        made.append(r.json()["data"])

    async def names(**params: Any) -> list[str]:
        r = await api.get(BASE, params=params)
        assert r.status_code == 200, r.text
        return [f["name"] for f in r.json()["data"]]

    assert await names() == ["Order mail", "Low stock alert", "Nightly 100% sync"]
    assert await names(template="low_stock_alert") == ["Low stock alert"]
    assert await names(isActive="true") == ["Order mail", "Nightly 100% sync"]
    assert await names(isActive="false") == ["Low stock alert"]
    assert await names(search="STOCK") == ["Low stock alert"]
    assert await names(search="100%") == ["Nightly 100% sync"]  # % is a character, not a wildcard
    assert await names(search="_") == []
    r = await api.get(BASE, params={"template": "nope"})
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "template"

    first = (await api.get(BASE, params={"limit": 2})).json()
    assert first["pagination"]["total"] == 3 and first["pagination"]["next_cursor"]
    rest = (
        await api.get(BASE, params={"limit": 2, "cursor": first["pagination"]["next_cursor"]})
    ).json()
    assert [f["name"] for f in rest["data"]] == ["Nightly 100% sync"]

    # Delete: gone from lookups and lists, versions kept for the runs that refer to them.
    gone = made[0]
    r = await api.delete(f"{BASE}/{gone['id']}")
    assert r.status_code == 200 and r.json()["data"] == {"id": gone["id"], "deleted": True}
    for method, path in (
        ("GET", f"{BASE}/{gone['id']}"),
        ("DELETE", f"{BASE}/{gone['id']}"),
        ("POST", f"{BASE}/{gone['id']}/publish"),
        ("GET", f"{BASE}/{gone['id']}/versions"),
    ):
        r = await api.request(method, path)
        assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND", (method, path)
    r = await api.put(BASE, json={"id": gone["id"], "name": "Back"})
    assert r.status_code == 404
    assert await names() == ["Order mail", "Low stock alert"]
    async with tenant_scope(api.tenant.ref):
        kept = await fetch(
            "SELECT number FROM flow_version WHERE flow_id = $1", uuid.UUID(gone["id"])
        )
        row = await fetch(
            "SELECT is_active, deleted_at FROM flow WHERE id = $1", uuid.UUID(gone["id"])
        )
    assert [k["number"] for k in kept] == [1]
    assert row[0]["deleted_at"] is not None and row[0]["is_active"] is False


async def test_the_plans_flow_limit(api: Any) -> None:
    made = []
    for n in range(3):  # the Free plan allows 3
        r = await api.post(BASE, json=flow_body([http()], name=f"Flow {n}"))
        assert r.status_code == 201, r.text
        made.append(r.json()["data"]["id"])
    r = await api.post(BASE, json=flow_body([http()], name="One too many"))
    assert r.status_code == 403, r.text
    body = r.json()
    assert body["code"] == "PLAN_LIMIT_EXCEEDED"
    assert body["details"]["limit"] == "flows" and body["details"]["plan"] == "free"
    assert body["details"]["allowed"] == 3 and body["details"]["used"] == 3
    assert "3 integration builder flows" in body["error"]
    # A deleted flow does not count; a bigger plan allows more.
    assert (await api.delete(f"{BASE}/{made[0]}")).status_code == 200
    assert (await api.post(BASE, json=flow_body([http()], name="Fits"))).status_code == 201
    assert (await api.post(BASE, json=flow_body([http()], name="No room"))).status_code == 403
    await execute("UPDATE public.tenant SET plan = 'professional' WHERE id = $1", api.tenant.id)
    assert (await api.post(BASE, json=flow_body([http()], name="Room"))).status_code == 201


async def test_permissions_and_neighbours(api: Any, app: Any) -> None:
    flow = (await api.post(BASE, json=flow_body([http()]))).json()["data"]
    reader = await create_key(api.tenant.id, "reader", ["read"])
    writer = await create_key(api.tenant.id, "writer", ["read", "write"])
    async with client_for(app, reader.secret) as c:
        assert (await c.get(BASE)).status_code == 200
        assert (await c.get(f"{BASE}/{flow['id']}")).status_code == 200
        assert (await c.get(f"{BASE}/{flow['id']}/versions")).status_code == 200
        for method, path, body in (
            ("POST", BASE, flow_body([http()])),
            ("PUT", BASE, {"id": flow["id"], "name": "x"}),
            ("POST", f"{BASE}/{flow['id']}/publish", None),
            ("DELETE", f"{BASE}/{flow['id']}", None),
        ):
            r = await c.request(method, path, json=body)
            assert r.status_code == 403 and r.json()["code"] == "AUTHORIZATION_ERROR", method
    async with client_for(app, writer.secret) as c:
        r = await c.put(BASE, json={"id": flow["id"], "description": "edited"})
        assert r.status_code == 200 and r.json()["data"]["description"] == "edited"
        assert (await c.post(f"{BASE}/{flow['id']}/publish")).status_code == 201
        assert (await c.delete(f"{BASE}/{flow['id']}")).status_code == 403
    async with client_for(app, None) as c:
        assert (await c.get(BASE)).status_code == 401
        # The marketplace's public catalog next door is unaffected by the builder's routes.
        r = await c.get("/integrations/marketplace")
        assert r.status_code == 200, r.text


async def test_database_fields_are_checked_when_saved(api: Any) -> None:
    """A field a database step cannot match on or write is refused at save, named by its path,
    instead of failing every run."""
    create = {
        "type": "database",
        "config": {
            "resource": "customers",
            "operation": "create",
            "data": {"full_name": "'x'", "bogus": "1"},
        },
    }
    find = {
        "type": "database",
        "config": {"resource": "orders", "operation": "find", "match": {"sku": "'R-1'"}},
    }
    r = await api.post(BASE, json=flow_body([create, find]))
    assert fields(r) == {
        "configuration.actions[0].config.data.bogus": "UNKNOWN_FIELD",
        "configuration.actions[1].config.match.sku": "UNKNOWN_FIELD",
    }


async def test_a_bad_query_value_is_named_as_the_client_wrote_it(api: Any) -> None:
    r = await api.get(BASE, params={"isActive": "maybe"})
    assert r.status_code == 400 and r.json()["code"] == "VALIDATION_ERROR"
    assert [d["field"] for d in r.json()["details"]] == ["isActive"]
