"""Developer payout settings and the staff payouts page in a real browser: onboarding through
(test-mode) Stripe account links comes back enabled, the tax form shows its field errors and then
the TIN masked; staff see runs and resolve a reconciliation exception after a confirmation."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from tests.e2e.test_accounts_browser import shot, sign_up
from tests.e2e.test_marketplace_browser import sql

pytestmark = pytest.mark.e2e


def test_payout_settings_and_staff_page(page: Any, live_server: str) -> None:
    base = live_server
    tag = uuid.uuid4().hex[:6]
    sign_up(page, base, f"Payee Works {tag}", "Pat Payee", f"payee-{tag}@example.com")
    page.goto(f"{base}/partners")
    page.fill("#create-org input[name=name]", f"Payee Works {tag}")
    page.click("#create-org button[type=submit]")
    page.wait_for_url(f"{base}/partners/payee-works-*")
    page.click("#payouts-link")
    assert "USD 25.00" in page.inner_text("#minimum")
    assert "%" in page.inner_text("#policy-text")
    assert page.locator("#payout-blocked").count() == 1
    page.click("#start-onboarding")  # test mode: the account link returns at once
    page.wait_for_selector("#onboarding-notice")
    assert "enabled payouts" in page.inner_text("#onboarding-notice")
    assert "payouts enabled" in page.inner_text("#account-status")
    page.select_option("select[name=form]", "w9")
    page.fill("input[name=legal_name]", "Payee Works LLC")
    page.fill("input[name=tin]", "12-34")
    page.click("button:has-text('Save tax profile')")
    assert "9 digits" in page.inner_text("[data-field=tin]")
    shot(page, "payouts-tax-errors")
    page.select_option("select[name=tin_type]", "ein")
    page.fill("input[name=tin]", "12-3456789")
    page.click("button:has-text('Save tax profile')")
    assert "Tax profile saved." in page.inner_text(".flash")
    assert page.inner_text("#tin-masked") == "••-•••6789"
    assert page.locator("#payout-ready").count() == 1
    shot(page, "payouts-settings")

    # --- staff: runs and a reconciliation exception ------------------------------------------
    staff_email = f"payout-staff-{tag}@example.com"
    staff = page.context.new_page()
    sign_up(staff, base, f"Staff Desk {tag}", "Sid Staff", staff_email)
    sql("UPDATE public.app_user SET is_staff = true WHERE email = $1", staff_email)
    day = dt.date(2026, 11, 29)
    sql(
        "INSERT INTO public.reconcile_day (day, finished_at, transactions, matched, exceptions)"
        " VALUES ($1, now(), 2, 1, 1) ON CONFLICT (day) DO NOTHING",
        day,
    )
    source = f"ch_browser_{tag}"
    sql(
        "INSERT INTO public.reconcile_exception (id, day, kind, source_id, stripe_amount,"
        " currency, detail) VALUES ($1, $2, 'missing_journal', $3, 4200, 'USD',"
        " 'Stripe moved money the ledger has no journal for')",
        uuid.uuid4(),
        day,
        source,
    )
    staff.goto(f"{base}/staff/payouts")
    row = staff.locator(f"tr[data-source='{source}']")
    assert "missing journal" in row.inner_text()
    shot(staff, "staff-payouts")
    row.locator("summary:has-text('Resolve')").click()
    row.locator("input[name=note]").fill("Booked by hand")
    row.locator("button:has-text('Yes, resolve')").click()
    staff.wait_for_selector(".flash")
    assert "Exception resolved." in staff.inner_text(".flash")
    assert staff.locator(f"tr[data-source='{source}']").count() == 0
    staff.close()
