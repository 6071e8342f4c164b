"""What every page needs: the signed-in user, the current business, flash messages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from jewelia.core.errors import AppError, PermissionDenied
from jewelia.core.logs import tenant_id_var
from jewelia.platform.accounts import service as accounts
from jewelia.platform.accounts.service import MembershipInfo, UserInfo
from jewelia.web.sessions import rotate_session

NAV = [
    ("Dashboard", "/app"),
    ("Customers", "/app/customers"),
    ("Inventory", "/app/inventory"),
    ("Orders", "/app/orders"),
    ("Data", "/app/data"),
    ("Team", "/app/team"),
    ("Audit log", "/app/audit"),
    ("API keys", "/settings/api-keys"),
    ("Integrations", "/settings/integrations"),
    ("Webhooks", "/developers/webhooks"),
    ("Logs", "/developers/logs"),
    ("Usage", "/developers/usage"),
    ("Alerts", "/developers/alerts"),
    ("Billing", "/settings/billing"),
    ("Security", "/account/security"),
]


class LoginRequired(AppError):
    """No signed-in user; pages answer with a redirect to /login."""

    status_code = 401


@dataclass(frozen=True)
class PageContext:
    """The signed-in user, their businesses and the one they are working in."""

    user: UserInfo
    current: MembershipInfo
    memberships: list[MembershipInfo]

    @property
    def tenant(self) -> Any:
        return self.current.tenant


def client_ip(request: Request[Any, Any, Any]) -> str:
    """The peer address (a proxy in front should be configured to set it)."""
    return request.client.host if request.client else "unknown"


def sign_in(request: Request[Any, Any, Any], user: UserInfo, tenant_id: uuid.UUID | None) -> None:
    """Start a fresh session for the user (under their current session epoch)."""
    rotate_session(
        request,
        {"uid": str(user.id), "tid": str(tenant_id) if tenant_id else "", "ep": user.session_epoch},
    )


async def signed_in_user(request: Request[Any, Any, Any]) -> UserInfo | None:
    """The user this browser session holds, or None (no session, or one revoked since)."""
    session = request.session or {}
    if not session.get("uid"):
        return None
    try:
        return await accounts.session_user(session["uid"], session.get("ep", 0))
    except AppError:
        # Emptied, not cleared (Empty): the page may still render, and its flashes read the
        # session; the store drops an empty session and its cookie all the same.
        request.set_session({})
        return None


async def page_context(request: Request[Any, Any, Any]) -> PageContext:
    """Load the signed-in user and current business, or raise LoginRequired."""
    session = request.session or {}
    uid = session.get("uid")
    if not uid:
        raise LoginRequired("Please log in")
    try:
        user = await accounts.session_user(uid, session.get("ep", 0))
    except AppError as exc:
        request.set_session({})
        raise LoginRequired("Please log in") from exc
    mine = await accounts.memberships(user.id)
    if not mine:
        raise PermissionDenied("You are not a member of any business")
    current = next((m for m in mine if str(m.tenant.id) == session.get("tid")), mine[0])
    if str(current.tenant.id) != session.get("tid"):
        request.set_session({**session, "tid": str(current.tenant.id)})
    if not current.tenant.is_active:
        raise PermissionDenied(
            f"{current.tenant.name} is suspended. Contact support to restore access."
        )
    tenant_id_var.set(str(current.tenant.id))
    ctx = PageContext(user=user, current=current, memberships=mine)
    # From here on an error page keeps the app's layout (see platform.errors._html_error).
    request.state.page_layout = {"ctx": ctx, "nav": NAV}
    return ctx


def render(
    template: str,
    ctx: PageContext | None = None,
    status_code: int = 200,
    **values: Any,
) -> Template:
    """A page with the shared layout values filled in."""
    return Template(
        template_name=template,
        context={"ctx": ctx, "nav": NAV, **values},
        status_code=status_code,
    )


def redirect_with(
    request: Request[Any, Any, Any], to: str, message: str, category: str = "ok"
) -> Redirect:
    """Flash a message and redirect (Post/Redirect/Get)."""
    flash(request, message, category=category)
    return Redirect(path=to)
