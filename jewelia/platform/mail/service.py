"""Queue emails in the outbox (same transaction as the change) and deliver them."""

from __future__ import annotations

import asyncio
import logging
import smtplib
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from urllib.parse import unquote, urlparse

from jewelia.core import jobs
from jewelia.core.db import execute, fetch
from jewelia.core.settings import get_settings

log = logging.getLogger("jewelia.mail")
WARN_EVERY_SECONDS = 60.0
_last_warning = 0.0


@dataclass(frozen=True)
class Email:
    """One outbox row."""

    id: uuid.UUID
    to_address: str
    subject: str
    body_text: str
    status: str
    created_at: datetime


async def queue_email(to: str, subject: str, body: str) -> uuid.UUID:
    """Write an email to the outbox; a worker delivers it after commit."""
    email_id = uuid.uuid4()
    await execute(
        "INSERT INTO public.email_outbox (id, to_address, subject, body_text)"
        " VALUES ($1, $2, $3, $4)",
        email_id,
        to,
        subject[:200],
        body,
    )
    return email_id


def send_soon() -> None:
    """Ask a worker to send what is queued now rather than at the scheduler's next tick."""
    jobs.enqueue("deliver_emails")


async def recent_emails(limit: int = 50, to: str | None = None) -> list[Email]:
    """Newest emails first, for the dev mail viewer."""
    rows = await fetch(
        "SELECT id, to_address, subject, body_text, status, created_at FROM public.email_outbox"
        " WHERE ($1::text IS NULL OR lower(to_address) = lower($1))"
        " ORDER BY created_at DESC LIMIT $2",
        to,
        limit,
    )
    return [Email(**r) for r in rows]


async def get_email(email_id: uuid.UUID) -> Email | None:
    """One email by id."""
    rows = await fetch(
        "SELECT id, to_address, subject, body_text, status, created_at"
        " FROM public.email_outbox WHERE id = $1",
        email_id,
    )
    return Email(**rows[0]) if rows else None


def _send_smtp(url: str, sender: str, to: str, subject: str, body: str) -> None:
    parsed = urlparse(url)
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg.set_content(body)
    smtp_cls = smtplib.SMTP_SSL if parsed.scheme == "smtps" else smtplib.SMTP
    with smtp_cls(parsed.hostname or "localhost", parsed.port or 25, timeout=15) as smtp:
        if parsed.scheme == "smtp+starttls":
            smtp.starttls()
        if parsed.username:
            smtp.login(unquote(parsed.username), unquote(parsed.password or ""))
        smtp.send_message(msg)


def mail_status() -> str:
    """`ok` (SMTP set), `dev_capture` (development: kept for /dev/mail) or `not_configured`."""
    settings = get_settings()
    if settings.smtp_url:
        return "ok"
    return "dev_capture" if settings.dev_mail_enabled else "not_configured"


async def _warn_not_configured() -> None:
    """Log (at most once a minute per process) that mail is waiting for an SMTP server."""
    global _last_warning
    if _last_warning and time.monotonic() - _last_warning < WARN_EVERY_SECONDS:
        return
    rows = await fetch(
        "SELECT count(*) AS n FROM (SELECT 1 FROM public.email_outbox"
        " WHERE status = 'pending' LIMIT 1000) AS waiting"
    )
    if rows[0]["n"]:
        _last_warning = time.monotonic()
        log.warning(
            "mail not configured: %s email(s) stay queued until JEWELIA_SMTP_URL is set",
            rows[0]["n"],
            extra={"fields": {"pending": rows[0]["n"]}},
        )


async def deliver_pending(limit: int = 50, max_batches: int = 20) -> int:
    """Send pending emails by SMTP (in development without SMTP: mark them captured for
    /dev/mail; in production without SMTP: leave them queued and warn); return the count.

    Works through the backlog in batches of `limit`, oldest first, up to `max_batches` a call, so
    a burst of mail is not left to the scheduler's next ticks 50 at a time; a batch with a failure
    ends the call (a down SMTP server is retried on the next tick, not in a tight loop).
    """
    settings = get_settings()
    if not settings.smtp_url and not settings.dev_mail_enabled:
        await _warn_not_configured()
        return 0
    done = 0
    for _ in range(max_batches):
        delivered = await _deliver_batch(settings.smtp_url, settings.mail_from, limit)
        done += delivered
        if delivered < limit:
            break
    return done


async def _deliver_batch(smtp_url: str, mail_from: str, limit: int) -> int:
    """One batch of the oldest pending emails; returns how many went out (sent or captured)."""
    rows = await fetch(
        "SELECT id, to_address, subject, body_text FROM public.email_outbox"
        " WHERE status = 'pending' AND attempts < 10 ORDER BY created_at LIMIT $1",
        limit,
    )
    delivered = 0
    for row in rows:
        if not smtp_url:
            await execute(
                "UPDATE public.email_outbox SET status = 'captured', sent_at = now() WHERE id = $1",
                row["id"],
            )
            delivered += 1
            continue
        try:
            await asyncio.to_thread(
                _send_smtp, smtp_url, mail_from, row["to_address"], row["subject"], row["body_text"]
            )
        except (OSError, smtplib.SMTPException) as exc:
            await execute(
                "UPDATE public.email_outbox SET attempts = attempts + 1, last_error = $2"
                " WHERE id = $1",
                row["id"],
                str(exc)[:500],
            )
        else:
            await execute(
                "UPDATE public.email_outbox SET status = 'sent', sent_at = now(),"
                " attempts = attempts + 1 WHERE id = $1",
                row["id"],
            )
            delivered += 1
    return delivered
