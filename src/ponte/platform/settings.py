"""Configuration from environment variables (PONTE_*), read once per process."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# Development-only secrets: refused in every environment but an explicit development one (see check_secrets).
DEV_DATA_KEY = "ponte-development-key-not-for-production-use"
DEV_SESSION_SECRET = "ponte-development-session-secret-not-for-production-use"
DEVELOPMENT = "development"
#: The shortest secret accepted outside development (characters of a random, URL-safe string).
MIN_SECRET_LENGTH = 32


def user_cache_dir() -> Path | None:
    """``$XDG_CACHE_HOME/ponte``, else ``~/.cache/ponte`` (None when there is no home to find)."""
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "ponte"
    try:
        return Path.home() / ".cache" / "ponte"
    except (RuntimeError, KeyError):
        return None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PONTE_", env_file=".env", extra="ignore")

    env: str = Field(
        default=DEVELOPMENT,
        description="development (the only one that runs on the published development secrets) | test | staging | "
        "production",
    )
    database_url: str = Field(
        default="sqlite:///ponte.db", description="SQLAlchemy URL; PostgreSQL in production"
    )
    data_key: SecretStr = Field(
        default=SecretStr(DEV_DATA_KEY),
        description="Secret from which the key that encrypts personal data at rest is derived",
    )
    session_secret: SecretStr = Field(
        default=SecretStr(DEV_SESSION_SECRET),
        description="Secret that signs console sessions, CSRF tokens, invitation and password-reset links",
    )
    public_url: str | None = Field(
        default=None,
        pattern=r"^https?://[A-Za-z0-9.-]+(:\d+)?(/[\w./-]*)?$",
        description="Ponte's public address as people reach it (https://ponte.example): the only origin the "
        "console's forms accept besides the request's own, HTTPS-only cookies and HSTS when it is https, the "
        "root of links sent by mail and of the ids Ponte publishes (ONE Record); never a request's Host header",
    )
    mail_sender: str = Field(default="file", description="file (development: one .eml per message) | smtp")
    mail_dir: Path = Field(default=Path("var/mail"), description="Where the file sender writes its messages")
    mail_from: str = Field(default="Ponte <no-reply@localhost>", description="The From of the console's mail")
    smtp_host: str = "localhost"
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    host: str = "127.0.0.1"
    port: int = 8000
    default_locale: str = "en"
    fx_official_files: list[Path] = Field(
        default_factory=list, description="CSV files of official rates that take precedence"
    )
    customs_exchange_dir: Path = Field(
        default=Path("customs-exchange"),
        description="Folder shared with the e-port client: out/ (messages sent), in/ (receipts)",
    )
    customs_transport: str = Field(default="file", description="file | mq: how messages reach the e-port")
    customs_mq_url: str | None = Field(default=None, description="AMQP URL of the DXP MQ endpoint")
    customs_payment_data_url: str | None = Field(
        default=None, description="the e-port's realTimeDataUpload address for 179 payment data"
    )
    customs_mq_send_queue: str = "ceb.declarations"
    customs_mq_receive_queue: str = "ceb.receipts"
    logistics_schedule: Path | None = Field(
        default=None,
        description="A forwarder's own flight schedule (SSIM-like CSV, docs/logistics.md); default: the sample",
    )
    document_font_dirs: list[Path] = Field(
        default_factory=list,
        description="Folders with NotoSans and NotoSansCJK (default: Debian's Noto paths)",
    )
    analytics_cache_seconds: float = Field(
        default=300.0,
        ge=0,
        description="How long a computed figure is kept (it is recomputed sooner when the data change)",
    )
    analytics_version_seconds: float = Field(
        default=1.0,
        ge=0,
        description="How often the figures ask whether the data changed (0: on every request)",
    )
    cache_dir: Path | None = Field(
        default_factory=user_cache_dir,
        description="Where Ponte keeps what it can rebuild, such as the compiled rule files (default: "
        "$XDG_CACHE_HOME/ponte or ~/.cache/ponte); a folder that cannot be written only costs start-up time",
    )
    log_level: str = "INFO"
    log_json: bool = False
    max_body_bytes: int = Field(default=1_000_000, ge=1, description="largest JSON or form request body")
    max_upload_bytes: int = Field(
        default=100_000_000, ge=1, description="largest uploaded file (catalogue and order CSV, Parquet)"
    )
    rate_limit_per_key: str = Field(
        default="100/second;3000/minute",
        description="requests per API key (the `limits` notation; empty for none)",
    )
    rate_limit_per_ip: str = Field(
        default="200/second;6000/minute",
        description="requests per client address, with or without a key (empty for none)",
    )
    rate_limit_storage: str = Field(
        default="memory://",
        description="where the counts live: memory:// (per process) or redis://127.0.0.1:6379 (shared)",
    )
    background_worker: bool = Field(
        default=True,
        description="run the background worker (webhook deliveries, reservation sweeps) in each server process",
    )
    background_every: float = Field(default=5.0, gt=0, le=60, description="seconds between worker rounds")
    webhooks_allow_private: bool = Field(
        default=False,
        description="Development only: let webhooks go to loopback and private addresses (a local receiver)",
    )

    @property
    def is_development(self) -> bool:
        """Only an explicit ``PONTE_ENV=development`` (the default) runs on the development secrets."""
        return self.env == DEVELOPMENT

    def check_secrets(self) -> None:
        """Refuse to start outside development without a data key and a session secret of its own."""
        if self.is_development:
            return
        for variable, value, published in (
            ("PONTE_DATA_KEY", self.data_key.get_secret_value(), DEV_DATA_KEY),
            ("PONTE_SESSION_SECRET", self.session_secret.get_secret_value(), DEV_SESSION_SECRET),
        ):
            if not value or published in value.split(","):
                raise RuntimeError(
                    f"{variable} must be set to a secret of your own when PONTE_ENV={self.env!r} "
                    f"(only PONTE_ENV=development runs on the published development secrets)"
                )
            if min(len(part) for part in value.split(",")) < MIN_SECRET_LENGTH:
                raise RuntimeError(f"{variable} must be at least {MIN_SECRET_LENGTH} characters long")
        if self.data_key.get_secret_value().split(",")[0] == self.session_secret.get_secret_value():
            raise RuntimeError("PONTE_SESSION_SECRET must differ from PONTE_DATA_KEY")

    # the former name, kept for callers outside the platform
    check_production = check_secrets


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    settings = Settings()
    settings.check_secrets()
    return settings
