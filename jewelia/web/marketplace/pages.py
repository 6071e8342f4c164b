"""Marketplace pages: the home (categories, search as you type, filters, sort, paging) and a
listing page. Public: logged out they use the public layout, signed in the app layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from litestar import Request, Router, get
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from jewelia.core.errors import AppError
from jewelia.core.settings import get_settings
from jewelia.platform.marketplace import browse, listings
from jewelia.platform.marketplace.markdown import render_markdown
from jewelia.web.context import PageContext, page_context, render, signed_in_user

PAGE_SIZE = 24
# sort choice on the page -> (sortBy, sortOrder)
SORT_CHOICES: dict[str, tuple[str, str, str]] = {
    "": ("", "", "Best match"),
    "rating": ("rating", "desc", "Top rated"),
    "downloads": ("downloads", "desc", "Most installed"),
    "newest": ("newest", "desc", "Newest"),
    "name": ("name", "asc", "Name, A to Z"),
    "price": ("price", "asc", "Price: low to high"),
    "-price": ("price", "desc", "Price: high to low"),
}
_REVIEWS_PARTIAL = Path(__file__).parent / "templates" / "marketplace" / "_reviews.html"


async def _context(request: Request[Any, Any, Any]) -> PageContext | None:
    """The app's page context for a signed-in member, else None (the public layout)."""
    if await signed_in_user(request) is None:
        return None
    try:
        return await page_context(request)
    except AppError:
        return None  # no business yet (a marketplace developer) or a suspended one


def price_text(pricing: dict[str, Any]) -> str:
    """A listing's price in words: Free, $29.99 / month, $199.00 one-time, usage-based …"""
    model = pricing["model"]
    if model == "free":
        return "Free"
    amount = pricing["amount"]
    currency = pricing["currency"]
    money = f"${amount:,.2f}" if currency == "USD" else f"{amount:,.2f} {currency}"
    if model == "subscription":
        cycle = {"monthly": " / month", "annual": " / year"}.get(pricing.get("billingCycle") or "")
        return money + (cycle or "")
    if model == "one_time":
        return f"{money} one-time"
    return f"Usage-based, from {money}"


def _clean(value: str | None, allowed: Any) -> str | None:
    return value if value in allowed else None


@get("/marketplace", name="marketplace")
async def home(
    request: HTMXRequest,
    q: str | None = None,
    category: str | None = None,
    pricing: str | None = None,
    verified: str | None = None,
    sort: str | None = None,
    page: str | None = None,
) -> Template:
    ctx = await _context(request)
    q = (q or "")[: browse.MAX_SEARCH]
    sort = sort if sort in SORT_CHOICES else ""
    sort_by, sort_order, _ = SORT_CHOICES[sort]
    if sort_by == "" and not browse.search_query(q):
        sort_by = "rating"  # no words to match: best rated first
    query = browse.parse_browse(
        category=_clean(category, listings.CATEGORIES),
        pricing_model=_clean(pricing, listings.PRICING_MODELS),
        search=q or None,
        is_verified=True if verified == "1" else None,
        sort_by=sort_by or None,
        sort_order=sort_order or None,
        page=max(1, min(int(page) if page and page.isdigit() and len(page) < 6 else 1, 1000)),
        limit=PAGE_SIZE,
    )
    result = await browse.browse(query)
    filters = {
        "q": q,
        "category": query.category or "",
        "pricing": query.pricing_model or "",
        "verified": "1" if query.is_verified else "",
        "sort": sort,
    }

    def qs(**changes: Any) -> str:
        """The current filters as a query string, with some changed (empty ones left out)."""
        merged = {**filters, "page": "", **changes}
        return urlencode({k: v for k, v in merged.items() if v not in ("", None)})

    pages = max(1, -(-result.total // PAGE_SIZE))
    values: dict[str, Any] = {
        "result": result,
        "filters": filters,
        "qs": qs,
        "page": query.page,
        "pages": pages,
        "categories": listings.CATEGORY_LABELS,
        "pricing_models": listings.PRICING_MODEL_LABELS,
        "sorts": SORT_CHOICES,
        "price_text": price_text,
        "layout": "app_layout.html" if ctx else "public.html",
    }
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    response = render(
        "marketplace/_results.html" if partial else "marketplace/home.html", ctx, **values
    )
    response.headers["Vary"] = "HX-Request"
    return response


def _is_web(url: str | None) -> bool:
    """Only http(s) addresses become links (never javascript: or data:)."""
    return bool(url) and urlsplit(url or "").scheme in ("http", "https")


def install_link(app_url: str) -> str:
    """The app's install address: `{app_url}?install=1&jewelia=<our base URL>`."""
    joiner = "&" if urlsplit(app_url).query else "?"
    return app_url + joiner + urlencode({"install": "1", "jewelia": get_settings().base_url})


@get("/marketplace/{slug:str}", name="marketplace_listing")
async def listing_page(request: Request[Any, Any, Any], slug: str) -> Template:
    ctx = await _context(request)
    listing = await browse.get_public_listing(slug)
    info = listing["developerInfo"]
    for key in ("website", "supportUrl", "privacyUrl"):
        info[key] = info[key] if _is_web(info[key]) else None
    counts = listing["ratingCounts"]
    # the shape the reviews partial reads (snake case, counts from 1 star to 5)
    listing.update(
        review_count=listing["reviewCount"],
        rating_counts=[counts[str(n)] for n in range(1, 6)],
    )
    can_install = bool(
        ctx and ctx.current.role in ("owner", "admin") and _is_web(listing["appUrl"])
    )
    installed = bool(ctx) and await browse.active_install_of(listing["id"], ctx.tenant.id)  # type: ignore[union-attr]
    return render(
        "marketplace/listing.html",
        ctx,
        listing=listing,
        description_html=render_markdown(listing["longDescription"]),
        price=price_text(listing["pricing"]),
        category_label=listings.CATEGORY_LABELS.get(listing["category"], listing["category"]),
        can_install=can_install,
        installed=installed,
        install_url=install_link(listing["appUrl"]) if can_install else "",
        own_breakdown=not _REVIEWS_PARTIAL.exists(),
        layout="app_layout.html" if ctx else "public.html",
    )


router = Router(path="/", route_handlers=[home, listing_page], include_in_schema=False)
