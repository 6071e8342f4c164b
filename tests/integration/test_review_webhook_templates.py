"""Issue 10, item 15: `GET /webhooks/test?category=…` answers in the API document's shape, with
`variables` inside `template`, and the OpenAPI document describes that shape."""

from __future__ import annotations

import json
from typing import Any

import httpx

# The API document's example response for "Get Templates", verbatim.
SEED_EXAMPLE = json.loads(
    """
{
  "success": true,
  "data": [
    {
      "name": "order_created",
      "description": "Template for order creation events",
      "category": "order_events",
      "template": {
        "method": "POST",
        "headers": { "Content-Type": "application/json" },
        "payload": {
          "event": "order.created",
          "data": {
            "order_id": "{{order.id}}",
            "customer_id": "{{order.customer_id}}"
          }
        },
        "variables": [
          {
            "name": "order.id",
            "type": "string",
            "description": "Order ID",
            "required": true
          }
        ]
      }
    }
  ]
}
"""
)
# Beyond the document: each variable's `example`, a value that renders a valid event.
EXTRA_VARIABLE_FIELDS = {"example"}


def _same_shape(seed: Any, ours: Any, path: str = "") -> None:
    """Every field of the seed is in ours, at the same place, with the same JSON type (a
    payload's own fields differ per event; the first one is compared below)."""
    assert type(ours) is type(seed), (path, seed, ours)
    if isinstance(seed, dict) and not path.endswith(".payload"):
        for key, value in seed.items():
            assert key in ours, f"{path}.{key} missing from {sorted(ours)}"
            _same_shape(value, ours[key], f"{path}.{key}")
    elif isinstance(seed, list):
        for item in ours:
            _same_shape(seed[0], item, f"{path}[]")


async def test_templates_match_the_api_document_field_for_field(api: Any) -> None:
    r = await api.get("/webhooks/test", params={"category": "order_events"})
    assert r.status_code == 200, r.text
    body = r.json()
    _same_shape(SEED_EXAMPLE, body)
    seed_item = SEED_EXAMPLE["data"][0]
    first = body["data"][0]
    assert first["name"] == seed_item["name"]
    assert set(first) == set(seed_item)  # nothing beside: `variables` is not at this level
    assert set(first["template"]) == set(seed_item["template"])
    assert first["template"]["headers"] == seed_item["template"]["headers"]
    assert seed_item["template"]["payload"]["data"].items() <= (
        first["template"]["payload"]["data"].items()
    )
    assert seed_item["template"]["variables"][0] == {
        k: v for k, v in first["template"]["variables"][0].items() if k != "example"
    }
    seed_var_keys = set(seed_item["template"]["variables"][0])
    for template in body["data"]:
        assert template["category"] == "order_events"
        for variable in template["template"]["variables"]:
            assert set(variable) == seed_var_keys | EXTRA_VARIABLE_FIELDS


async def test_the_openapi_document_describes_the_same_shape(
    api: Any, client: httpx.AsyncClient
) -> None:
    doc = (await client.get("/api/v1/openapi.json")).json()
    schemas = doc["components"]["schemas"]

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = schemas[node["$ref"].rsplit("/", 1)[1]]
        if "oneOf" in node:  # Optional[...] or the like: the object branch
            node = next(resolve(n) for n in node["oneOf"] if n.get("type") != "null")
        return node

    answer = doc["paths"]["/api/v1/webhooks/test"]["get"]["responses"]["200"]
    envelope = resolve(answer["content"]["application/json"]["schema"])
    item = resolve(envelope["properties"]["data"]["items"])
    assert set(item["properties"]) == {"name", "description", "category", "template"}
    template = resolve(item["properties"]["template"])
    assert set(template["properties"]) == {"method", "headers", "payload", "variables"}
    variable = resolve(template["properties"]["variables"]["items"])
    assert set(variable["properties"]) == {"name", "type", "description", "required", "example"}
    assert set(variable["required"]) >= {"name", "type", "description", "required"}
