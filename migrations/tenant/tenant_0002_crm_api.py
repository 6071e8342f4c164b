"""Tenant schema: jeweler fields and search on customers, inventory indexes, event outbox,
idempotency keys."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "tenant_0002_crm_api"
VERSION = "1.38.0"
DESCRIPTION = "customer jeweler fields and search, inventory indexes, event outbox, idempotency"

SQL = """
ALTER TABLE customer
    ADD COLUMN birthday date,
    ADD COLUMN anniversary date,
    ADD COLUMN ring_size_mm numeric(5, 2),
    ADD COLUMN ring_size_system varchar(2),
    ADD COLUMN ring_size_label varchar(8),
    ADD COLUMN marketing_consent boolean NOT NULL DEFAULT false,
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', regexp_replace(lower(
            full_name || ' ' || coalesce(email, '') || ' ' || coalesce(phone, '') || ' '
            || coalesce(company, '')), '[^[:alnum:]]+', ' ', 'g'))
    ) STORED;
CREATE INDEX customer_search_idx ON customer USING gin (search_vector);
CREATE INDEX customer_created_idx ON customer (created_at DESC, id DESC);
CREATE INDEX customer_name_idx ON customer (lower(full_name), id);

ALTER TABLE inventory_item
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', regexp_replace(lower(sku || ' ' || name || ' ' || category),
            '[^[:alnum:]]+', ' ', 'g'))
    ) STORED;
CREATE INDEX inventory_item_search_idx ON inventory_item USING gin (search_vector);
CREATE INDEX inventory_item_created_idx ON inventory_item (created_at DESC, id DESC);
CREATE INDEX inventory_item_category_idx ON inventory_item (category, status);

CREATE INDEX sales_order_created_idx ON sales_order (created_at DESC, id DESC);
CREATE INDEX sales_order_status_idx ON sales_order (status, payment_status);
CREATE INDEX order_item_inventory_idx ON order_item (inventory_id);

CREATE TABLE event_outbox (
    id uuid PRIMARY KEY,
    event_type varchar(60) NOT NULL,
    payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    dispatched_at timestamptz
);
CREATE INDEX event_outbox_pending_idx ON event_outbox (created_at) WHERE dispatched_at IS NULL;

CREATE TABLE idempotency_key (
    key varchar(255) PRIMARY KEY,
    request_hash varchar(64) NOT NULL,
    method varchar(10) NOT NULL,
    path text NOT NULL,
    status_code integer,
    response_body bytea,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idempotency_key_created_idx ON idempotency_key (created_at);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenant", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
