from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from uuid import UUID






T = TypeVar("T", bound="UsageCreate")



@_attrs_define
class UsageCreate:
    """ 
        Attributes:
            quantity (int):
            description (str | Unset):  Default: ''.
            idempotency_key (None | str | Unset):
            install_id (None | Unset | UUID):
     """

    quantity: int
    description: str | Unset = ''
    idempotency_key: None | str | Unset = UNSET
    install_id: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        quantity = self.quantity

        description = self.description

        idempotency_key: None | str | Unset
        if isinstance(self.idempotency_key, Unset):
            idempotency_key = UNSET
        else:
            idempotency_key = self.idempotency_key

        install_id: None | str | Unset
        if isinstance(self.install_id, Unset):
            install_id = UNSET
        elif isinstance(self.install_id, UUID):
            install_id = str(self.install_id)
        else:
            install_id = self.install_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "quantity": quantity,
        })
        if description is not UNSET:
            field_dict["description"] = description
        if idempotency_key is not UNSET:
            field_dict["idempotencyKey"] = idempotency_key
        if install_id is not UNSET:
            field_dict["installId"] = install_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        quantity = d.pop("quantity")

        description = d.pop("description", UNSET)

        def _parse_idempotency_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        idempotency_key = _parse_idempotency_key(d.pop("idempotencyKey", UNSET))


        def _parse_install_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                install_id_type_0 = UUID(data)



                return install_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        install_id = _parse_install_id(d.pop("installId", UNSET))


        usage_create = cls(
            quantity=quantity,
            description=description,
            idempotency_key=idempotency_key,
            install_id=install_id,
        )


        usage_create.additional_properties = d
        return usage_create

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
