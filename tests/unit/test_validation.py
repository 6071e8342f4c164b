"""Field validators shared by forms, the API and importers."""

from __future__ import annotations

import pytest

from jewelia.core.errors import ValidationFailed
from jewelia.core.validation import Checker


def test_email_is_normalised_and_checked() -> None:
    check = Checker()
    assert check.email("email", "  Jane.Doe@Example.COM ") == "jane.doe@example.com"
    check.email("email2", "jane@")
    check.email("email3", "")
    assert [(e["field"], e["code"]) for e in check.errors] == [
        ("email2", "INVALID_EMAIL"),
        ("email3", "REQUIRED"),
    ]


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Correct-Horse-Battery-9", True),
        ("short", False),
        ("password123", False),
        ("aaaaaaaaaaaa", False),
        ("x" * 129, False),
        ("janedoe-is-great", False),
    ],
)
def test_password_rules(password: str, ok: bool) -> None:
    check = Checker()
    check.password("password", password, "janedoe@example.com")
    assert (not check.errors) is ok


def test_text_bounds_and_control_characters() -> None:
    check = Checker()
    assert check.text("name", "  Opal  ", "Name", 10) == "Opal"
    check.text("long", "x" * 11, "Long", 10)
    check.text("ctrl", "bad\x07", "Ctrl", 10)
    assert [e["code"] for e in check.errors] == ["TOO_LONG", "INVALID"]
    with pytest.raises(ValidationFailed) as err:
        check.raise_if_any()
    assert err.value.by_field() == {
        "long": "Long must be at most 10 characters",
        "ctrl": "Ctrl contains control characters",
    }
