from typing import Literal

JobFormat = Literal['csv', 'excel', 'json', 'xml']

JOB_FORMAT_VALUES: set[JobFormat] = { 'csv', 'excel', 'json', 'xml',  }

def check_job_format(value: str) -> JobFormat:
    if value in JOB_FORMAT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {JOB_FORMAT_VALUES!r}")
