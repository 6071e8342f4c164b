"""A real Dramatiq worker process delivers outbox emails queued by a page."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from jewelia.platform.db import DB, fetch
from jewelia.platform.mail.service import queue_email
from tests.conftest import ROOT, unique_email


async def test_worker_captures_outbox_email_without_smtp(db: None) -> None:
    to = unique_email("mail")
    async with DB.transaction():
        email_id = await queue_email(to, "Hello from the outbox", "Body text")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jewelia.cli", "worker", "--processes", "1", "--threads", "1"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        from jewelia.workers.actors import deliver_emails

        deliver_emails.send()
        deadline = time.monotonic() + 30
        status = "pending"
        while time.monotonic() < deadline and status == "pending":
            rows = await fetch("SELECT status FROM public.email_outbox WHERE id = $1", email_id)
            status = rows[0]["status"]
            if status == "pending":
                import asyncio

                await asyncio.sleep(0.2)
        assert status == "captured"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
