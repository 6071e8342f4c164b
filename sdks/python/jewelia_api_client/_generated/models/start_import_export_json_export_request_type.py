from typing import Literal

StartImportExportJsonExportRequestType = Literal['customers', 'inventory', 'orders']

START_IMPORT_EXPORT_JSON_EXPORT_REQUEST_TYPE_VALUES: set[StartImportExportJsonExportRequestType] = { 'customers', 'inventory', 'orders',  }

def check_start_import_export_json_export_request_type(value: str) -> StartImportExportJsonExportRequestType:
    if value in START_IMPORT_EXPORT_JSON_EXPORT_REQUEST_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {START_IMPORT_EXPORT_JSON_EXPORT_REQUEST_TYPE_VALUES!r}")
