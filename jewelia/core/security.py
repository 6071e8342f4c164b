"""Password hashing, token hashing and encryption of secrets at rest."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from cryptography.fernet import Fernet, InvalidToken

from jewelia.core.settings import get_settings

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; costs the same whether or not the account exists."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def hash_password_async(password: str) -> str:
    """hash_password off the event loop (argon2 costs ~150 ms of CPU by design)."""
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(password_hash: str | None, password: str) -> bool:
    """verify_password off the event loop."""
    return await asyncio.to_thread(verify_password, password_hash, password)


def new_token(nbytes: int = 32) -> str:
    """A random URL-safe token."""
    return secrets.token_urlsafe(nbytes)


def sha256_hex(value: str) -> str:
    """SHA-256 of a token, as stored in the database."""
    return hashlib.sha256(value.encode()).hexdigest()


def constant_time_equal(a: str, b: str) -> bool:
    """Compare two strings in constant time."""
    return hmac.compare_digest(a.encode(), b.encode())


@cache
def _fernet(secret_key: str) -> Fernet:
    digest = hashlib.sha256(("jewelia-at-rest:" + secret_key).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt_secret(plain: str) -> str:
    """Encrypt a secret (TOTP seed, webhook secret) for storage."""
    return _fernet(get_settings().secret_key).encrypt(plain.encode()).decode()


def decrypt_secret(token: str) -> str:
    """Decrypt a secret stored with encrypt_secret."""
    try:
        return _fernet(get_settings().secret_key).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("secret cannot be decrypted with this key") from exc
