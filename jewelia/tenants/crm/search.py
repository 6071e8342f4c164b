"""Search text to a prefix tsquery matching the `search_vector` columns."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+")


def prefix_query(text: str | None) -> str | None:
    """'Jane Sm' -> 'jane:* & sm:*'; words split exactly as the stored vectors split them."""
    if not text:
        return None
    words = _WORD.findall(text.lower())[:8]
    return " & ".join(f"{w}:*" for w in words) or None


def sort_clause(sort: str | None, allowed: dict[str, str], default: str) -> tuple[str, bool]:
    """An ORDER BY clause from `field` or `-field` (allow-listed); also whether it is the default."""
    key = sort or default
    desc = key.startswith("-")
    column = allowed.get(key.lstrip("-"))
    if column is None:
        from jewelia.core.errors import FieldError, ValidationFailed

        choices = ", ".join(sorted(allowed))
        raise ValidationFailed(
            [
                FieldError(
                    "sort",
                    f"sort must be one of: {choices} (prefix - for descending)",
                    "INVALID_CHOICE",
                )
            ]
        )
    direction = "DESC" if desc else "ASC"
    return f"{column} {direction}, id {direction}", key == default
