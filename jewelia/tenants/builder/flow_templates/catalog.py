"""The eight flow templates as data: each one's text, the settings a user fills, and its
configuration with `${key}` where a setting goes (see the package's docstring for the rules)."""

from __future__ import annotations

from typing import Any

Template = dict[str, Any]


def _setting(
    key: str, label: str, kind: str, default: Any, description: str, example: Any = None
) -> dict[str, Any]:
    return {
        "key": key,
        "label": label,
        "type": kind,
        "default": default,
        "description": description,
        **({"example": example} if example is not None else {}),
    }


def _db_trigger(resource: str, *operations: str) -> dict[str, Any]:
    return {
        "type": "database_change",
        "config": {"resource": resource, "operations": list(operations)},
    }


def _schedule() -> dict[str, Any]:
    return {"type": "schedule", "config": {"cron": "${cron}", "timezone": "${timezone}"}}


def _email(step_id: str, to: str, subject: str, body: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": step_id,
        "type": "notification",
        "config": {"channel": "email", "to": to, "subject": subject, "body": body},
        **extra,
    }


CRON = _setting(
    "cron", "When", "cron", "0 9 * * *", "Cron expression (minute hour day month weekday)"
)
TIMEZONE = _setting("timezone", "Time zone", "timezone", "UTC", "IANA time zone of the schedule")
SHOP = _setting(
    "shop_name", "Shop name", "text", "Our shop", "How emails to customers sign off", "Gems & Co"
)
# The schedule's fire time (the trigger's scheduledAt; now when run by hand), and its UTC date.
FIRED = "(trigger.scheduledAt ? trigger.scheduledAt : $now())"
TODAY = f"$substring({FIRED}, 0, 10)"

DATA_SYNC: Template = {
    "name": "data_sync",
    "title": "Customer data sync",
    "description": "Send every new or changed customer to a partner system's URL as JSON.",
    "category": "sync",
    "settings": [
        _setting(
            "partner_url",
            "Partner URL",
            "url",
            "https://external-crm.com/api/customers",
            "Receives a POST of the customer event (customer.created or customer.updated)",
        )
    ],
    # The contract's own example, with the URL as a setting.
    "configuration": {
        "triggers": [
            {
                "type": "database_change",
                "config": {"table": "customers", "operation": "insert,update"},
            }
        ],
        "actions": [
            {"type": "http_request", "config": {"url": "${partner_url}", "method": "POST"}}
        ],
    },
}

ORDER_LINES = (
    "{% for line in trigger.data['items'] %}- {{ line.quantity }} x {{ line.inventory_id }}"
    " at {{ line.unit_price }}\n{% endfor %}"
)
NEW_ORDER: Template = {
    "name": "new_order_notification",
    "title": "New order notification",
    "description": "Email the team and post to Slack whenever an order is placed.",
    "category": "notifications",
    "settings": [
        _setting("notify_email", "Team email", "email", "orders@example.com", "Who gets the email"),
        _setting(
            "slack_webhook_url",
            "Slack webhook URL",
            "url",
            "https://hooks.slack.com/services/T000/B000/XXXX",
            "A Slack (or compatible) incoming-webhook URL",
        ),
    ],
    "configuration": {
        "triggers": [_db_trigger("orders", "insert")],
        "actions": [
            _email(
                "email_team",
                "${notify_email}",
                "New order: {{ trigger.data.total_amount }} {{ trigger.data.currency }}",
                "Order {{ trigger.data.order_id }} was placed"
                " ({{ trigger.data.total_amount }} {{ trigger.data.currency }}).\n\n" + ORDER_LINES,
            ),
            {
                "id": "post_slack",
                "type": "notification",
                "config": {
                    "channel": "slack",
                    "webhookUrl": "${slack_webhook_url}",
                    "body": "New order {{ trigger.data.order_id }}:"
                    " {{ trigger.data.total_amount }} {{ trigger.data.currency }}",
                },
            },
        ],
    },
}

LOW_STOCK_IF = "'quantity' in trigger.changed and trigger.data.quantity <= ${threshold}"
LOW_STOCK: Template = {
    "name": "low_stock_alert",
    "title": "Low stock alert",
    "description": "Email (and notify in the app) when an item's quantity drops to a threshold.",
    "category": "inventory",
    "settings": [
        _setting("threshold", "Threshold", "number", 3, "Alert when quantity is at most this"),
        _setting("alert_email", "Alert email", "email", "stock@example.com", "Who gets the email"),
    ],
    "configuration": {
        "triggers": [_db_trigger("inventory", "update")],
        "actions": [
            _email(
                "email_alert",
                "${alert_email}",
                "Low stock: {{ trigger.data.sku }} ({{ trigger.data.quantity }} left)",
                "{{ trigger.data.name }} ({{ trigger.data.sku }}) is down to"
                " {{ trigger.data.quantity }}. Time to reorder.",
                **{"if": LOW_STOCK_IF},
            ),
            {
                "id": "notify_app",
                "type": "notification",
                "if": LOW_STOCK_IF,
                "config": {
                    "channel": "in_app",
                    "subject": "Low stock: {{ trigger.data.sku }}",
                    "body": "{{ trigger.data.name }} is down to {{ trigger.data.quantity }}.",
                },
            },
        ],
    },
}

