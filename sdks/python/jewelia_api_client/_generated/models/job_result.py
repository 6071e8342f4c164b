from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="JobResult")



@_attrs_define
class JobResult:
    """ 
        Attributes:
            download_url (None | str):
            error_report_url (None | str):
            created (int | None | Unset):
            errors (int | None | Unset):
            exported (int | None | Unset):
            imported (int | None | Unset):
            skipped (int | None | Unset):
            unchanged (int | None | Unset):
            updated (int | None | Unset):
     """

    download_url: None | str
    error_report_url: None | str
    created: int | None | Unset = UNSET
    errors: int | None | Unset = UNSET
    exported: int | None | Unset = UNSET
    imported: int | None | Unset = UNSET
    skipped: int | None | Unset = UNSET
    unchanged: int | None | Unset = UNSET
    updated: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        download_url: None | str
        download_url = self.download_url

        error_report_url: None | str
        error_report_url = self.error_report_url

        created: int | None | Unset
        if isinstance(self.created, Unset):
            created = UNSET
        else:
            created = self.created

        errors: int | None | Unset
        if isinstance(self.errors, Unset):
            errors = UNSET
        else:
            errors = self.errors

        exported: int | None | Unset
        if isinstance(self.exported, Unset):
            exported = UNSET
        else:
            exported = self.exported

        imported: int | None | Unset
        if isinstance(self.imported, Unset):
            imported = UNSET
        else:
            imported = self.imported

        skipped: int | None | Unset
        if isinstance(self.skipped, Unset):
            skipped = UNSET
        else:
            skipped = self.skipped

        unchanged: int | None | Unset
        if isinstance(self.unchanged, Unset):
            unchanged = UNSET
        else:
            unchanged = self.unchanged

        updated: int | None | Unset
        if isinstance(self.updated, Unset):
            updated = UNSET
        else:
            updated = self.updated


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "downloadUrl": download_url,
            "errorReportUrl": error_report_url,
        })
        if created is not UNSET:
            field_dict["created"] = created
        if errors is not UNSET:
            field_dict["errors"] = errors
        if exported is not UNSET:
            field_dict["exported"] = exported
        if imported is not UNSET:
            field_dict["imported"] = imported
        if skipped is not UNSET:
            field_dict["skipped"] = skipped
        if unchanged is not UNSET:
            field_dict["unchanged"] = unchanged
        if updated is not UNSET:
            field_dict["updated"] = updated

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_download_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        download_url = _parse_download_url(d.pop("downloadUrl"))


        def _parse_error_report_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error_report_url = _parse_error_report_url(d.pop("errorReportUrl"))


        def _parse_created(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        created = _parse_created(d.pop("created", UNSET))


        def _parse_errors(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        errors = _parse_errors(d.pop("errors", UNSET))


        def _parse_exported(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        exported = _parse_exported(d.pop("exported", UNSET))


        def _parse_imported(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        imported = _parse_imported(d.pop("imported", UNSET))


        def _parse_skipped(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        skipped = _parse_skipped(d.pop("skipped", UNSET))


        def _parse_unchanged(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        unchanged = _parse_unchanged(d.pop("unchanged", UNSET))


        def _parse_updated(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        updated = _parse_updated(d.pop("updated", UNSET))


        job_result = cls(
            download_url=download_url,
            error_report_url=error_report_url,
            created=created,
            errors=errors,
            exported=exported,
            imported=imported,
            skipped=skipped,
            unchanged=unchanged,
            updated=updated,
        )


        job_result.additional_properties = d
        return job_result

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
