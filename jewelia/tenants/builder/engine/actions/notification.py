"""`notification`: an email through the outbox, or a message to a Slack-compatible incoming
webhook.

Input: {channel, to?, subject?, body, webhookUrl?}; `to`, `subject` and `body` are `{{ }}`
templates (`to` may name several addresses, separated by commas).

- email: written to the email outbox inside the step's own transaction (like a database step),
  so it is queued exactly once, committed with the step's result; the mail worker sends it.
- slack: a POST of {"text": ...} to the webhook URL through the SSRF guard, carrying the step's
  Idempotency-Key; retried like an http_request (5xx, 429, timeouts, network errors). Slack's
  incoming webhooks do not honour the key, so a worker killed during that request may post the
  message twice (at least once, never lost).
- in_app: a notification of the business (the bell in the app), written inside the step's own
  transaction under the step's idempotency key, so it is shown exactly once.

`simulate` says what the step would do (the email, message or notification) without doing it
(a dry run, or a test with simulate).
"""

from __future__ import annotations

from typing import Any

from jewelia.core.validation import Checker
from jewelia.platform.mail.service import queue_email
from jewelia.tenants.builder import secrets
from jewelia.tenants.builder.engine.actions import http_request
from jewelia.tenants.builder.engine.base import StepContext, StepError
from jewelia.tenants.builder.engine.render import render_template
from jewelia.tenants.notifications import service as notifications

CHANNELS = ("email", "slack", "in_app")
MAX_RECIPIENTS = 20
SUBJECT_MAX = 200
SLACK_TIMEOUT = 10.0


def side_effect(request: dict[str, Any]) -> bool:
    return True


def in_transaction(request: dict[str, Any]) -> bool:
    return request.get("channel") in ("email", "in_app")


def prepare(config: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    channel = config.get("channel")
    if channel not in CHANNELS:
        raise StepError(f"channel must be one of {', '.join(CHANNELS)}", "invalid_config")
    # Secrets render as markers; only a Slack post puts the values in, when it sends.
    context = secrets.marker_context(config, context)
    body = render_template(str(config.get("body") or ""), context)
    if not body.strip():
        raise StepError("The notification's body is empty", "invalid_config")
    subject = render_template(str(config.get("subject") or ""), context).strip()
    request: dict[str, Any] = {"channel": channel, "subject": subject[:SUBJECT_MAX], "body": body}
    if channel == "email":
        names = [
            a.strip() for a in render_template(str(config.get("to") or ""), context).split(",")
        ]
        names = [a for a in names if a]
        if not names:
            raise StepError("The email has no recipient (to is empty)", "invalid_config")
        if len(names) > MAX_RECIPIENTS:
            raise StepError(f"At most {MAX_RECIPIENTS} recipients per email", "invalid_config")
        request["to"] = []
        for name in names:
            check = Checker()
            address = check.email("to", name)
            if check.errors:
                raise StepError(f"Not a valid email address: {name[:100]}", "validation")
            request["to"].append(address)
    elif channel == "slack":
        request["webhookUrl"] = render_template(str(config.get("webhookUrl") or ""), context)
    return request


async def execute(step: StepContext, request: dict[str, Any]) -> dict[str, Any]:
    channel = request["channel"]
    if channel == "email":  # inside the step's transaction (see the module's docstring)
        subject = request["subject"] or f"Notification from {step.flow_name or 'a flow'}"
        ids = [await queue_email(to, subject, request["body"]) for to in request["to"]]
        return {"channel": "email", "to": request["to"], "queued": len(ids)}
    if channel == "slack":
        text = (
            f"*{request['subject']}*\n{request['body']}" if request["subject"] else request["body"]
        )
        answer = await http_request.execute(
            step,
            {
                "method": "POST",
                "url": request["webhookUrl"],
                "headers": {},
                "body": {"text": text},
                "timeoutSeconds": SLACK_TIMEOUT,
            },
        )
        return {"channel": "slack", "status": answer["status"]}
    if channel == "in_app":  # inside the step's transaction, once per idempotency key
        subject = request["subject"] or f"From {step.flow_name or 'a flow'}"
        note = await notifications.add(
            subject,
            request["body"],
            source_type="flow",
            source_id=step.flow_id,
            idempotency_key=step.idempotency_key,
        )
        return {"channel": "in_app", "notificationId": str(note["id"]), "title": note["title"]}
    raise StepError(f"Unknown channel {channel!r}", "invalid_config")


def simulate(step: StepContext, request: dict[str, Any]) -> dict[str, Any]:
    """What the step would send, without sending it."""
    channel = request["channel"]
    would: dict[str, Any] = {"channel": channel, "subject": request["subject"]}
    if channel == "email":
        would["subject"] = request["subject"] or f"Notification from {step.flow_name or 'a flow'}"
        would["to"] = request["to"]
    elif channel == "slack":
        would["webhookUrl"] = request["webhookUrl"]
    would["body"] = request["body"]
    return {"simulated": True, "wouldSend": would}
