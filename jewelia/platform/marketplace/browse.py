"""Browsing the marketplace: published listings filtered, searched, sorted and paged, with facet
counts; one public listing with its versions, scopes, review summary and developer.

Only `published` listings are browsable; a listing page also opens for `unlisted` ones (they are
shared by link). Client text never reaches SQL: filters are checked against fixed lists, search
words become a tsquery bound as a parameter, sort columns come from SORTS.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from jewelia.core.api import MAX_LIMIT, MAX_PAGE
from jewelia.core.db import fetch
from jewelia.core.errors import FieldError, NotFound, ValidationFailed
from jewelia.platform.marketplace import media
from jewelia.platform.marketplace.listings import (
    CATEGORIES,
    CATEGORY_LABELS,
    PRICING_MODEL_LABELS,
    PRICING_MODELS,
)
from jewelia.platform.oauth.scopes import SCOPES

# sortBy -> (SQL expression over `l`, the cast of its cursor value, default order)
SORTS: dict[str, tuple[str, str, str]] = {
    "rating": ("l.rating", "numeric", "desc"),
    "downloads": ("l.download_count", "integer", "desc"),
    "newest": ("coalesce(l.published_at, l.created_at)", "timestamptz", "desc"),
    "name": ("lower(l.name)", "text", "asc"),
    "price": ("l.pricing_amount", "numeric", "asc"),
    # only with a search: how well the words match (the default order then)
    "relevance": ("ts_rank(l.search_vector, {q})", "real", "desc"),
}
MAX_SEARCH = 200
MAX_WORDS = 8
MIN_RATING = re.compile(r"5(\.0+)?|[0-4](\.[0-9]{1,6})?")  # as the API documents it
_WORD = re.compile(r"[^\W_]+")
# The organization's name only where the listing names no developer, looked up for the rows
# returned (a sub-select in the target list is computed after ORDER BY … LIMIT).
_COLUMNS = """l.id, l.slug, l.name, l.description, coalesce(nullif(l.developer_name, ''),
 (SELECT o.name FROM public.developer_org o WHERE o.id = l.org_id)) AS developer, l.category,
 l.features, l.pricing_model, l.pricing_amount, l.pricing_currency,
 l.billing_cycle, l.trial_days, l.rating, l.review_count, l.rating_counts, l.download_count,
 l.active_installs, l.is_verified, l.icon_path, l.published_at, l.updated_at"""


@dataclass(frozen=True)
class Browse:
    """A checked browse request."""

    category: str | None = None
    pricing_model: str | None = None
    search: str | None = None
    is_verified: bool | None = None
    min_rating: Decimal | None = None
    sort_by: str = "rating"
    sort_order: str = "desc"
    page: int = 1
    limit: int = 20
    cursor: tuple[str, uuid.UUID] | None = None  # (sort value as text, id) after which to start

    @property
    def offset(self) -> int:
        return 0 if self.cursor else (self.page - 1) * self.limit


@dataclass
class BrowseResult:
    items: list[dict[str, Any]]
    total: int
    next_cursor: str | None
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def search_query(text: str | None) -> str | None:
    """Search words as a tsquery for the 'simple' configuration, the last word as a prefix
    (search as you type): 'gold ring inv' -> 'gold & ring & inv:*'. Words are split like the
    stored vectors split them, so the text holds no tsquery operators."""
    words = _WORD.findall((text or "").lower())[:MAX_WORDS]
    if not words:
        return None
    return " & ".join([*words[:-1], words[-1] + ":*"])


def parse_browse(
    *,
    category: str | None = None,
    pricing_model: str | None = None,
    search: str | None = None,
    is_verified: str | bool | None = None,
    min_rating: str | float | Decimal | None = None,
    sort_by: str | None = None,
    sort_order: str | None = None,
    page: int | str | None = None,
    limit: int | str | None = None,
    cursor: str | None = None,
) -> Browse:
    """Check browse parameters; every problem is reported under the API's parameter name."""
    errors: list[FieldError] = []

    def choice(name: str, value: str | None, allowed: Any) -> str | None:
        if value is None:
            return None
        if value not in allowed:
            errors.append(
                FieldError(name, f"{name} must be one of: {', '.join(allowed)}", "INVALID_CHOICE")
            )
            return None
        return value

    def integer(name: str, value: int | str | None, default: int, top: int) -> int:
        if value is None:
            return default
        try:
            number = int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= top:
            errors.append(FieldError(name, f"{name} must be between 1 and {top}", "OUT_OF_RANGE"))
            return default
        return number

    cat = choice("category", category, CATEGORIES)
    model = choice("pricingModel", pricing_model, PRICING_MODELS)
    if search is not None and len(search) > MAX_SEARCH:
        errors.append(
            FieldError("search", f"search is at most {MAX_SEARCH} characters", "TOO_LONG")
        )
    verified: bool | None = None
    if isinstance(is_verified, bool):
        verified = is_verified
    elif is_verified is not None:
        verified = {"true": True, "false": False}.get(is_verified)
        if verified is None:
            errors.append(FieldError("isVerified", "isVerified must be true or false", "INVALID"))
    rating: Decimal | None = None
    if min_rating is not None:
        text = str(min_rating)
        rating = Decimal(text) if MIN_RATING.fullmatch(text) else None
        if rating is None:
            errors.append(
                FieldError("minRating", "minRating must be a number from 0 to 5", "OUT_OF_RANGE")
            )
            rating = None
    has_search = search_query(search) is not None
    sorts = [s for s in SORTS if s != "relevance" or has_search]
    sort = choice("sortBy", sort_by, sorts) or ("relevance" if has_search else "rating")
    order = choice("sortOrder", sort_order, ("asc", "desc")) or SORTS[sort][2]
    page_no = integer("page", page, 1, MAX_PAGE)
    size = integer("limit", limit, 20, MAX_LIMIT)
    after = None
    if cursor:
        after = _read_cursor(cursor, sort, order)
        if after is None:
            errors.append(
                FieldError(
                    "cursor", "cursor is not valid for this sortBy and sortOrder", "INVALID_CURSOR"
                )
            )
    if errors:
        raise ValidationFailed(errors)
    return Browse(
        category=cat,
        pricing_model=model,
        search=search or None,
        is_verified=verified,
        min_rating=rating,
        sort_by=sort,
        sort_order=order,
        page=page_no,
        limit=size,
        cursor=after,
    )


