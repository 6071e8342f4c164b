from typing import Literal

StartImportExportJsonExportRequestFormat = Literal['csv', 'excel', 'json', 'xml']

START_IMPORT_EXPORT_JSON_EXPORT_REQUEST_FORMAT_VALUES: set[StartImportExportJsonExportRequestFormat] = { 'csv', 'excel', 'json', 'xml',  }

def check_start_import_export_json_export_request_format(value: str) -> StartImportExportJsonExportRequestFormat:
    if value in START_IMPORT_EXPORT_JSON_EXPORT_REQUEST_FORMAT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {START_IMPORT_EXPORT_JSON_EXPORT_REQUEST_FORMAT_VALUES!r}")
