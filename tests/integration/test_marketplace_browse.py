"""Marketplace browse (issue 12, item 5): the contract's query and shape, every filter, sort,
search, cursor paging and facets against rows seeded with SQL; detail by id and slug; pages."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from jewelia.core.db import execute

API = "/api/v1/integrations/marketplace"

# name, category, model, amount, cycle, rating, downloads, verified, status, developer_name
ROWS = [
    (
        "Gem Inventory Pro",
        "inventory_management",
        "free",
        "0",
        None,
        "4.80",
        1500,
        True,
        "published",
        "JewelTech",
    ),
    (
        "Stock Keeper",
        "inventory_management",
        "free",
        "0",
        None,
        "4.20",
        300,
        False,
        "published",
        "",
    ),
    (
        "Vault Count",
        "inventory_management",
        "free",
        "0",
        None,
        "4.80",
        50,
        False,
        "published",
        "Vaulty",
    ),
    (
        "Ledger Sparkle",
        "accounting",
        "subscription",
        "29.99",
        "monthly",
        "3.90",
        800,
        True,
        "published",
        "Books Co",
    ),
    (
        "Ring Designer 3D",
        "design_software",
        "one_time",
        "199.00",
        None,
        "4.50",
        120,
        False,
        "published",
        "CAD Folk",
    ),
    (
        "Shopfront Sync",
        "e_commerce",
        "usage_based",
        "0.05",
        None,
        "2.50",
        40,
        False,
        "published",
        "Shoply",
    ),
    (
        "Hidden Draft Inventory",
        "inventory_management",
        "free",
        "0",
        None,
        "5.00",
        9999,
        True,
        "draft",
        "",
    ),
    (
        "Paused Inventory",
        "inventory_management",
        "free",
        "0",
        None,
        "5.00",
        9999,
        True,
        "paused",
        "",
    ),
    (
        "Unlisted Inventory",
        "inventory_management",
        "free",
        "0",
        None,
        "5.00",
        9999,
        True,
        "unlisted",
        "",
    ),
    (
        "Suspended Inventory",
        "inventory_management",
        "free",
        "0",
        None,
        "5.00",
        9999,
        True,
        "suspended",
        "",
    ),
]
FEATURES = [
    ["Real-time inventory", "Barcode scanning"],
    ["Stock counts"],
    ["Safe counts"],
    ["Invoices"],
    ["3D rings"],
    ["Orders sync"],
    [],
    [],
    [],
    [],
]


@pytest.fixture(scope="module")
async def seeded(db: None) -> dict[str, Any]:
    """A developer organization and ten listings (six published), all carrying a unique word."""
    tag = "zq" + uuid.uuid4().hex[:8]
    org = uuid.uuid4()
    await execute(
        "INSERT INTO public.developer_org (id, name, slug, website, support_email)"
        " VALUES ($1, $2, $3, 'https://tag.example', 'help@tag.example')",
        org,
        f"Tag Labs {tag}",
        f"tag-labs-{tag}",
    )
    now = datetime.now(UTC)
    listings = []
    for i, (name, cat, model, amount, cycle, rating, dl, verified, status, dev) in enumerate(ROWS):
        lid = uuid.uuid4()
        slug = f"{name.lower().replace(' ', '-')}-{tag}"
        published = now - timedelta(days=i + 1) if status != "draft" else None
        await execute(
            "INSERT INTO public.listing (id, org_id, slug, name, description, long_description,"
            " developer_name, category, features, pricing_model, pricing_amount, billing_cycle,"
            " rating, review_count, rating_counts, download_count, active_installs, is_verified,"
            " status, published_at, scopes, app_url, client_id, client_secret_hash,"
            " client_secret_enc)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,"
            " $18, $19, $20, $21, $22, $23, 'x', 'x')",
            lid,
            org,
            slug,
            name,
            f"A tool for jewelers {tag}",
            "# Heading\n\nLong text <script>alert(1)</script>",
            dev,
            cat,
            [*FEATURES[i], tag],
            model,
            Decimal(amount),
            cycle,
            Decimal(rating),
            10 + i,
            [1, 1, 2, 3, 3 + i],
            dl,
            dl // 2,
            verified,
            status,
            published,
            ["customers:read", "orders:write"],
            f"https://app{i}.example/start",
            f"cid_{uuid.uuid4().hex}",
        )
        listings.append(
            {"id": lid, "slug": slug, "name": name, "row": ROWS[i], "published": published}
        )
    first = listings[0]["id"]
    await execute(
        "INSERT INTO public.listing_version (id, listing_id, version, changelog, published_at)"
        " VALUES ($1, $2, '1.0.0', 'First release', now() - interval '3 days'),"
        " ($3, $2, '1.1.0', 'Barcode scanning', now()), ($4, $2, '2.0.0-draft', 'unreleased', NULL)",
        uuid.uuid4(),
        first,
        uuid.uuid4(),
        uuid.uuid4(),
    )
    await execute(
        "INSERT INTO public.listing_screenshot (id, listing_id, path, content_type, caption, position)"
        " VALUES ($1, $2, 'shots/a.png', 'image/png', 'The dashboard', 0)",
        uuid.uuid4(),
        first,
    )
    return {"tag": tag, "org": org, "listings": listings}


@pytest.fixture
async def anon(app: Any) -> Any:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50002))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
        yield c


def published(seeded: dict[str, Any]) -> list[dict[str, Any]]:
    return [x for x in seeded["listings"] if x["row"][8] == "published"]


def expected(rows: list[dict[str, Any]], sort: str, order: str) -> list[uuid.UUID]:
    key = {
        "rating": lambda x: Decimal(x["row"][5]),
        "downloads": lambda x: x["row"][6],
        "newest": lambda x: x["published"],
        "name": lambda x: x["name"].lower(),
        "price": lambda x: Decimal(x["row"][3]),
    }[sort]
    return [x["id"] for x in sorted(rows, key=lambda x: (key(x), x["id"]), reverse=order == "desc")]


def ids(body: dict[str, Any]) -> list[uuid.UUID]:
    return [uuid.UUID(item["id"]) for item in body["data"]]


async def test_contract_query_shape_and_order(anon: Any, seeded: dict[str, Any]) -> None:
    r = await anon.get(
        f"{API}?category=inventory_management&pricingModel=free&sortBy=rating&sortOrder=desc"
        "&limit=100"
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["success"] is True
    assert set(body) == {"success", "data", "pagination", "facets", "next_cursor"}
    assert {"page", "limit", "total", "totalPages"} <= set(body["pagination"])
    mine = {x["id"] for x in seeded["listings"]}
    got = [i for i in ids(body) if i in mine]
    want = expected(
        [x for x in published(seeded) if x["row"][1] == "inventory_management"], "rating", "desc"
    )
    assert got == want and len(want) == 3
    item = next(i for i in body["data"] if i["id"] == str(seeded["listings"][0]["id"]))
    contract = {
        "id",
        "name",
        "description",
        "developer",
        "category",
        "pricing",
        "features",
        "rating",
        "reviewCount",
        "downloadCount",
        "isVerified",
    }
    assert contract <= set(item)
    assert set(item["pricing"]) == {"model", "amount", "currency", "billingCycle"}
    assert item["name"] == "Gem Inventory Pro" and item["developer"] == "JewelTech"
    assert item["rating"] == 4.8 and item["downloadCount"] == 1500 and item["isVerified"] is True
    assert item["activeInstalls"] == 750 and item["slug"].startswith("gem-inventory-pro-")
    assert item["pricing"] == {
        "model": "free",
        "amount": 0,
        "currency": "USD",
        "billingCycle": None,
    }
    assert item["features"][:2] == ["Real-time inventory", "Barcode scanning"]
    for row in body["data"]:
        assert row["category"] == "inventory_management" and row["pricing"]["model"] == "free"
    # developer falls back to the organization's name
    stock = next(
        i for i in body["data"] if i["name"] == "Stock Keeper" and i["id"] in map(str, mine)
    )
    assert stock["developer"] == f"Tag Labs {seeded['tag']}"
    assert "x-ratelimit-limit" in r.headers


async def test_unpublished_never_listed(anon: Any, seeded: dict[str, Any]) -> None:
    hidden = {str(x["id"]) for x in seeded["listings"] if x["row"][8] != "published"}
    r = await anon.get(API, params={"limit": 100, "search": seeded["tag"]})
    assert r.status_code == 200
    assert not hidden & {i["id"] for i in r.json()["data"]}
    assert r.json()["pagination"]["total"] == 6
    for name in ("Hidden", "Paused", "Unlisted", "Suspended"):
        r = await anon.get(API, params={"search": f"{seeded['tag']} {name}"})
        assert r.json()["data"] == []


@pytest.mark.parametrize("sort", ["rating", "downloads", "newest", "name", "price"])
@pytest.mark.parametrize("order", ["asc", "desc"])
async def test_every_sort(anon: Any, seeded: dict[str, Any], sort: str, order: str) -> None:
    r = await anon.get(
        API, params={"search": seeded["tag"], "sortBy": sort, "sortOrder": order, "limit": 100}
    )
    assert r.status_code == 200, r.text
    assert ids(r.json()) == expected(published(seeded), sort, order)


@pytest.mark.parametrize("sort", ["rating", "downloads", "newest", "name", "price", "relevance"])
async def test_cursor_walks_all_rows(anon: Any, seeded: dict[str, Any], sort: str) -> None:
    seen: list[uuid.UUID] = []
    params: dict[str, Any] = {"search": seeded["tag"], "sortBy": sort, "limit": 2}
    for _ in range(10):
        r = await anon.get(API, params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        seen += ids(body)
        assert body["pagination"]["next_cursor"] == body["next_cursor"]
        if not body["next_cursor"]:
            break
        params["cursor"] = body["next_cursor"]
    assert len(seen) == len(set(seen)) == 6
    if sort != "relevance":
        default = "asc" if sort in ("name", "price") else "desc"
        assert seen == expected(published(seeded), sort, default)
    # page paging gives the same order
    paged: list[uuid.UUID] = []
    for page in (1, 2, 3):
        r = await anon.get(
            API, params={"search": seeded["tag"], "sortBy": sort, "limit": 2, "page": page}
        )
        paged += ids(r.json())
    assert paged == seen


async def test_filters(anon: Any, seeded: dict[str, Any]) -> None:
    tag = seeded["tag"]
    by_name = {x["name"]: x["id"] for x in seeded["listings"]}

    async def names(**params: Any) -> set[str]:
        r = await anon.get(API, params={"search": tag, "limit": 100, **params})
        assert r.status_code == 200, r.text
        return {i["name"] for i in r.json()["data"]}

    assert await names(isVerified="true") == {"Gem Inventory Pro", "Ledger Sparkle"}
    assert await names(isVerified="false") == {
        "Stock Keeper",
        "Vault Count",
        "Ring Designer 3D",
        "Shopfront Sync",
    }
    assert await names(minRating="4.5") == {"Gem Inventory Pro", "Vault Count", "Ring Designer 3D"}
    assert await names(category="accounting") == {"Ledger Sparkle"}
    assert await names(pricingModel="subscription") == {"Ledger Sparkle"}
    assert await names(pricingModel="one_time") == {"Ring Designer 3D"}
    assert await names(pricingModel="usage_based") == {"Shopfront Sync"}
    assert await names(category="e_commerce", pricingModel="free") == set()
    assert by_name


async def test_search_full_text_and_prefix(anon: Any, seeded: dict[str, Any]) -> None:
    tag = seeded["tag"]

    async def names(search: str) -> set[str]:
        r = await anon.get(API, params={"search": search, "limit": 100})
        assert r.status_code == 200, r.text
        return {i["name"] for i in r.json()["data"]}

    assert await names(f"{tag} barcode") == {"Gem Inventory Pro"}  # a feature
    assert await names(f"{tag} Books") == {"Ledger Sparkle"}  # the developer
    assert await names(f"{tag} stock keeper") == {"Stock Keeper"}  # the name
    assert await names(f"{tag} invent") == {"Gem Inventory Pro"}  # prefix of the last word
    assert await names(f"{tag} inv") == {"Gem Inventory Pro", "Ledger Sparkle"}  # Invoices
    assert await names(f"{tag[:6]}") >= {"Gem Inventory Pro", "Shopfront Sync"}  # tag as prefix
    assert await names(f"{tag} & | ! ( ) :* '") == await names(tag)  # operators are just text
    r = await anon.get(API, params={"search": f"{tag} Stock"})
    assert r.json()["data"][0]["name"] == "Stock Keeper"  # relevance by default


async def test_facets_ignore_their_own_filter(anon: Any, seeded: dict[str, Any]) -> None:
    r = await anon.get(
        API,
        params={
            "search": seeded["tag"],
            "category": "inventory_management",
            "pricingModel": "free",
        },
    )
    facets = r.json()["facets"]
    cats = {f["value"]: f["count"] for f in facets["category"]}
    models = {f["value"]: f["count"] for f in facets["pricingModel"]}
    # categories counted with the pricing filter (free) but not the category filter
    assert cats == {
        "inventory_management": 3,
        "accounting": 0,
        "design_software": 0,
        "e_commerce": 0,
        "quality_control": 0,
        "suppliers": 0,
        "marketing": 0,
        "analytics": 0,
        "productivity": 0,
    }
    # pricing models counted with the category filter but not their own
    assert models == {"free": 3, "one_time": 0, "subscription": 0, "usage_based": 0}
    r = await anon.get(API, params={"search": seeded["tag"]})
    cats = {f["value"]: f["count"] for f in r.json()["facets"]["category"]}
    assert (cats["inventory_management"], cats["accounting"], cats["e_commerce"]) == (3, 1, 1)
    assert r.json()["facets"]["category"][0]["label"] == "Inventory management"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"category": "jewels"}, "category"),
        ({"pricingModel": "cheap"}, "pricingModel"),
        ({"sortBy": "popularity"}, "sortBy"),
        ({"sortOrder": "up"}, "sortOrder"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"page": "0"}, "page"),
        ({"minRating": "6"}, "minRating"),
        ({"minRating": "abc"}, "minRating"),
        ({"isVerified": "maybe"}, "isVerified"),
        ({"isVerified": ""}, "isVerified"),
        ({"category": ""}, "category"),
        ({"minRating": "1e0"}, "minRating"),
        ({"search": "x" * 201}, "search"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"sortBy": "relevance"}, "sortBy"),  # relevance needs a search
    ],
)
async def test_bad_params(anon: Any, params: dict[str, str], field: str) -> None:
    r = await anon.get(API, params=params)
    assert r.status_code in (400, 422), r.text
    body = r.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert field in {d["field"] for d in body["details"]}, body


async def test_cursor_of_another_sort_refused(anon: Any, seeded: dict[str, Any]) -> None:
    r = await anon.get(API, params={"search": seeded["tag"], "sortBy": "name", "limit": 2})
    cursor = r.json()["next_cursor"]
    r = await anon.get(API, params={"search": seeded["tag"], "sortBy": "rating", "cursor": cursor})
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "cursor"


async def test_detail_by_id_and_slug(anon: Any, seeded: dict[str, Any]) -> None:
    first = seeded["listings"][0]
    by_id = (await anon.get(f"{API}/{first['id']}")).json()
    by_slug = (await anon.get(f"{API}/{first['slug']}")).json()
    assert by_id == by_slug and by_id["success"]
    data = by_id["data"]
    assert [v["version"] for v in data["versions"]] == ["1.1.0", "1.0.0"]
    assert data["scopes"] == [
        {"scope": "customers:read", "description": "See your customers"},
        {"scope": "orders:write", "description": "Create and change your orders"},
    ]
    assert data["ratingCounts"] == {"5": 3, "4": 3, "3": 2, "2": 1, "1": 1}
    assert data["reviewCount"] == 10 and data["rating"] == 4.8
    assert data["developerInfo"]["supportEmail"] == "help@tag.example"
    assert data["developerInfo"]["website"] == "https://tag.example"
    assert data["screenshots"][0]["caption"] == "The dashboard"
    assert data["downloadCount"] == 1500 and data["activeInstalls"] == 750
    assert data["pricing"]["trialDays"] == 0
    unlisted = next(x for x in seeded["listings"] if x["row"][8] == "unlisted")
    assert (await anon.get(f"{API}/{unlisted['slug']}")).status_code == 200  # shared by link
    for x in seeded["listings"]:
        if x["row"][8] in ("draft", "paused", "suspended"):
            r = await anon.get(f"{API}/{x['slug']}")
            assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND"
            assert (await anon.get(f"{API}/{x['id']}")).status_code == 404
    assert (await anon.get(f"{API}/{uuid.uuid4()}")).status_code == 404
    assert (await anon.get(f"{API}/no-such-thing")).status_code == 404


async def test_credential_is_checked_when_sent(anon: Any, api: Any, seeded: dict[str, Any]) -> None:
    r = await api.get("/integrations/marketplace", params={"search": seeded["tag"]})
    assert r.status_code == 200 and r.json()["pagination"]["total"] == 6
    assert r.headers["x-ratelimit-limit"] == "1000"  # the business's plan budget
    r = await anon.get(API, headers={"Authorization": "Bearer jw_live_nonsense"})
    assert r.status_code == 401 and r.json()["code"] == "AUTHENTICATION_ERROR"


async def test_openapi_documents_the_routes(anon: Any) -> None:
    doc = (await anon.get("/api/v1/openapi.json")).json()
    ops = {
        op.get("operationId")
        for item in doc["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
    }
    assert {"browseMarketplace", "getMarketplaceListing"} <= ops


async def test_home_page_logged_out(anon: Any, seeded: dict[str, Any]) -> None:
    r = await anon.get("/marketplace", params={"q": seeded["tag"]})
    assert r.status_code == 200
    html = r.text
    assert "Gem Inventory Pro" in html and "Ledger Sparkle" in html
    assert "Hidden Draft Inventory" not in html and "Unlisted Inventory" not in html
    assert 'href="/login"' in html  # the public layout
    assert "$29.99 / month" in html and "$199.00 one-time" in html
    assert 'Inventory management <span class="count">3</span>' in html
    assert "Verified" in html


async def test_search_fragment_and_filters(anon: Any, seeded: dict[str, Any]) -> None:
    r = await anon.get(
        "/marketplace",
        params={"q": f"{seeded['tag']} inv", "verified": "1"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200
    assert "<html" not in r.text and "market-grid" in r.text
    assert "Gem Inventory Pro" in r.text and "Ledger Sparkle" in r.text
    assert "Stock Keeper" not in r.text
    r = await anon.get(
        "/marketplace",
        params={"q": seeded["tag"], "category": "accounting", "pricing": "nope", "sort": "bogus"},
    )
    assert r.status_code == 200 and "Ledger Sparkle" in r.text  # odd values are ignored
    r = await anon.get(
        "/marketplace",
        params={"q": seeded["tag"], "sort": "-price"},
        headers={"HX-Request": "true"},
    )
    assert (
        r.text.index("Ring Designer 3D")
        < r.text.index("Ledger Sparkle")
        < r.text.index("Shopfront Sync")
    )


async def test_listing_page_logged_out(anon: Any, seeded: dict[str, Any]) -> None:
    first = seeded["listings"][0]
    r = await anon.get(f"/marketplace/{first['slug']}")
    assert r.status_code == 200
    html = r.text
    assert "Gem Inventory Pro" in html and "See your customers" in html
    assert "Create and change your orders" in html
    assert "<h1>Heading</h1>" in html or "Heading</h" in html  # Markdown rendered
    assert "<script>alert(1)</script>" not in html  # and escaped
    assert "help@tag.example" in html and "The dashboard" in html and "1.1.0" in html
    assert "Log in to install" in html and "?install=1" not in html
    r = await anon.get(f"/marketplace/{seeded['listings'][6]['slug']}")  # a draft
    assert r.status_code == 404


async def test_listing_page_signed_in_install_and_installed(
    app: Any, business: Any, seeded: dict[str, Any]
) -> None:
    from tests.conftest import STRONG_PASSWORD
    from tests.integration.test_pages import form_post

    user, tenant = business
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50003))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver.local", follow_redirects=True
    ) as c:
        r = await form_post(c, "/login", {"email": user.email, "password": STRONG_PASSWORD})
        assert r.status_code == 200, r.text
        first = seeded["listings"][0]
        r = await c.get(f"/marketplace/{first['slug']}")
        assert r.status_code == 200
        assert 'class="sidebar' in r.text and ">Marketplace</a>" in r.text  # the app layout
        assert "https://app0.example/start?install=1&amp;jewelia=http" in r.text
        r = await c.get("/marketplace")
        assert r.status_code == 200 and 'class="sidebar' in r.text
        await execute(
            "INSERT INTO public.app_install (id, listing_id, tenant_id, scopes, installed_by)"
            " VALUES ($1, $2, $3, '{customers:read}', $4)",
            uuid.uuid4(),
            first["id"],
            tenant.id,
            user.id,
        )
        r = await c.get(f"/marketplace/{first['slug']}")
        assert "Installed" in r.text and "?install=1" not in r.text


async def test_pages_take_odd_paging_and_stay_out_of_the_api_document(anon: Any) -> None:
    r = await anon.get("/marketplace", params={"page": "AAA"}, headers={"Accept": "text/html"})
    assert r.status_code == 200
    doc = (await anon.get("/api/v1/openapi.json")).json()
    assert "/marketplace" not in doc["paths"] and "/marketplace/{slug}" not in doc["paths"]
