"""Alert rules on a business's API traffic: their incidents, evaluation and notifications.

Metrics are read from `public.request_log` (source 'server') over [now - window, now):
`error_rate` is the percent of requests answered 5xx (a 4xx is the client's mistake, not an
outage), `p95_latency` the 95th percentile of duration in ms (percentile_disc), `request_volume`
the request count, and `hourly_limit_share` the percent of the plan's requests_per_hour used in
the current UTC hour (its window is that hour). A window without requests has no error rate or
p95, so those rules stay quiet. `now` is a parameter everywhere so tests control the clock.
"""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from jewelia.core.api import Page
from jewelia.core.db import TenantRef, execute, fetch, tenant_scope
from jewelia.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from jewelia.core.settings import get_settings
from jewelia.core.validation import Checker
from jewelia.platform.analytics.usage import full_route
from jewelia.platform.billing.plans import plan_named
from jewelia.platform.mail import service as mail
from jewelia.tenants.audit.service import Actor, record
from jewelia.tenants.notifications import service as notifications
from jewelia.tenants.webhooks import outbox

METRICS = ("error_rate", "p95_latency", "request_volume", "hourly_limit_share")
COMPARISONS = ("above", "below")
CHANNELS = ("email", "in_app", "webhook")
STATES = ("triggered", "acknowledged", "resolved")
OPEN_STATES = ("triggered", "acknowledged")
UNITS = {"error_rate": "%", "p95_latency": " ms", "request_volume": "", "hourly_limit_share": "%"}
LABELS = {
    "error_rate": "Error rate (5xx)",
    "p95_latency": "p95 latency",
    "request_volume": "Request volume",
    "hourly_limit_share": "Hourly limit used",
}
# Upper bound of a threshold per metric: percentages, milliseconds, a count.
MAX_THRESHOLD = {
    "error_rate": Decimal(100),
    "p95_latency": Decimal(600_000),
    "request_volume": Decimal(1_000_000_000),
    "hourly_limit_share": Decimal(1000),
}
MAX_RULES = 50
PAGE_LINK = "/developers/alerts"

