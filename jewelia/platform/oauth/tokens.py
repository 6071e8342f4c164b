"""Codes and tokens for apps: random strings shown once, stored only as their SHA-256.

Access tokens (`jwa_…`) live an hour, refresh tokens (`jwr_…`) 60 days and rotate on every use;
authorization codes live 60 seconds and are spent once. Every token issued from one code shares
a family id derived from the code's hash, so a code presented twice can find and revoke what it
was exchanged for, and a spent refresh token presented again revokes its whole family.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from jewelia.core.security import new_token, sha256_hex

ACCESS_PREFIX = "jwa_"
REFRESH_PREFIX = "jwr_"
CODE_PREFIX = "jwc_"
ACCESS_TTL = timedelta(hours=1)
REFRESH_TTL = timedelta(days=60)
CODE_TTL = timedelta(seconds=60)


def new_access_token() -> str:
    return ACCESS_PREFIX + new_token()


def new_refresh_token() -> str:
    return REFRESH_PREFIX + new_token()


def new_code() -> str:
    return CODE_PREFIX + new_token()


def token_hash(value: str) -> str:
    """What is stored for a code or token: its SHA-256, hex."""
    return sha256_hex(value)


def family_of_code(code_hash: str) -> uuid.UUID:
    """The family id of every token issued from a code (a function of the code's hash)."""
    return uuid.UUID(hex=code_hash[:32])
