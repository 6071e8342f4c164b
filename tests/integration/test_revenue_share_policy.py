"""Publishing a revenue-share policy version (issue 15): validation with field paths, a charge
after the effective date uses the new version and its journal stores it, and the staff page.

Policy rows are never deleted and the test database is shared by the session, so each test
publishes versions far in the future (after every existing one): charges other tests post now
keep version 1's terms."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from jewelia.core.db import fetch
from jewelia.core.errors import ValidationFailed
from jewelia.platform.commerce import ledger
from jewelia.platform.commerce import policy as policies
from tests.integration.test_marketplace_listings import browser, person, staff_user
from tests.integration.test_pages import form_post

MILLION = 100_000_000  # USD 1,000,000 in cents
PAGE = "/staff/revenue-share"


async def next_start() -> datetime:
    """A moment after every version's start and a year from now (no other test reaches it)."""
    newest = max(p.effective_from for p in await policies.all_versions())
    return max(newest, datetime.now(UTC) + timedelta(days=365)) + timedelta(days=1)


def fields(exc: pytest.ExceptionInfo[ValidationFailed]) -> set[str]:
    return {e["field"] for e in exc.value.errors}


async def test_publish_refuses_bad_input_with_field_paths(db: None) -> None:
    start = await next_start()
    before = len(await policies.all_versions())
    cases: list[tuple[Any, Any, str, set[str]]] = [
        ([], start, "n", {"tiers"}),
        ("0 %", start, "n", {"tiers"}),
        ([{"upToMinor": 5, "rateBps": 0}], start, "n", {"tiers[0].upToMinor"}),
        ([{"upToMinor": None, "rateBps": 10_001}], start, "n", {"tiers[0].rateBps"}),
        ([{"upToMinor": None, "rateBps": -1}], start, "n", {"tiers[0].rateBps"}),
        ([{"upToMinor": None, "rateBps": "15"}], start, "n", {"tiers[0].rateBps"}),
        ([{"upToMinor": None, "rateBps": True}], start, "n", {"tiers[0].rateBps"}),
        (
            [{"upToMinor": None, "rateBps": 0}, {"upToMinor": None, "rateBps": 1500}],
            start,
            "n",
            {"tiers[0].upToMinor"},
        ),
        (
            [
                {"upToMinor": 500, "rateBps": 0},
                {"upToMinor": 500, "rateBps": 500},
                {"upToMinor": None, "rateBps": 1500},
            ],
            start,
            "n",
            {"tiers[1].upToMinor"},
        ),
        (
            [{"upToMinor": 0, "rateBps": 0}, {"upToMinor": None, "rateBps": 1}],
            start,
            "n",
            {"tiers[0].upToMinor"},
        ),
        ([{"upToMinor": None, "rateBps": 100}], start, "  ", {"note"}),
        ([{"upToMinor": None, "rateBps": 100}], start, "a\nb", {"note"}),
        ([{"upToMinor": None, "rateBps": 100}], start, "x" * 501, {"note"}),
        (
            [{"upToMinor": None, "rateBps": 100}],
            datetime.now(UTC) - timedelta(hours=1),
            "n",
            {"effectiveFrom"},
        ),
        ([{"upToMinor": None, "rateBps": 100}], datetime(2030, 1, 1), "n", {"effectiveFrom"}),
        ([{"upToMinor": None, "rateBps": 100}], "2030-01-01", "n", {"effectiveFrom"}),
        # every problem at once
        (
            [{"upToMinor": None, "rateBps": 20_000}],
            None,
            "",
            {"tiers[0].rateBps", "note", "effectiveFrom"},
        ),
    ]
    for tiers, when, note, expected in cases:
        with pytest.raises(ValidationFailed) as exc:
            await policies.publish(tiers, when, note, None)
        assert fields(exc) == expected, (tiers, when, note, exc.value.errors)
    # not before the newest version: a later one exists, an earlier start is refused
    await policies.publish([{"upToMinor": None, "rateBps": 100}], start, "later", None)
    with pytest.raises(ValidationFailed) as exc:
        await policies.publish(
            [{"upToMinor": None, "rateBps": 100}], start - timedelta(hours=1), "earlier", None
        )
    assert fields(exc) == {"effectiveFrom"}
    assert "takes effect then or later" in exc.value.errors[0]["message"]
    assert len(await policies.all_versions()) == before + 1


