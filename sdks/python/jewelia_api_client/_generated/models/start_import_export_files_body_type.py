from typing import Literal

StartImportExportFilesBodyType = Literal['customers', 'inventory', 'orders']

START_IMPORT_EXPORT_FILES_BODY_TYPE_VALUES: set[StartImportExportFilesBodyType] = { 'customers', 'inventory', 'orders',  }

def check_start_import_export_files_body_type(value: str) -> StartImportExportFilesBodyType:
    if value in START_IMPORT_EXPORT_FILES_BODY_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {START_IMPORT_EXPORT_FILES_BODY_TYPE_VALUES!r}")
