"""Where import and export files live, how uploads reach the disk, and signed download links.

Files sit under the data folder, one folder per tenant and job
(`<data>/transfer/<tenant id>/<job id>/`), never in the database; the sweeper removes them after
the retention period. Web and worker processes share that folder (a shared volume when they run
on separate hosts).

A download link is `<base>/api/v1/import-export/download/<token>`, where the token is
`base64url(json payload) . base64url(HMAC-SHA256)` keyed from the secret key, binding the
tenant, the job, which file, and an expiry time. The download route needs no API key (the link
can be handed to a browser) and refuses tampered or expired tokens.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import shutil
import time
import uuid
from collections.abc import AsyncIterable
from dataclasses import dataclass
from pathlib import Path

from jewelia.core.errors import PAYLOAD_TOO_LARGE, AppError, AuthenticationFailed
from jewelia.core.settings import get_settings

LINK_SECONDS = 24 * 3600


def retention_seconds() -> float:
    """How long job files are kept (JEWELIA_TRANSFER_RETENTION_HOURS, default 7 days)."""
    return float(os.environ.get("JEWELIA_TRANSFER_RETENTION_HOURS", "168")) * 3600


class TooLarge(AppError):
    status_code = 413
    code = PAYLOAD_TOO_LARGE


def root() -> Path:
    return get_settings().data_dir / "transfer"


def job_dir(tenant_id: uuid.UUID, job_id: uuid.UUID) -> Path:
    """The job's folder (ids only: nothing from the client reaches a path)."""
    return root() / str(uuid.UUID(str(tenant_id))) / str(uuid.UUID(str(job_id)))


def source_path(tenant_id: uuid.UUID, job_id: uuid.UUID) -> Path:
    return job_dir(tenant_id, job_id) / "source"


def remove_job_files(tenant_id: uuid.UUID, job_id: uuid.UUID) -> None:
    shutil.rmtree(job_dir(tenant_id, job_id), ignore_errors=True)


async def save_stream(chunks: AsyncIterable[bytes], target: Path, limit: int) -> int:
    """Write chunks to `target`, refusing (413) as soon as more than `limit` bytes arrive."""
    target.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    try:
        with target.open("wb") as out:
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise TooLarge(size_message(limit))
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)  # noqa: ASYNC240 - local disk, one call
        raise
    return size


def size_message(limit: int) -> str:
    return (
        f"The file is larger than your plan's import limit of {limit / (1 << 20):g} MB;"
        " split it or upgrade your plan"
    )


def save_bytes(data: bytes, target: Path, limit: int) -> int:
    if len(data) > limit:
        raise TooLarge(size_message(limit))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return len(data)


# --- signed links -------------------------------------------------------------------------------


def _key() -> bytes:
    secret = get_settings().secret_key.encode()
    return hmac.new(secret, b"jewelia.transfer.download.v1", hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Grant:
    tenant_id: uuid.UUID
    job_id: uuid.UUID
    file: str  # "result" or "errors"
    expires: int


def sign(tenant_id: uuid.UUID, job_id: uuid.UUID, file: str, expires: int | None = None) -> str:
    """A token for one file of one job of one tenant, valid until `expires` (epoch seconds)."""
    payload = json.dumps(
        {
            "t": str(tenant_id),
            "j": str(job_id),
            "f": file,
            "e": expires or int(time.time()) + LINK_SECONDS,
        },
        separators=(",", ":"),
    ).encode()
    mac = hmac.new(_key(), payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(mac)}"


def verify(token: str) -> Grant:
    """The grant a token carries, or AuthenticationFailed (tampered, malformed or expired)."""
    try:
        body, mac = token.split(".")
        payload = _unb64(body)
        given = _unb64(mac)
    except (ValueError, TypeError) as exc:
        raise AuthenticationFailed("Invalid download link") from exc
    if not hmac.compare_digest(hmac.new(_key(), payload, hashlib.sha256).digest(), given):
        raise AuthenticationFailed("Invalid download link")
    try:
        data = json.loads(payload)
        grant = Grant(uuid.UUID(data["t"]), uuid.UUID(data["j"]), str(data["f"]), int(data["e"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise AuthenticationFailed("Invalid download link") from exc
    if grant.expires < time.time():
        raise AuthenticationFailed("This download link has expired; ask for a new one")
    return grant


def download_url(tenant_id: uuid.UUID, job_id: uuid.UUID, file: str, until: float | None) -> str:
    """An absolute, signed link (at most 24 h, never past the file's own expiry)."""
    expires = int(time.time()) + LINK_SECONDS
    if until is not None:
        expires = min(expires, int(until))
    token = sign(tenant_id, job_id, file, expires)
    return f"{get_settings().base_url}/api/v1/import-export/download/{token}"
