"""/api/v1/docs leads to the developer portal's API reference, which renders from vendored
assets under its own CSP (inline styles only) and asks no other host for anything."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e


def test_api_docs_lead_to_the_reference_rendered_offline(page: Any, live_server: str) -> None:
    own = urlsplit(live_server).netloc
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if urlsplit(r.url).scheme not in ("data", "blob") and urlsplit(r.url).netloc != own
            else None
        ),
    )
    page.goto(f"{live_server}/api/v1/docs")
    assert page.url == f"{live_server}/developers/reference"
    # Scalar parses the whole OpenAPI document in the page; allow a busy machine a minute.
    page.locator("#dev-reference .scalar-app").first.wait_for(timeout=60_000)
    page.get_by_text("Jewelia API").first.wait_for(timeout=60_000)
    page.get_by_text("List customers").first.wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=False)
    assert outside == []
