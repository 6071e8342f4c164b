"""Request and response structs of /api/v1/analytics/api-usage (the contract's field names)."""

from __future__ import annotations

from typing import Annotated

import msgspec


class ApiUsageSummary(msgspec.Struct):
    totalRequests: int
    successfulRequests: int
    failedRequests: Annotated[int, msgspec.Meta(description="Answered with a status >= 400")]
    averageResponseTime: Annotated[float, msgspec.Meta(description="Milliseconds")]
    p95ResponseTime: Annotated[float, msgspec.Meta(description="Milliseconds, within 1 %")]
    p50ResponseTime: Annotated[float, msgspec.Meta(description="Median, ms, within 1 %")]
    p99ResponseTime: Annotated[float, msgspec.Meta(description="Milliseconds, within 1 %")]


class ApiUsagePoint(msgspec.Struct):
    date: Annotated[
        str,
        msgspec.Meta(description="YYYY-MM-DD (day, or a week's Monday) or YYYY-MM-DDTHH:00:00Z"),
    ]
    requests: int
    successful: int
    failed: int
    avgResponseTime: float
    p95ResponseTime: float


class ApiUsageEndpoint(msgspec.Struct):
    endpoint: Annotated[str, msgspec.Meta(description="Route template, e.g. /customers/{id}")]
    method: str
    requests: int
    successful: int
    failed: int
    avgResponseTime: float


class ApiUsageKey(msgspec.Struct):
    apiKey: Annotated[
        str, msgspec.Meta(description="Key prefix, user email or app name (the credential)")
    ]
    id: Annotated[str | None, msgspec.Meta(description="API key, user or app listing id")]
    type: Annotated[str, msgspec.Meta(description="api_key, user, app or client")]
    requests: int
    successful: int
    failed: int


class ApiUsage(msgspec.Struct):
    summary: ApiUsageSummary
    timeline: list[ApiUsagePoint]
    endpoints: list[ApiUsageEndpoint]
    apiKeys: list[ApiUsageKey]


class ApiUsageEnvelope(msgspec.Struct):
    success: bool
    data: ApiUsage


class ApiUsageLog(msgspec.Struct, forbid_unknown_fields=True):
    """One request as a client measured it (kept apart: source 'client')."""

    endpoint: Annotated[str, msgspec.Meta(description="Path called, e.g. /customers")]
    method: Annotated[str, msgspec.Meta(description="GET, POST, PUT, PATCH, DELETE, HEAD…")]
    statusCode: int
    responseTime: Annotated[float, msgspec.Meta(description="Milliseconds")]
    apiKey: Annotated[
        str | None, msgspec.Meta(description="Key id or prefix (a full key is cut to its prefix)")
    ] = None
    userId: str | None = None
    requestSize: int | None = None
    responseSize: int | None = None
    userAgent: str | None = None
    ipAddress: str | None = None


class ApiUsageLogged(msgspec.Struct):
    requestId: str
    source: str
    loggedAt: str
    endpoint: str
    method: str
    apiKey: str | None
    userId: str | None
    statusCode: int
    responseTime: float
    requestSize: int
    responseSize: int
    userAgent: str
    ipAddress: str | None


class ApiUsageLoggedEnvelope(msgspec.Struct):
    success: bool
    data: ApiUsageLogged
