from typing import Literal

JobType = Literal['export', 'import']

JOB_TYPE_VALUES: set[JobType] = { 'export', 'import',  }

def check_job_type(value: str) -> JobType:
    if value in JOB_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {JOB_TYPE_VALUES!r}")