async def test_a_charge_after_the_start_uses_the_new_version_and_its_journal_keeps_it(
    db: None,
) -> None:
    in_force = await policies.current()
    start = await next_start()
    old = await policies.current(start - timedelta(minutes=1))  # other tests' versions may lead
    new = await policies.publish(
        [
            {"upToMinor": 50_000_00, "rateBps": 0},
            {"upToMinor": MILLION, "rateBps": 1000},
            {"upToMinor": None, "rateBps": 2000},
        ],
        start,
        "20 % above USD 1 M",
        uuid.uuid4(),
    )
    assert new.version > old.version and new.effective_from == start
    assert new == await policies.get(new.version)
    assert (await policies.current()).version == in_force.version  # not yet in force
    assert (await policies.current(start)).version == new.version
    assert "10 % on the next USD 950,000" in policies.describe(new)
    assert "20 % after that" in policies.describe(new)

    org = uuid.uuid4()
    before_key, after_key = f"test:rs:{uuid.uuid4().hex}", f"test:rs:{uuid.uuid4().hex}"
    # a charge before the start: the terms in force then
    j_before, _ = await ledger.post_charge(
        key=before_key,
        org_id=org,
        listing_id=None,
        currency="USD",
        gross=60_000_00,
        fee=0,
        occurred_at=start - timedelta(minutes=1),
    )
    # after it: the new terms on the lifetime gross before it (USD 60,000 -> 10 % band)
    j_after, _ = await ledger.post_charge(
        key=after_key,
        org_id=org,
        listing_id=None,
        currency="USD",
        gross=10_000,
        fee=300,
        occurred_at=start + timedelta(minutes=1),
    )
    rows = await fetch(
        "SELECT id, policy_version FROM public.ledger_journal WHERE id = ANY($1::uuid[])",
        [j_before, j_after],
    )
    versions = {r["id"]: r["policy_version"] for r in rows}
    assert versions == {j_before: old.version, j_after: new.version}
    postings = await fetch(
        "SELECT journal_id, line_type, amount, policy_version FROM public.ledger_posting"
        " WHERE journal_id = ANY($1::uuid[]) AND org_id IS NOT NULL",
        [j_before, j_after],
    )
    assert {(p["journal_id"], p["policy_version"]) for p in postings} == {
        (j_before, old.version),
        (j_after, new.version),
    }
    share = {p["journal_id"]: p["amount"] for p in postings if p["line_type"] == "platform_share"}
    assert share == {j_before: policies.share(60_000_00, 0, old), j_after: 1_000}  # 10 % of 100

    # a later version never changes a posted journal
    await policies.publish([{"upToMinor": None, "rateBps": 5000}], start, "replaces", None)
    replaced = await policies.current(start + timedelta(seconds=1))
    assert replaced.version == new.version + 1  # the same moment: the newer version wins
    again = await fetch("SELECT policy_version FROM public.ledger_journal WHERE id = $1", j_after)
    assert again[0]["policy_version"] == new.version
    assert not await ledger.check()


async def test_staff_page_lists_versions_and_publishes_after_confirming(db: None, app: Any) -> None:
    admin, outsider = await staff_user(), await person("nostaff")
    async with browser(app, outsider.email) as b:
        assert (await b.get(PAGE)).status_code == 403
        refused = await form_post(b, "/app", {"tier_0_rate": "1", "note": "x"}, PAGE)
        assert refused.status_code == 403
    start = await next_start()
    when = start.strftime("%Y-%m-%dT%H:%M")
    note = f"Staff page test {uuid.uuid4().hex[:6]}"
    async with browser(app, admin.email) as b:
        page = await b.get(PAGE)
        assert page.status_code == 200
        current = await policies.current()
        assert re.search(
            rf'data-version="{current.version}" class="current" aria-current="true"', page.text
        )
        assert "in force" in page.text
        assert "0 % on the first USD 1,000,000" in page.text  # version 1 in plain words
        # the form starts from the current tiers
        assert 'name="tier_0_up_to" value="1,000,000"' in page.text

        # inline field errors, nothing published
        count = len(await policies.all_versions())
        bad = await form_post(
            b,
            PAGE,
            {
                "tier_0_up_to": "abc",
                "tier_0_rate": "5",
                "tier_1_up_to": "100",
                "tier_1_rate": "150",
                "effective_from": "2020-01-01T00:00",
                "note": "",
                "confirm": "yes",
            },
        )
        assert bad.status_code == 422
        for field in ("tiers[0].upToMinor", "tiers[1].upToMinor", "tiers[1].rateBps"):
            assert f'data-field="{field}"' in bad.text, field
        assert 'data-field="effectiveFrom"' in bad.text and 'data-field="note"' in bad.text
        assert 'value="abc"' in bad.text  # what was typed comes back
        assert len(await policies.all_versions()) == count

        good = {
            "tier_0_up_to": "500,000",
            "tier_0_rate": "0",
            "tier_1_up_to": "",
            "tier_1_rate": "12.5 %",
            "effective_from": when,
            "note": note,
        }
        asked = await form_post(b, PAGE, good)
        assert asked.status_code == 200 and "Yes, publish" in asked.text  # asks first
        assert "12.5 % after that" in asked.text and "USD 500,000" in asked.text
        assert len(await policies.all_versions()) == count
        done = await form_post(b, PAGE, {**good, "confirm": "yes"})
        assert done.status_code == 200
        assert "published, in force from" in done.text and note in done.text
        assert "pending" in done.text
    newest = (await policies.all_versions())[0]
    assert newest.note == note and newest.effective_from == start.replace(second=0, microsecond=0)
    assert [(t.up_to, t.bps) for t in newest.tiers] == [(50_000_000, 0), (None, 1250)]

    async with browser(app, admin.email) as b:
        payouts_page = await b.get("/staff/payouts")
        assert 'href="/staff/revenue-share"' in payouts_page.text
