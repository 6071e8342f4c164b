from typing import Literal

GetImportExportStatusType0 = Literal['cancelled', 'completed', 'failed', 'processing', 'queued']

GET_IMPORT_EXPORT_STATUS_TYPE_0_VALUES: set[GetImportExportStatusType0] = { 'cancelled', 'completed', 'failed', 'processing', 'queued',  }

def check_get_import_export_status_type_0(value: str) -> GetImportExportStatusType0:
    if value in GET_IMPORT_EXPORT_STATUS_TYPE_0_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_IMPORT_EXPORT_STATUS_TYPE_0_VALUES!r}")
