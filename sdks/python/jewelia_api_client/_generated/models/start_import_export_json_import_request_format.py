from typing import Literal

StartImportExportJsonImportRequestFormat = Literal['csv', 'excel', 'json', 'xml']

START_IMPORT_EXPORT_JSON_IMPORT_REQUEST_FORMAT_VALUES: set[StartImportExportJsonImportRequestFormat] = { 'csv', 'excel', 'json', 'xml',  }

def check_start_import_export_json_import_request_format(value: str) -> StartImportExportJsonImportRequestFormat:
    if value in START_IMPORT_EXPORT_JSON_IMPORT_REQUEST_FORMAT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {START_IMPORT_EXPORT_JSON_IMPORT_REQUEST_FORMAT_VALUES!r}")
