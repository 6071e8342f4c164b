"""One settings object, read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from secrets import token_urlsafe


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(data_dir: Path) -> str:
    """Use JEWELIA_SECRET_KEY, or a key generated once and kept in the data folder."""
    if key := os.environ.get("JEWELIA_SECRET_KEY"):
        return key
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


@dataclass(frozen=True)
class Settings:
    """Runtime configuration (JEWELIA_*, DATABASE_URL, REDIS_URL, STRIPE_*)."""

    data_dir: Path
    database_url: str
    redis_url: str
    secret_key: str
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str = "http://127.0.0.1:8000"
    debug: bool = False
    dev_mode: bool = False
    smtp_url: str = ""
    mail_from: str = "Jewelia <no-reply@jewelia.local>"
    spare_pool_size: int = 3
    migrate_concurrency: int = 4
    login_max_failures: int = 5
    login_lock_seconds: int = 900
    session_max_age: int = 14 * 24 * 3600
    max_body_bytes: int = 1_048_576
    rate_limits: bool = True
    stripe_api_key: str = ""
    stripe_webhook_secret: str = ""
    stripe_api_base: str = ""
    stripe_prices: dict[str, str] = field(default_factory=dict)
    metrics_token: str = ""  # bearer token for /metrics; unset: /metrics answers 404
    request_log: bool = True  # JEWELIA_REQUEST_LOG=0 leaves the API request log out
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def dev_mail_enabled(self) -> bool:
        """Mail is captured for /dev/mail only in development (`jewelia dev` or
        JEWELIA_DEV_MODE=1) without SMTP; a missing SMTP URL alone never turns it on."""
        return self.dev_mode and not self.smtp_url


def load_settings() -> Settings:
    """Build settings from the environment (call again after changing it)."""
    data_dir = Path(os.environ.get("JEWELIA_DATA_DIR", ".jewelia")).resolve()
    port = int(os.environ.get("JEWELIA_PORT", "8000"))
    host = os.environ.get("JEWELIA_HOST", "127.0.0.1")
    return Settings(
        data_dir=data_dir,
        database_url=os.environ.get("DATABASE_URL", ""),
        redis_url=os.environ.get("REDIS_URL", ""),
        secret_key=_secret_key(data_dir),
        host=host,
        port=port,
        base_url=os.environ.get("JEWELIA_BASE_URL", f"http://{host}:{port}").rstrip("/"),
        debug=_bool("JEWELIA_DEBUG"),
        dev_mode=_bool("JEWELIA_DEV_MODE"),
        smtp_url=os.environ.get("JEWELIA_SMTP_URL", ""),
        mail_from=os.environ.get("JEWELIA_MAIL_FROM", "Jewelia <no-reply@jewelia.local>"),
        spare_pool_size=int(os.environ.get("JEWELIA_SPARE_POOL_SIZE", "3")),
        migrate_concurrency=int(os.environ.get("JEWELIA_MIGRATE_CONCURRENCY", "4")),
        rate_limits=_bool("JEWELIA_RATE_LIMITS", True),
        stripe_api_key=os.environ.get("STRIPE_API_KEY", ""),
        stripe_webhook_secret=os.environ.get("STRIPE_WEBHOOK_SECRET", ""),
        stripe_api_base=os.environ.get("STRIPE_API_BASE", ""),
        metrics_token=os.environ.get("JEWELIA_METRICS_TOKEN", ""),
        request_log=_bool("JEWELIA_REQUEST_LOG", True),
        stripe_prices={
            plan: os.environ.get(f"STRIPE_PRICE_{plan.upper()}", f"price_{plan}")
            for plan in ("professional", "enterprise")
        },
    )


_settings: Settings | None = None


def get_settings() -> Settings:
    """The process-wide settings, loaded on first use."""
    global _settings
    if _settings is None:
        _settings = load_settings()
    return _settings


def reset_settings() -> None:
    """Forget cached settings so the next call re-reads the environment."""
    global _settings
    _settings = None
