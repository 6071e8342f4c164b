"""What the developer portal's tabs show, read from the code that does the work: plans and their
limits as the limiter reads them, the permission each operation needs as the guard decides it,
the webhook retry schedule the sender follows, the OAuth scopes, the changelog file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jewelia.core.openapi_sdk import API_PREFIX, operations
from jewelia.platform.apikeys.guard import METHOD_PERMISSION, api_guard
from jewelia.platform.billing import limits
from jewelia.platform.billing.plans import all_plans
from jewelia.tenants.transfer.service import import_limits
from jewelia.tenants.webhooks.outbound import delivery
from jewelia.tenants.webhooks.outbound import service as webhooks

CHANGELOG = Path(__file__).resolve().parents[3] / "CHANGELOG.md"
PLAN_LIMITS = ("seats", "webhook_endpoints", "inbound_sources")
RATE_HEADERS = (
    ("X-RateLimit-Limit", "Requests allowed per sliding hour for this credential"),
    ("X-RateLimit-Remaining", "Requests left in the current hour"),
    ("X-RateLimit-Reset", "Unix time when the oldest counted request leaves the window"),
    ("Retry-After", "On a 429 only: seconds to wait before retrying (also `retryAfter`)"),
)


@dataclass(frozen=True)
class PlanRow:
    """One plan as the limits table shows it."""

    name: str
    display_name: str
    monthly_price: str
    requests_per_hour: int
    seats: int
    webhook_endpoints: int
    inbound_sources: int
    import_megabytes: int
    import_rows: int
    free_businesses: int | None


async def plan_rows() -> list[PlanRow]:
    """Every plan, with the numbers the limiter and the plan checks enforce."""
    rows = []
    for plan in (await all_plans()).values():
        size, import_rows = await import_limits(plan.name)
        rows.append(
            PlanRow(
                name=plan.name,
                display_name=plan.display_name,
                monthly_price=f"${plan.monthly_price_cents / 100:,.0f} / month",
                requests_per_hour=plan.requests_per_hour,
                seats=limits.limit_of(plan, "seats"),
                webhook_endpoints=limits.limit_of(plan, "webhook_endpoints"),
                inbound_sources=limits.limit_of(plan, "inbound_sources"),
                import_megabytes=size >> 20,
                import_rows=import_rows,
                free_businesses=(
                    limits.limit_of(plan, "businesses_per_owner") if plan.name == "free" else None
                ),
            )
        )
    return rows


def retry_schedule() -> list[tuple[int, str]]:
    """(attempt number, when it is made) for an endpoint with the default settings."""
    out = []
    for attempt in range(1, webhooks.DEFAULT_ATTEMPTS + 1):
        index = min(attempt - 1, len(delivery.SCHEDULE) - 1)
        seconds = delivery.SCHEDULE[index] * webhooks.DEFAULT_BASE_SECONDS
        out.append((attempt, "at once" if seconds == 0 else f"{duration(seconds)} later"))
    return out


def duration(seconds: float) -> str:
    """5 s, 5 min, 2 h: the largest whole unit."""
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)} {unit}"
    return f"{seconds:g} s"


def _route_key(method: str, path: str) -> tuple[str, str]:
    return method.upper(), re.sub(r":[^}]+}", "}", path)


def permissions(app: Any, document: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """Operations by the permission a key needs for them, as the API guard decides it:
    the handler's own `permission`, else the method's; routes without the guard need none."""
    handlers: dict[tuple[str, str], Any] = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            for method in handler.http_methods:
                handlers[_route_key(method, route.path)] = handler
    grouped: dict[str, list[dict[str, str]]] = {
        p: [] for p in ("read", "write", "delete", "admin", "none")
    }
    for method, path, operation in operations(document):
        handler = handlers.get(_route_key(method, path))
        if handler is None:
            continue
        if api_guard in handler.resolve_guards():
            needed = handler.opt.get("permission") or METHOD_PERMISSION.get(method, "admin")
        else:
            needed = "none"
        grouped.setdefault(needed, []).append(
            {"method": method, "path": path[len(API_PREFIX) :], "id": operation["operationId"]}
        )
    return grouped


def changelog_text() -> str:
    """The repository's CHANGELOG.md (empty when this install has none)."""
    try:
        return CHANGELOG.read_text(encoding="utf-8")
    except OSError:
        return ""


