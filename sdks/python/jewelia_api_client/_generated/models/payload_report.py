from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.field_issue import FieldIssue





T = TypeVar("T", bound="PayloadReport")



@_attrs_define
class PayloadReport:
    """ 
        Attributes:
            errors (list[FieldIssue]):
            event (str):
            extra (list[str]):
            invalid (list[str]):
            missing (list[str]):
            mistyped (list[str]):
            template (str):
            valid (bool):
     """

    errors: list[FieldIssue]
    event: str
    extra: list[str]
    invalid: list[str]
    missing: list[str]
    mistyped: list[str]
    template: str
    valid: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.field_issue import FieldIssue # noqa: PLC0415
        errors = []
        for errors_item_data in self.errors:
            errors_item = errors_item_data.to_dict()
            errors.append(errors_item)



        event = self.event

        extra = self.extra



        invalid = self.invalid



        missing = self.missing



        mistyped = self.mistyped



        template = self.template

        valid = self.valid


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "errors": errors,
            "event": event,
            "extra": extra,
            "invalid": invalid,
            "missing": missing,
            "mistyped": mistyped,
            "template": template,
            "valid": valid,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.field_issue import FieldIssue # noqa: PLC0415
        d = dict(src_dict)
        errors = []
        _errors = d.pop("errors")
        for errors_item_data in (_errors):
            errors_item = FieldIssue.from_dict(errors_item_data)



            errors.append(errors_item)


        event = d.pop("event")

        extra = cast(list[str], d.pop("extra"))


        invalid = cast(list[str], d.pop("invalid"))


        missing = cast(list[str], d.pop("missing"))


        mistyped = cast(list[str], d.pop("mistyped"))


        template = d.pop("template")

        valid = d.pop("valid")

        payload_report = cls(
            errors=errors,
            event=event,
            extra=extra,
            invalid=invalid,
            missing=missing,
            mistyped=mistyped,
            template=template,
            valid=valid,
        )


        payload_report.additional_properties = d
        return payload_report

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