def _make_cursor(sort: str, order: str, value: Any, row_id: uuid.UUID) -> str:
    text = (
        value.isoformat()
        if isinstance(value, datetime)
        else repr(value)
        if isinstance(value, float)
        else str(value)
    )
    raw = json.dumps([sort, order, text, str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_cursor(cursor: str, sort: str, order: str) -> tuple[str, uuid.UUID] | None:
    """(sort value, id) from a cursor made for the same sort and order, else None."""
    if len(cursor) > 1000:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"==="))
        c_sort, c_order, value, row_id = raw
        if (c_sort, c_order) != (sort, order) or not isinstance(value, str):
            return None
        _cursor_value(sort, value)  # must convert
        return value, uuid.UUID(row_id)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, InvalidOperation):
        return None


def _cursor_value(sort: str, text: str) -> Any:
    cast = SORTS[sort][1]
    if cast == "numeric":
        value = Decimal(text)
        if not value.is_finite():
            raise ValueError(text)
        return value
    if cast == "integer":
        return int(text)
    if cast == "timestamptz":
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            raise ValueError(text)
        return parsed
    if cast == "real":
        return float(text)
    return text


class _Sql:
    """WHERE clauses and their bound values, numbered as added."""

    def __init__(self) -> None:
        self.args: list[Any] = []

    def bind(self, value: Any) -> str:
        self.args.append(value)
        return f"${len(self.args)}"


