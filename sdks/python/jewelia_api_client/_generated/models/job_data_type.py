from typing import Literal

JobDataType = Literal['customers', 'inventory', 'orders']

JOB_DATA_TYPE_VALUES: set[JobDataType] = { 'customers', 'inventory', 'orders',  }

def check_job_data_type(value: str) -> JobDataType:
    if value in JOB_DATA_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {JOB_DATA_TYPE_VALUES!r}")
