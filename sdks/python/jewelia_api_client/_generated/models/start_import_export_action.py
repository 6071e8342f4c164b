from typing import Literal

StartImportExportAction = Literal['cancel', 'export', 'import']

START_IMPORT_EXPORT_ACTION_VALUES: set[StartImportExportAction] = { 'cancel', 'export', 'import',  }

def check_start_import_export_action(value: str) -> StartImportExportAction:
    if value in START_IMPORT_EXPORT_ACTION_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {START_IMPORT_EXPORT_ACTION_VALUES!r}")
