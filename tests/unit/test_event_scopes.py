"""The read scope each webhook event needs, and which events a set of scopes covers."""

from __future__ import annotations

import pytest

from jewelia.platform.oauth import scopes
from jewelia.tenants.webhooks import catalog

EXPECTED = {
    "customer.created": "customers:read",
    "customer.updated": "customers:read",
    "customer.deleted": "customers:read",
    "inventory.created": "inventory:read",
    "inventory.updated": "inventory:read",
    "inventory.deleted": "inventory:read",
    "inventory.low_stock": "inventory:read",
    "order.created": "orders:read",
    "order.updated": "orders:read",
    "order.status_changed": "orders:read",
    "order.cancelled": "orders:read",
    "import.completed": "import_export:read",
    "export.completed": "import_export:read",
    "integration.installed": None,
    "integration.uninstalled": None,
    "alert.triggered": "webhooks:read",
    "alert.resolved": "webhooks:read",
    "webhook.test": "webhooks:read",
}


def test_every_catalog_event_has_its_scope() -> None:
    assert set(catalog.EVENT_TYPES) == set(EXPECTED)
    for event in catalog.EVENT_TYPES:
        assert scopes.event_scope(event) == EXPECTED[event], event
        needed = EXPECTED[event]
        assert needed is None or needed in scopes.SCOPES


def test_category_patterns_and_unknown_events() -> None:
    for category in catalog.CATEGORIES:
        assert (
            scopes.event_scope(f"{category}.*")
            == EXPECTED[next(e for e in EXPECTED if e.startswith(category + "."))]
        )
    assert scopes.event_scope("alert.raised") == "webhooks:read"
    for bad in ("*", "secret.leaked", "nodot", ""):
        assert scopes.event_scope(bad) == scopes.EVENT_REFUSED
        assert not scopes.allows(scopes.SCOPES, scopes.EVENT_REFUSED)


@pytest.mark.parametrize("event", sorted(EXPECTED))
def test_events_allowed_for_each_catalog_event(event: str) -> None:
    needed = EXPECTED[event]
    assert scopes.events_allowed([], [event]) == ([] if needed is None else [event])
    if needed is not None:
        assert scopes.events_allowed([needed], [event]) == []
        write = needed.replace(":read", ":write")
        assert scopes.events_allowed([write], [event]) == []  # write implies read
        others = [s for s in scopes.SCOPES if not s.startswith(needed.split(":")[0] + ":")]
        assert scopes.events_allowed(others, [event]) == [event]


def test_events_allowed_lists_what_is_not_covered() -> None:
    events = ["inventory.updated", "customer.created", "order.*", "export.completed"]
    assert scopes.events_allowed(["inventory:read"], events) == [
        "customer.created",
        "order.*",
        "export.completed",
    ]
    assert scopes.missing_event_scopes(["inventory:read"], events) == [
        "customers:read",
        "orders:read",
        "import_export:read",
    ]
    assert scopes.events_allowed(["inventory:read"], ["integration.installed", "bogus.x"]) == [
        "bogus.x"
    ]
    assert scopes.events_allowed(list(scopes.SCOPES), ["*"]) == []
    assert scopes.events_allowed(["customers:write"], ["*"]) == ["*"]
