"""Fault test: a monthly payout run over 1,000 developers while the worker is SIGKILLed at random
points (during the close, between transfers, with Stripe replies lost), restarted each time and
woken as the scheduler's minute tick would. At the end: zero duplicate transfers at the
Stripe-like server (one per key payout:<period>:<org>, each for the org's whole available
balance), every paid balance zero, every below-minimum balance rolled over untouched, one payout
journal per paid org, and the ledger's invariants hold.

It runs against an installation of its own (tests/isolated.py, Redis db 12) so the suite's
shared worker cannot finish the run for the one that is killed; the FakeStripe lives in this
process. JEWELIA_PAYOUT_CHAOS_DEVELOPERS sets how many developers (1000, the acceptance).
"""

from __future__ import annotations

import json
import os
import random
import textwrap
import time
from pathlib import Path

import pytest

from tests.fake_stripe import FakeStripe
from tests.integration.test_payouts import Site
from tests.isolated import kill, stop, wait_until

DEVELOPERS = int(os.environ.get("JEWELIA_PAYOUT_CHAOS_DEVELOPERS", "1000"))
PERIOD = "2026-11"  # the month before "now" (the build clock's December 2026)

WAKE = textwrap.dedent(
    """
    import jewelia.workers.broker  # registers the broker
    from jewelia.workers import commerce_actors
    commerce_actors.close_due_payout_period.send()
    """
)


@pytest.mark.slow
def test_sigkill_during_payout_run_never_pays_twice(db: None, tmp_path: Path) -> None:
    rng = random.Random(int(os.environ.get("JEWELIA_CHAOS_SEED", str(time.time_ns()))))
    with FakeStripe() as fake:
        site = Site(
            fake,
            tmp_path,
            "jewelia_payout_chaos",
            12,
            start=False,
            env={"JEWELIA_PAYOUT_RESEND_SECONDS": "2"},
        )
        amounts = [
            rng.choice([rng.randint(100, 2_499), rng.randint(2_500, 5_000_000)])
            for _ in range(DEVELOPERS)
        ]
        orgs = site.seed([(a, "ready") for a in amounts])
        due = {o["org"]: o["amount"] for o in orgs if o["amount"] >= 2_500}
        small = {o["org"]: o["amount"] for o in orgs if o["amount"] < 2_500}

        def paid() -> int:
            return sum(1 for k in fake.transfers if k.startswith(f"payout:{PERIOD}:"))

        def wake() -> None:  # the scheduler's minute tick (after the resend delay)
            time.sleep(2.5)
            site.iso.python("-c", WAKE)

        # Lost replies: Stripe made the transfer, the worker never heard (it retries the key)
        fake.fail_next("/v1/transfers", 0, after=True, times=3)
        kills = 0
        # 1. killed during the close (the database phase is one transaction)
        wake()
        worker = site.iso.start_worker(site.log)
        time.sleep(rng.uniform(1.5, 4.0))
        kill(worker)
        kills += 1
        # 2. killed at random points of the transfers
        points = sorted(rng.sample(range(1, max(2, len(due) - 1)), k=min(4, max(1, len(due) - 2))))
        for point in points:
            wake()
            worker = site.iso.start_worker(site.log)
            try:
                wait_until(lambda: paid() >= point, 300, f"{point} transfers")
            except AssertionError:  # say where the run stands
                print(site.query("SELECT * FROM public.payout_run"), paid(), len(fake.requests))
                print(
                    site.query(
                        "SELECT status, count(*), min(enqueued_at), max(enqueued_at),"
                        " count(fixed_at) FROM public.payout GROUP BY status"
                    )
                )
                print(
                    site.query(
                        "SELECT pid, state, wait_event, left(query, 120) AS q"
                        " FROM pg_stat_activity WHERE datname = current_database()"
                    )
                )
                raise
            finally:
                kill(worker)
                kills += 1
        paid_at_last_kill = paid()
        # 3. restarted until done
        wake()
        worker = site.iso.start_worker(site.log)
        try:
            wait_until(
                lambda: bool(
                    site.query(
                        "SELECT 1 FROM public.payout_run WHERE period = $1 AND status = 'done'",
                        PERIOD,
                    )
                ),
                300,
                "the run to finish",
            )
        finally:
            stop(worker)

    transfers = fake.transfers
    keyed = {k: v for k, v in transfers.items() if k.startswith(f"payout:{PERIOD}:")}
    assert set(keyed) == {f"payout:{PERIOD}:{org}" for org in due}
    duplicates = {k: len(v) for k, v in keyed.items() if len(v) != 1}
    assert duplicates == {}, f"paid twice: {duplicates}"
    for org, amount in due.items():
        assert keyed[f"payout:{PERIOD}:{org}"][0]["amount"] == amount
    # Across every key (a retry under a new key would be a second transfer the per-key
    # grouping cannot see): what each account received is what its org's journals paid out.
    received: dict[str, int] = {}
    for sent in transfers.values():
        for transfer in sent:
            received[transfer["destination"]] = (
                received.get(transfer["destination"], 0) + transfer["amount"]
            )
    account_of = {o["org"]: o["account"] for o in orgs}
    journaled = site.query(
        "SELECT org_id::text AS org, sum(amount)::bigint AS total FROM public.ledger_journal"
        " WHERE kind = 'payout' GROUP BY 1"
    )
    assert received == {account_of[j["org"]]: int(j["total"]) for j in journaled}
    assert received == {account_of[org]: amount for org, amount in due.items()}
    rows = site.query(
        "SELECT org_id::text AS org, status, amount_minor, transfer_id FROM public.payout"
    )
    by_org = {r["org"]: r for r in rows}
    assert {o: r["status"] for o, r in by_org.items()} == {
        **{o: "paid" for o in due},
        **{o: "skipped_minimum" for o in small},
    }
    for org in due:
        assert by_org[org]["transfer_id"] == keyed[f"payout:{PERIOD}:{org}"][0]["id"]
    balances = site.call("balances")
    assert {o: balances.get(o, 0) for o in due} == {o: 0 for o in due}
    assert {o: balances.get(o, 0) for o in small} == small
    journals = site.query(
        "SELECT key, count(*) AS n FROM public.ledger_journal WHERE key LIKE $1 GROUP BY key",
        f"payout:{PERIOD}:%",
    )
    assert len(journals) == len(due) and all(j["n"] == 1 for j in journals)
    assert site.call("check") == []
    print(
        f"{DEVELOPERS} developers, {len(due)} paid, {len(small)} rolled over; {kills} SIGKILLs"
        f" (the last with {paid_at_last_kill} transfers made); 0 duplicate transfers"
    )
    assert json.dumps(duplicates) == "{}"
