"""Bad input on the API: malformed JSON, wrong types, unknown fields, limits, injection, money."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx


async def test_malformed_and_wrongly_typed_bodies(api: Any) -> None:
    cases = [
        ('{"full_name": ', "MALFORMED_JSON", "body"),
        ('{"full_name": 5}', "INVALID_TYPE", "full_name"),
        ('{"full_name": "A", "favourite_gem": "opal"}', "UNKNOWN_FIELD", "favourite_gem"),
        ("{}", "REQUIRED", "full_name"),
        ("[]", "INVALID_TYPE", "body"),
        ('{"full_name": "A", "birthday": "2020-13-01"}', "INVALID_DATE", "birthday"),
    ]
    for body, code, field in cases:
        r = await api.post("/customers", content=body, headers={"content-type": "application/json"})
        assert r.status_code == 400, body
        payload = r.json()
        assert payload["success"] is False and payload["code"] == "VALIDATION_ERROR"
        assert {"field": field, "code": code} == {
            k: payload["details"][0][k] for k in ("field", "code")
        }, payload


async def test_field_validation_codes(api: Any) -> None:
    r = await api.post(
        "/customers",
        json={
            "full_name": "",
            "email": "nope",
            "phone": "555",
            "ring_size": {"system": "US", "label": "99"},
        },
    )
    assert r.status_code == 422
    codes = {d["field"]: d["code"] for d in r.json()["details"]}
    assert codes == {
        "full_name": "REQUIRED",
        "email": "INVALID_EMAIL",
        "phone": "INVALID_PHONE",
        "ring_size.label": "INVALID_RING_SIZE",
    }
    r = await api.post(
        "/customers", json={"full_name": "Ring Fan", "ring_size": {"system": "UK", "label": "N"}}
    )
    assert r.json()["data"]["ring_size"] == {
        "circumference_mm": 54.05,
        "system": "UK",
        "label": "N",
    }


async def test_negative_quantities_and_prices(api: Any) -> None:
    r = await api.post(
        "/inventory",
        json={"sku": "NEG-1", "name": "x", "category": "rings", "price": -1, "quantity": -5},
    )
    assert r.status_code == 422
    assert {d["field"] for d in r.json()["details"]} == {"price", "quantity"}
    r = await api.post(
        "/inventory", json={"sku": "NEG-2", "name": "x", "category": "rings", "price": 1.005}
    )
    assert r.json()["details"][0]["code"] == "INVALID_PRECISION"
    item = (
        await api.post(
            "/inventory",
            json={"sku": "OK-1", "name": "x", "category": "rings", "price": 5, "quantity": 1},
        )
    ).json()["data"]
    cust = (await api.post("/customers", json={"full_name": "Q"})).json()["data"]
    r = await api.post(
        "/orders",
        json={"customer_id": cust["id"], "items": [{"inventory_id": item["id"], "quantity": -1}]},
    )
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "items[0].quantity"
    r = await api.post(
        "/orders",
        json={"customer_id": cust["id"], "items": [{"inventory_id": item["id"], "unit_price": -3}]},
    )
    assert r.status_code == 422
    r = await api.post("/orders", json={"customer_id": "not-a-uuid", "items": []})
    assert r.status_code == 400 and r.json()["details"][0]["code"] == "INVALID_UUID"


async def test_specifications_validated_unknown_keys_kept(api: Any) -> None:
    spec = {
        "metal": "18k White Gold",
        "purity": "18K",
        "metal_weight_g": 3.2,
        "color": "op",
        "clarity": "vs1",
        "stones": [
            {"carat": 1.01, "shape": "round", "color": "F", "clarity": "VVS2", "cut": "excellent"}
        ],
        "certificate": {"lab": "GIA", "number": "2141438171"},
        "designer": "House style",
    }
    r = await api.post(
        "/inventory",
        json={
            "sku": "SPEC-1",
            "name": "Solitaire",
            "category": "rings",
            "price": 5000,
            "specifications": spec,
        },
    )
    assert r.status_code == 201, r.text
    saved = r.json()["data"]["specifications"]
    assert saved["purity"] == "18k" and saved["color"] == "O-P" and saved["clarity"] == "VS1"
    assert saved["designer"] == "House style"
    bad = {
        "purity": "17k",
        "color": "Q",
        "clarity": "VS3",
        "stones": [{"carat": -1, "shape": "blob"}],
        "certificate": {"lab": "Bob's"},
    }
    r = await api.post(
        "/inventory",
        json={
            "sku": "SPEC-2",
            "name": "Bad",
            "category": "rings",
            "price": 1,
            "specifications": bad,
        },
    )
    fields = {d["field"] for d in r.json()["details"]}
    assert fields == {
        "specifications.purity",
        "specifications.color",
        "specifications.clarity",
        "specifications.stones[0].carat",
        "specifications.stones[0].shape",
        "specifications.certificate.lab",
    }


async def test_duplicates_are_refused(api: Any) -> None:
    await api.post("/customers", json={"full_name": "A", "email": "dup@example.com"})
    r = await api.post("/customers", json={"full_name": "B", "email": "DUP@example.com"})
    assert r.status_code == 422 and r.json()["details"][0]["code"] == "DUPLICATE_EMAIL"
    await api.post("/inventory", json={"sku": "DUP-1", "name": "x", "category": "c", "price": 1})
    r = await api.post(
        "/inventory", json={"sku": "DUP-1", "name": "y", "category": "c", "price": 1}
    )
    assert r.json()["details"][0]["code"] == "DUPLICATE_SKU"


async def test_injection_and_html_are_plain_text(api: Any) -> None:
    nasty = "Robert'); DROP TABLE customer;-- <script>alert(1)</script>"
    r = await api.post(
        "/customers", json={"full_name": nasty, "notes": "<img src=x onerror=alert(1)>"}
    )
    assert r.status_code == 201 and r.json()["data"]["full_name"] == nasty
    r = await api.get("/customers", params={"search": "'; DROP TABLE customer; --"})
    assert r.status_code == 200
    r = await api.get("/customers", params={"sort": "full_name; DROP TABLE customer"})
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "sort"
    assert (await api.get("/customers", params={"search": "Robert"})).json()["pagination"][
        "total"
    ] == 1


async def test_huge_body_and_limits(api: Any) -> None:
    r = await api.post(
        "/customers",
        content=b'{"full_name": "' + b"x" * 2_000_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413 and r.json()["code"] == "PAYLOAD_TOO_LARGE"
    r = await api.post("/customers", json={"full_name": "x" * 201})
    assert r.status_code == 422 and r.json()["details"][0]["code"] == "TOO_LONG"
    for params in ({"limit": 101}, {"limit": 0}, {"page": 0}, {"cursor": "!!!"}):
        r = await api.get("/customers", params=params)
        assert r.status_code in (400, 422) and r.json()["code"] == "VALIDATION_ERROR", params
    r = await api.get(f"/customers/{uuid.uuid4()}")
    assert r.status_code == 404
    assert (await api.get("/customers/not-a-uuid")).status_code == 404


async def test_paging_and_cursor_walk(api: Any) -> None:
    for n in range(7):
        await api.post("/customers", json={"full_name": f"Walker {n}"})
    page2 = (await api.get("/customers", params={"page": 2, "limit": 3})).json()
    assert page2["pagination"] | {"next_cursor": None} == {
        "page": 2,
        "limit": 3,
        "total": 7,
        "totalPages": 3,
        "next_cursor": None,
    }
    seen, cursor = [], None
    while True:
        body = (
            await api.get(
                "/customers", params={"limit": 3, **({"cursor": cursor} if cursor else {})}
            )
        ).json()
        seen += [c["full_name"] for c in body["data"]]
        cursor = body["pagination"]["next_cursor"]
        if not cursor:
            break
    assert seen == [f"Walker {n}" for n in reversed(range(7))]
    names = [
        c["full_name"]
        for c in (await api.get("/customers", params={"sort": "full_name", "limit": 3})).json()[
            "data"
        ]
    ]
    assert names == ["Walker 0", "Walker 1", "Walker 2"]


async def test_idempotency_key(api: Any) -> None:
    headers = {"Idempotency-Key": f"create-{uuid.uuid4()}"}
    body = {"full_name": "Once Only", "email": "once@example.com"}
    first = await api.post("/customers", json=body, headers=headers)
    second = await api.post("/customers", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and second.headers["idempotent-replayed"] == "true"
    assert (await api.get("/customers", params={"search": "Once"})).json()["pagination"][
        "total"
    ] == 1
    other = await api.post("/customers", json={**body, "full_name": "Twice"}, headers=headers)
    assert other.status_code == 422 and other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    failed = {"Idempotency-Key": f"bad-{uuid.uuid4()}"}
    r1 = await api.post("/customers", json={"full_name": ""}, headers=failed)
    r2 = await api.post("/customers", json={"full_name": ""}, headers=failed)
    assert (
        r1.status_code == r2.status_code == 422 and r2.headers.get("idempotent-replayed") == "true"
    )


async def test_twenty_clients_race_for_the_last_ring(api: Any, app: Any) -> None:
    item = (
        await api.post(
            "/inventory",
            json={
                "sku": f"LAST-{uuid.uuid4().hex[:5]}",
                "name": "Last ring",
                "category": "rings",
                "price": 999,
                "quantity": 1,
            },
        )
    ).json()["data"]
    customers = [
        (await api.post("/customers", json={"full_name": f"Racer {n}"})).json()["data"]["id"]
        for n in range(20)
    ]

    async def attempt(customer_id: str) -> int:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://t/api/v1",
            headers={"Authorization": f"Bearer {api.key}"},
        ) as c:
            r = await c.post(
                "/orders",
                json={"customer_id": customer_id, "items": [{"inventory_id": item["id"]}]},
            )
            return r.status_code

    statuses = await asyncio.gather(*(attempt(c) for c in customers))
    assert sorted(statuses) == [201] + [409] * 19
    final = (await api.get(f"/inventory/{item['id']}")).json()["data"]
    assert final["quantity"] == 0 and final["status"] == "sold"
    assert (await api.get("/orders", params={"limit": 100})).json()["pagination"]["total"] == 1


async def test_absurd_page_numbers_are_refused(api: Any) -> None:
    r = await api.get("/customers", params={"page": 21217172941961591378673664})
    assert r.status_code == 400 and r.json()["code"] == "VALIDATION_ERROR"
    r = await api.get("/inventory", params={"min_price": "1e1000000", "max_price": "NaN"})
    assert r.status_code == 422 and {d["field"] for d in r.json()["details"]} == {
        "min_price",
        "max_price",
    }


async def test_nul_characters_are_refused_everywhere(api: Any) -> None:
    r = await api.post(
        "/customers",
        content=b'{"full_name": "A\\u0000B"}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 400 and "NUL" in r.json()["error"]
    r = await api.get("/customers", params={"search": "a\x00b"})
    assert r.status_code == 400
    r = await api.post("/auth/token", json={"email": "x\u0000@example.com", "password": "p"})
    assert r.status_code == 400
