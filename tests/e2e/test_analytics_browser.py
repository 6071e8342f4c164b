"""Developers > Logs and Usage in a real browser against a live server: real API calls are
logged, the explorer finds one by its X-Request-ID and filters with htmx, and the usage
dashboard draws its charts (canvases, no console errors) at desktop and phone widths."""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accounts_browser import sign_up

pytestmark = pytest.mark.e2e
SHOTS = Path("/tmp/shots")


def _shots(page: Any, name: str) -> None:
    """Desktop and phone-width captures (kept with the other artifacts, copied to /tmp/shots)."""
    SHOTS.mkdir(exist_ok=True)
    for width, suffix in ((1280, ""), (390, "-390")):
        page.set_viewport_size({"width": width, "height": 860})
        page.wait_for_timeout(300)  # the charts follow their container's new width
        path = ARTIFACTS / f"{name}{suffix}.png"
        page.screenshot(path=str(path), full_page=True)
        shutil.copy(path, SHOTS / f"{name}{suffix}.png")
    page.set_viewport_size({"width": 1280, "height": 800})


def _calls(base: str, key: str) -> str:
    """A few real API calls (successes and failures); the X-Request-ID of a failed one."""
    auth = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=f"{base}/api/v1", headers=auth) as api:
        for _ in range(4):
            assert api.get("/customers").status_code == 200
        assert api.get("/customers", params={"limit": 500}).status_code == 400
        missing = api.get(f"/customers/{uuid.uuid4()}")
        assert missing.status_code == 404
    return missing.headers["x-request-id"]


def test_logs_and_usage(page: Any, live_server: str) -> None:
    base = live_server
    sign_up(page, base, "Chart Gems", "Cora Chart", f"chart-{uuid.uuid4().hex[:8]}@example.com")
    page.click("nav >> text=API keys")
    page.fill("input[name=name]", "Shop sync")
    page.click("button:has-text('Create key')")
    rid = _calls(base, page.inner_text("#new-api-key").strip())

    page.click("nav.sidenav >> text=Logs")
    page.wait_for_url(f"{base}/developers/logs")
    deadline = time.monotonic() + 20  # the server writes its log buffer every second
    while True:
        page.fill("input[name=request_id]", rid)
        page.click("#log-filters button[type=submit]")
        page.wait_for_load_state("networkidle")
        if page.locator("#log-rows a").count() or time.monotonic() > deadline:
            break
        page.wait_for_timeout(500)
    page.click("#log-rows a")  # the one request with that id
    page.wait_for_url(f"{base}/developers/logs/{rid}")
    assert page.inner_text("#log-request-id") == rid
    assert page.inner_text("#log-status").startswith("404")
    assert page.locator("#log-reference").count() == 1
    _shots(page, "logs-detail")

    page.goto(f"{base}/developers/logs/{rid}")  # a pasted link opens it the same way
    assert page.inner_text("#log-request-id") == rid
    page.goto(f"{base}/developers/logs")
    page.fill("input[name=status]", "4xx")
    page.click("#log-filters button[type=submit]")
    page.wait_for_url("**status=4xx**")  # htmx swapped the results and kept the URL
    assert page.locator("#log-rows tr").count() == 2
    assert "4xx" in page.get_attribute("#export-csv", "href")
    _shots(page, "logs-list")

    page.click("nav.sidenav >> text=Usage")
    page.wait_for_url(f"{base}/developers/usage")
    page.click("nav.period-tabs >> text=24 hours")
    for chart in ("chart-requests", "chart-errors", "chart-latency"):
        page.locator(f"#{chart} canvas").wait_for()
    assert page.inner_text("#stat-total") == "6"
    assert page.inner_text("#stat-failed") == "2"
    assert "of 1,000" in page.inner_text("#busiest-hour")
    box = page.locator("#chart-requests canvas").bounding_box()
    assert box and box["width"] > 300
    _shots(page, "usage")
    page.set_viewport_size({"width": 390, "height": 860})
    page.wait_for_timeout(300)
    box = page.locator("#chart-requests canvas").bounding_box()
    assert box and box["width"] <= 390  # the chart shrank with the page
    page.click("#chart-requests-table summary")
    assert page.locator("#chart-requests-table tbody tr").count() == 24
