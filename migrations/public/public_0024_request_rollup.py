"""Public schema: hourly and daily rollups of the request log, with percentile sketches."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0024_request_rollup"
VERSION = "1.38.0"
DESCRIPTION = "request_rollup and request_rollup_total (hour and day grains) and their watermark"

# One row per (grain, bucket, business, source, credential, method, route, status class) with
# counts, the duration sum and a DDSketch (relative accuracy 1 %) as two parallel arrays: the
# sketch's bin keys (ascending) and their counts. Sketches merge by adding counts of equal keys,
# so any filter's percentiles come from merging rows (jewelia/platform/analytics/rollups.py).
# request_rollup_total holds the same per business and source alone (dim ''), per route and
# per credential, so a dashboard without filters reads a few dozen rows per bucket. A rolled
# hour is recomputed whole from the raw rows (delete then insert in one transaction), so
# re-running it gives the same rows.
SQL = """
CREATE TABLE public.request_rollup (
    grain text NOT NULL CHECK (grain IN ('hour', 'day')),
    bucket timestamptz NOT NULL,
    tenant_id uuid NOT NULL,
    source text NOT NULL,
    credential_type text NOT NULL,
    credential_id uuid NULL,
    credential_label varchar(200) NOT NULL,
    method varchar(10) NOT NULL,
    route varchar(300) NOT NULL,
    status_class smallint NOT NULL,
    requests bigint NOT NULL,
    errors bigint NOT NULL,
    duration_sum double precision NOT NULL,
    sketch_keys smallint[] NOT NULL,
    sketch_counts bigint[] NOT NULL
);
CREATE INDEX request_rollup_tenant_idx ON public.request_rollup (tenant_id, grain, bucket);
CREATE INDEX request_rollup_bucket_idx ON public.request_rollup (grain, bucket);

CREATE TABLE public.request_rollup_total (
    grain text NOT NULL CHECK (grain IN ('hour', 'day')),
    bucket timestamptz NOT NULL,
    tenant_id uuid NOT NULL,
    source text NOT NULL,
    -- '' the business's total; 'route' one per method+route; 'credential' one per credential
    dim text NOT NULL DEFAULT '' CHECK (dim IN ('', 'route', 'credential')),
    method varchar(10) NOT NULL DEFAULT '',
    route varchar(300) NOT NULL DEFAULT '',
    credential_type text NOT NULL DEFAULT '',
    credential_id uuid NULL,
    credential_label varchar(200) NOT NULL DEFAULT '',
    requests bigint NOT NULL,
    errors bigint NOT NULL,
    duration_sum double precision NOT NULL,
    sketch_keys smallint[] NOT NULL,
    sketch_counts bigint[] NOT NULL
);
CREATE INDEX request_rollup_total_tenant_idx
    ON public.request_rollup_total (tenant_id, grain, dim, bucket);
CREATE INDEX request_rollup_total_bucket_idx ON public.request_rollup_total (grain, bucket);

-- Every hour before rolled_until is rolled up and final; the hours after it are rolled up to
-- partial_until (a few seconds before the last run) and queries read raw rows from there on.
CREATE TABLE public.request_rollup_watermark (
    name text PRIMARY KEY,
    rolled_until timestamptz NOT NULL,
    partial_until timestamptz NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
