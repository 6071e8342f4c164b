from typing import Literal

GetImportExportTypeType0 = Literal['export', 'import']

GET_IMPORT_EXPORT_TYPE_TYPE_0_VALUES: set[GetImportExportTypeType0] = { 'export', 'import',  }

def check_get_import_export_type_type_0(value: str) -> GetImportExportTypeType0:
    if value in GET_IMPORT_EXPORT_TYPE_TYPE_0_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_IMPORT_EXPORT_TYPE_TYPE_0_VALUES!r}")
