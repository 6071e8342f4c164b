from typing import Literal

ListWebhookTemplatesCategoryType0 = Literal['alert_events', 'customer_events', 'import_export_events', 'integration_events', 'inventory_events', 'order_events', 'test_events']

LIST_WEBHOOK_TEMPLATES_CATEGORY_TYPE_0_VALUES: set[ListWebhookTemplatesCategoryType0] = { 'alert_events', 'customer_events', 'import_export_events', 'integration_events', 'inventory_events', 'order_events', 'test_events',  }

def check_list_webhook_templates_category_type_0(value: str) -> ListWebhookTemplatesCategoryType0:
    if value in LIST_WEBHOOK_TEMPLATES_CATEGORY_TYPE_0_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LIST_WEBHOOK_TEMPLATES_CATEGORY_TYPE_0_VALUES!r}")
