from typing import Literal

StartImportExportJsonImportRequestType = Literal['customers', 'inventory', 'orders']

START_IMPORT_EXPORT_JSON_IMPORT_REQUEST_TYPE_VALUES: set[StartImportExportJsonImportRequestType] = { 'customers', 'inventory', 'orders',  }

def check_start_import_export_json_import_request_type(value: str) -> StartImportExportJsonImportRequestType:
    if value in START_IMPORT_EXPORT_JSON_IMPORT_REQUEST_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {START_IMPORT_EXPORT_JSON_IMPORT_REQUEST_TYPE_VALUES!r}")
