"""The interactive API reference renders from vendored assets under the strict CSP."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e


def test_api_docs_render_offline(page: Any, live_server: str) -> None:
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith(live_server) and not r.url.startswith("data:")
            else None
        ),
    )
    page.goto(f"{live_server}/api/v1/docs")
    # Swagger UI parses the whole OpenAPI document in the page; allow a busy machine a minute.
    page.wait_for_selector("text=Jewelia API", timeout=60_000)
    page.wait_for_selector('[data-path="/api/v1/customers"]', timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=False)
    assert outside == []