RULE_COLUMNS = (
    "id, name, metric, comparison, threshold, window_minutes, cooldown_minutes, notify_email,"
    " notify_in_app, notify_webhook, enabled, api_key_id, route, created_by, created_at,"
    " updated_at"
)
INCIDENT_COLUMNS = (
    "i.id, i.rule_id, r.name AS rule_name, r.metric, r.comparison, i.state, i.value,"
    " i.last_value, i.threshold, r.window_minutes, i.triggered_at, i.acknowledged_at,"
    " i.acknowledged_by, i.resolved_at, i.resolved_by, i.resolved_auto, i.last_notified_at,"
    " i.notifications"
)
DEFAULTS: dict[str, Any] = {
    "comparison": "above",
    "cooldown_minutes": 60,
    "channels": list(CHANNELS),
    "enabled": True,
    "api_key_id": None,
    "route": None,
}


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _num(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def public_rule(row: dict[str, Any]) -> dict[str, Any]:
    """A rule in the API's shape."""
    channels = [c for c in CHANNELS if row[f"notify_{c}"]]
    return {
        "id": row["id"],
        "name": row["name"],
        "metric": row["metric"],
        "comparison": row["comparison"],
        "threshold": float(row["threshold"]),
        "window_minutes": row["window_minutes"],
        "cooldown_minutes": row["cooldown_minutes"],
        "channels": channels,
        "enabled": row["enabled"],
        "api_key_id": row["api_key_id"],
        "route": row["route"],
        "created_by": row["created_by"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def public_incident(row: dict[str, Any]) -> dict[str, Any]:
    """An incident in the API's shape (with its rule's name and metric)."""
    return {
        "id": row["id"],
        "rule_id": row["rule_id"],
        "rule_name": row["rule_name"],
        "metric": row["metric"],
        "comparison": row["comparison"],
        "state": row["state"],
        "value": float(row["value"]),
        "last_value": float(row["last_value"]),
        "threshold": float(row["threshold"]),
        "window_minutes": row["window_minutes"],
        "triggered_at": row["triggered_at"],
        "acknowledged_at": row["acknowledged_at"],
        "acknowledged_by": row["acknowledged_by"],
        "resolved_at": row["resolved_at"],
        "resolved_by": row["resolved_by"],
        "resolved_automatically": row["resolved_auto"],
        "last_notified_at": row["last_notified_at"],
        "notifications": row["notifications"],
    }


# -- rules ------------------------------------------------------------------------------------


def _int(check: Checker, field: str, value: Any, low: int, high: int, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        check.add(field, f"{label} must be a whole number", "INVALID_NUMBER")
        return low
    try:
        number = int(value)
    except ValueError:
        check.add(field, f"{label} must be a whole number", "INVALID_NUMBER")
        return low
    if not low <= number <= high:
        check.add(field, f"{label} must be between {low} and {high}", "OUT_OF_RANGE")
    return number


def _threshold(check: Checker, metric: str, value: Any) -> Decimal:
    if isinstance(value, bool) or value is None:
        check.add("threshold", "Threshold must be a number", "INVALID_NUMBER")
        return Decimal(0)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        check.add("threshold", "Threshold must be a number", "INVALID_NUMBER")
        return Decimal(0)
    high = MAX_THRESHOLD.get(metric, MAX_THRESHOLD["request_volume"])
    if not Decimal(0) <= number <= high:
        unit = UNITS.get(metric, "").strip() or "requests"
        check.add("threshold", f"Threshold must be between 0 and {high} ({unit})", "OUT_OF_RANGE")
        return Decimal(0)
    return number.quantize(Decimal("0.0001"))


def _text(check: Checker, field: str, value: Any, label: str, max_len: int) -> str:
    """Check.text that also refuses text PostgreSQL cannot store (lone surrogates)."""
    text = check.text(field, value if isinstance(value, str) else "", label, max_len)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        check.add(field, f"{label} is not valid text", "INVALID")
        return ""
    return text


def _channels(check: Checker, value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(c, str) for c in value):
        check.add("channels", 'Channels must be a list such as ["email", "in_app"]', "INVALID")
        return []
    unknown = [c for c in value if c not in CHANNELS]
    if unknown:
        check.add(
            "channels",
            f"Unknown channel {unknown[0][:40]!r}: use {', '.join(CHANNELS)}",
            "INVALID_CHOICE",
        )
    elif not value:
        check.add("channels", "Choose at least one channel", "REQUIRED")
    return list(dict.fromkeys(value))


async def _check_rule(tenant: TenantRef, values: dict[str, Any]) -> dict[str, Any]:
    """Validated column values for a whole rule, or ValidationFailed listing every problem."""
    check = Checker()
    name = values.get("name")
    name = _text(check, "name", name, "Name", 120)
    metric = values.get("metric")
    metric = check.choice("metric", metric if isinstance(metric, str) else "", METRICS, "Metric")
    comparison = values.get("comparison")
    comparison = check.choice(
        "comparison", comparison if isinstance(comparison, str) else "", COMPARISONS, "Comparison"
    )
    threshold = _threshold(check, metric, values.get("threshold"))
    window = _int(check, "window_minutes", values.get("window_minutes"), 5, 1440, "Window")
    cooldown = _int(check, "cooldown_minutes", values.get("cooldown_minutes"), 1, 10080, "Cooldown")
    channels = _channels(check, values.get("channels"))
    enabled = values.get("enabled")
    if not isinstance(enabled, bool):
        check.add("enabled", "enabled must be true or false", "INVALID_BOOLEAN")
    key_id = values.get("api_key_id")
    if key_id is not None:
        try:
            key_id = key_id if isinstance(key_id, uuid.UUID) else uuid.UUID(str(key_id))
        except ValueError:
            check.add("api_key_id", "api_key_id must be an API key's id", "INVALID_UUID")
            key_id = None
        else:
            found = await fetch(
                "SELECT 1 FROM public.api_key WHERE id = $1 AND tenant_id = $2", key_id, tenant.id
            )
            if not found:
                check.add("api_key_id", "No API key of this business has that id", "NOT_FOUND")
    route = values.get("route")
    if route is not None:
        route = _text(check, "route", route, "Route", 300)
        if route and not route.startswith("/"):
            check.add("route", "Route is a route template such as /customers", "INVALID")
        route = full_route(route) if route else None
    check.raise_if_any()
    return {
        "name": name,
        "metric": metric,
        "comparison": comparison,
        "threshold": threshold,
        "window_minutes": window,
        "cooldown_minutes": cooldown,
        "notify_email": "email" in channels,
        "notify_in_app": "in_app" in channels,
        "notify_webhook": "webhook" in channels,
        "enabled": enabled,
        "api_key_id": key_id,
        "route": route,
    }


async def list_rules(tenant: TenantRef) -> list[dict[str, Any]]:
    """The business's rules, oldest first."""
    async with tenant_scope(tenant):
        rows = await fetch(
            f"SELECT {RULE_COLUMNS} FROM public.alert_rule WHERE tenant_id = $1"
            " ORDER BY created_at, id",
            tenant.id,
        )
    return [public_rule(r) for r in rows]


async def _rule_row(tenant: TenantRef, rule_id: uuid.UUID, lock: bool = False) -> dict[str, Any]:
    rows = await fetch(
        f"SELECT {RULE_COLUMNS} FROM public.alert_rule WHERE id = $1 AND tenant_id = $2"
        + (" FOR UPDATE" if lock else ""),
        rule_id,
        tenant.id,
    )
    if not rows:
        raise NotFound("Alert rule not found")
    return rows[0]


async def get_rule(tenant: TenantRef, rule_id: uuid.UUID) -> dict[str, Any]:
    """One rule of the business, or NotFound."""
    async with tenant_scope(tenant):
        return public_rule(await _rule_row(tenant, rule_id))


async def create_rule(
    tenant: TenantRef, values: dict[str, Any], actor: Actor | None = None
) -> dict[str, Any]:
    """Add a rule (missing optional fields take their defaults)."""
    actor = actor or Actor.system()
    created_by = actor.id if actor.type == "user" else None
    async with tenant_scope(tenant):
        # Serialises concurrent creates of one business so the cap holds.
        await fetch("SELECT 1 FROM public.tenant WHERE id = $1 FOR UPDATE", tenant.id)
        count = await fetch(
            "SELECT count(*) AS n FROM public.alert_rule WHERE tenant_id = $1", tenant.id
        )
        if count[0]["n"] >= MAX_RULES:
            raise ValidationFailed(
                [FieldError("name", f"A business has at most {MAX_RULES} alert rules", "TOO_MANY")]
            )
        cols = await _check_rule(tenant, {**DEFAULTS, **values})
        rows = await fetch(
            "INSERT INTO public.alert_rule (id, tenant_id, created_by, name, metric, comparison,"
            " threshold, window_minutes, cooldown_minutes, notify_email, notify_in_app,"
            " notify_webhook, enabled, api_key_id, route) VALUES ($1, $2, $3, $4, $5, $6, $7,"
            f" $8, $9, $10, $11, $12, $13, $14, $15) RETURNING {RULE_COLUMNS}",
            uuid.uuid4(),
            tenant.id,
            created_by,
            *cols.values(),
        )
        rule = public_rule(rows[0])
        await record(actor, "alert_rule.created", "alert_rule", rule["id"], None, rule)
    return rule


async def update_rule(
    tenant: TenantRef, rule_id: uuid.UUID, values: dict[str, Any], actor: Actor | None = None
) -> dict[str, Any]:
    """Change the fields given; the rest keep their values."""
    async with tenant_scope(tenant):
        current = public_rule(await _rule_row(tenant, rule_id, lock=True))
        cols = await _check_rule(tenant, {**current, **values})
        sets = ", ".join(f"{name} = ${i}" for i, name in enumerate(cols, start=3))
        rows = await fetch(
            f"UPDATE public.alert_rule SET {sets}, updated_at = now()"
            f" WHERE id = $1 AND tenant_id = $2 RETURNING {RULE_COLUMNS}",
            rule_id,
            tenant.id,
            *cols.values(),
        )
        rule = public_rule(rows[0])
        await record(
            actor or Actor.system(), "alert_rule.updated", "alert_rule", rule_id, current, rule
        )
    return rule


async def delete_rule(tenant: TenantRef, rule_id: uuid.UUID, actor: Actor | None = None) -> None:
    """Delete a rule and its incidents."""
    async with tenant_scope(tenant):
        rows = await fetch(
            f"DELETE FROM public.alert_rule WHERE id = $1 AND tenant_id = $2 RETURNING {RULE_COLUMNS}",
            rule_id,
            tenant.id,
        )
        if not rows:
            raise NotFound("Alert rule not found")
        before = public_rule(rows[0])
        await record(actor or Actor.system(), "alert_rule.deleted", "alert_rule", rule_id, before)


# -- measuring --------------------------------------------------------------------------------


async def measure(
    tenant_id: uuid.UUID, rule: dict[str, Any], plan_limit: int, now: datetime
) -> float | None:
    """The rule's metric at `now` (None when the window has no requests to judge)."""
    if rule["metric"] == "hourly_limit_share":
        start = now.replace(minute=0, second=0, microsecond=0)
    else:
        start = now - timedelta(minutes=rule["window_minutes"])
    rows = await fetch(
        "SELECT count(*) AS n, count(*) FILTER (WHERE status >= 500) AS failed,"
        " percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95"
        " FROM public.request_log WHERE tenant_id = $1 AND source = 'server'"
        " AND at >= $2 AND at < $3 AND ($4::uuid IS NULL OR credential_id = $4)"
        " AND ($5::text IS NULL OR route = $5)",
        tenant_id,
        start,
        now,
        rule["api_key_id"],
        rule["route"],
    )
    n, failed, p95 = rows[0]["n"], rows[0]["failed"], rows[0]["p95"]
    metric = rule["metric"]
    if metric == "request_volume":
        return float(n)
    if metric == "hourly_limit_share":
        return round(100.0 * n / max(plan_limit, 1), 4)
    if not n:
        return None
    if metric == "error_rate":
        return round(100.0 * failed / n, 4)
    return round(float(p95), 4)


def breached(rule: dict[str, Any], value: float | None) -> bool:
    """Whether the measured value crosses the rule's threshold."""
    if value is None or math.isnan(value):
        return False
    threshold = float(rule["threshold"])
    return value > threshold if rule["comparison"] == "above" else value < threshold


# -- notifying --------------------------------------------------------------------------------


def _shown(metric: str, value: float) -> str:
    text = (
        f"{value:,.0f}" if metric == "request_volume" else f"{value:,.2f}".rstrip("0").rstrip(".")
    )
    return f"{text}{UNITS[metric]}"


def _event_data(incident: dict[str, Any]) -> dict[str, Any]:
    return {
        "incident_id": str(incident["id"]),
        "rule_id": str(incident["rule_id"]),
        "rule_name": incident["rule_name"],
        "metric": incident["metric"],
        "comparison": incident["comparison"],
        "threshold": float(incident["threshold"]),
        "value": float(incident["last_value"]),
        "window_minutes": incident["window_minutes"],
        "triggered_at": incident["triggered_at"].isoformat().replace("+00:00", "Z"),
    }


async def _managers(tenant_id: uuid.UUID) -> list[str]:
    rows = await fetch(
        "SELECT u.email FROM public.membership m JOIN public.app_user u ON u.id = m.user_id"
        " WHERE m.tenant_id = $1 AND m.role IN ('owner', 'admin') ORDER BY u.email",
        tenant_id,
    )
    return [r["email"] for r in rows]


async def _notify(rule: dict[str, Any], incident: dict[str, Any], kind: str, repeat: bool) -> None:
    """Tell the business through the rule's channels, inside the caller's tenant transaction."""
    metric = incident["metric"]
    value = _shown(metric, float(incident["last_value"]))
    limit = _shown(metric, float(incident["threshold"]))
    window = (
        "this hour" if metric == "hourly_limit_share" else f"the last {rule['window_minutes']} min"
    )
    if kind == "triggered":
        title = f"Alert: {incident['rule_name']}"
        body = (
            f"{LABELS[metric]} is {value} over {window}, {incident['comparison']} the"
            f" threshold of {limit}."
        )
    else:
        how = "automatically: the condition cleared" if incident["resolved_auto"] else "by a member"
        title = f"Resolved: {incident['rule_name']}"
        body = f"{LABELS[metric]} is {value} over {window}; the alert was resolved {how}."
    if rule["notify_in_app"]:
        n = incident["notifications"]
        await notifications.add(
            title,
            body,
            link=PAGE_LINK,
            source_type="alert",
            source_id=incident["id"],
            idempotency_key=f"alert:{incident['id']}:{kind}:{n}",
        )
    if rule["notify_email"]:
        link = get_settings().base_url + PAGE_LINK
        text = f"{body}\n\nIncident {incident['id']} of rule {incident['rule_name']!r}.\n{link}\n"
        for address in await _managers(outbox.current_tenant_id()):
            await mail.queue_email(address, f"[Jewelia] {title}", text)
    if rule["notify_webhook"]:
        data = _event_data(incident)
        if kind == "triggered":
            await outbox.emit("alert.triggered", {**data, "state": "triggered", "repeat": repeat})
        else:
            resolved_at = incident["resolved_at"].isoformat().replace("+00:00", "Z")
            by = incident["resolved_by"]
            await outbox.emit(
                "alert.resolved",
                {
                    **data,
                    "state": "resolved",
                    "resolved_at": resolved_at,
                    "resolved_by": None if by is None else str(by),
                    "auto": incident["resolved_auto"],
                },
            )


async def _incident(incident_id: uuid.UUID, tenant_id: uuid.UUID) -> dict[str, Any] | None:
    rows = await fetch(
        f"SELECT {INCIDENT_COLUMNS} FROM public.alert_incident i"
        " JOIN public.alert_rule r ON r.id = i.rule_id WHERE i.id = $1 AND i.tenant_id = $2",
        incident_id,
        tenant_id,
    )
    return rows[0] if rows else None


async def _open_incident(incident_id: uuid.UUID, tenant_id: uuid.UUID) -> dict[str, Any]:
    """The incident, locked for the change; NotFound, or Conflict once it is resolved."""
    await execute(
        "SELECT 1 FROM public.alert_incident WHERE id = $1 AND tenant_id = $2 FOR UPDATE",
        incident_id,
        tenant_id,
    )
    row = await _incident(incident_id, tenant_id)
    if row is None:
        raise NotFound("Alert incident not found")
    if row["state"] == "resolved":
        raise Conflict("This incident is already resolved")
    return row


# -- evaluating -------------------------------------------------------------------------------


async def evaluate(now: datetime | None = None) -> dict[str, int]:
    """Evaluate every enabled rule of every active business at `now`; counts of what changed."""
    now = _now(now)
    rules = await fetch(
        "SELECT r.id, r.tenant_id, t.schema_name, t.plan FROM public.alert_rule r"
        " JOIN public.tenant t ON t.id = r.tenant_id"
        " WHERE r.enabled AND t.status = 'active' ORDER BY r.tenant_id, r.id"
    )
    counts = {"rules": len(rules), "triggered": 0, "renotified": 0, "resolved": 0}
    for row in rules:
        ref = TenantRef(id=row["tenant_id"], schema_name=row["schema_name"])
        limit = (await plan_named(row["plan"])).requests_per_hour
        outcome = await evaluate_rule(ref, row["id"], limit, now)
        if outcome in counts:
            counts[outcome] += 1
    if counts["triggered"] or counts["renotified"] or counts["resolved"]:
        mail.send_soon()
    return counts


async def evaluate_rule(
    tenant: TenantRef, rule_id: uuid.UUID, plan_limit: int, now: datetime
) -> str:
    """One rule, in one transaction: open, re-notify or resolve its incident; what happened."""
    async with tenant_scope(tenant):
        rows = await fetch(
            f"SELECT {RULE_COLUMNS} FROM public.alert_rule WHERE id = $1 AND tenant_id = $2"
            " AND enabled FOR UPDATE",
            rule_id,
            tenant.id,
        )
        if not rows:
            return "gone"
        rule = rows[0]
        value = await measure(tenant.id, rule, plan_limit, now)
        hit = breached(rule, value)
        open_rows = await fetch(
            "SELECT id, state, last_notified_at FROM public.alert_incident"
            " WHERE rule_id = $1 AND tenant_id = $2 AND state <> 'resolved' FOR UPDATE",
            rule_id,
            tenant.id,
        )
        current = open_rows[0] if open_rows else None
        if hit and current is None:
            assert value is not None
            made = await fetch(
                "INSERT INTO public.alert_incident (id, rule_id, tenant_id, value, last_value,"
                " threshold, triggered_at, last_notified_at, notifications)"
                " VALUES ($1, $2, $3, $4, $4, $5, $6, $6, 1) RETURNING id",
                uuid.uuid4(),
                rule_id,
                tenant.id,
                Decimal(str(value)),
                rule["threshold"],
                now,
            )
            incident = await _incident(made[0]["id"], tenant.id)
            assert incident is not None
            await _notify(rule, incident, "triggered", repeat=False)
            return "triggered"
        if current is None:
            return "clear"
        if hit:
            assert value is not None
            cooldown = timedelta(minutes=rule["cooldown_minutes"])
            due = current["state"] == "triggered" and (
                current["last_notified_at"] is None or now - current["last_notified_at"] >= cooldown
            )
            await execute(
                "UPDATE public.alert_incident SET last_value = $3,"
                " last_notified_at = CASE WHEN $4 THEN $5 ELSE last_notified_at END,"
                " notifications = notifications + CASE WHEN $4 THEN 1 ELSE 0 END"
                " WHERE id = $1 AND tenant_id = $2",
                current["id"],
                tenant.id,
                Decimal(str(value)),
                due,
                now,
            )
            if not due:
                return "open"
            incident = await _incident(current["id"], tenant.id)
            assert incident is not None
            await _notify(rule, incident, "triggered", repeat=True)
            return "renotified"
        await execute(
            "UPDATE public.alert_incident SET state = 'resolved', resolved_at = $3,"
            " resolved_auto = true, last_value = coalesce($4, last_value)"
            " WHERE id = $1 AND tenant_id = $2",
            current["id"],
            tenant.id,
            now,
            None if value is None else Decimal(str(value)),
        )
        incident = await _incident(current["id"], tenant.id)
        assert incident is not None
        await _notify(rule, incident, "resolved", repeat=False)
        return "resolved"


# -- incidents --------------------------------------------------------------------------------


async def list_incidents(
    tenant: TenantRef, page: Page, state: str | None = None, rule_id: uuid.UUID | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Incidents newest first; `state` is one of STATES or `open` (triggered or acknowledged)."""
    if state is not None and state not in (*STATES, "open"):
        raise ValidationFailed(
            [
                FieldError(
                    "state", f"state must be one of: open, {', '.join(STATES)}", "INVALID_CHOICE"
                )
            ]
        )
    states = list(OPEN_STATES) if state == "open" else ([state] if state else list(STATES))
    async with tenant_scope(tenant):
        rows = await fetch(
            f"SELECT {INCIDENT_COLUMNS}, count(*) OVER () AS total FROM public.alert_incident i"
            " JOIN public.alert_rule r ON r.id = i.rule_id WHERE i.tenant_id = $1"
            " AND i.state = ANY($2::text[]) AND ($3::uuid IS NULL OR i.rule_id = $3)"
            " ORDER BY i.triggered_at DESC, i.id DESC LIMIT $4 OFFSET $5",
            tenant.id,
            states,
            rule_id,
            page.limit,
            page.offset,
        )
        total = rows[0]["total"] if rows else 0
        if not rows and page.offset:
            counted = await fetch(
                "SELECT count(*) AS n FROM public.alert_incident WHERE tenant_id = $1"
                " AND state = ANY($2::text[]) AND ($3::uuid IS NULL OR rule_id = $3)",
                tenant.id,
                states,
                rule_id,
            )
            total = counted[0]["n"]
    return [public_incident(r) for r in rows], int(total)


async def get_incident(tenant: TenantRef, incident_id: uuid.UUID) -> dict[str, Any]:
    """One incident of the business, or NotFound."""
    async with tenant_scope(tenant):
        row = await _incident(incident_id, tenant.id)
    if row is None:
        raise NotFound("Alert incident not found")
    return public_incident(row)


async def acknowledge(
    tenant: TenantRef, incident_id: uuid.UUID, actor: Actor, now: datetime | None = None
) -> dict[str, Any]:
    """Acknowledge an open incident: it stays open but is not notified again."""
    async with tenant_scope(tenant):
        row = await _open_incident(incident_id, tenant.id)
        if row["state"] == "triggered":
            await execute(
                "UPDATE public.alert_incident SET state = 'acknowledged', acknowledged_at = $3,"
                " acknowledged_by = $4 WHERE id = $1 AND tenant_id = $2",
                incident_id,
                tenant.id,
                _now(now),
                actor.id,
            )
            changed = await _incident(incident_id, tenant.id)
            assert changed is not None
            row = changed
            after = public_incident(row)
            await record(actor, "alert.acknowledged", "alert_incident", incident_id, None, after)
    return public_incident(row)


async def resolve(
    tenant: TenantRef, incident_id: uuid.UUID, actor: Actor, now: datetime | None = None
) -> dict[str, Any]:
    """Resolve an open incident by hand (notified like an automatic resolve)."""
    async with tenant_scope(tenant):
        await _open_incident(incident_id, tenant.id)
        await execute(
            "UPDATE public.alert_incident SET state = 'resolved', resolved_at = $3,"
            " resolved_by = $4, resolved_auto = false WHERE id = $1 AND tenant_id = $2",
            incident_id,
            tenant.id,
            _now(now),
            actor.id,
        )
        row = await _incident(incident_id, tenant.id)
        assert row is not None
        await record(
            actor, "alert.resolved", "alert_incident", incident_id, None, public_incident(row)
        )
        rule = await _rule_row(tenant, row["rule_id"])
        await _notify(rule, row, "resolved", repeat=False)
    mail.send_soon()
    return public_incident(row)


# -- the weekly report opt-in -----------------------------------------------------------------


async def report_subscribed(tenant: TenantRef, user_id: uuid.UUID) -> bool:
    """Whether the user gets the business's weekly usage report."""
    async with tenant_scope(tenant):
        rows = await fetch(
            "SELECT 1 FROM public.usage_report_subscription WHERE tenant_id = $1 AND user_id = $2",
            tenant.id,
            user_id,
        )
    return bool(rows)


async def set_report_subscription(tenant: TenantRef, user_id: uuid.UUID, on: bool) -> bool:
    """Opt the user in to (or out of) the business's weekly usage report."""
    async with tenant_scope(tenant):
        if on:
            await execute(
                "INSERT INTO public.usage_report_subscription (tenant_id, user_id)"
                " SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM public.membership"
                " WHERE tenant_id = $1 AND user_id = $2) ON CONFLICT DO NOTHING",
                tenant.id,
                user_id,
            )
        else:
            await execute(
                "DELETE FROM public.usage_report_subscription WHERE tenant_id = $1"
                " AND user_id = $2",
                tenant.id,
                user_id,
            )
    return on
