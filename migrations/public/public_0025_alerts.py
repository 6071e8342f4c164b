"""Public schema: alert rules on the request log, their incidents, and the weekly report opt-in."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from jewelia.core.migrations import sql_steps

ID = "public_0025_alerts"
VERSION = "1.38.0"
DESCRIPTION = "alert_rule, alert_incident (one open per rule), usage_report_subscription"

# Rules and incidents live in public beside the request log they read; every query filters by
# the caller's tenant_id. One open (triggered or acknowledged) incident per rule is the
# database's rule (a partial unique index), so two evaluators racing open only one.
SQL = """
CREATE TABLE public.alert_rule (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES public.tenant (id) ON DELETE CASCADE,
    name varchar(120) NOT NULL,
    metric text NOT NULL
        CHECK (metric IN ('error_rate', 'p95_latency', 'request_volume', 'hourly_limit_share')),
    comparison text NOT NULL DEFAULT 'above' CHECK (comparison IN ('above', 'below')),
    threshold numeric(14, 4) NOT NULL CHECK (threshold >= 0),
    window_minutes integer NOT NULL CHECK (window_minutes BETWEEN 5 AND 1440),
    cooldown_minutes integer NOT NULL DEFAULT 60 CHECK (cooldown_minutes BETWEEN 1 AND 10080),
    notify_email boolean NOT NULL DEFAULT true,
    notify_in_app boolean NOT NULL DEFAULT true,
    notify_webhook boolean NOT NULL DEFAULT true,
    enabled boolean NOT NULL DEFAULT true,
    api_key_id uuid NULL,
    route varchar(300) NULL,
    created_by uuid NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_rule_tenant_idx ON public.alert_rule (tenant_id, created_at);
CREATE INDEX alert_rule_enabled_idx ON public.alert_rule (tenant_id) WHERE enabled;

CREATE TABLE public.alert_incident (
    id uuid PRIMARY KEY,
    rule_id uuid NOT NULL REFERENCES public.alert_rule (id) ON DELETE CASCADE,
    tenant_id uuid NOT NULL REFERENCES public.tenant (id) ON DELETE CASCADE,
    state text NOT NULL DEFAULT 'triggered'
        CHECK (state IN ('triggered', 'acknowledged', 'resolved')),
    value numeric(14, 4) NOT NULL,
    threshold numeric(14, 4) NOT NULL,
    last_value numeric(14, 4) NOT NULL,
    triggered_at timestamptz NOT NULL,
    acknowledged_at timestamptz NULL,
    acknowledged_by uuid NULL,
    resolved_at timestamptz NULL,
    resolved_by uuid NULL,
    resolved_auto boolean NOT NULL DEFAULT false,
    last_notified_at timestamptz NULL,
    notifications integer NOT NULL DEFAULT 0,
    CHECK ((state = 'resolved') = (resolved_at IS NOT NULL))
);
CREATE UNIQUE INDEX alert_incident_open_key ON public.alert_incident (rule_id)
    WHERE state <> 'resolved';
CREATE INDEX alert_incident_tenant_idx ON public.alert_incident (tenant_id, triggered_at DESC);

CREATE TABLE public.usage_report_subscription (
    tenant_id uuid NOT NULL REFERENCES public.tenant (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES public.app_user (id) ON DELETE CASCADE,
    last_sent_week date NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id)
);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="public", description=DESCRIPTION)
    manager.add_raw(sql_steps(SQL))
    return manager
