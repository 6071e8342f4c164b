"""Field validators shared by the API, the pages and the importers."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from jewelia.core.errors import FieldError

COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password123",
        "passw0rd",
        "123456789",
        "1234567890",
        "12345678910",
        "qwertyuiop",
        "iloveyou123",
        "letmein123",
        "welcome123",
        "administrator",
        "changeme123",
        "jewelia123",
        "qwerty12345",
        "1q2w3e4r5t",
        "abc1234567",
    }
)


class Checker:
    """Collects field errors so a form reports every problem at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, message: str, code: str = "INVALID") -> None:
        self.errors.append(FieldError(field, message, code))

    def text(self, field: str, value: str, label: str, max_len: int, min_len: int = 1) -> str:
        """Trimmed text of bounded length."""
        value = (value or "").strip()
        if len(value) < min_len:
            self.add(field, f"{label} is required", "REQUIRED")
        elif len(value) > max_len:
            self.add(field, f"{label} must be at most {max_len} characters", "TOO_LONG")
        elif any(ord(ch) < 32 for ch in value):
            self.add(field, f"{label} contains control characters", "INVALID")
        return value

    def email(self, field: str, value: str) -> str:
        """A normalised email address."""
        value = (value or "").strip()
        if not value:
            self.add(field, "Email is required", "REQUIRED")
            return value
        if len(value) > 254:
            self.add(field, "Email must be at most 254 characters", "TOO_LONG")
            return value
        try:
            return validate_email(value, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            self.add(field, "Invalid email format", "INVALID_EMAIL")
            return value

    def password(self, field: str, value: str, email: str = "") -> str:
        """A password strong enough to accept."""
        value = value or ""
        if len(value) < 10:
            self.add(field, "Password must be at least 10 characters", "WEAK_PASSWORD")
        elif len(value) > 128:
            self.add(field, "Password must be at most 128 characters", "TOO_LONG")
        elif value.lower() in COMMON_PASSWORDS or len(set(value)) < 5:
            self.add(field, "This password is too common; choose another", "WEAK_PASSWORD")
        elif email and email.split("@")[0].lower() in value.lower() and len(email) > 3:
            self.add(field, "Password must not contain your email name", "WEAK_PASSWORD")
        return value

    def choice(self, field: str, value: str, allowed: tuple[str, ...], label: str) -> str:
        """One of the allowed values."""
        if value not in allowed:
            self.add(field, f"{label} must be one of: {', '.join(allowed)}", "INVALID_CHOICE")
        return value

    def raise_if_any(self) -> None:
        """Raise ValidationFailed when anything was wrong."""
        if self.errors:
            from jewelia.core.errors import ValidationFailed

            raise ValidationFailed(self.errors)
