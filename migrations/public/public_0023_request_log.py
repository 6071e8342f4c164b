"""Public schema: the API request log, one partition per UTC day."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0023_request_log"
VERSION = "1.38.0"
DESCRIPTION = "request_log partitioned by day, and the function that makes a day's partition"

# One row per API request a business made (source 'server': what we measured) or reported
# itself through POST /analytics/api-usage (source 'client'). Bodies are never stored, nor the
# query string. Partitioned by day so retention drops whole partitions instead of deleting
# rows; no foreign key to public.tenant, so COPY batches check nothing per row (rows of a
# deleted business age out with their partitions). There is no DEFAULT partition: attaching a
# new day would then have to scan it; the writer makes the day's partition before writing.
SQL = """
CREATE TABLE public.request_log (
    at timestamptz NOT NULL,
    tenant_id uuid NOT NULL,
    request_id varchar(64) NOT NULL,
    source text NOT NULL DEFAULT 'server' CHECK (source IN ('server', 'client')),
    credential_type text NOT NULL CHECK (credential_type IN ('api_key', 'user', 'app', 'client')),
    credential_id uuid NULL,
    credential_label varchar(200) NOT NULL DEFAULT '',
    method varchar(10) NOT NULL,
    route varchar(300) NOT NULL,
    path varchar(2000) NOT NULL,
    status smallint NOT NULL CHECK (status BETWEEN 100 AND 599),
    duration_ms real NOT NULL CHECK (duration_ms >= 0),
    request_size integer NOT NULL DEFAULT 0 CHECK (request_size >= 0),
    response_size integer NOT NULL DEFAULT 0 CHECK (response_size >= 0),
    user_agent varchar(500) NOT NULL DEFAULT '',
    ip_address inet NULL,
    error_code varchar(64) NULL,
    user_id varchar(200) NULL
) PARTITION BY RANGE (at);
CREATE INDEX request_log_tenant_at_idx ON public.request_log (tenant_id, at DESC);
CREATE INDEX request_log_tenant_request_idx ON public.request_log (tenant_id, request_id);

CREATE FUNCTION public.request_log_partition(day date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    name text := 'request_log_' || to_char(day, 'YYYYMMDD');
BEGIN
    IF to_regclass('public.' || name) IS NULL THEN
        EXECUTE format(
            'CREATE TABLE IF NOT EXISTS public.%I PARTITION OF public.request_log'
            ' FOR VALUES FROM (%L) TO (%L)',
            name, day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC'
        );
    END IF;
    RETURN name;
END $$;

SELECT public.request_log_partition((now() AT TIME ZONE 'UTC')::date + d)
FROM generate_series(-1, 2) AS d;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