async def browse(q: Browse) -> BrowseResult:
    """One page of published listings, the total matching, a cursor and the facet counts."""
    sql = _Sql()
    common = ["l.status = 'published'"]
    tsq = search_query(q.search)
    q_ref = ""
    if tsq:
        q_ref = f"to_tsquery('simple', {sql.bind(tsq)})"
        common.append(f"l.search_vector @@ {q_ref}")
    if q.is_verified is not None:
        common.append(f"l.is_verified = {sql.bind(q.is_verified)}")
    if q.min_rating is not None:
        common.append(f"l.rating >= {sql.bind(q.min_rating)}")
    # Facets: each count ignores its own filter (as shops do); one grouped query gives both
    # facets and the total.
    groups = await fetch(
        "SELECT l.category, l.pricing_model, count(*) AS n FROM public.listing l"
        f" WHERE {' AND '.join(common)} GROUP BY 1, 2",
        *sql.args,
    )
    by_category = dict.fromkeys(CATEGORIES, 0)
    by_model = dict.fromkeys(PRICING_MODELS, 0)
    total = 0
    for g in groups:
        cat_ok = q.category in (None, g["category"])
        model_ok = q.pricing_model in (None, g["pricing_model"])
        if model_ok and g["category"] in by_category:
            by_category[g["category"]] += g["n"]
        if cat_ok and g["pricing_model"] in by_model:
            by_model[g["pricing_model"]] += g["n"]
        if cat_ok and model_ok:
            total += g["n"]
    facets = {
        "category": [
            {"value": k, "label": CATEGORY_LABELS[k], "count": n} for k, n in by_category.items()
        ],
        "pricingModel": [
            {"value": k, "label": PRICING_MODEL_LABELS[k], "count": n} for k, n in by_model.items()
        ],
    }
    where = list(common)
    if q.category:
        where.append(f"l.category = {sql.bind(q.category)}")
    if q.pricing_model:
        where.append(f"l.pricing_model = {sql.bind(q.pricing_model)}")
    expr, cast, _ = SORTS[q.sort_by]
    expr = expr.format(q=q_ref)
    direction = "DESC" if q.sort_order == "desc" else "ASC"
    if q.cursor:
        value = sql.bind(_cursor_value(q.sort_by, q.cursor[0]))
        after = sql.bind(q.cursor[1])
        where.append(
            f"({expr}, l.id) {'<' if direction == 'DESC' else '>'} ({value}::{cast}, {after})"
        )
    rows = await fetch(
        f"SELECT {_COLUMNS}, {expr} AS sort_key FROM public.listing l"
        f" WHERE {' AND '.join(where)} ORDER BY {expr} {direction}, l.id {direction}"
        f" LIMIT {sql.bind(q.limit + 1)} OFFSET {sql.bind(q.offset)}",
        *sql.args,
    )
    more = len(rows) > q.limit
    rows = rows[: q.limit]
    next_cursor = (
        _make_cursor(q.sort_by, q.sort_order, rows[-1]["sort_key"], rows[-1]["id"])
        if more
        else None
    )
    return BrowseResult([card(r) for r in rows], total, next_cursor, facets)


def media_url(path: str | None) -> str | None:
    """The public URL of an uploaded icon or screenshot (served by the media route)."""
    return media.url(path)


def card(row: dict[str, Any]) -> dict[str, Any]:
    """A listing as the browse API shows it (the contract's fields first)."""
    return {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "developer": row["developer"],
        "category": row["category"],
        "pricing": {
            "model": row["pricing_model"],
            "amount": row["pricing_amount"],
            "currency": row["pricing_currency"],
            "billingCycle": row["billing_cycle"],
        },
        "features": list(row["features"] or []),
        "rating": row["rating"],
        "reviewCount": row["review_count"],
        "downloadCount": row["download_count"],
        "isVerified": row["is_verified"],
        "activeInstalls": row["active_installs"],
        "slug": row["slug"],
        "iconUrl": media_url(row["icon_path"]),
    }