STATUS_CHANGED = "'status' in trigger.changed"
ORDER_STATUS: Template = {
    "name": "order_status_update_to_customer",
    "title": "Order status update to the customer",
    "description": "Email the customer when their order's status changes.",
    "category": "customers",
    "settings": [SHOP],
    "configuration": {
        "triggers": [_db_trigger("orders", "update")],
        "actions": [
            {
                "id": "find_customer",
                "type": "database",
                "if": STATUS_CHANGED,
                "config": {
                    "resource": "customers",
                    "operation": "find",
                    "match": {"id": "trigger.data.customer_id"},
                },
            },
            _email(
                "email_customer",
                "{{ steps.find_customer.output.record.email }}",
                "Your order is now {{ trigger.data.status | replace('_', ' ') }}",
                "Hello {{ steps.find_customer.output.record.full_name }},\n\nYour order"
                " {{ trigger.data.order_id }} is now {{ trigger.data.status | replace('_', ' ') }}."
                "\n\n${shop_name}",
                **{"if": f"{STATUS_CHANGED} and $exists(steps.find_customer.output.record.email)"},
            ),
        ],
    },
}

ANNIVERSARY: Template = {
    "name": "customer_anniversary_email",
    "title": "Customer anniversary email",
    "description": "Every day, email the customers whose wedding anniversary is today (the fire"
    " time's date in UTC).",
    "category": "marketing",
    "settings": [CRON, TIMEZONE, SHOP],
    "configuration": {
        "triggers": [_schedule()],
        "actions": [
            {
                "id": "find_customers",
                "type": "database",
                "config": {
                    "resource": "customers",
                    "operation": "find",
                    "match": {"anniversary": f"$substring({FIRED}, 5, 5)"},
                },
            },
            {
                "id": "each_customer",
                "type": "for_each",
                # Only customers with an email who agreed to hear from the shop.
                "config": {
                    "items": "[steps.find_customers.output.records[email and marketing_consent]]",
                    "maxItems": 100,
                    "actions": [
                        _email(
                            "email_customer",
                            "{{ item.email }}",
                            "Happy anniversary, {{ item.full_name }}!",
                            "Dear {{ item.full_name }},\n\nHappy anniversary from all of us."
                            "\n\n${shop_name}",
                        )
                    ],
                },
            },
        ],
    },
}

METAL_PRICE = "$lookup($$.steps.get_prices.output.body, $lowercase(item.specifications.metal))"
REPRICING: Template = {
    "name": "metal_price_repricing",
    "title": "Metal price repricing",
    "description": "On a schedule, fetch metal prices and reprice the items of a category by"
    " weight x price per gram x markup + labor.",
    "category": "inventory",
    "settings": [
        CRON,
        TIMEZONE,
        _setting(
            "price_api_url",
            "Price API URL",
            "url",
            "https://prices.example.com/v1/metals",
            'Answers a GET with JSON prices per gram by metal: {"gold": 75.2, ...}',
        ),
        _setting("category", "Category", "text", "rings", "The inventory category to reprice"),
        _setting("markup", "Markup", "number", 2.5, "Multiplies the metal's value"),
        _setting("labor_fee", "Labor fee", "number", 40, "Added to every item's price"),
    ],
    "configuration": {
        "triggers": [_schedule()],
        "actions": [
            {
                "id": "get_prices",
                "type": "http_request",
                "config": {"method": "GET", "url": "${price_api_url}"},
            },
            {
                "id": "find_items",
                "type": "database",
                "config": {
                    "resource": "inventory",
                    "operation": "find",
                    "match": {"category": "'${category}'"},
                    "limit": 1000,
                },
            },
            {
                "id": "each_item",
                "type": "for_each",
                # Only items with a metal weight and a price for their metal.
                "config": {
                    "items": "[steps.find_items.output.records[$number(specifications.metal_weight_g)"
                    " > 0 and $exists($lookup($$.steps.get_prices.output.body,"
                    " $lowercase(specifications.metal)))]]",
                    "maxItems": 100,
                    "actions": [
                        {
                            "id": "update_price",
                            "type": "database",
                            "config": {
                                "resource": "inventory",
                                "operation": "update",
                                "match": {"id": "item.id"},
                                "data": {
                                    "price": "$string($round($number("
                                    "item.specifications.metal_weight_g) * "
                                    + METAL_PRICE
                                    + " * ${markup} + ${labor_fee}, 2))"
                                },
                            },
                        }
                    ],
                },
            },
        ],
    },
}

