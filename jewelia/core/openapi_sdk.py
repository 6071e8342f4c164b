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
}
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


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


def sdk_document(document: dict[str, Any]) -> dict[str, Any]:
    """The document the SDKs are generated from: API paths only, relative to `/api/v1`,
    each operation carrying `x-sdk-resource` and `x-sdk-method`."""
    source = copy.deepcopy(document)
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
