"""`jewelia dev`'s demo money (issue 15), seeded the way `make dev` seeds it (cli._seed_demo then
cli._seed_marketplace, which calls commerce.demo.seed_commerce) in an installation of its own,
twice: the second start adds nothing, the ledger checks clean, and every money page answers
200 with the seeded data to the demo login (who is also staff).

An installation of its own (tests/isolated.py, Redis db 15) because the demo owns the
marketplace's fixed slugs and the ledger cannot be emptied after a test.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from jewelia.cli import DEMO_EMAIL, DEMO_PASSWORD
from jewelia.platform.commerce import demo
from tests.conftest import ROOT, _free_port
from tests.isolated import Isolated, stop

SEED = textwrap.dedent(
    """
    import json
    from jewelia import cli
    from jewelia.core.db import fetch
    from jewelia.platform.commerce import ledger

    TABLES = ("ledger_journal", "ledger_posting", "ledger_account", "app_charge",
              "app_charge_payment", "app_usage", "app_usage_period", "payout", "payout_run",
              "payout_period", "connect_account", "tax_profile", "listing", "app_install",
              "stripe_event")

    async def counts():
        out = {t: (await fetch(f"SELECT count(*) AS n FROM public.{t}"))[0]["n"] for t in TABLES}
        return {"counts": out, "check": await ledger.check()}

    cli._run_db(cli._seed_demo)
    cli._run_db(lambda: cli._seed_marketplace("http://127.0.0.1:8010"))
    print(json.dumps(cli._run_db(counts)))
    """
)


class Site:
    def __init__(self, tmp: Path) -> None:
        iso = Isolated(
            "jewelia_commerce_demo",
            15,
            {"JEWELIA_DEV_MODE": "1", "JEWELIA_SPARE_POOL_SIZE": "0", "JEWELIA_DATA_DIR": str(tmp)},
        )
        for name in ("STRIPE_API_KEY", "STRIPE_API_BASE", "STRIPE_WEBHOOK_SECRET"):
            iso.env.pop(name, None)  # billing in test mode, as `make dev` without keys
        self.env = iso.env
        self.database_url = iso.database_url
        self.log = tmp / "serve.log"
        self.server: subprocess.Popen[bytes] | None = None
        self.url = ""

    def seed(self) -> dict[str, Any]:
        out = subprocess.run(
            [sys.executable, "-c", SEED],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]

    def serve(self) -> str:
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = {**self.env, "JEWELIA_PORT": str(port), "JEWELIA_BASE_URL": self.url}
        with self.log.open("ab") as out:
            self.server = subprocess.Popen(
                [sys.executable, "-m", "jewelia.cli", "serve", "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/ready", timeout=1).status_code == 200:
                    return self.url
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(self.log.read_text(errors="replace"))

    def query(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        async def run() -> list[dict[str, Any]]:
            conn = await asyncpg.connect(self.database_url)
            try:
                return [dict(r) for r in await conn.fetch(sql, *args)]
            finally:
                await conn.close()

        return asyncio.run(run())


@pytest.fixture(scope="module")
def site(db: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    s = Site(tmp_path_factory.mktemp("commerce-demo"))
    try:
        yield s
    finally:
        if s.server is not None:
            stop(s.server)


def test_demo_money_is_seeded_once_and_every_money_page_shows_it(site: Site) -> None:
    first = site.seed()
    second = site.seed()
    assert first["check"] == [] and second["check"] == []
    assert second["counts"] == first["counts"], (first, second)

    # The demo business: a one-time app active, a subscription in its trial, usage under the cap.
    charges = {
        r["slug"]: r
        for r in site.query(
            "SELECT l.slug, c.* FROM public.app_charge c JOIN public.listing l"
            " ON l.id = c.listing_id JOIN public.membership m ON m.tenant_id = c.tenant_id"
            " JOIN public.app_user u ON u.id = m.user_id AND m.role = 'owner'"
            " WHERE u.email = $1",
            DEMO_EMAIL,
        )
    }
    assert charges[demo.ONE_TIME]["status"] == "active"
    assert charges[demo.SUBSCRIPTION]["status"] == "trialing"
    metered = charges[demo.USAGE]
    assert metered["status"] == "active" and metered["cap_minor"] == 1000
    assert all(c["install_id"] for c in charges.values())
    period = site.query(
        "SELECT total_minor FROM public.app_usage_period WHERE install_id = $1",
        metered["install_id"],
    )
    assert [p["total_minor"] for p in period] == [650]  # 130 units x USD 0.05 of USD 10.00

    # The demo developer org: payout settings done, earnings in past months, a paid payout.
    org = site.query(
        "SELECT o.* FROM public.developer_org o JOIN public.listing l ON l.org_id = o.id"
        " WHERE l.slug = $1",
        demo.LABS_APP,
    )[0]
    account = site.query("SELECT * FROM public.connect_account WHERE org_id = $1", org["id"])
    assert account and account[0]["payouts_enabled"]
    assert site.query("SELECT 1 FROM public.tax_profile WHERE org_id = $1", org["id"])
    months = site.query(
        "SELECT DISTINCT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM') AS m"
        " FROM public.ledger_journal WHERE org_id = $1 AND kind = 'charge'",
        org["id"],
    )
    assert len(months) >= demo.MONTHS
    payout = site.query(
        "SELECT * FROM public.payout WHERE org_id = $1 AND status = 'paid'", org["id"]
    )
    assert len(payout) == 1 and payout[0]["transfer_id"].startswith("tr_test_")
    paid = payout[0]
    assert site.query("SELECT 1 FROM public.ledger_journal WHERE key = $1", paid["key"])

    # The pages, as the demo login (owner of the business and of Jewelia Labs, and staff).
    site.serve()
    with httpx.Client(base_url=site.url, timeout=30, follow_redirects=True) as browser:
        login = browser.get("/login")
        token = re.search(r'name="_csrf_token" value="([^"]+)"', login.text)
        assert token, login.text
        r = browser.post(
            "/login",
            data={"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "_csrf_token": token.group(1)},
        )
        assert r.status_code == 200 and 'action="/logout"' in r.text, r.text
        amount = f"{paid['amount_minor'] / 100:,.2f}"
        pages = {
            "/settings/billing/apps": ["CAD Bench Connect", "Vault Inventory Sync", "Storefront"],
            f"/partners/{org['slug']}/revenue": ["Appraisal Studio"],
            f"/partners/{org['slug']}/payouts": [paid["period"], amount],
            f"/partners/{org['slug']}/statements": [paid["period"]],
            # last month's closing figure is what was paid (all of it settled by the close)
            f"/partners/{org['slug']}/statements/{paid['period']}": ["Appraisal Studio", amount],
            "/staff/payouts": [paid["period"]],
        }
        for path, wanted in pages.items():
            page = browser.get(path)
            assert page.status_code == 200, (path, page.text[:2000])
            for text in wanted:
                assert text in page.text, (path, text)
