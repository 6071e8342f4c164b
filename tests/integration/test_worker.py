"""A real Dramatiq worker process delivers outbox emails."""

from __future__ import annotations

import asyncio
import time

from jewelia.core.db import DB, fetch
from jewelia.platform.mail.service import queue_email
from tests.conftest import unique_email


async def test_worker_captures_outbox_email_without_smtp(db: None, worker: object) -> None:
    to = unique_email("mail")
    async with DB.transaction():
        email_id = await queue_email(to, "Hello from the outbox", "Body text")
    from jewelia.workers.actors import deliver_emails

    deliver_emails.send()
    deadline = time.monotonic() + 90  # the session worker may still be starting on a busy machine
    status = "pending"
    while time.monotonic() < deadline and status == "pending":
        rows = await fetch("SELECT status FROM public.email_outbox WHERE id = $1", email_id)
        status = rows[0]["status"]
        if status == "pending":
            await asyncio.sleep(0.2)
    assert status == "captured"
