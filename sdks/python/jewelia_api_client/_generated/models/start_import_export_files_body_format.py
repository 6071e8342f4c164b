from typing import Literal

StartImportExportFilesBodyFormat = Literal['csv', 'excel', 'json', 'xml']

START_IMPORT_EXPORT_FILES_BODY_FORMAT_VALUES: set[StartImportExportFilesBodyFormat] = { 'csv', 'excel', 'json', 'xml',  }

def check_start_import_export_files_body_format(value: str) -> StartImportExportFilesBodyFormat:
    if value in START_IMPORT_EXPORT_FILES_BODY_FORMAT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {START_IMPORT_EXPORT_FILES_BODY_FORMAT_VALUES!r}")
