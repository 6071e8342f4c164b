"""Listing media: an icon (≤ 1 MB) and up to 8 screenshots (≤ 5 MB each), PNG, JPEG or WebP
told by their first bytes (never by the name or the declared type), stored under the data
folder with random names and served by `GET /marketplace/media/{name}`."""

from __future__ import annotations

import re
import secrets
import uuid
from pathlib import Path
from typing import Any

from jewelia.core.db import DB, execute, fetch
from jewelia.core.errors import AppError, FieldError, NotFound, ValidationFailed
from jewelia.core.settings import get_settings
from jewelia.platform.marketplace import listings

ICON_BYTES = 1 << 20
SCREENSHOT_BYTES = 5 << 20
MAX_SCREENSHOTS = 8
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
CONTENT_TYPES = {ext: kind for kind, ext in EXTENSIONS.items()}
NAME = re.compile(r"[A-Za-z0-9_-]{32}\.(png|jpg|webp)")
URL_PREFIX = "/marketplace/media/"


class MediaTooLarge(ValidationFailed):
    """The file is over its size cap."""

    status_code = 413


def root() -> Path:
    """Where listing media live."""
    return get_settings().data_dir / "marketplace" / "media"


def sniff(data: bytes) -> str | None:
    """The image type the bytes begin with (PNG, JPEG, WebP), or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _check(data: bytes, limit: int, field: str) -> str:
    if not data:
        raise ValidationFailed([FieldError(field, "Choose a file to upload", "REQUIRED")])
    if len(data) > limit:
        raise MediaTooLarge(
            [FieldError(field, f"The file is larger than {limit >> 20} MB", "TOO_LARGE")]
        )
    kind = sniff(data)
    if kind is None:
        raise ValidationFailed(
            [FieldError(field, "Upload a PNG, JPEG or WebP image", "UNSUPPORTED_TYPE")]
        )
    return kind


def _store(data: bytes, kind: str) -> str:
    name = f"{secrets.token_urlsafe(24)}.{EXTENSIONS[kind]}"
    folder = root()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return name


def _remove(name: str | None) -> None:
    if name and NAME.fullmatch(name):
        (root() / name).unlink(missing_ok=True)


def url(name: str | None) -> str | None:
    """The address a stored file is served at."""
    return f"{URL_PREFIX}{name}" if name else None


async def _editable(user_id: uuid.UUID, listing_id: uuid.UUID) -> dict[str, Any]:
    listing = await listings.get_listing(listing_id)
    if listing is None:
        raise NotFound("Listing not found")
    await listings.require_member(user_id, listing)
    if listing["status"] not in listings.EDITABLE:
        raise AppError(f"A {listing['status']} listing cannot be changed")
    return listing


async def set_icon(user_id: uuid.UUID, listing_id: uuid.UUID, data: bytes) -> str:
    """Replace the listing's icon; the stored name."""
    listing = await _editable(user_id, listing_id)
    kind = _check(data, ICON_BYTES, "icon")
    name = _store(data, kind)
    try:
        await execute(
            "UPDATE public.listing SET icon_path = $2, updated_at = now() WHERE id = $1",
            listing_id,
            name,
        )
    except BaseException:
        _remove(name)
        raise
    _remove(listing["icon_path"])
    return name


async def screenshots(listing_id: uuid.UUID) -> list[dict[str, Any]]:
    """The listing's screenshots in order, each with its `url`."""
    rows = await fetch(
        "SELECT * FROM public.listing_screenshot WHERE listing_id = $1 ORDER BY position, created_at",
        listing_id,
    )
    return [{**r, "url": url(r["path"])} for r in rows]


async def add_screenshot(
    user_id: uuid.UUID, listing_id: uuid.UUID, data: bytes, caption: str = ""
) -> dict[str, Any]:
    """Add a screenshot at the end (at most 8)."""
    await _editable(user_id, listing_id)
    caption = (caption or "").strip()
    if len(caption) > 200 or any(ord(ch) < 32 for ch in caption):
        raise ValidationFailed([FieldError("caption", "Caption: at most 200 plain characters")])
    kind = _check(data, SCREENSHOT_BYTES, "screenshot")
    name = _store(data, kind)
    shot_id = uuid.uuid4()
    try:
        async with DB.transaction():
            await fetch("SELECT 1 FROM public.listing WHERE id = $1 FOR UPDATE", listing_id)
            rows = await fetch(
                "SELECT count(*) AS n, coalesce(max(position), -1) AS last"
                " FROM public.listing_screenshot WHERE listing_id = $1",
                listing_id,
            )
            if rows[0]["n"] >= MAX_SCREENSHOTS:
                raise ValidationFailed(
                    [FieldError("screenshot", f"At most {MAX_SCREENSHOTS} screenshots", "TOO_MANY")]
                )
            await execute(
                "INSERT INTO public.listing_screenshot (id, listing_id, path, content_type,"
                " caption, position) VALUES ($1, $2, $3, $4, $5, $6)",
                shot_id,
                listing_id,
                name,
                kind,
                caption,
                rows[0]["last"] + 1,
            )
    except BaseException:
        _remove(name)
        raise
    return {"id": shot_id, "path": name, "url": url(name), "content_type": kind, "caption": caption}


async def remove_screenshot(user_id: uuid.UUID, listing_id: uuid.UUID, shot_id: uuid.UUID) -> None:
    """Delete one screenshot and its file."""
    await _editable(user_id, listing_id)
    rows = await fetch(
        "DELETE FROM public.listing_screenshot WHERE id = $1 AND listing_id = $2 RETURNING path",
        shot_id,
        listing_id,
    )
    if not rows:
        raise NotFound("Screenshot not found")
    _remove(rows[0]["path"])


def open_media(name: str) -> tuple[Path, str]:
    """(file, content type) of a stored name, or NotFound (names are ours: no path tricks)."""
    if not NAME.fullmatch(name or ""):
        raise NotFound("Not found")
    path = root() / name
    if not path.is_file():
        raise NotFound("Not found")
    return path, CONTENT_TYPES[name.rsplit(".", 1)[1]]
