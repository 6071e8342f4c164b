"""REST controller for /api/v1/analytics/api-usage: the business's API usage (GET, `read`) and
a client's own request log lines (POST, `write`; kept apart as source 'client')."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.params import Parameter

from jewelia.core.api import ok, parse_datetime
from jewelia.core.errors import FieldError, ValidationFailed
from jewelia.platform.analytics import usage
from jewelia.platform.analytics.rollups import day_floor, hour_floor
from jewelia.platform.analytics.schemas import (
    ApiUsageEnvelope,
    ApiUsageLog,
    ApiUsageLoggedEnvelope,
)
from jewelia.platform.apikeys.guard import ApiAuth

MAX_DAYS = 400
MAX_HOUR_DAYS = 31
DEFAULT_DAYS = 30


def _period(start: str | None, end: str | None, group_by: str) -> tuple[datetime, datetime]:
    """The period asked for: [startDate, endDate); by default up to now, from the start of the
    day 29 days ago (by hour: of the hour 23 hours ago)."""
    errors = []
    try:
        until = parse_datetime("endDate", end) or datetime.now(UTC)
    except ValidationFailed as exc:
        errors += exc.errors
        until = datetime.now(UTC)
    # by default whole buckets: the last 30 days (today included) or the last 24 hours
    try:
        if group_by == "hour":
            default = hour_floor(until) - timedelta(hours=23)
        else:
            default = day_floor(until) - timedelta(days=DEFAULT_DAYS - 1)
    except OverflowError:  # an endDate in the first days of year 1
        errors.append(FieldError("endDate", "endDate is out of range", "OUT_OF_RANGE"))
        default = until
    try:
        since = parse_datetime("startDate", start) or default
    except ValidationFailed as exc:
        errors += exc.errors
        since = default
    if not errors:
        if since >= until:
            errors.append(FieldError("endDate", "endDate must be after startDate", "OUT_OF_RANGE"))
        elif until - since > timedelta(days=MAX_DAYS):
            errors.append(
                FieldError("startDate", f"At most {MAX_DAYS} days at a time", "OUT_OF_RANGE")
            )
        elif group_by == "hour" and until - since > timedelta(days=MAX_HOUR_DAYS):
            errors.append(
                FieldError(
                    "groupBy", f"groupBy=hour covers at most {MAX_HOUR_DAYS} days", "OUT_OF_RANGE"
                )
            )
    if errors:
        raise ValidationFailed(errors)
    return since, until


class ApiUsageController(Controller):
    path = "/analytics/api-usage"
    tags = ["Analytics"]

    @get(
        operation_id="getApiUsage",
        summary="API usage: requests, failures and latency over time, by endpoint and by key",
        description="Measured by the server (source=server, the default) or as logged by"
        " clients (source=client). The current hour is counted as it happens.",
    )
    async def get_usage(
        self,
        auth: ApiAuth,
        start_date: Annotated[
            str | None,
            Parameter(
                query="startDate",
                description="ISO 8601; default the start of the day 29 days ago (groupBy=hour:"
                " of the hour 23 hours ago)",
            ),
        ] = None,
        end_date: Annotated[
            str | None, Parameter(query="endDate", description="ISO 8601, exclusive; default now")
        ] = None,
        group_by: Annotated[
            str, Parameter(query="groupBy", description="hour, day (default) or week (UTC)")
        ] = "day",
        api_key: Annotated[
            str | None,
            Parameter(query="apiKey", max_length=200, description="An API key's id or prefix"),
        ] = None,
        route: Annotated[
            str | None,
            Parameter(max_length=300, description="A route template, e.g. /customers/{id}"),
        ] = None,
        status: Annotated[str | None, Parameter(description="A status class: 2xx … 5xx")] = None,
        source: Annotated[str, Parameter(description="server (default) or client")] = "server",
    ) -> Response[ApiUsageEnvelope]:
        errors = []
        if group_by not in usage.GROUPS:
            errors.append(FieldError("groupBy", "groupBy must be hour, day or week", "INVALID"))
        if status is not None and status.lower() not in usage.STATUS_CLASSES:
            errors.append(
                FieldError("status", "status must be 1xx, 2xx, 3xx, 4xx or 5xx", "INVALID")
            )
        if source not in ("server", "client"):
            errors.append(FieldError("source", "source must be server or client", "INVALID"))
        key_id = None
        if api_key:
            key_id = await usage.key_id_for(auth.tenant.id, api_key.strip())
            if key_id is None:
                errors.append(
                    FieldError(
                        "apiKey", "No API key of this business has this id or prefix", "NOT_FOUND"
                    )
                )
        try:
            since, until = _period(start_date, end_date, group_by)
        except ValidationFailed as exc:
            errors += exc.errors
        if errors:
            raise ValidationFailed(errors)
        data = await usage.api_usage(
            auth.tenant.id,
            since,
            until,
            group_by,
            api_key=key_id,
            route=route or None,
            status_class=status.lower() if status else None,
            source=source,
        )
        return ok(data)

    @post(
        operation_id="logApiUsage",
        summary="Log a request as the client measured it (kept apart: source=client)",
        status_code=201,
    )
    async def log_usage(self, auth: ApiAuth, data: ApiUsageLog) -> Response[ApiUsageLoggedEnvelope]:
        entry = {f: getattr(data, f) for f in data.__struct_fields__}
        return ok(await usage.log_client_request(auth.tenant.id, entry), status_code=201)
