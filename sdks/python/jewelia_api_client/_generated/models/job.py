from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.job_data_type import check_job_data_type
from ..models.job_data_type import JobDataType
from ..models.job_format import check_job_format
from ..models.job_format import JobFormat
from ..models.job_status import check_job_status
from ..models.job_status import JobStatus
from ..models.job_type import check_job_type
from ..models.job_type import JobType
from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.job_filters_type_0 import JobFiltersType0
  from ..models.job_mapping_type_0 import JobMappingType0
  from ..models.job_options import JobOptions
  from ..models.job_result import JobResult





T = TypeVar("T", bound="Job")



@_attrs_define
class Job:
    """ 
        Attributes:
            completed_at (None | str):
            created_at (str):
            created_by (str):
            data_type (JobDataType):
            fields (list[str] | None):
            file_name (None | str):
            file_size (int | None):
            files_expire_at (None | str):
            filters (JobFiltersType0 | None):
            format_ (JobFormat):
            id (UUID):
            job_id (UUID):
            mapping (JobMappingType0 | None):
            message (str):
            options (JobOptions):
            processed_rows (int):
            progress (int):
            result (JobResult):
            started_at (None | str):
            status (JobStatus):
            total_rows (int | None):
            type_ (JobType):
     """

    completed_at: None | str
    created_at: str
    created_by: str
    data_type: JobDataType
    fields: list[str] | None
    file_name: None | str
    file_size: int | None
    files_expire_at: None | str
    filters: JobFiltersType0 | None
    format_: JobFormat
    id: UUID
    job_id: UUID
    mapping: JobMappingType0 | None
    message: str
    options: JobOptions
    processed_rows: int
    progress: int
    result: JobResult
    started_at: None | str
    status: JobStatus
    total_rows: int | None
    type_: JobType
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.job_filters_type_0 import JobFiltersType0 # noqa: PLC0415
        from ..models.job_mapping_type_0 import JobMappingType0 # noqa: PLC0415
        from ..models.job_options import JobOptions # noqa: PLC0415
        from ..models.job_result import JobResult # noqa: PLC0415
        completed_at: None | str
        completed_at = self.completed_at

        created_at = self.created_at

        created_by = self.created_by

        data_type: str = self.data_type

        fields: list[str] | None
        if isinstance(self.fields, list):
            fields = self.fields


        else:
            fields = self.fields

        file_name: None | str
        file_name = self.file_name

        file_size: int | None
        file_size = self.file_size

        files_expire_at: None | str
        files_expire_at = self.files_expire_at

        filters: dict[str, Any] | None
        if isinstance(self.filters, JobFiltersType0):
            filters = self.filters.to_dict()
        else:
            filters = self.filters

        format_: str = self.format_

        id = str(self.id)

        job_id = str(self.job_id)

        mapping: dict[str, Any] | None
        if isinstance(self.mapping, JobMappingType0):
            mapping = self.mapping.to_dict()
        else:
            mapping = self.mapping

        message = self.message

        options = self.options.to_dict()

        processed_rows = self.processed_rows

        progress = self.progress

        result = self.result.to_dict()

        started_at: None | str
        started_at = self.started_at

        status: str = self.status

        total_rows: int | None
        total_rows = self.total_rows

        type_: str = self.type_


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "completedAt": completed_at,
            "createdAt": created_at,
            "createdBy": created_by,
            "dataType": data_type,
            "fields": fields,
            "fileName": file_name,
            "fileSize": file_size,
            "filesExpireAt": files_expire_at,
            "filters": filters,
            "format": format_,
            "id": id,
            "jobId": job_id,
            "mapping": mapping,
            "message": message,
            "options": options,
            "processedRows": processed_rows,
            "progress": progress,
            "result": result,
            "startedAt": started_at,
            "status": status,
            "totalRows": total_rows,
            "type": type_,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_filters_type_0 import JobFiltersType0 # noqa: PLC0415
        from ..models.job_mapping_type_0 import JobMappingType0 # noqa: PLC0415
        from ..models.job_options import JobOptions # noqa: PLC0415
        from ..models.job_result import JobResult # noqa: PLC0415
        d = dict(src_dict)
        def _parse_completed_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        completed_at = _parse_completed_at(d.pop("completedAt"))


        created_at = d.pop("createdAt")

        created_by = d.pop("createdBy")

        data_type = check_job_data_type(d.pop("dataType"))




        def _parse_fields(data: object) -> list[str] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                fields_type_0 = cast(list[str], data)

                return fields_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None, data)

        fields = _parse_fields(d.pop("fields"))


        def _parse_file_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        file_name = _parse_file_name(d.pop("fileName"))


        def _parse_file_size(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        file_size = _parse_file_size(d.pop("fileSize"))


        def _parse_files_expire_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        files_expire_at = _parse_files_expire_at(d.pop("filesExpireAt"))


        def _parse_filters(data: object) -> JobFiltersType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                filters_type_0 = JobFiltersType0.from_dict(data)



                return filters_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobFiltersType0 | None, data)

        filters = _parse_filters(d.pop("filters"))


        format_ = check_job_format(d.pop("format"))




        id = UUID(d.pop("id"))




        job_id = UUID(d.pop("jobId"))




        def _parse_mapping(data: object) -> JobMappingType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                mapping_type_0 = JobMappingType0.from_dict(data)



                return mapping_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobMappingType0 | None, data)

        mapping = _parse_mapping(d.pop("mapping"))


        message = d.pop("message")

        options = JobOptions.from_dict(d.pop("options"))




        processed_rows = d.pop("processedRows")

        progress = d.pop("progress")

        result = JobResult.from_dict(d.pop("result"))




        def _parse_started_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        started_at = _parse_started_at(d.pop("startedAt"))


        status = check_job_status(d.pop("status"))




        def _parse_total_rows(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        total_rows = _parse_total_rows(d.pop("totalRows"))


        type_ = check_job_type(d.pop("type"))




        job = cls(
            completed_at=completed_at,
            created_at=created_at,
            created_by=created_by,
            data_type=data_type,
            fields=fields,
            file_name=file_name,
            file_size=file_size,
            files_expire_at=files_expire_at,
            filters=filters,
            format_=format_,
            id=id,
            job_id=job_id,
            mapping=mapping,
            message=message,
            options=options,
            processed_rows=processed_rows,
            progress=progress,
            result=result,
            started_at=started_at,
            status=status,
            total_rows=total_rows,
            type_=type_,
        )


        job.additional_properties = d
        return job

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
