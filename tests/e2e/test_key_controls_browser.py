"""Settings > API keys in Chromium: a key with an hourly limit and an IP allow-list, the
business's browser origins; then the real proof of CORS: a page served from another origin
(a second local HTTP server) calls the API with the key when its origin is allowed, and the
browser blocks it when not."""

from __future__ import annotations

import http.server
import json
import shutil
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accounts_browser import sign_up

pytestmark = pytest.mark.e2e

# A web shop's page: reads the API base URL and key from its fragment, lists customers, then
# creates one (a JSON POST with an Idempotency-Key: a preflighted request).
SHOP_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Shop</title></head>
<body><pre id="out">running</pre>
<script>
const given = new URLSearchParams(location.hash.slice(1));
const api = given.get("api"), auth = "Bearer " + given.get("key");
async function run() {
  const out = {};
  try {
    const listed = await fetch(api + "/customers?limit=5", {headers: {Authorization: auth}});
    out.status = listed.status;
    out.limit = listed.headers.get("x-ratelimit-limit");
    out.remaining = listed.headers.get("x-ratelimit-remaining");
    out.count = (await listed.json()).data.length;
    const created = await fetch(api + "/customers", {
      method: "POST",
      headers: {Authorization: auth, "Content-Type": "application/json",
                "Idempotency-Key": "shop-" + Date.now()},
      body: JSON.stringify({full_name: "Cora Cors", email: given.get("email")}),
    });
    out.created = created.status;
    out.request_id = created.headers.get("x-request-id");
    out.name = (await created.json()).data.full_name;
  } catch (error) {
    out.error = String(error);
  }
  document.getElementById("out").textContent = JSON.stringify(out);
  document.body.dataset.done = "1";
}
run();
</script></body></html>"""


class _ShopHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = SHOP_PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def shop_servers() -> Iterator[list[str]]:
    """Two tiny web servers on other ports of 127.0.0.1: two origins other than the API's."""
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ShopHandler) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield [f"http://127.0.0.1:{s.server_address[1]}" for s in servers]
    for server in servers:
        server.shutdown()
        server.server_close()


def _shots(page: Any, name: str) -> None:
    """Desktop and phone-width captures (kept with the other artifacts, copied to /tmp)."""
    for width, suffix in ((1280, ""), (390, "-390")):
        page.set_viewport_size({"width": width, "height": 860})
        path = ARTIFACTS / f"{name}{suffix}.png"
        page.screenshot(path=str(path), full_page=True)
        shutil.copy(path, f"/tmp/{name}{suffix}.png")
    page.set_viewport_size({"width": 1280, "height": 800})


def _visit_shop(browser: Any, shop: str, api: str, key: str, email: str) -> tuple[dict, list]:
    """Open the shop page in a fresh browser context; (its result, console messages)."""
    context = browser.new_context()
    try:
        shop_page = context.new_page()
        messages: list[str] = []
        shop_page.on("console", lambda m: messages.append(m.text))
        shop_page.goto(f"{shop}/index.html#api={api}&key={key}&email={email}")
        shop_page.locator("body[data-done='1']").wait_for(timeout=15000)
        return json.loads(shop_page.inner_text("#out")), messages
    finally:
        context.close()


def test_key_controls_and_browser_access(
    page: Any, browser: Any, live_server: str, shop_servers: list[str]
) -> None:
    base = live_server
    allowed_shop, other_shop = shop_servers
    sign_up(
        page, base, "Cors Browser Gems", "Cora Cors", f"cors-{uuid.uuid4().hex[:8]}@example.com"
    )
    page.goto(f"{base}/settings/api-keys")
    assert page.inner_text("#cors h2") == "Browser access (CORS)"

    # A key for the shop's page: read and write, 20 an hour, from this machine only.
    form = page.locator("#create-key-form")
    form.locator("input[name=name]").fill("Web shop")
    form.locator("input[name=permissions][value=write]").check()
    form.locator("input[name=hourly_limit]").fill("20")
    form.locator("textarea[name=allowed_ips]").fill("nonsense")
    form.locator("button[type=submit]").click()
    error = page.locator("#create-key-form .error[data-field=allowed_ips]")
    assert "'nonsense' is not an IP address or CIDR range" in error.inner_text()
    form = page.locator("#create-key-form")
    assert form.locator("input[name=name]").input_value() == "Web shop"
    form.locator("textarea[name=allowed_ips]").fill("127.0.0.1/8\n::1")
    form.locator("button[type=submit]").click()
    key = page.inner_text("#new-api-key").strip()
    assert key.startswith("jw_live_")
    row = page.locator("#keys-table tr", has_text="Web shop")
    assert row.locator("[data-limit]").inner_text() == "20 / hour"
    assert row.locator("[data-ips]").inner_text() == "127.0.0.0/8, ::1"

    # Browser access: a bad origin is refused with the field's message, then the shop's is saved.
    cors = page.locator("#cors-form")
    cors.locator("textarea[name=cors_origins]").fill(f"{allowed_shop}/checkout")
    cors.locator("button[type=submit]").click()
    message = page.inner_text("#cors-form .error[data-field=cors_origins]")
    assert "an origin has no path" in message
    page.locator("#cors-form textarea[name=cors_origins]").fill(allowed_shop)
    page.locator("#cors-form button[type=submit]").click()
    page.wait_for_url(f"{base}/settings/api-keys#cors")
    assert "Browser access allowed from 1 origin." in page.inner_text(".flash")
    assert page.locator("#cors-form textarea").input_value() == allowed_shop
    _shots(page, "api-keys-settings")

    api = f"{base}/api/v1"
    email = f"cora-{uuid.uuid4().hex[:6]}@example.com"
    got, _ = _visit_shop(browser, allowed_shop, api, key, email)
    assert got.get("error") is None, got
    assert got["status"] == 200 and got["count"] == 0
    assert got["limit"] == "20" and got["remaining"] == "19"  # exposed to the page
    assert got["created"] == 201 and got["name"] == "Cora Cors" and got["request_id"]

    refused, messages = _visit_shop(browser, other_shop, api, key, f"x-{email}")
    assert refused.get("error") == "TypeError: Failed to fetch", refused
    assert any("blocked by CORS policy" in m for m in messages), messages

    # The server agrees: one customer, made from the allowed origin.
    listed = httpx.get(
        f"{api}/customers", headers={"Authorization": f"Bearer {key}"}, timeout=10
    ).json()["data"]
    assert [c["email"] for c in listed] == [email]

    # Edit the key's limits on its row: a limit of 2 is already spent by the two calls above.
    row = page.locator("#keys-table tr", has_text="Web shop")
    row.locator("summary", has_text="Edit limits").click()
    row.locator("input[name=hourly_limit]").fill("2")
    _shots(page, "api-keys-edit-limits")
    row.locator("button", has_text="Save limits").click()
    assert "saved." in page.inner_text(".flash")
    spent, _ = _visit_shop(browser, allowed_shop, api, key, f"y-{email}")
    assert spent["status"] == 429 and spent["limit"] == "2", (
        spent
    )  # readable: CORS headers on the 429
