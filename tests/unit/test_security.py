"""Password hashing, token hashing and encryption at rest."""

from __future__ import annotations

from jewelia.core.security import (
    constant_time_equal,
    decrypt_secret,
    encrypt_secret,
    hash_password,
    sha256_hex,
    verify_password,
)


def test_argon2_hashes_verify() -> None:
    stored = hash_password("Correct-Horse-Battery-9")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "Correct-Horse-Battery-9")
    assert not verify_password(stored, "correct-horse-battery-9")
    assert not verify_password(None, "anything")
    assert not verify_password("not-a-hash", "anything")


def test_secrets_are_encrypted_at_rest() -> None:
    token = encrypt_secret("JBSWY3DPEHPK3PXP")
    assert "JBSWY3DPEHPK3PXP" not in token
    assert decrypt_secret(token) == "JBSWY3DPEHPK3PXP"


def test_token_hash_and_compare() -> None:
    assert sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert constant_time_equal("a", "a") and not constant_time_equal("a", "b")