# Verifying a delivery, as signing.py signs it (tests run each sample against real signatures).
# The Standard Webhooks check comes first and alone: its timestamp is what stops a replay. The
# X-Webhook-Signature check is an opt-in for receivers that cannot read the webhook-* headers;
# falling back to it whenever they are missing would let anyone strip them and replay.
VERIFY_SHELL = r"""# BODY: the raw request body; SECRET: the endpoint's signing secret (whsec_...);
# WEBHOOK_ID, WEBHOOK_TIMESTAMP, WEBHOOK_SIGNATURE: the delivery's webhook-* headers.
TOLERANCE=300
refuse() { echo "refused: $1" >&2; exit 1; }
[ -n "$WEBHOOK_ID" ] && [ -n "$WEBHOOK_SIGNATURE" ] || refuse "missing webhook-* headers"
case "$WEBHOOK_TIMESTAMP" in '' | *[!0-9]*) refuse "webhook-timestamp is not Unix seconds" ;; esac
# 1. The timestamp must be recent: this is what stops a replay of an old delivery.
age=$(($(date +%s) - WEBHOOK_TIMESTAMP))
[ "${age#-}" -le "$TOLERANCE" ] || refuse "timestamp more than $TOLERANCE s away (a replay?)"
# 2. HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>", keyed with the base64-decoded
#    part after whsec_; webhook-signature lists "v1,<base64>" entries separated by spaces.
key_hex=$(printf '%s' "${SECRET#whsec_}" | base64 -d | od -An -v -tx1 | tr -d ' \n')
signature="v1,$(printf '%s.%s.%s' "$WEBHOOK_ID" "$WEBHOOK_TIMESTAMP" "$BODY" \
  | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key_hex" -binary | base64)"
case " $WEBHOOK_SIGNATURE " in
  *" $signature "*) echo "webhook-signature valid" ;;
  *) refuse "webhook-signature does not match" ;;
esac

# Legacy, only if your receiver cannot read the webhook-* headers at all: X-Webhook-Signature
# (HMAC-SHA256 of the body keyed with the secret's text) has NO timestamp, so it cannot stop a
# replay: anyone who saw one delivery can send it again, forever. Never fall back to it when
# the webhook-* headers are missing; if you opted in, check it instead of steps 1 and 2:
#   expected="sha256=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.* //')"
#   [ "$expected" = "$X_WEBHOOK_SIGNATURE" ] || refuse "X-Webhook-Signature does not match"
# (in the SDKs: allow_legacy=True in Python, { allowLegacy: true } in TypeScript)"""

VERIFY_PYTHON = '''import base64
import hashlib
import hmac
import time

STANDARD = ("webhook-id", "webhook-timestamp", "webhook-signature")


def verify(
    body: bytes,
    headers: dict[str, str],
    secret: str,
    tolerance: int = 300,
    allow_legacy: bool = False,
) -> bool:
    """True when a Jewelia delivery is authentic and recent (Standard Webhooks headers)."""
    h = {k.lower(): v for k, v in headers.items()}
    if any(name in h for name in STANDARD):
        stamp = h.get("webhook-timestamp", "")
        if not (h.get("webhook-id") and h.get("webhook-signature") and stamp.isdigit()):
            return False
        if abs(time.time() - int(stamp)) > tolerance:
            return False  # too old or too far ahead: a replay?
        if secret.startswith("whsec_"):
            key = base64.b64decode(secret.removeprefix("whsec_"))
        else:
            key = secret.encode()
        signed = f"{h['webhook-id']}.{stamp}.".encode() + body
        digest = hmac.new(key, signed, hashlib.sha256).digest()
        expected = "v1," + base64.b64encode(digest).decode()
        return any(hmac.compare_digest(s, expected) for s in h["webhook-signature"].split())
    if not allow_legacy:
        return False  # no timestamped headers: refused (they may have been stripped to replay)
    # Legacy, opt-in only: X-Webhook-Signature has no timestamp, so it CANNOT stop a replay.
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(h.get("x-webhook-signature", ""), expected)'''

VERIFY_TYPESCRIPT = """const encoder = new TextEncoder();
const STANDARD = ['webhook-id', 'webhook-timestamp', 'webhook-signature'];

async function hmacSha256(key: BufferSource, data: string): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey(
    'raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'],
  );
  return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(data)));
}

function sameText(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** True when a Jewelia delivery is authentic and recent (Standard Webhooks headers). */
export async function verify(
  body: string,
  headers: Record<string, string>,
  secret: string,
  { tolerance = 300, allowLegacy = false }: { tolerance?: number; allowLegacy?: boolean } = {},
): Promise<boolean> {
  const h: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) h[name.toLowerCase()] = value;
  if (STANDARD.some((name) => name in h)) {
    const stamp = h['webhook-timestamp'] ?? '';
    if (!h['webhook-id'] || !h['webhook-signature'] || !/^[0-9]+$/.test(stamp)) return false;
    if (Math.abs(Date.now() / 1000 - Number(stamp)) > tolerance) {
      return false; // too old or too far ahead: a replay?
    }
    const key = secret.startsWith('whsec_')
      ? Uint8Array.from(atob(secret.slice('whsec_'.length)), (c) => c.charCodeAt(0))
      : encoder.encode(secret);
    const mac = await hmacSha256(key, `${h['webhook-id']}.${stamp}.${body}`);
    const expected = `v1,${btoa(String.fromCharCode(...mac))}`;
    return h['webhook-signature'].split(' ').some((s) => sameText(s, expected));
  }
  if (!allowLegacy) return false; // no timestamped headers: refused (stripped to replay?)
  // Legacy, opt-in only: X-Webhook-Signature has no timestamp, so it CANNOT stop a replay.
  const mac = await hmacSha256(encoder.encode(secret), body);
  const hex = Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
  return sameText(h['x-webhook-signature'] ?? '', `sha256=${hex}`);
}"""
