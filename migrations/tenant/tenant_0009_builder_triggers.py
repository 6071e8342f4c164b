"""Tenant schema: builder webhook triggers (a URL and signing secret per flow) and the receipts
that make each delivery, event or schedule tick start at most one run."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "tenant_0009_builder_triggers"
VERSION = "1.38.0"
DESCRIPTION = "builder webhook triggers and trigger receipts"

# flow_webhook.enabled: whether the flow's published version has a webhook trigger (the URL is
# kept when it has not, so publishing the trigger again brings back the same URL and secret).
# flow_trigger_receipt: one row per (flow, delivery key): `webhook:<webhook-id>`,
# `event:<outbox event id>` or `schedule:<trigger index>:<fire time>`.
SQL = """
CREATE TABLE flow_webhook (
    flow_id uuid PRIMARY KEY,
    hook_id varchar(64) NOT NULL UNIQUE,
    secret_encrypted text NOT NULL,
    secret_preview varchar(40) NOT NULL,
    enabled boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    rotated_at timestamptz
);
CREATE TABLE flow_trigger_receipt (
    flow_id uuid NOT NULL,
    key varchar(400) NOT NULL,
    run_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (flow_id, key)
);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenant", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
