"""Tenant schema: audit log and the CRM tables (customers, inventory, orders)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "tenant_0001_initial"
VERSION = "1.38.0"
DESCRIPTION = "audit log, customers, inventory, orders"

SQL = """
CREATE TABLE audit_log (
    id uuid PRIMARY KEY,
    actor_type varchar(20) NOT NULL,
    actor_id uuid,
    actor_label varchar(254) NOT NULL DEFAULT '',
    action varchar(60) NOT NULL,
    entity varchar(60) NOT NULL,
    entity_id varchar(64) NOT NULL DEFAULT '',
    before jsonb,
    after jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_created_idx ON audit_log (created_at DESC);

CREATE TABLE customer (
    id uuid PRIMARY KEY,
    full_name varchar(200) NOT NULL,
    email varchar(254),
    phone varchar(32),
    company varchar(200),
    notes text NOT NULL DEFAULT '',
    tags jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX customer_email_key ON customer (lower(email));

CREATE TABLE inventory_item (
    id uuid PRIMARY KEY,
    sku varchar(64) NOT NULL,
    name varchar(200) NOT NULL,
    category varchar(60) NOT NULL,
    price numeric(12, 2) NOT NULL CHECK (price >= 0),
    quantity integer NOT NULL DEFAULT 0 CHECK (quantity >= 0),
    status varchar(20) NOT NULL DEFAULT 'in_stock',
    specifications jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX inventory_item_sku_key ON inventory_item (sku);

CREATE TABLE sales_order (
    id uuid PRIMARY KEY,
    customer_id uuid NOT NULL REFERENCES customer (id) ON DELETE RESTRICT,
    status varchar(20) NOT NULL DEFAULT 'pending',
    payment_status varchar(20) NOT NULL DEFAULT 'pending',
    total_amount numeric(12, 2) NOT NULL DEFAULT 0,
    currency char(3) NOT NULL DEFAULT 'USD',
    notes text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sales_order_customer_idx ON sales_order (customer_id);

CREATE TABLE order_item (
    id uuid PRIMARY KEY,
    order_id uuid NOT NULL REFERENCES sales_order (id) ON DELETE CASCADE,
    inventory_id uuid NOT NULL REFERENCES inventory_item (id) ON DELETE RESTRICT,
    quantity integer NOT NULL CHECK (quantity > 0),
    unit_price numeric(12, 2) NOT NULL CHECK (unit_price >= 0)
);
CREATE INDEX order_item_order_idx ON order_item (order_id);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenant", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
