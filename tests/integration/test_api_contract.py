"""The seed document's examples, replayed against the app, checked field by field."""

from __future__ import annotations

from typing import Any

ISO = "T"


def assert_envelope(body: dict[str, Any], list_: bool = False) -> Any:
    assert body["success"] is True
    if list_:
        assert set(body["pagination"]) >= {"page", "limit", "total", "totalPages"}
    return body["data"]


async def test_customer_examples(api: Any) -> None:
    # POST /customers (seed: Create Customer)
    r = await api.post(
        "/customers",
        json={
            "full_name": "Jane Smith",
            "email": "jane@example.com",
            "phone": "+1-555-0124",
            "company": "Design Studio",
        },
    )
    assert r.status_code == 201, r.text
    jane = assert_envelope(r.json())
    assert {k: jane[k] for k in ("full_name", "email", "phone", "company")} == {
        "full_name": "Jane Smith",
        "email": "jane@example.com",
        "phone": "+15550124",
        "company": "Design Studio",
    }
    assert ISO in jane["created_at"] and jane["id"]
    # curl tutorial step 2
    r = await api.post(
        "/customers",
        json={"full_name": "John Doe", "email": "john@example.com", "phone": "+1-555-0123"},
    )
    assert r.status_code == 201
    # GET /customers?page=1&limit=20&search=john (seed: List Customers)
    r = await api.get("/customers", params={"page": 1, "limit": 20, "search": "john"})
    data = assert_envelope(r.json(), list_=True)
    assert [c["full_name"] for c in data] == ["John Doe"]
    assert set(data[0]) >= {"id", "full_name", "email", "phone", "company", "created_at"}
    assert r.json()["pagination"] == {
        "page": 1,
        "limit": 20,
        "total": 1,
        "totalPages": 1,
        "next_cursor": None,
    }
    # PUT /customers/{id} with only phone (seed: Update Customer)
    r = await api.put(f"/customers/{jane['id']}", json={"phone": "+1-555-0125"})
    assert r.status_code == 200
    assert assert_envelope(r.json())["phone"] == "+15550125"
    assert r.json()["data"]["full_name"] == "Jane Smith"
    # DELETE /customers/{id}
    r = await api.delete(f"/customers/{jane['id']}")
    assert r.status_code == 200 and r.json()["data"] == {"id": jane["id"], "deleted": True}
    r = await api.get(f"/customers/{jane['id']}")
    assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND"


async def test_inventory_and_order_examples(api: Any) -> None:
    ring = {
        "sku": "RING-002",
        "name": "Sapphire Ring",
        "category": "rings",
        "price": 1200.00,
        "quantity": 3,
        "specifications": {"metal": "14k Yellow Gold", "stone": "2.0ct Sapphire", "clarity": "VS2"},
    }
    r = await api.post("/inventory", json=ring)
    assert r.status_code == 201, r.text
    item = assert_envelope(r.json())
    assert item["price"] == 1200.00 and item["status"] == "in_stock"
    assert item["specifications"] == ring["specifications"]
    r = await api.post(
        "/inventory",
        json={
            "sku": "RING-001",
            "name": "Diamond Ring",
            "category": "rings",
            "price": 2500.00,
            "quantity": 5,
        },
    )
    diamond = assert_envelope(r.json())
    r = await api.get(
        "/inventory", params={"category": "rings", "status": "in_stock", "page": 1, "limit": 20}
    )
    data = assert_envelope(r.json(), list_=True)
    assert {i["sku"] for i in data} == {"RING-001", "RING-002"}
    assert set(data[0]) >= {
        "id",
        "sku",
        "name",
        "category",
        "price",
        "quantity",
        "status",
        "specifications",
    }
    cust = assert_envelope((await api.post("/customers", json={"full_name": "John Doe"})).json())
    order_body = {
        "customer_id": cust["id"],
        "notes": "Customer prefers white gold setting",
        "items": [{"inventory_id": diamond["id"], "quantity": 1, "unit_price": 2500.00}],
    }
    r = await api.post("/orders", json=order_body)
    assert r.status_code == 201, r.text
    order = assert_envelope(r.json())
    assert order["total_amount"] == 2500.00 and order["status"] == "pending"
    assert order["payment_status"] == "pending" and order["customer_id"] == cust["id"]
    assert order["items"][0]["inventory_id"] == diamond["id"]
    assert order["items"][0]["quantity"] == 1 and order["items"][0]["unit_price"] == 2500.00
    r = await api.get(
        "/orders", params={"status": "pending", "customer_id": cust["id"], "page": 1, "limit": 20}
    )
    assert [o["id"] for o in assert_envelope(r.json(), list_=True)] == [order["id"]]
    r = await api.get(f"/inventory/{diamond['id']}")
    assert r.json()["data"]["quantity"] == 4
    r = await api.patch(f"/orders/{order['id']}", json={"status": "cancelled"})
    assert r.json()["data"]["status"] == "cancelled"
    assert (await api.get(f"/inventory/{diamond['id']}")).json()["data"]["quantity"] == 5
    r = await api.patch(f"/orders/{order['id']}", json={"status": "pending"})
    assert r.status_code == 422 and r.json()["details"][0]["code"] == "INVALID_TRANSITION"
