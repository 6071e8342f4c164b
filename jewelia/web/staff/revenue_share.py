"""/staff/revenue-share: every revenue-share policy version in plain words, and a form to publish
the next one (asks first; journals already posted keep their version). Staff only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template

from jewelia.core.errors import FieldError, ValidationFailed
from jewelia.platform.commerce import policy
from jewelia.web.confirm import ask_first, confirmed
from jewelia.web.context import PageContext, redirect_with, render
from jewelia.web.staff.queue import staff_context

Req = Request[Any, Any, Any]
PAGE = "/staff/revenue-share"
ROWS = 5  # tier rows on the form (blank rows are ignored)


def _versions(versions: list[policy.Policy], current: policy.Policy) -> list[dict[str, Any]]:
    now = dt.datetime.now(dt.UTC)
    out = []
    for p in versions:
        if p.version == current.version:
            status = "in force"
        elif p.effective_from > now:
            status = "pending"
        else:
            status = "past"
        out.append({"policy": p, "status": status, "text": policy.describe(p)})
    return out


def _rows_of(p: policy.Policy) -> list[dict[str, str]]:
    return [
        {
            "up_to": "" if t.up_to is None else f"{Decimal(t.up_to) / 100:,f}",
            "rate": f"{(Decimal(t.bps) / 100).normalize():f}",
        }
        for t in p.tiers
    ]


async def _page(ctx: PageContext, status_code: int = 200, **extra: Any) -> Template:
    current = await policy.current()
    values = {"errors": {}, "rows": _rows_of(current), "effective_from": "", "note": ""}
    values.update(extra)
    rows = list(values["rows"])
    rows += [{"up_to": "", "rate": ""}] * max(0, ROWS - len(rows))
    values["rows"] = rows[: max(ROWS, len(rows))]
    return render(
        "staff/revenue_share.html",
        ctx,
        versions=_versions(await policy.all_versions(), current),
        status_code=status_code,
        **values,
    )


def _form(
    form: Any,
) -> tuple[list[dict[str, str]], list[dict[str, Any]], Any, str, list[FieldError]]:
    """The posted rows (blank ones dropped), the tiers in minor units and basis points, the
    start and the note, with the errors of what could not be read."""
    errors: list[FieldError] = []
    rows: list[dict[str, str]] = []
    for i in range(ROWS):
        up_to = str(form.get(f"tier_{i}_up_to", "") or "").strip().replace(",", "")
        rate = str(form.get(f"tier_{i}_rate", "") or "").strip().rstrip("%").strip()
        if up_to or rate:
            rows.append({"up_to": up_to, "rate": rate})
    tiers: list[dict[str, Any]] = []
    for i, row in enumerate(rows):
        tier: dict[str, Any] = {"upToMinor": None, "rateBps": None}
        if row["up_to"]:
            try:
                minor = Decimal(row["up_to"]) * 100
                if minor != minor.to_integral_value():
                    raise InvalidOperation
                tier["upToMinor"] = int(minor)
            except InvalidOperation:
                errors.append(FieldError(f"tiers[{i}].upToMinor", "An amount in USD", "INVALID"))
                tier["upToMinor"] = "?"
        if row["rate"]:
            try:
                bps = Decimal(row["rate"]) * 100
                if bps != bps.to_integral_value():
                    raise InvalidOperation
                tier["rateBps"] = int(bps)
            except InvalidOperation:
                errors.append(
                    FieldError(f"tiers[{i}].rateBps", "A percentage (two decimals)", "INVALID")
                )
                tier["rateBps"] = 0
        tiers.append(tier)
    raw_when = str(form.get("effective_from", "") or "").strip()
    when: Any = None
    if raw_when:
        try:
            when = dt.datetime.fromisoformat(raw_when).replace(tzinfo=dt.UTC)
        except ValueError:
            errors.append(FieldError("effectiveFrom", "A date and time (UTC)", "INVALID"))
            when = dt.datetime.now(dt.UTC)
    return rows, tiers, when, str(form.get("note", "") or ""), errors


@get(PAGE, name="staff_revenue_share")
async def page(request: Req) -> Template:
    ctx = await staff_context(request)
    return await _page(ctx)


@post(PAGE)
async def publish(request: Req) -> Template | Redirect:
    ctx = await staff_context(request)
    form = await request.form()
    rows, tiers, when, note, errors = _form(form)
    redo = {
        "rows": rows,
        "effective_from": str(form.get("effective_from", "") or ""),
        "note": note,
    }
    try:
        if when is None:
            errors.append(FieldError("effectiveFrom", "When it takes effect", "REQUIRED"))
            when = dt.datetime.now(dt.UTC)
        try:
            parsed, start, clean_note = policy.validate(tiers, when, note)
        except ValidationFailed as exc:
            errors = errors + exc.errors
        if errors:
            raise ValidationFailed(errors)
        if not await confirmed(request):
            latest = await policy.all_versions()
            preview = policy.Policy(
                version=(latest[0].version if latest else 0) + 1,
                tiers=parsed,
                effective_from=start,
                note=clean_note,
            )
            return await ask_first(
                request,
                ctx,
                question=f"Publish this policy, in force from {start:%Y-%m-%d %H:%M} UTC? "
                + policy.describe(preview)
                + " Charges already posted keep their version; it cannot be changed later.",
                label="Publish revenue-share policy",
                yes="Yes, publish",
                back=PAGE,
            )
        published = await policy.publish(tiers, when, note, ctx.user.id)
    except ValidationFailed as exc:
        return await _page(ctx, 422, errors=exc.by_field(), **redo)
    return redirect_with(
        request,
        PAGE,
        f"Version {published.version} published, in force from"
        f" {published.effective_from:%Y-%m-%d %H:%M} UTC.",
    )


router = Router(path="/", route_handlers=[page, publish], include_in_schema=False)
