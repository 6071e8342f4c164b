"""The scheduler process: enqueues periodic actors on a fixed beat."""

from __future__ import annotations

import logging
import signal
import threading

log = logging.getLogger("jewelia.scheduler")

BEAT_SECONDS = 5.0


def run_scheduler(stop: threading.Event | None = None) -> None:
    """Enqueue periodic work until stopped (SIGTERM/SIGINT)."""
    from jewelia.workers import (
        actors,
        alert_actors,
        analytics_actors,
        builder_actors,
        commerce_actors,
        inbound_actors,
    )

    stop = stop or threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    ticks = 0
    while not stop.is_set():
        try:
            actors.deliver_emails.send()
            builder_actors.fire_builder_schedules.send()
            if ticks % 12 == 0:
                actors.replenish_spare_pool.send()
                actors.enforce_payment_grace.send()
                inbound_actors.sweep_inbound_events.send()
                actors.send_due_redacts.send()
                commerce_actors.close_due_payout_period.send()
                commerce_actors.reconcile_due.send()
                analytics_actors.roll_up_requests.send()  # request rollups: this hour, the last
                alert_actors.evaluate_alerts.send()  # each minute: a rule fires within two
            if ticks % 720 == 0:  # hourly: balances become available on time, closes stay short
                commerce_actors.settle_due_charges.send()
                commerce_actors.bill_due_usage.send()
                alert_actors.send_weekly_reports.send()  # acts on Mondays, once per member
            if ticks % 17280 == 0:  # daily (and at start): request log retention, partitions
                analytics_actors.request_log_retention.send()
        except Exception:
            log.exception("scheduler could not enqueue")
        ticks += 1
        stop.wait(BEAT_SECONDS)