def _uuid_or_none(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except (ValueError, AttributeError, TypeError):
        return None


async def get_public_listing(id_or_slug: str | uuid.UUID) -> dict[str, Any]:
    """A published (or unlisted) listing by id or slug, with versions, scopes, the review
    summary, the developer and screenshots; NotFound for anything else."""
    listing_id = id_or_slug if isinstance(id_or_slug, uuid.UUID) else _uuid_or_none(id_or_slug)
    key = "l.id = $1" if listing_id else "l.slug = $1"
    if not listing_id and (not isinstance(id_or_slug, str) or len(id_or_slug) > 80):
        raise NotFound("Listing not found")
    rows = await fetch(
        f"SELECT {_COLUMNS}, l.status, l.long_description, l.scopes, l.webhook_events,"
        " l.app_url, l.support_url, l.privacy_url, l.current_version_id,"
        " o.name AS org_name, o.slug AS org_slug, o.website, o.support_email"
        " FROM public.listing l JOIN public.developer_org o ON o.id = l.org_id"
        f" WHERE {key} AND l.status IN ('published', 'unlisted')",
        listing_id or id_or_slug,
    )
    if not rows:
        raise NotFound("Listing not found")
    row = rows[0]
    versions = await fetch(
        "SELECT version, changelog, scopes, published_at, created_at FROM public.listing_version"
        " WHERE listing_id = $1 AND (published_at IS NOT NULL OR id = $2)"
        " ORDER BY coalesce(published_at, created_at) DESC, created_at DESC",
        row["id"],
        row["current_version_id"],
    )
    shots = await fetch(
        "SELECT path, caption FROM public.listing_screenshot WHERE listing_id = $1"
        " ORDER BY position, created_at",
        row["id"],
    )
    counts = list(row["rating_counts"] or [0, 0, 0, 0, 0])[:5]
    counts += [0] * (5 - len(counts))
    out = card(row)
    out["pricing"]["trialDays"] = row["trial_days"]
    out.update(
        {
            "status": row["status"],
            "longDescription": row["long_description"],
            "appUrl": row["app_url"],
            "scopes": [{"scope": s, "description": d} for s, d in describe_scopes(row["scopes"])],
            "webhookEvents": list(row["webhook_events"] or []),
            "ratingCounts": {str(stars): counts[stars - 1] for stars in range(5, 0, -1)},
            "developerInfo": {
                "name": row["org_name"],
                "slug": row["org_slug"],
                "website": row["website"] or None,
                "supportEmail": row["support_email"] or None,
                "supportUrl": row["support_url"] or None,
                "privacyUrl": row["privacy_url"] or None,
            },
            "versions": [
                {
                    "version": v["version"],
                    "changelog": v["changelog"],
                    "publishedAt": v["published_at"],
                }
                for v in versions
            ],
            "screenshots": [{"url": media_url(s["path"]), "caption": s["caption"]} for s in shots],
            "publishedAt": row["published_at"],
            "updatedAt": row["updated_at"],
        }
    )
    return out


def describe_scopes(names: list[str] | None) -> list[tuple[str, str]]:
    """(scope, plain words) for the scopes a listing asks for, unknown ones as they are."""
    return [(name, SCOPES.get(name, name)) for name in names or []]


async def active_install_of(listing_id: uuid.UUID, tenant_id: uuid.UUID) -> bool:
    """Whether the business has this app installed now (for the listing page's button)."""
    rows = await fetch(
        "SELECT 1 FROM public.app_install WHERE listing_id = $1 AND tenant_id = $2"
        " AND uninstalled_at IS NULL",
        listing_id,
        tenant_id,
    )
    return bool(rows)
