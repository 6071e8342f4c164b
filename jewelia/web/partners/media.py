"""Listing media: the upload route (icon or screenshot, multipart, CSRF-checked) and
`GET /marketplace/media/{name}` serving stored files with their type, nosniff and a long cache."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get, post
from litestar.datastructures import UploadFile
from litestar.response import File, Redirect

from jewelia.core.errors import AppError, NotFound, ValidationFailed
from jewelia.platform.marketplace import listings, media, orgs
from jewelia.web.context import page_context, redirect_with

Req = Request[Any, Any, Any]
UPLOAD_PATH = "/partners/media"
UPLOAD_BODY = 6 << 20  # the body-limit middleware's ceiling; the service checks each cap


@post(UPLOAD_PATH)
async def upload(request: Req) -> Redirect:
    """`?listing=<id>&kind=icon|screenshot` with the file in the `file` field."""
    ctx = await page_context(request)
    try:
        listing_id = uuid.UUID(request.query_params.get("listing", ""))
    except ValueError as exc:
        raise NotFound("Listing not found") from exc
    listing = await listings.get_listing(listing_id)
    if listing is None or await orgs.org_role(ctx.user.id, listing["org_id"]) is None:
        raise NotFound("Listing not found")
    org = await orgs.get_org(listing["org_id"])
    back = f"/partners/{org['slug']}/listings/{listing['slug']}#media"
    form = await request.form()
    upload = form.get("file")
    data = await upload.read() if isinstance(upload, UploadFile) else b""
    kind = request.query_params.get("kind", "")
    try:
        if kind == "icon":
            await media.set_icon(ctx.user.id, listing_id, data)
        elif kind == "screenshot":
            await media.add_screenshot(
                ctx.user.id, listing_id, data, str(form.get("caption", "") or "")
            )
        else:
            raise ValidationFailed([])
    except ValidationFailed as exc:
        problem = " ".join(e["message"] for e in exc.errors) or "Choose icon or screenshot"
        return redirect_with(request, back, problem, "error")
    except AppError as exc:
        return redirect_with(request, back, exc.message, "error")
    return redirect_with(request, back, "Icon saved." if kind == "icon" else "Screenshot added.")


@get("/marketplace/media/{name:str}", name="marketplace_media")
async def serve(name: str) -> File:
    path, content_type = media.open_media(name)
    return File(
        path=path,
        media_type=content_type,
        content_disposition_type="inline",
        # X-Content-Type-Options: nosniff comes from the security headers on every answer.
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


router = Router(path="/", route_handlers=[upload, serve], include_in_schema=False)
