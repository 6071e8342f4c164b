"""Every error code the API can answer with: what it means, why it happens, how to fix it.

Response codes are the envelope's `code` (`{"success": false, "error", "code", "details"}`);
field codes are the `code` of each `{"field", "message", "code"}` in a VALIDATION_ERROR's
`details` (and in import row errors). The developer portal renders one anchor per code
(`/developers/errors#error-<CODE>`), and a test scans the source for every code it can raise
and fails when one is missing here, or when an entry here is raised nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorInfo:
    """One code: its title, HTTP status, cause and fix; where it appears."""

    code: str
    title: str
    status: str
    cause: str
    fix: str
    response: bool = False  # the envelope's `code`
    field: bool = False  # a `details[].code`

    @property
    def anchor(self) -> str:
        return f"error-{self.code}"


def _response(code: str, title: str, status: str, cause: str, fix: str) -> ErrorInfo:
    return ErrorInfo(code, title, status, cause, fix, response=True)


def _field(code: str, title: str, cause: str, fix: str, status: str = "422") -> ErrorInfo:
    return ErrorInfo(code, title, status, cause, fix, field=True)


RESPONSE_ERRORS: tuple[ErrorInfo, ...] = (
    _response(
        "VALIDATION_ERROR",
        "The request is not valid",
        "400 / 422",
        "400: the body is not JSON, is nested more than 64 levels, has fields of the wrong type"
        " or fields the operation does not know, or a header such as Idempotency-Key is"
        " malformed. 422: the fields parse but break a rule (a missing name, an unknown status,"
        " a duplicate email). `details` lists each problem as {field, message, code}.",
        "Read `details`: each entry names the field and has a field code (below). Fix those"
        " fields and send again; repeating the same request gives the same answer.",
    ),
    _response(
        "AUTHENTICATION_ERROR",
        "No valid credential",
        "401",
        "No `Authorization: Bearer …` header, or the API key, JWT or app token is unknown,"
        " expired, revoked, or was issued before a password change or a sign-out everywhere.",
        "Send `Authorization: Bearer <API key>`. Check the key in Settings > API keys; refresh a"
        " JWT with POST /api/v1/auth/refresh; an app refreshes its OAuth token.",
    ),
    _response(
        "AUTHORIZATION_ERROR",
        "Not allowed",
        "403",
        "The credential is valid but lacks the permission the operation needs (read, write,"
        " delete or admin), an app token lacks the scope, the business is suspended, or the"
        " action is refused for this account (e.g. a review before 24 hours of use).",
        "Use a key with the permission (Settings > API keys), ask an owner for a role that"
        " allows it, or have the app ask for the scope. `error` says which one is missing.",
    ),
    _response(
        "NOT_FOUND",
        "No such resource",
        "404",
        "The id does not exist in this business (ids of other businesses are not found"
        " either), or the path is not an API route.",
        "Check the id, and that the credential belongs to the business that owns it. As a"
        " field code: a referenced record (an SKU, a customer email) does not exist.",
    ),
    _response(
        "CONFLICT",
        "Conflicts with the current state",
        "409",
        "The change collides with what is stored: a second review by the same business, a"
        " second reply to a review, or a state that does not allow it.",
        "Read the current state (GET) and send the change that fits it, e.g. PUT to edit your"
        " review instead of POST.",
    ),
    _response(
        "METHOD_NOT_ALLOWED",
        "Method not allowed on this path",
        "405",
        "The path exists but not with this HTTP method (e.g. DELETE on an order).",
        "Check the API reference for the methods the path takes.",
    ),
    _response(
        "PAYLOAD_TOO_LARGE",
        "Request body too large",
        "413",
        "The body is larger than the server accepts (1 MiB for JSON), or an import file is"
        " larger than the plan allows.",
        "Send less at once: page through large writes, or use the import API (up to the"
        " plan's file size, see the limits table).",
    ),
    _response(
        "RATE_LIMIT_EXCEEDED",
        "Too many requests this hour",
        "429",
        "The key (or the business, or the key's own lower hourly limit) has used its requests"
        " for the sliding hour. Page actions count against the same budget.",
        "Wait `Retry-After` seconds (also `retryAfter` in the body) and retry. The SDKs wait"
        " and retry by themselves when `Retry-After` is at most 60 s; a longer wait (the"
        " hourly budget spent) raises `RateLimitError` at once with `retry_after` (Python) or"
        " `retryAfter` (TypeScript), for you to schedule. Spread work out, cache reads, or"
        " upgrade the plan for a larger budget.",
    ),
    _response(
        "INTERNAL_ERROR",
        "Something went wrong on our side",
        "500",
        "An unexpected failure; it is logged with the request id.",
        "Retry with backoff (idempotent requests and POSTs with an Idempotency-Key are safe"
        " to retry). If it persists, contact support with the `x-request-id` header.",
    ),
    _response(
        "PLAN_LIMIT_EXCEEDED",
        "The plan's limit is reached",
        "403",
        "Creating one more seat, webhook endpoint, incoming webhook source or Free business"
        " would go past the plan's limit. `details` has limit, plan, allowed, used and"
        " upgrade_url.",
        "Remove one you no longer need, or upgrade in Settings > Billing. Do not retry as is.",
    ),
    _response(
        "BILLING_NOT_CONFIGURED",
        "Payments are not set up on this server",
        "503",
        "A plan change was asked for on a server without Stripe keys.",
        "The operator must configure Stripe (STRIPE_API_KEY, STRIPE_WEBHOOK_SECRET).",
    ),
    _response(
        "APP_CHARGE_REQUIRED",
        "The paid app's charge is not accepted and paid yet",
        "402",
        "The integration is paid (one-time, subscription or usage-based) and the business has"
        " no accepted charge for it that is paid, in its trial, or (usage) whose cap was"
        " accepted.",
        "Install from the consent page: the owner or admin confirms the charge, pays in"
        " Checkout, and the install then completes. See Settings > Billing > Apps.",
    ),
    _response(
        "APP_CHARGE_STATE",
        "The app charge does not allow this now",
        "409",
        "Accepting a charge that is already paid or cancelled, cancelling a one-time charge,"
        " refunding a subscription, a charge refunded already or paid more than 30 days ago.",
        "Reload Settings > Billing > Apps to see the charge's status; do not retry as is.",
    ),
    _response(
        "APP_CHARGE_INVALID",
        "The app's price cannot be charged",
        "422",
        "The listing's price is zero, above Stripe's maximum, or in a currency that cannot be"
        " charged. `details` names the pricing field.",
        "The app's developer must fix the listing's pricing.",
    ),
    _response(
        "INSUFFICIENT_STOCK",
        "Not enough stock for the order",
        "409",
        "An order line asks for more units than the item has in stock (stock is reserved"
        " when an order is placed).",
        "Lower the quantity, restock the item (PATCH /inventory/{id} quantity), or split the"
        " order. `details` names the item.",
    ),
    _response(
        "IDEMPOTENCY_IN_PROGRESS",
        "The same Idempotency-Key is still being processed",
        "409",
        "A request with this Idempotency-Key has not finished yet (a retry arrived too soon).",
        "Wait a moment and retry with the same key: you then get the first request's answer.",
    ),
    _response(
        "IDEMPOTENCY_KEY_REUSED",
        "Idempotency-Key used for a different request",
        "422",
        "The key was already used (within 24 hours) with a different path, query or body.",
        "Use a fresh key (a UUID v4) for every distinct request; reuse a key only to retry"
        " the very same request.",
    ),
    _response(
        "APP_TOKEN_REQUIRED",
        "Only an app's token may do this",
        "403",
        "Usage of a marketplace app (POST/GET /marketplace/usage) is reported by the app"
        " itself, with the OAuth access token (jwa_…) of its install; an API key or a user's"
        " token was sent.",
        "Call with the app's access token; the business and the install are the token's.",
    ),
    _response(
        "USAGE_CHARGE_REQUIRED",
        "The business has not accepted usage charges for this app",
        "409",
        "The app's install has no accepted usage charge (a monthly cap the business's owner or"
        " admin accepted on the confirmation page), the charge was cancelled, or the app is"
        " uninstalled.",
        "Ask the business to accept the app's usage pricing (reinstalling shows the"
        " confirmation page); do not retry until then.",
    ),
    _response(
        "USAGE_CAP_EXCEEDED",
        "The report would go past the monthly usage cap",
        "402",
        "The month's usage plus this report would cost more than the cap the business accepted."
        " The report is refused whole and nothing is recorded or charged; `details` has"
        " periodTotal, cap, remaining and the report's amount.",
        "Report at most `remaining` this month, or ask the business to accept a higher cap."
        " The count starts again on the 1st (UTC).",
    ),
    _response(
        "USAGE_KEY_REUSED",
        "The usage report's idempotency key was used for another report",
        "409",
        "A usage report with this idempotency key (per install) was already recorded with a"
        " different quantity or description.",
        "Send a new key for each distinct report; resend a key only to retry the very same"
        " report (you then get the recorded report back, with Idempotent-Replayed: true).",
    ),
    _response(
        "EXPRESSION_INVALID",
        "A builder expression or template is not valid",
        "422",
        "A flow's JSONata expression or `{{ }}` template does not parse, names a value that"
        " is not there (templates are strict), uses something the sandbox refuses (private"
        " attributes, `$eval`, macros, `%` formatting), or fails while evaluating (adding"
        " text to a number). The message says which and where.",
        "Fix the expression or template named by the step; test the step with its input. For"
        " a value that may be missing, write `{{ x | default('') }}` or `$exists(x)`.",
    ),
    _response(
        "EXPRESSION_TIMEOUT",
        "A builder expression ran too long",
        "422",
        "A JSONata expression or template ran past its time limit (1 s by default) and"
        " was stopped: usually a recursive function that never ends, or a loop over far"
        " too much data.",
        "Make the expression do less: end recursion, filter before mapping, or move heavy"
        " work into a step of its own. Retrying the same input gives the same result.",
    ),
    _response(
        "EXPRESSION_TOO_LARGE",
        "A builder expression or its result is too large",
        "422",
        "An expression over 10,000 characters or 100 brackets deep, a template over 100,000"
        " characters, a result or rendered text over 1,000,000 characters, a sequence over"
        " 100,000 items, a template loop over 10,000 items, recursion too deep, or more"
        " memory than an expression may use.",
        "Produce less: page or filter the data, or split the work across steps.",
    ),
)

FIELD_ERRORS: tuple[ErrorInfo, ...] = (
    _field(
        "REQUIRED",
        "A required value is missing",
        "The field is required and is absent, null or empty.",
        "Send the field; the API reference marks required fields.",
        "400 / 422",
    ),
    _field(
        "INVALID",
        "Not a valid value",
        "The value breaks the field's rule (printable text, a known value, a well-formed"
        " secret…); `message` says which.",
        "Correct the value as `message` describes.",
    ),
    _field(
        "INVALID_TYPE",
        "Wrong type",
        "A string where a number is expected, an object where a list is, and so on.",
        "Send the JSON type the schema names.",
        "400 / 422",
    ),
    _field(
        "UNKNOWN_SECRET",
        "Unknown flow secret",
        "A flow's template references {{ secrets.NAME }} but the flow has no secret of that"
        " name; the field names the text holding the reference.",
        "Set the secret (PUT /integrations/builder/{id}/secrets/{name}) or correct the name.",
        "422",
    ),
    _field(
        "UNKNOWN_FIELD",
        "Unknown field",
        "The body (or an import mapping) names a field the operation does not accept. Typos"
        " are refused rather than silently ignored.",
        "Remove the field or correct its name (names are snake_case as in the reference).",
        "400 / 422",
    ),
    _field(
        "MALFORMED_JSON",
        "The body is not JSON",
        "The body cannot be decoded as JSON (a trailing comma, single quotes, a cut-off body).",
        "Send valid JSON with `Content-Type: application/json`.",
        "400",
    ),
    _field(
        "TOO_DEEP",
        "JSON nested too deeply",
        "The body nests objects or lists more than 64 levels deep.",
        "Flatten the data; no operation needs that depth.",
        "400",
    ),
    _field(
        "MALFORMED_BODY",
        "Malformed multipart body",
        "A multipart/form-data upload has no boundary or is cut short.",
        "Let your HTTP client build the multipart body (curl -F file=@customers.csv).",
        "400",
    ),
    _field(
        "MALFORMED",
        "Upload cut short",
        "A file uploaded from the Data page ended early or was malformed.",
        "Upload the file again.",
    ),
    _field(
        "TOO_LONG",
        "Too long",
        "The text is longer than the field allows (the message gives the maximum).",
        "Shorten the value.",
    ),
    _field(
        "TOO_SHORT",
        "Too short",
        "A signing secret is shorter than 16 characters (or 16 bytes after whsec_).",
        "Use a longer secret, or let Jewelia generate one.",
    ),
    _field(
        "TOO_MANY",
        "Too many values",
        "A list has more entries than allowed (features, reasons, allowed IPs or origins).",
        "Send fewer entries; the message gives the maximum.",
    ),
    _field(
        "TOO_LARGE",
        "File too large",
        "An uploaded image is larger than its cap.",
        "Upload a smaller file (the message gives the size).",
        "413",
    ),
    _field(
        "OUT_OF_RANGE",
        "Out of range",
        "A number or date is outside its allowed range (page above 100,000, limit above 100,"
        " negative price, expiry in the past, ring circumference outside 35-80 mm…).",
        "Send a value inside the range the message gives.",
        "400 / 422",
    ),
    _field(
        "IN_THE_PAST",
        "Date in the past",
        "A revenue-share policy version was given a start date that has already passed.",
        "Give a start date from now on; posted journals keep the version they were made under.",
    ),
    _field(
        "BEFORE_NEWEST",
        "Before the newest version",
        "A new revenue-share policy version would start before the newest one already published.",
        "Start it at or after the newest version (the same start time replaces a pending one).",
    ),
    _field(
        "MUST_BE_OPEN",
        "The last tier must be open-ended",
        "The last tier of a revenue-share policy has an upper bound (upToMinor).",
        "Leave upToMinor empty on the last tier so every lifetime amount has a rate.",
    ),
    _field(
        "NOT_ASCENDING",
        "Thresholds not ascending",
        "A revenue-share tier's upToMinor is not above the previous tier's.",
        "List the tiers from the lowest threshold to the highest.",
    ),
    _field(
        "INVALID_CHOICE",
        "Not one of the allowed values",
        "An enum-like field got a value outside its list (status, category, permission,"
        " sort field, import type…).",
        "Use one of the values the message lists.",
    ),
    _field(
        "INVALID_VALUE",
        "Value not allowed by the event schema",
        "A webhook payload checked against an event template has a value outside its enum"
        " or constant.",
        "Use one of the values the message lists.",
    ),
    _field(
        "INVALID_FORMAT",
        "Wrong format",
        "A value in a validated webhook payload is not in its format (date-time, uuid, email).",
        "Format the value as named, e.g. 2024-01-15T10:30:00Z.",
    ),
    _field(
        "INVALID_EMAIL",
        "Not an email address",
        "The email address is not well formed.",
        "Send an address like jane@example.com.",
    ),
    _field(
        "INVALID_PHONE",
        "Not a phone number",
        "The phone number cannot be read as an international number.",
        "Send it in E.164 form, e.g. +15550123 (spaces and dashes are accepted).",
    ),
    _field(
        "INVALID_DATE",
        "Not a date",
        "A date field is not YYYY-MM-DD (or not in the import mapping's date format).",
        "Send 2024-06-15, or set a date transform in the import mapping.",
        "400 / 422",
    ),
    _field(
        "INVALID_DATETIME",
        "Not a date and time",
        "A date-time is not ISO 8601, or has no time zone.",
        "Send 2024-01-15T10:30:00Z (with Z or an offset).",
    ),
    _field(
        "INVALID_NUMBER",
        "Not a number",
        "A number field (price, quantity) holds text that is not a number.",
        "Send a JSON number, or a plain decimal in import files.",
        "400 / 422",
    ),
    _field(
        "INVALID_PRECISION",
        "Too many decimals",
        "A money amount has more than two decimal places.",
        "Round to cents (1899.99).",
    ),
    _field(
        "INVALID_BOOLEAN",
        "Not yes or no",
        "An import column mapped to a yes/no field holds something else.",
        "Use yes/no, true/false or 1/0.",
    ),
    _field(
        "INVALID_UUID",
        "Not an id",
        "An id (customer_id, inventory_id…) is not a UUID.",
        "Send the `id` returned by the API, e.g. 3f6c2b1e-8d4a-4c5e-9b7a-2d1e0f9c8b7a.",
        "400 / 422",
    ),
    _field(
        "INVALID_URL",
        "Not a usable URL",
        "A URL is not http(s), has no host, or carries credentials.",
        "Send a full https:// URL.",
    ),
    _field(
        "BLOCKED_DESTINATION",
        "URL points to a private address",
        "A webhook or app URL resolves to a private, loopback or link-local address (or a"
        " disguised one): Jewelia does not send requests there.",
        "Use a public https:// address; for local testing use a tunnel.",
    ),
    _field(
        "INVALID_CURSOR",
        "Cursor not valid",
        "The `cursor` query parameter was not taken from `pagination.next_cursor`, or belongs"
        " to a different sort.",
        "Pass `next_cursor` from the previous page unchanged, with the same sort.",
    ),
    _field(
        "INVALID_RING_SIZE",
        "Ring size not understood",
        "The ring size is not a size a jeweler writes (US 6.5, UK N½, EU 52) nor a"
        " circumference in millimetres.",
        "Send a label like `US 6.5` or an object with circumference_mm.",
    ),
    _field(
        "INVALID_COLOR",
        "Not a diamond colour grade",
        "A stone's colour is not a GIA grade.",
        "Use D to N, or a range from O-P to Y-Z.",
    ),
    _field(
        "INVALID_CLARITY",
        "Not a clarity grade",
        "A stone's clarity is not one of FL, IF, VVS1, VVS2, VS1, VS2, SI1, SI2, I1, I2, I3.",
        "Use one of those grades.",
    ),
    _field(
        "INVALID_TRANSITION",
        "Order status cannot move that way",
        "Orders move pending → confirmed → in_production → ready → completed (or cancelled);"
        " the asked-for status is not reachable from the current one.",
        "Move the order one allowed step at a time; the message lists the allowed statuses.",
    ),
    _field(
        "INVALID_CRON",
        "Not a cron expression",
        "A builder flow's schedule trigger has a `cron` that is not five fields (minute hour"
        " day-of-month month day-of-week) with values in range, nor @hourly, @daily, @weekly,"
        " @monthly or @yearly.",
        "Write e.g. `0 9 * * *` (09:00 every day) or `*/15 * * * 1-5` (every 15 minutes on"
        " weekdays); the `timezone` field says whose 09:00.",
    ),
    _field(
        "UNKNOWN_TIMEZONE",
        "Unknown time zone",
        "A builder flow's schedule trigger names a `timezone` that is not in the IANA time"
        " zone database.",
        "Use an IANA name such as Europe/Paris, America/New_York or UTC.",
    ),
    _field(
        "NOT_PUBLISHED",
        "Flow has no published version",
        "`isActive` was set to true on a builder flow that has never been published: an active"
        " flow runs its published version, and there is none yet.",
        "Publish the flow (POST /api/v1/integrations/builder/{id}/publish), then switch it on."
        " Creating a flow with isActive true publishes it at once.",
    ),
    _field(
        "INVALID_STATE",
        "Not possible in the key's state",
        "Rotating or revoking an API key that is already revoked or expired.",
        "Create a new key instead.",
    ),
    _field(
        "INVALID_ITEMS",
        "Order lines not understood",
        "An import column of order lines is not written like `SKU x2 @ 10.00; SKU2 x1`.",
        "Write each line as SKU, x and a quantity, optionally @ and a unit price.",
    ),
    _field(
        "INVALID_BASE64",
        "Not base64",
        "The `data` of a JSON import is not valid base64.",
        "Base64-encode the file bytes (base64 -w0 customers.csv), or upload it as multipart.",
    ),
    _field(
        "UNREADABLE_FILE",
        "File cannot be read",
        "The import file does not match its format (not CSV, broken Excel or XML, bad encoding).",
        "Check the format parameter and export the file again (UTF-8 CSV works best).",
    ),
    _field(
        "INVALID_TRANSFORM",
        "Unknown mapping transform",
        "An import mapping names a transform that does not exist.",
        "Use trim, lower, upper, split[:sep], date:<format>, number, number_comma or number_dot.",
    ),
    _field(
        "DUPLICATE_FIELD",
        "Field mapped twice",
        "Two import columns map to the same field.",
        "Map each field from one column only.",
    ),
    _field(
        "DUPLICATE_EMAIL",
        "Email already used",
        "A customer (or account, or member) with this email already exists.",
        "Update the existing customer (PATCH), or use another email; imports can update"
        " existing records (updateExisting).",
    ),
    _field(
        "DUPLICATE_SKU",
        "SKU already used",
        "An inventory item with this SKU already exists.",
        "Update that item, or choose another SKU.",
    ),
    _field(
        "DUPLICATE_REFERENCE",
        "Order reference repeated",
        "An order import holds the same reference twice.",
        "Give each order its own reference, or set skipDuplicates.",
    ),
    _field(
        "DUPLICATE",
        "Already exists",
        "One review per business, one developer reply per review, one open report per"
        " review (a 409 CONFLICT), or a listing version number used twice (422).",
        "Edit the existing one instead of creating another, or pick a new version number.",
        "409 / 422",
    ),
    _field(
        "DATABASE_ERROR",
        "Row could not be saved",
        "An import row passed validation but the database refused it.",
        "Check the row's values; if it recurs, contact support with the job id.",
    ),
    _field(
        "UNKNOWN_EVENT",
        "Unknown event type",
        "A webhook subscription or listing names an event that is not in the catalog.",
        "Use a name from the event catalog, a category such as order.*, or *.",
    ),
    _field(
        "EVENT_NOT_ALLOWED",
        "Event not covered by the app's scopes",
        "An app token subscribes to an event whose data needs a scope the app was not granted.",
        "Ask for the scope in the listing (a new version), then subscribe.",
    ),
    _field(
        "NOT_ALLOWED",
        "Field cannot be changed here",
        "A webhook endpoint's secret was sent in an update.",
        "Change the secret with POST /webhooks/{id}/rotate-secret.",
    ),
    _field(
        "INVALID_HEADER",
        "Header name not valid",
        "A custom header name in the webhook test tool has characters other than letters,"
        " digits and - _ .",
        "Rename the header.",
    ),
    _field(
        "FORBIDDEN_HEADER",
        "Header set by Jewelia",
        "A custom header would replace one the HTTP client or the signature sets"
        " (Host, Content-Length, X-Webhook-Signature, webhook-signature…).",
        "Leave that header out; it is set for you.",
    ),
    _field(
        "INVALID_SECRET",
        "Secret not usable",
        "A whsec_ secret is not followed by valid base64.",
        "Copy the secret whole, or use a plain secret of 16+ characters.",
    ),
    _field(
        "UNKNOWN_TEMPLATE",
        "Unknown template",
        "The webhook test tools were asked for a template that does not exist.",
        "List templates with GET /webhooks/test and use a name from it.",
    ),
    _field(
        "UNKNOWN_VARIABLE",
        "Unknown template variable",
        "A variable was given that the template does not have.",
        "Use the variables the template lists.",
    ),
    _field(
        "UNKNOWN_SCOPE",
        "Unknown OAuth scope",
        "A listing or authorization request names a scope that does not exist.",
        "Use scopes from the list on the Authentication page (customers:read …).",
    ),
    _field(
        "SCOPE_REQUIRED",
        "Event needs a scope the listing lacks",
        "A listing subscribes to webhook events its scopes do not cover.",
        "Add the read scope the message names, or drop the event.",
    ),
    _field(
        "SCOPE_NOT_REQUESTED",
        "Scope not requested by the app",
        "A consent grants a scope the app's listing does not ask for.",
        "Grant only scopes the listing asks for.",
    ),
    _field(
        "NEEDS_VERSION",
        "Change needs a new version",
        "A reviewed listing's scopes or webhook events were edited directly.",
        "Submit a new version with the new scopes or events.",
    ),
    _field(
        "LOCKED",
        "Cannot change after publishing",
        "A published listing's slug was changed.",
        "Keep the slug; it is part of the listing's address.",
    ),
    _field(
        "SLUG_TAKEN",
        "Slug taken",
        "Another listing already uses this slug.",
        "Choose another slug.",
    ),
    _field(
        "INVALID_VERSION",
        "Version not valid",
        "A listing version is not numbers and dots.",
        "Use a version like 1.0.0.",
    ),
    _field(
        "INVALID_REDIRECT_URI",
        "Redirect URI not allowed",
        "An OAuth redirect URI is not https:// (http:// only to loopback in development),"
        " has a #fragment or credentials.",
        "Register the exact https:// address your app receives the code on, without #fragment.",
    ),
    _field(
        "UNSUPPORTED_TYPE",
        "Image type not supported",
        "An uploaded listing image is not PNG, JPEG or WebP.",
        "Convert the image to one of those types.",
    ),
    _field(
        "UNKNOWN_USER",
        "No such account",
        "A developer organization invite names an email with no Jewelia account.",
        "Ask them to sign up first.",
    ),
    _field(
        "ALREADY_MEMBER",
        "Already a member",
        "The person is already in this developer organization.",
        "Nothing to do; change their role instead if needed.",
    ),
    _field(
        "NOT_INSTALLED",
        "App not installed",
        "Only businesses that have installed an app can review it (403).",
        "Install the app and use it for 24 hours.",
        "403",
    ),
    _field(
        "TOO_SOON",
        "Too soon to review",
        "An app can be reviewed after 24 hours of use in total (403).",
        "Try again later; the message says how many hours are left.",
        "403",
    ),
    _field(
        "UNINSTALLED_LONG_AGO",
        "Review window closed",
        "Reviews close 45 days after uninstalling an app (403).",
        "Install the app again to review it.",
        "403",
    ),
    _field(
        "WEAK_PASSWORD",
        "Password too weak",
        "The password is shorter than 10 characters or too common.",
        "Choose a longer, less common password.",
    ),
    _field(
        "INVALID_CIDR",
        "Not an IP address or range",
        "An API key's IP allow-list entry is not an address or CIDR range.",
        "Write entries like 203.0.113.7, 203.0.113.0/24 or 2001:db8::/32.",
    ),
    _field(
        "INVALID_ORIGIN",
        "Not a browser origin",
        "A CORS allowed origin is not scheme://host[:port].",
        "Write origins like https://shop.example.com, without a path.",
    ),
)


def _merge() -> dict[str, ErrorInfo]:
    """One entry per code; a code used both ways (NOT_FOUND) keeps its response entry."""
    out: dict[str, ErrorInfo] = {e.code: e for e in RESPONSE_ERRORS}
    # Also field codes: a referenced SKU or email not found; a flow configuration's JSONata
    # expression or template that does not parse (named by its path).
    field_as_well = {"NOT_FOUND", "EXPRESSION_INVALID"}
    for code in field_as_well:
        e = out[code]
        out[code] = ErrorInfo(e.code, e.title, e.status, e.cause, e.fix, True, True)
    for e in FIELD_ERRORS:
        out.setdefault(e.code, e)
    return out


CATALOG: dict[str, ErrorInfo] = _merge()
