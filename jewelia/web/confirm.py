"""Destructive page actions ask first: the form must carry confirm=yes, else we ask.

The in-page question is the `confirm` macro of templates/_confirm.html (a <details>, no script);
a POST that arrives without the confirmation (a stray click, an old tab, a bookmarked form)
gets the same macro on a page of its own and changes nothing.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Template

from jewelia.web.context import PageContext, render

CONFIRM_FIELD = "confirm"
_NOT_REPOSTED = {CONFIRM_FIELD, "_csrf_token"}


async def confirmed(request: Request[Any, Any, Any]) -> bool:
    """True when the posted form went through the confirmation step."""
    return (await request.form()).get(CONFIRM_FIELD) == "yes"


async def ask_first(
    request: Request[Any, Any, Any],
    ctx: PageContext,
    *,
    question: str,
    label: str,
    yes: str,
    back: str,
) -> Template:
    """A page asking to confirm the posted action; its form posts the same fields with confirm=yes."""
    form = await request.form()
    hidden = {k: str(v) for k, v in form.items() if k not in _NOT_REPOSTED}
    return render(
        "confirm.html",
        ctx,
        action=request.url.path,
        label=label,
        question=question,
        yes=yes,
        back=back,
        hidden=hidden,
    )
