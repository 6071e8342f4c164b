"""Flow secret helpers: references found in templates, markers put in and taken out, echoes
masked, credential headers masked for display only."""

from __future__ import annotations

import pytest

from jewelia.tenants.builder import secrets
from jewelia.tenants.builder.expressions import render


def test_references_and_marker_rendering() -> None:
    config = {"url": "{{ secrets.HOOK }}/x", "headers": {"A": "{{ secrets['TOKEN'] }}"}}
    assert secrets.references(config) == {"HOOK", "TOKEN"}
    context = secrets.marker_context(config, {"trigger": {}})
    assert render(config["url"], context) == "«secret:HOOK»/x"
    assert render(config["headers"]["A"], context) == "«secret:TOKEN»"
    assert secrets.marker_context({"url": "x"}, {"trigger": 1}) == {"trigger": 1}


def test_reveal_conceal_round_trip() -> None:
    known = {"TOKEN": "s3cr3t-value", "HOOK": "https://hooks.example/abc"}
    request = {"url": "«secret:HOOK»", "headers": {"A": "Bearer «secret:TOKEN»"}, "n": 1}
    sent = secrets.reveal(request, known)
    assert sent == {"url": known["HOOK"], "headers": {"A": "Bearer s3cr3t-value"}, "n": 1}
    assert secrets.conceal({"echo": sent}, known) == {"echo": request}
    with pytest.raises(secrets.MissingSecret, match="GONE"):
        secrets.reveal("«secret:GONE»", known)
    assert secrets.has_markers(request) and not secrets.has_markers({"url": "x"})


def test_display_masks_plain_credentials_only() -> None:
    shown = secrets.display_input(
        {
            "url": "https://x",
            "headers": {
                "Authorization": "Bearer «secret:TOKEN»",
                "Cookie": "sid=abc",
                "X-Auth-Token": "plain",
                "X-Api-Key": "k",
                "Content-Type": "application/json",
            },
        }
    )
    assert shown["headers"] == {
        "Authorization": "Bearer «secret:TOKEN»",
        "Cookie": "••••",
        "X-Auth-Token": "••••",
        "X-Api-Key": "••••",
        "Content-Type": "application/json",
    }
    assert secrets.display_input(None) is None and secrets.display_input({"a": 1}) == {"a": 1}
