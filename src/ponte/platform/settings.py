"""Configuration from environment variables (PONTE_*), read once per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# Development-only key: refused when PONTE_ENV=production (see check_production).
DEV_DATA_KEY = "ponte-development-key-not-for-production-use"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PONTE_", env_file=".env", extra="ignore")

    env: str = Field(default="development", description="development | test | production")
    database_url: str = Field(
        default="sqlite:///ponte.db", description="SQLAlchemy URL; PostgreSQL in production"
    )
    data_key: SecretStr = Field(
        default=SecretStr(DEV_DATA_KEY),
        description="Secret from which the key that encrypts personal data at rest is derived",
    )
    host: str = "127.0.0.1"
    public_base_url: str | None = Field(
        default=None,
        pattern=r"^https?://[A-Za-z0-9.-]+(:\d+)?(/[\w./-]*)?$",
        description="the server's public address (https://ponte.example): the root of ids it publishes "
        "(ONE Record); never taken from a request's Host header. Default: http://HOST:PORT",
    )
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

    def check_production(self) -> None:
        if self.env == "production" and self.data_key.get_secret_value() == DEV_DATA_KEY:
            raise RuntimeError("PONTE_DATA_KEY must be set to a secret of your own in production")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    settings = Settings()
    settings.check_production()
    return settings
