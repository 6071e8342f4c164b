"""The event catalog (names, patterns, schemas, examples) and the templates built on it."""

from __future__ import annotations

from typing import Any, get_args

import jsonschema_rs
import pytest

from jewelia.core.errors import ValidationFailed
from jewelia.tenants.webhooks import catalog
from jewelia.tenants.webhooks.tools import templates
from jewelia.tenants.webhooks.tools.api import Category

ISSUE_EVENTS = {
    "customer.created",
    "customer.updated",
    "customer.deleted",
    "inventory.created",
    "inventory.updated",
    "inventory.deleted",
    "inventory.low_stock",
    "order.created",
    "order.updated",
    "order.status_changed",
    "order.cancelled",
    "import.completed",
    "export.completed",
    "integration.installed",
    "integration.uninstalled",
    "alert.triggered",
    "alert.resolved",
}


def validator(schema: dict[str, Any]) -> Any:
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True)


def test_the_catalog_has_every_event_of_the_issue() -> None:
    assert set(catalog.EVENT_TYPES) == ISSUE_EVENTS | {"webhook.test"}
    assert [e["type"] for e in catalog.describe()] == list(catalog.EVENT_TYPES)


@pytest.mark.parametrize("event", catalog.EVENTS, ids=lambda e: e.name)
def test_each_example_fits_its_schema(event: catalog.EventType) -> None:
    example = event.example()
    assert list(example) == ["event", "data", "timestamp", "id"]
    errors = [e.message for e in validator(event.payload_schema()).iter_errors(example)]
    assert errors == []


@pytest.mark.parametrize(
    ("patterns", "event", "expected"),
    [
        (["order.created"], "order.created", True),
        (["order.created"], "order.updated", False),
        (["order.*"], "order.status_changed", True),
        (["order.*"], "orders.created", False),
        (["order.*"], "inventory.low_stock", False),
        (["customer.*", "inventory.low_stock"], "inventory.low_stock", True),
        (["*"], "export.completed", True),
        ([], "order.created", False),
    ],
)
def test_matching(patterns: list[str], event: str, expected: bool) -> None:
    assert catalog.matches(patterns, event) is expected


def test_known_patterns_pass_and_duplicates_go() -> None:
    assert catalog.check_patterns(["order.*", "customer.created", "order.*", "*"]) == [
        "order.*",
        "customer.created",
        "*",
    ]


@pytest.mark.parametrize(
    "patterns",
    [["order.shipped"], ["orders.*"], ["*.created"], ["order"], ["ORDER.CREATED"], [5]],
)
def test_unknown_patterns_are_refused(patterns: list[Any]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        catalog.check_patterns(patterns, field="events")
    assert caught.value.errors[0]["field"] == "events"
    assert caught.value.errors[0]["code"] == "UNKNOWN_EVENT"


def test_no_patterns_is_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        catalog.check_patterns([])
    assert caught.value.errors[0]["code"] == "REQUIRED"


def test_the_api_category_list_is_the_templates_one() -> None:
    assert get_args(Category) == templates.CATEGORIES
    assert {"order_events", "customer_events", "inventory_events"} <= set(templates.CATEGORIES)
    assert {t.event for t in templates.TEMPLATES} == set(catalog.EVENT_TYPES)


def _keys(node: Any, path: str = "") -> list[str]:
    if not isinstance(node, dict):
        return []
    out = []
    for key, value in node.items():
        out.append(f"{path}{key}")
        out += _keys(value, f"{path}{key}.")
    return out


@pytest.mark.parametrize("template", templates.TEMPLATES, ids=lambda t: t.name)
def test_templates_render_from_their_examples_into_valid_events(
    template: templates.Template,
) -> None:
    public = template.public()
    assert set(public) == {"name", "description", "category", "template"}
    assert set(public["template"]) == {"method", "headers", "payload", "variables"}
    assert public["template"]["headers"] == {"Content-Type": "application/json"}
    examples = {v.name: v.example for v in template.variables}
    rendered = templates.render(template.name, examples)
    assert "{{" not in str(rendered["payload"])
    report = templates.validate(template.name, rendered["payload"])
    assert report["valid"], report
    # What the template describes exists in the event's schema, and a real-shaped event fits.
    assert set(_keys(template.payload())) <= set(_keys(_props(template.event)))
    assert templates.validate(template.name, catalog.CATALOG[template.event].example())["valid"]


def _props(event: str) -> dict[str, Any]:
    def walk(schema: dict[str, Any]) -> dict[str, Any]:
        return {k: walk(v) if "properties" in v else {} for k, v in schema["properties"].items()}

    return walk(catalog.CATALOG[event].payload_schema())


def test_render_keeps_types_and_fills_text() -> None:
    out = templates.render(
        "order_created",
        {"order.id": "o-1", "order.customer_id": "c-1", "order.total_amount": 2500.5},
    )
    data = out["payload"]["data"]
    assert data == {"order_id": "o-1", "customer_id": "c-1", "total_amount": 2500.5}
    assert "currency" not in data  # optional and not given
    assert out["payload"]["id"] and out["payload"]["timestamp"].endswith("Z")
    assert templates._fill("Order {{n}} of {{total}}", {"n": 3, "total": "ten"}) == "Order 3 of ten"


def test_render_lists_every_missing_unknown_or_mistyped_variable() -> None:
    with pytest.raises(ValidationFailed) as caught:
        templates.render("order_created", {"order.id": 7, "order.colour": "red"})
    problems = {(e["field"], e["code"]) for e in caught.value.errors}
    assert problems == {
        ("variables.order.id", "INVALID_TYPE"),
        ("variables.order.colour", "UNKNOWN_VARIABLE"),
        ("variables.order.customer_id", "REQUIRED"),
        ("variables.order.total_amount", "REQUIRED"),
    }
    with pytest.raises(ValidationFailed) as caught:
        templates.render("no_such_template", {})
    assert caught.value.errors[0]["code"] == "UNKNOWN_TEMPLATE"


def test_validate_reports_missing_extra_and_mistyped_fields() -> None:
    report = templates.validate(
        "order_created",
        {
            "event": "order.created",
            "id": "3b2a1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d",
            "timestamp": "2024-01-15T10:30:00Z",
            "data": {"order_id": "not-a-uuid", "total_amount": "2500", "colour": "red"},
        },
    )
    assert not report["valid"]
    assert report["missing"] == ["data.customer_id"]
    assert report["extra"] == ["data.colour"]
    assert report["mistyped"] == ["data.total_amount"]
    assert report["invalid"] == ["data.order_id"]
    wrong_event = templates.validate("order_created", {**report, "event": "order.updated"})
    assert "event" in wrong_event["invalid"]
    assert templates.validate("order_created", [1, 2])["mistyped"] == ["payload"]


def test_unknown_category_is_refused() -> None:
    assert len(templates.list_templates("order_events")) == 4
    with pytest.raises(ValidationFailed) as caught:
        templates.list_templates("shipping_events")
    assert caught.value.errors[0]["code"] == "INVALID_CHOICE"
