"""The development mail viewer: emails captured in the outbox under `jewelia dev` (or
JEWELIA_DEV_MODE=1) without SMTP. Everywhere else these routes answer 404."""

from __future__ import annotations

import uuid

from litestar import Router, get
from litestar.response import Template

from jewelia.core.errors import NotFound
from jewelia.core.settings import get_settings
from jewelia.platform.mail.service import get_email, recent_emails
from jewelia.web.context import render


def _require_enabled() -> None:
    if not get_settings().dev_mail_enabled:
        raise NotFound("Resource not found")


@get("/dev/mail", name="dev_mail")
async def mailbox(to: str | None = None) -> Template:
    _require_enabled()
    return render("dev/mail.html", emails=await recent_emails(to=to), to=to)


@get("/dev/mail/{email_id:uuid}", name="dev_mail_message")
async def message(email_id: uuid.UUID) -> Template:
    _require_enabled()
    email = await get_email(email_id)
    if email is None:
        raise NotFound("Email not found")
    return render("dev/message.html", email=email)


router = Router(path="/", route_handlers=[mailbox, message], include_in_schema=False)
