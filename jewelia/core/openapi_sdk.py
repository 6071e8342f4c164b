"""The SDKs' view of the OpenAPI document: every operation named as `resource.method`.

One table names each operation for the Python and TypeScript SDKs, the code samples and the
portal, so `client.customers.list(...)` means the same thing everywhere. The SDK document has
paths relative to the `/api/v1` base URL an SDK is given (`https://host/api/v1`).
"""

from __future__ import annotations

import copy
from typing import Any

API_PREFIX = "/api/v1"

# operationId: (resource, method). Resources and methods are snake_case here; the TypeScript
# SDK uses the camelCase of the same words (`api_keys.list` is `apiKeys.list`).
SDK_NAMES: dict[str, tuple[str, str]] = {
    "listCustomers": ("customers", "list"),
    "createCustomer": ("customers", "create"),
    "getCustomer": ("customers", "get"),
    "replaceCustomer": ("customers", "replace"),
    "updateCustomer": ("customers", "update"),
    "deleteCustomer": ("customers", "delete"),
    "listInventory": ("inventory", "list"),
    "createInventoryItem": ("inventory", "create"),
    "getInventoryItem": ("inventory", "get"),
    "replaceInventoryItem": ("inventory", "replace"),
    "updateInventoryItem": ("inventory", "update"),
    "deleteInventoryItem": ("inventory", "delete"),
    "listOrders": ("orders", "list"),
    "createOrder": ("orders", "create"),
    "getOrder": ("orders", "get"),
    "replaceOrder": ("orders", "replace"),
    "updateOrder": ("orders", "update"),
    "listApiKeys": ("api_keys", "list"),
    "createApiKey": ("api_keys", "create"),
    "getApiKey": ("api_keys", "get"),
    "updateApiKey": ("api_keys", "update"),
    "revokeApiKey": ("api_keys", "revoke"),
    "rotateApiKey": ("api_keys", "rotate"),
    "listWebhooks": ("webhooks", "list"),
    "createWebhook": ("webhooks", "create"),
    "getWebhook": ("webhooks", "get"),
    "replaceWebhook": ("webhooks", "replace"),
    "updateWebhook": ("webhooks", "update"),
    "deleteWebhook": ("webhooks", "delete"),
    "disableWebhook": ("webhooks", "disable"),
    "enableWebhook": ("webhooks", "enable"),
    "rotateWebhookSecret": ("webhooks", "rotate_secret"),
    "sendWebhookTestEvent": ("webhooks", "send_test_event"),
    "listWebhookDeliveries": ("webhooks", "list_deliveries"),
    "getWebhookDelivery": ("webhooks", "get_delivery"),
    "replayWebhookDelivery": ("webhooks", "replay_delivery"),
    "recoverWebhookDeliveries": ("webhooks", "recover"),
    "listWebhookEvents": ("webhook_tools", "list_events"),
    "listWebhookTemplates": ("webhook_tools", "list_templates"),
    "sendWebhookTest": ("webhook_tools", "send_test"),
    "renderWebhookTemplate": ("webhook_tools", "render"),
    "generateWebhookSignature": ("webhook_tools", "sign"),
    "validateWebhookPayload": ("webhook_tools", "validate"),
    "verifyWebhookSignature": ("webhook_tools", "verify"),
    "listInboundSources": ("inbound_webhooks", "list"),
    "createInboundSource": ("inbound_webhooks", "create"),
    "getInboundSource": ("inbound_webhooks", "get"),
    "deleteInboundSource": ("inbound_webhooks", "delete"),
    "listInboundEvents": ("inbound_webhooks", "list_events"),
    "rotateInboundSourceSecret": ("inbound_webhooks", "rotate_secret"),
    "receiveWebhook": ("inbound_webhooks", "receive"),
    "getImportExport": ("import_export", "list"),
    "startImportExport": ("import_export", "start"),
    "previewImport": ("import_export", "preview"),
    "rerunImport": ("import_export", "run"),
    "cancelImportExport": ("import_export", "cancel"),
    "listImportErrors": ("import_export", "list_errors"),
    "downloadImportExportFile": ("import_export", "download"),
    "createToken": ("auth", "create_token"),
    "refreshToken": ("auth", "refresh"),
    "browseMarketplace": ("marketplace", "list"),
    "getMarketplaceListing": ("marketplace", "get"),
    "listMarketplaceReviews": ("marketplace", "list_reviews"),
    "createMarketplaceReview": ("marketplace", "create_review"),
    "putMarketplaceReview": ("marketplace", "put_review"),
    "reportMarketplaceReview": ("marketplace", "report_review"),
    "reportAppUsage": ("marketplace", "report_usage"),
    "listAppUsage": ("marketplace", "list_usage"),
    "listAppCharges": ("marketplace", "list_app_charges"),
    "getAppCharge": ("marketplace", "get_app_charge"),
    "listFlows": ("builder", "list"),
    "createFlow": ("builder", "create"),
    "updateFlow": ("builder", "update"),
    "getFlow": ("builder", "get"),
    "deleteFlow": ("builder", "delete"),
    "publishFlow": ("builder", "publish"),
    "listFlowVersions": ("builder", "list_versions"),
    "runFlow": ("builder", "run"),
    "listFlowRuns": ("builder", "list_runs"),
    "getFlowRun": ("builder", "get_run"),
    "retryFlowRun": ("builder", "retry_run"),
    "cancelFlowRun": ("builder", "cancel_run"),
    "testFlowStep": ("builder", "test_step"),
    "dryRunFlow": ("builder", "dry_run"),
    "uploadFlowFile": ("builder", "upload_file"),
    "listFlowFiles": ("builder", "list_files"),
    "deleteFlowFile": ("builder", "delete_file"),
    "downloadFlowFile": ("builder", "download_file"),
    "setFlowSecret": ("builder", "set_secret"),
    "listFlowSecrets": ("builder", "list_secrets"),
    "deleteFlowSecret": ("builder", "delete_secret"),
    "listNotifications": ("notifications", "list"),
    "countUnreadNotifications": ("notifications", "unread_count"),
    "markNotificationRead": ("notifications", "mark_read"),
    "markAllNotificationsRead": ("notifications", "mark_all_read"),
    "exportFlowCode": ("builder", "export_code"),
    "getFlowStats": ("builder", "stats"),
    "rotateFlowWebhook": ("builder", "rotate_webhook"),
    "listFlowTemplates": ("builder", "list_templates"),
    "getFlowTemplate": ("builder", "get_template"),
    "getApiUsage": ("analytics", "get_api_usage"),
    "logApiUsage": ("analytics", "log_api_usage"),
    "listAlertRules": ("alerts", "list"),
    "createAlertRule": ("alerts", "create"),
    "getAlertRule": ("alerts", "get"),
    "updateAlertRule": ("alerts", "update"),
    "deleteAlertRule": ("alerts", "delete"),
    "listAlertIncidents": ("alerts", "list_incidents"),
    "getAlertIncident": ("alerts", "get_incident"),
    "acknowledgeAlertIncident": ("alerts", "acknowledge"),
    "resolveAlertIncident": ("alerts", "resolve"),
}
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Litestar names a schema `<module>_schemas_<Struct>` when two structs share a name (and keeps
# the plain name as its title); generators want one plain, unique name per schema.
SCHEMA_NAMES: dict[str, str] = {
    "outbound_schemas_AttemptOut": "DeliveryAttempt",
    "tools_schemas_AttemptOut": "WebhookTestAttempt",
}


def camel(name: str) -> str:
    """snake_case to camelCase, as the TypeScript SDK spells resources and methods."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(HTTP method, path, operation) for every operation under the API prefix."""
    found = []
    for path, item in document.get("paths", {}).items():
        if not path.startswith(API_PREFIX + "/"):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                found.append((method.upper(), path, operation))
    return found


def sdk_name(operation: dict[str, Any]) -> tuple[str, str]:
    """(resource, method) of an operation; KeyError names an operation the table forgot."""
    operation_id = operation.get("operationId", "")
    try:
        return SDK_NAMES[operation_id]
    except KeyError:
        raise KeyError(f"operation {operation_id!r} has no SDK name in SDK_NAMES") from None


def _renamed_refs(node: Any, refs: dict[str, str]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref in refs:
            return {**node, "$ref": refs[ref]}
        return {key: _renamed_refs(value, refs) for key, value in node.items()}
    if isinstance(node, list):
        return [_renamed_refs(value, refs) for value in node]
    return node


def unique_schema_names(document: dict[str, Any]) -> dict[str, Any]:
    """Schemas under the names in SCHEMA_NAMES (titles too), references rewritten; ValueError
    names a module-prefixed schema the table does not cover yet."""
    schemas = document.get("components", {}).get("schemas", {})
    unnamed = sorted(name for name in schemas if "_schemas_" in name and name not in SCHEMA_NAMES)
    if unnamed:
        raise ValueError(f"schemas {unnamed} need a plain name in SCHEMA_NAMES")
    refs = {}
    for old, new in SCHEMA_NAMES.items():
        if old in schemas:
            if new in schemas:
                raise ValueError(f"schema name {new!r} is taken")
            schemas[new] = {**schemas.pop(old), "title": new}
            refs[f"#/components/schemas/{old}"] = f"#/components/schemas/{new}"
    return _renamed_refs(document, refs)  # type: ignore[no-any-return]


def _nullable_enums(node: Any) -> Any:
    """`{enum: [.., null], type: [null, T]}` as `oneOf: [{type: T, enum: [..]}, {type: null}]`:
    the same values, in the form generators turn into one enum type (not one per member)."""
    if isinstance(node, list):
        return [_nullable_enums(value) for value in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable_enums(value) for key, value in node.items()}
    kinds, values = node.get("type"), node.get("enum")
    if isinstance(kinds, list) and "null" in kinds and isinstance(values, list) and None in values:
        others = [kind for kind in kinds if kind != "null"]
        if len(others) == 1:
            rest = {key: value for key, value in node.items() if key not in ("type", "enum")}
            members = [value for value in values if value is not None]
            return {**rest, "oneOf": [{"type": others[0], "enum": members}, {"type": "null"}]}
    return node


def sdk_document(document: dict[str, Any]) -> dict[str, Any]:
    """The document the SDKs are generated from: API paths only, relative to `/api/v1`,
    each operation carrying `x-sdk-resource` and `x-sdk-method`, schemas uniquely named."""
    source = _nullable_enums(unique_schema_names(copy.deepcopy(document)))
    paths: dict[str, Any] = {}
    for path, item in source.get("paths", {}).items():
        if not path.startswith(API_PREFIX + "/"):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                resource, name = sdk_name(operation)
                operation["x-sdk-resource"] = resource
                operation["x-sdk-method"] = name
        paths[path[len(API_PREFIX) :]] = item
    source["paths"] = dict(sorted(paths.items()))
    source["servers"] = [{"url": API_PREFIX}]
    return source