WEBHOOK_TO_CRM: Template = {
    "name": "webhook_to_crm",
    "title": "Webhook to CRM",
    "description": "Turn leads posted to the flow's webhook into customers (new or updated by"
    " email).",
    "category": "customers",
    "settings": [
        _setting("lead_tag", "Tag", "text", "web-lead", "Tag given to customers from the webhook")
    ],
    "configuration": {
        "triggers": [{"type": "webhook", "config": {}}],
        "actions": [
            {
                "id": "shape",
                "type": "transform",
                "config": {
                    "output": '{"full_name": $trim(trigger.contact.first_name & " " &'
                    ' trigger.contact.last_name), "email": $lowercase($trim(trigger.contact.email)),'
                    ' "phone": trigger.contact.phone, "notes": trigger.message,'
                    " \"tags\": ['${lead_tag}']}"
                },
            },
            {
                "id": "find_customer",
                "type": "database",
                "config": {
                    "resource": "customers",
                    "operation": "find",
                    "match": {"email": "steps.shape.output.email"},
                },
            },
            {
                "id": "update_customer",
                "type": "database",
                "if": "steps.find_customer.output.found",
                "config": {
                    "resource": "customers",
                    "operation": "update",
                    "match": {"id": "steps.find_customer.output.record.id"},
                    "data": {
                        "full_name": "steps.shape.output.full_name",
                        "phone": "steps.shape.output.phone",
                        "tags": "$distinct($append(steps.find_customer.output.record.tags,"
                        " steps.shape.output.tags))",
                    },
                },
            },
            {
                "id": "create_customer",
                "type": "database",
                "if": "$not(steps.find_customer.output.found)",
                "config": {
                    "resource": "customers",
                    "operation": "create",
                    "data": {
                        "full_name": "steps.shape.output.full_name",
                        "email": "steps.shape.output.email",
                        "phone": "steps.shape.output.phone",
                        "notes": "steps.shape.output.notes",
                        "tags": "steps.shape.output.tags",
                    },
                },
            },
        ],
    },
}

SALES_REPORT: Template = {
    "name": "daily_sales_report",
    "title": "Daily sales report",
    "description": "Every evening, write today's orders (since midnight UTC) to an Excel file and"
    " email the link.",
    "category": "reporting",
    "settings": [
        {**CRON, "default": "0 18 * * *"},
        TIMEZONE,
        _setting("report_email", "Report email", "email", "owner@example.com", "Who gets it"),
    ],
    "configuration": {
        "triggers": [_schedule()],
        "actions": [
            {
                "id": "find_orders",
                "type": "database",
                "config": {
                    "resource": "orders",
                    "operation": "find",
                    "match": {"created_from": TODAY},
                    "limit": 1000,
                },
            },
            {
                "id": "summary",
                "type": "transform",
                "config": {
                    "output": '{"date": ' + TODAY + ', "orders": $count(steps.find_orders.output'
                    '.records[status != "cancelled"]), "total": $round($sum([steps.find_orders'
                    '.output.records[status != "cancelled"].$number(total_amount)]), 2)}'
                },
            },
            {
                "id": "write_report",
                "type": "file",
                "config": {
                    "operation": "write",
                    "format": "xlsx",
                    "name": "sales-{{ steps.summary.output.date }}.xlsx",
                    "rows": '[steps.find_orders.output.records.{"order": id, "customer": '
                    'customer_id, "status": status, "payment": payment_status, "total":'
                    ' $number(total_amount), "currency": currency, "created_at": created_at}]',
                },
            },
            _email(
                "email_report",
                "${report_email}",
                "Sales {{ steps.summary.output.date }}: {{ steps.summary.output.orders }} orders,"
                " {{ steps.summary.output.total }}",
                "{{ steps.summary.output.orders }} orders today, {{ steps.summary.output.total }}"
                " in total.\n\nThe report: {{ steps.write_report.output.downloadUrl"
                " | default('none (no file was written)') }}",
            ),
        ],
    },
}

TEMPLATES: tuple[Template, ...] = (
    DATA_SYNC,
    NEW_ORDER,
    LOW_STOCK,
    ORDER_STATUS,
    ANNIVERSARY,
    REPRICING,
    WEBHOOK_TO_CRM,
    SALES_REPORT,
)
