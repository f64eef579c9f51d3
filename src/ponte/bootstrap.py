"""The composition root: the only reader of ``Settings``.

It builds what the adapters (API, console, CLI, batch) hand to the services: the database, the FX source,
the rules, the flight schedule, the clock, the HS classifier. Each is built once per ``Platform``; a process makes one
platform (the server at start-up, a CLI command when it runs), so several processes and distributed workers
behave the same and nothing hides in a module-level cache of its own.

Importing this module costs only what a landed-cost quote needs (settings, rules, FX): each other part
imports its slice when it is first built, so ``ponte quote`` starts without the database, the customs
signer, the classifier or the analytics engines. The database imports every slice's tables
(``ponte.schema``) before its first session, whoever built it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from ponte.duties.params import Rules, default_rules
from ponte.kernel.clock import Clock, SystemClock
from ponte.kernel.errors import ValidationError
from ponte.kernel.money import Money
from ponte.platform.settings import Settings, get_settings
from ponte.reference.fx import FxConverter, default_converter

if TYPE_CHECKING:
    from ponte.accounts.adapters.mail import MailSender
    from ponte.analytics.cache import FigureCache
    from ponte.analytics.service import Analytics
    from ponte.classify.service import Engine
    from ponte.customs.adapters.mq import MqLink
    from ponte.customs.adapters.payment_data_upload import PaymentDataUploader
    from ponte.customs.adapters.transport import ReceiptSource, Transport
    from ponte.customs.china.profile import CustomsProfile
    from ponte.customs.china.signer import Signer
    from ponte.customs.service import SigningMaterial
    from ponte.fulfilment import service as fulfilment
    from ponte.fulfilment.model import AirRate
    from ponte.journey.service import Context as JourneyContext
    from ponte.logistics.network import Lanes
    from ponte.logistics.schedule import Schedule
    from ponte.logistics.uld import Flight
    from ponte.platform.crypto import DataCipher
    from ponte.platform.db import Database
    from ponte.platform.pdf_fonts import FontFiles
    from ponte.warehouses.service import WarehouseService

__all__ = ["Platform", "platform"]


@dataclass
class Platform:
    """Everything a process needs from its configuration, built on first use."""

    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    _database: Database | None = None
    # tenant -> (profile version, signer): a signer holds a loaded key, built once per profile change
    _signers: dict[str, tuple[object, Signer]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # every environment but an explicit development one refuses to start on the published secrets
        self.settings.check_secrets()
        if self._database is not None:
            self.tables  # noqa: B018 - a database handed in gets every slice's tables too

    @classmethod
    def from_environment(cls) -> Platform:
        return cls(get_settings())

    @cached_property
    def cipher(self) -> DataCipher:
        """The key that encrypts personal data at rest (several, comma separated, for rotation)."""
        from ponte.platform.crypto import configure  # lazy: only stored personal data needs the key

        secret = self.settings.data_key.get_secret_value()
        return configure([part for part in secret.split(",") if part])

    @property
    def tables(self) -> tuple[ModuleType, ...]:
        """Every slice's table modules, registered on the one Base (so foreign keys resolve)."""
        from ponte.schema import MODULES  # lazy: the tables load with the first use of the database

        return MODULES

    @property
    def database(self) -> Database:
        if self._database is None:
            from ponte.platform.db import Database  # lazy: a quote needs no database

            self.tables  # noqa: B018 - every slice's tables before the first session (foreign keys resolve)
            self.cipher  # noqa: B018 - encrypted columns need the key before the first row is read
            self._database = Database(self.settings.database_url)
        return self._database

    @cached_property
    def fx(self) -> FxConverter:
        """Rates by date: the official rate files first, then ECB daily, then HMRC monthly."""
        return default_converter(tuple(Path(p) for p in self.settings.fx_official_files))

    @cached_property
    def rules(self) -> Rules:
        """The dated duty and tax rules shipped with Ponte (compiled once into the cache folder)."""
        return default_rules(cache_dir=self.settings.cache_dir)

    @cached_property
    def journey(self) -> JourneyContext:
        """What the order's journey needs: rules and FX (and, as they join, customs and logistics)."""
        from ponte.journey.service import Context as JourneyContext  # lazy: only the journey needs it

        return JourneyContext(
            rules=self.rules,
            fx=self.fx,
            lanes=self.lanes,
            flights=self.flights,
            signer_for=self.customs_signer,
            transport=self.customs_transport,
            air=self.air_rates,
            warehouses=self.warehouses,
        )

    @cached_property
    def warehouses(self) -> WarehouseService:
        """Warehouses, their stock ledger, inbound and outbound, and replenishment (costed with the rules and FX)."""
        from ponte.warehouses.service import WarehouseService  # lazy: forecasting loads pandas

        return WarehouseService(self.database, self.clock, self.rules, self.fx)

    @cached_property
    def air_rates(self) -> dict[tuple[str, str], AirRate]:
        """Each lane's air rate (logistics' rate cards, else the schedule's cheapest cost per kg) and its transit
        days, over the schedule's reference fortnight (a Monday 00:00 UTC start)."""
        from ponte.fulfilment import service as fulfilment  # lazy: only the fulfilment choice needs it

        start = date(2026, 1, 5)
        return fulfilment.air_rates(
            self.flights(start, 14), self.lanes, datetime.combine(start, datetime.min.time(), UTC)
        )

    @cached_property
    def fulfilment(self) -> fulfilment.Setup:
        """What the fulfilment choice needs: rules, FX, lanes, air rates and the warehouses' stock."""
        return self.journey.fulfilment()

    @cached_property
    def classify(self) -> Engine:
        """The HS classifier: the packaged sentence encoder, HS texts, examples and index (about a second to
        load, once per process), and its per-tenant cache of confirmed titles."""
        from ponte.classify.service import load_engine  # lazy: the sentence encoder is heavy to import

        return load_engine()

    @cached_property
    def schedule(self) -> Schedule:
        """The flight schedule: ``PONTE_LOGISTICS_SCHEDULE`` (a forwarder's SSIM-like CSV) or the sample."""
        from ponte.logistics.schedule import Schedule, parse_schedule_csv  # lazy: logistics on first use

        path = self.settings.logistics_schedule
        if path is None:
            return Schedule.sample()
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ValidationError(
                f"{path}: cannot be read ({exc.strerror})", field="logistics_schedule", rule="readable"
            ) from None
        return parse_schedule_csv(text, path.name)

    def flights(self, start: date, days: int) -> list[Flight]:
        """The dated flights of the schedule from ``start`` for ``days`` days."""
        return self.schedule.flights(start, days)

    def customs_signer(self, material: SigningMaterial) -> Signer:
        """The tenant's signer, built from its customs profile: its software RSA key (RSA-SHA1), or its
        e-port card or UKey through the e-port client control (SM2 or RSA-SHA1, per the profile)."""
        cached = self._signers.get(material.tenant_id)
        if cached is not None and cached[0] == material.version:
            return cached[1]
        signer = _signer(material)
        self._signers[material.tenant_id] = (material.version, signer)
        return signer

    def check_customs_key(self, profile: CustomsProfile, key_pem: str) -> None:
        """Refuse a software key and certificate that do not load or do not belong together."""
        from ponte.customs.china.signer import SoftwareSigner  # lazy: customs signing on first use

        SoftwareSigner(key_pem.encode(), (profile.signing.certificate_pem or "").encode(), key_name="check")

    def software_signer(self, key_pem: bytes, cert_pem: bytes) -> Signer:
        """A signer over an RSA key and certificate the enterprise holds (RSA-SHA1, as the e-port)."""
        from ponte.customs.china.signer import SoftwareSigner  # lazy: customs signing on first use

        return SoftwareSigner(key_pem, cert_pem)

    def demo_customs_signer(self) -> Signer:
        """A throw-away RSA key for development demos only: refused in every other environment."""
        if self.settings.env != "development":
            raise RuntimeError("the demo signing key exists only with PONTE_ENV=development")
        from ponte.customs.china.signer import SoftwareSigner, demo_credentials  # lazy: customs on first use

        key, cert = demo_credentials()
        return SoftwareSigner(key, cert)

    @cached_property
    def _mq(self) -> MqLink:
        from ponte.customs.adapters.mq import MqLink  # lazy: the MQ client only with that transport

        s = self.settings
        if not s.customs_mq_url:
            raise ValidationError(
                "PONTE_CUSTOMS_TRANSPORT=mq needs PONTE_CUSTOMS_MQ_URL",
                field="customs_mq_url",
                rule="transport",
            )
        return MqLink(s.customs_mq_url, s.customs_mq_send_queue, s.customs_mq_receive_queue)

    def customs_transport(self) -> Transport:
        """How messages reach the e-port, as DxpMsg envelopes: the e-port client's exchange folder
        (``out/``; the client moves what it sent to ``sent/``) or the MQ endpoint."""
        from ponte.customs.adapters.mq import MqTransport  # lazy: customs transports on first use
        from ponte.customs.adapters.transport import DxpFolderTransport  # lazy: as above

        if self.settings.customs_transport == "mq":
            return MqTransport(self._mq)
        root = self.settings.customs_exchange_dir
        return DxpFolderTransport(root / "out", root / "sent")

    def payment_data_uploader(self) -> PaymentDataUploader | None:
        """Where the 179 payment-data answers go (None when no address is configured)."""
        from ponte.customs.adapters.payment_data_upload import PaymentDataUploader  # lazy: customs only

        url = self.settings.customs_payment_data_url
        return PaymentDataUploader(url) if url else None

    @cached_property
    def document_fonts(self) -> FontFiles:
        """The Noto fonts the customs documents embed."""
        from ponte.platform.pdf_fonts import DEFAULT_FONT_DIRS, find_fonts  # lazy: PDF on first use

        return find_fonts(self.settings.document_font_dirs or DEFAULT_FONT_DIRS)

    def to_eur(self, amount: Decimal, currency: str, on: date) -> Decimal:
        """``amount`` in EUR at the rate of ``on`` (the official files first, then ECB, then HMRC)."""
        return self.fx.convert(Money(amount, currency), "EUR", on).result.amount

    @cached_property
    def analytics_cache(self) -> FigureCache:
        """The figures' cache: this platform's, for ``PONTE_ANALYTICS_CACHE_SECONDS`` per entry at most."""
        from ponte.analytics.cache import FigureCache  # lazy: analytics on first use

        return FigureCache(ttl=self.settings.analytics_cache_seconds)

    @cached_property
    def analytics(self) -> Analytics:
        """The corridor's figures over this platform's database, converted with its FX tables; the order
        figures from its daily rollup (in process, built on first use, refreshed as orders come and move);
        stock cover from its warehouses."""
        from ponte.analytics.rollup import Rollup  # lazy: the analytics engines are heavy to import
        from ponte.analytics.service import Analytics  # lazy: as above
        from ponte.analytics.store import SqlStore  # lazy: as above

        store = SqlStore(self.database.engine)
        return Analytics(
            store,
            self.fx,
            self.analytics_cache,
            lambda: self.clock.now().date(),
            version_seconds=self.settings.analytics_version_seconds,
            rollup=Rollup(store),
            warehouses=self.warehouses,
        )

    def customs_receipts(self) -> ReceiptSource:
        """Where receipts come back: the exchange folder's ``in/``, or the MQ receipts queue."""
        from ponte.customs.adapters.mq import MqReceipts  # lazy: customs transports on first use
        from ponte.customs.adapters.transport import FolderReceipts  # lazy: as above

        if self.settings.customs_transport == "mq":
            return MqReceipts(self._mq)
        return FolderReceipts(self.settings.customs_exchange_dir / "in")

    @cached_property
    def lanes(self) -> Lanes:
        """The airport pairs the schedule serves (directly or through hubs), for ``logistics.parcel_for``."""
        return self.schedule.lanes()

    @cached_property
    def webhook_kinds(self) -> frozenset[str]:
        """What a webhook may subscribe to: tracking events by FSU code, and the order's journey moves."""
        from ponte.logistics.tracking import fsu_codes  # lazy: webhooks on first use
        from ponte.orders.states import STATES  # lazy: as above

        return frozenset(fsu_codes()) | {f"order.{state}" for state in STATES}

    @property
    def webhooks_allow_private(self) -> bool:
        """Development only (``PONTE_WEBHOOKS_ALLOW_PRIVATE``): webhooks to this machine or a private network."""
        return self.settings.webhooks_allow_private

    @cached_property
    def mail(self) -> MailSender:
        """Where the console's mail goes (invitations, password resets): a folder of .eml files, or SMTP."""
        from ponte.accounts.adapters.mail import FileMailSender, SmtpMailSender  # lazy: mail on first use

        s = self.settings
        if s.mail_sender == "smtp":
            password = s.smtp_password.get_secret_value() if s.smtp_password else None
            return SmtpMailSender(
                s.smtp_host, s.smtp_port, s.mail_from, s.smtp_user, password, s.smtp_starttls
            )
        if s.mail_sender != "file":
            raise ValidationError("PONTE_MAIL_SENDER must be file or smtp", field="mail_sender", rule="enum")
        return FileMailSender(s.mail_dir, s.mail_from)

    @property
    def console_base(self) -> str:
        """The console's address in links sent by mail: from the configuration, never from a Host header."""
        return (self.settings.public_url or f"http://{self.settings.host}:{self.settings.port}").rstrip("/")

    @property
    def onerecord_base(self) -> str:
        """The root of ONE Record ids, from the configuration (never from a request's Host header)."""
        return self.console_base

    def close(self) -> None:
        if "analytics_cache" in self.__dict__:
            self.analytics_cache.clear()
        if "_mq" in self.__dict__:
            self._mq.close()
        if self._database is not None:
            self._database.dispose()
            self._database = None


def _signer(material: SigningMaterial) -> Signer:
    from ponte.customs.adapters.eport_client import DEFAULT_URL, EportClientDevice  # lazy: customs only
    from ponte.customs.china.signer import DeviceSigner, SoftwareSigner  # lazy: as above

    signing = material.profile.signing
    if signing.method == "software":
        if not material.key_pem or not signing.certificate_pem:
            raise ValidationError(
                "the software signer needs its key and certificate", field="signing", rule="signing-setup"
            )
        return SoftwareSigner(
            material.key_pem.encode(), signing.certificate_pem.encode(), key_name=signing.key_name or ""
        )
    device = EportClientDevice(signing.device_url or DEFAULT_URL, material.device_password)
    return DeviceSigner(device, convention=signing.convention)


_PLATFORM: Platform | None = None


def platform() -> Platform:
    """This process's platform (built from the environment on first use)."""
    global _PLATFORM
    if _PLATFORM is None:
        _PLATFORM = Platform.from_environment()
    return _PLATFORM


def reset() -> None:
    """End this process's platform; the next ``platform()`` reads the environment again (tests, reloads)."""
    global _PLATFORM
    if _PLATFORM is not None:
        _PLATFORM.close()
    _PLATFORM = None
    get_settings.cache_clear()
