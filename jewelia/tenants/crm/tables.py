"""CRM tables (tenant schema)."""

from decimal import Decimal

from piccolo.columns import JSONB, UUID, ForeignKey, Integer, Numeric, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Customer(Table, tablename="customer"):
    id = UUID(primary_key=True)
    full_name = Varchar(length=200)
    email = Varchar(length=254, null=True, default=None)
    phone = Varchar(length=32, null=True, default=None)
    company = Varchar(length=200, null=True, default=None)
    notes = Text(default="")
    tags = JSONB(default="[]")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class InventoryItem(Table, tablename="inventory_item"):
    id = UUID(primary_key=True)
    sku = Varchar(length=64)
    name = Varchar(length=200)
    category = Varchar(length=60)
    price = Numeric(digits=(12, 2))
    quantity = Integer(default=0)
    status = Varchar(length=20, default="in_stock")
    specifications = JSONB(default="{}")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class SalesOrder(Table, tablename="sales_order"):
    id = UUID(primary_key=True)
    customer_id = ForeignKey(references=Customer)
    status = Varchar(length=20, default="pending")
    payment_status = Varchar(length=20, default="pending")
    total_amount = Numeric(digits=(12, 2), default=Decimal("0"))
    currency = Varchar(length=3, default="USD")
    notes = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class OrderItem(Table, tablename="order_item"):
    id = UUID(primary_key=True)
    order_id = ForeignKey(references=SalesOrder)
    inventory_id = ForeignKey(references=InventoryItem)
    quantity = Integer()
    unit_price = Numeric(digits=(12, 2))
