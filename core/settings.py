"""Process settings from BRIGADA_* environment variables, read once."""

import ipaddress
from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me"
# The brokers jobs can wait in: Redis (the default) and RabbitMQ.
BROKER_SCHEMES = ("redis", "rediss", "amqp", "amqps")
# The shortest time a message body is kept: past every case a text can still be evidence in
# (a penalty dispute: 14 days after the shift plus a deadline of up to 336 h; a client's
# timesheet line: invoiced up to 60 days after the close). Nothing re-reads a body once its
# message is sent or acted on (docs/history.md, "Message bodies").
MESSAGE_BODY_KEEP_FLOOR_DAYS = 60


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BRIGADA_", extra="ignore")

    env: Literal["dev", "test", "prod"] = "prod"
    database_url: str = "postgresql+psycopg://postgres@127.0.0.1:5432/brigada"
    # A read replica (a streaming standby) the reports read from; empty: they read the primary.
    database_replica_url: str = ""
    redis_url: str = "redis://127.0.0.1:6379/0"
    # Where jobs wait (docs/settings.md): empty for Redis at redis_url; amqp://... for RabbitMQ,
    # which keeps enqueued jobs on disk through a broker restart.
    broker_url: str = ""
    public_url: str = "http://127.0.0.1:8000"
    # The API's address: this machine only unless told otherwise (a container sets 0.0.0.0).
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # uvicorn processes for the API: two keep webhooks answered while jobs busy the other core.
    web_concurrency: int = Field(default=2, ge=1, le=64)
    # Database connections each process keeps open: at least its request or job threads, so
    # none waits for one and none is opened and closed per request under load.
    db_pool_size: int = Field(default=20, ge=1, le=200)
    # The longest a request (or job) waits for a row lock, and a request for a database
    # session: past it a quick 503 (a job retries), so a burst at one order never wedges.
    db_lock_timeout_ms: int = Field(default=5000, ge=100, le=600_000)
    # PostgreSQL ends a transaction left open with nothing running after this long, so a
    # stuck holder cannot keep its locks for ever (jobs never idle this long inside one).
    db_idle_in_transaction_timeout_ms: int = Field(default=60_000, ge=1000, le=3_600_000)
    # Schedulers (several may run; one leads, docs/reliability.md): a follower tries to take the
    # lead this often; the leader checks its hold on the lead this often, and stops if it lost it.
    scheduler_retry_s: float = Field(default=5.0, gt=0, le=30)
    scheduler_check_s: float = Field(default=5.0, gt=0, le=30)
    # Background jobs yield the CPU to the API: Twilio's webhooks must be answered at once.
    jobs_nice: int = Field(default=10, ge=0, le=19)
    secret_key: str = DEV_SECRET_KEY
    token_ttl_min: int = Field(default=12 * 60, ge=1)
    # Login attempts per username from one client address (limits' notation): a stranger's
    # wrong passwords elsewhere never lock the user out of their own address.
    login_rate_limit: str = "10/minute"
    # Login attempts from one client address, whatever the usernames (an office behind NAT).
    login_address_rate_limit: str = "100/minute"
    # Check-in link requests per client address (mobile carriers' NAT: a whole crew may share
    # one) and per link: guessing a link's 72 bits is hopeless at these rates.
    checkin_rate_per_address: str = "120/minute"
    checkin_rate_per_link: str = "20/minute"
    # Worker lists and searches per staff member (limits' notation): the shared base is read
    # in pages of at most 200, and no office exports it quietly.
    worker_reads_rate: str = "600/hour"
    # Requests per client API key (X-API-Key), limits' notation; past it 429 with Retry-After.
    api_key_rate: str = "120/minute"

    sms_backend: Literal["outbox", "twilio"] | None = None
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_from: str | None = None
    twilio_messaging_service_sid: str | None = None
    twilio_api_base: str | None = None
    sms_rate_per_second: float = Field(default=1.0, gt=0)
    # Texts taken in from one number (limits' notation), answers (yes/no/cancel) and anything
    # else counted apart; past it a text is stored as "ignored" and no job acts on it. STOP
    # and START always pass: an opt-out is never lost.
    sms_inbound_rate: str = "10/minute"
    # Automatic replies (not understood, help, which order, no open offer) to one worker an
    # hour; past it silence, and one "withheld" row in the message log for the dispatcher.
    sms_auto_replies_per_hour: int = Field(default=5, ge=0, le=1000)
    # Map tiles for the console ({z}/{x}/{y} URL, e.g. a local tile server); empty: no tiles.
    map_tiles_url: str = ""
    # Webhooks to clients' systems (docs/webhooks.md): the wait after a failed delivery, doubling
    # per attempt up to the cap; a subscription failing this long is switched off; the POST's
    # timeout. Tests shorten the waits.
    webhook_backoff_s: float = Field(default=30.0, gt=0)
    webhook_backoff_max_s: float = Field(default=3600.0, gt=0)
    webhook_give_up_h: float = Field(default=24.0, gt=0)
    webhook_timeout_s: float = Field(default=5.0, gt=0, le=30)
    # History kept as monthly partitions (core/partitions.py): months made ahead of time, and
    # audit rows and texts kept this many years (whole months past it are dropped, never
    # DELETEd).
    partitions_ahead_months: int = Field(default=3, ge=1, le=24)
    audit_keep_years: int = Field(default=5, ge=1, le=50)
    messages_keep_years: int = Field(default=5, ge=1, le=50)
    # SMS bodies are blanked this many days after the message (152-FZ data minimisation); the
    # row and its metadata stay (sms/retention.py, the hourly sms.bodies_due).
    message_body_keep_days: int = Field(default=180, ge=MESSAGE_BODY_KEEP_FLOOR_DAYS, le=3650)
    # The ledger is a money record. At least 3: the standing reads a year of strikes (the
    # longest strike window, 365 days) and a suspension may run a year past the last one.
    ledger_keep_years: int = Field(default=10, ge=3, le=50)
    # Where `brigada backup` writes a dump when given no path; empty: the working directory.
    backup_dir: str = ""

    @model_validator(mode="after")
    def _refuse_insecure_defaults(self) -> "Settings":
        # A shared default secret would let anyone mint staff tokens.
        if self.env != "dev" and (self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32):
            raise ValueError(
                "BRIGADA_SECRET_KEY must be set to a random string of 32+ characters "
                "unless BRIGADA_ENV=dev"
            )
        # The built-in secret is published: on the network it would let anyone mint tokens.
        if self.secret_key == DEV_SECRET_KEY and not self.host_is_loopback:
            raise ValueError(
                f"BRIGADA_HOST={self.host} serves other machines: set BRIGADA_SECRET_KEY to a "
                "random string of 32+ characters (the built-in one is published)"
            )
        return self

    @model_validator(mode="after")
    def _known_broker(self) -> "Settings":
        # A typo must stop the start, not lose jobs (the URL may hold a password: not shown).
        scheme = urlsplit(self.jobs_broker_url).scheme
        if scheme not in BROKER_SCHEMES:
            given = f"{scheme}://" if scheme else "one without a scheme"
            raise ValueError(
                "BRIGADA_BROKER_URL must be a redis:// or rediss:// (Redis) or an amqp:// or "
                f"amqps:// (RabbitMQ) URL, not {given}"
            )
        return self

    @property
    def jobs_broker_url(self) -> str:
        """The broker's address: BRIGADA_BROKER_URL, or Redis at BRIGADA_REDIS_URL if unset."""
        return self.broker_url or self.redis_url

    @property
    def host_is_loopback(self) -> bool:
        """Whether the API answers this machine only (127.0.0.0/8, ::1, localhost)."""
        return is_loopback(self.host)

    @property
    def resolved_sms_backend(self) -> str:
        """Twilio when its credentials are given, the outbox otherwise (unless set explicitly)."""
        if self.sms_backend:
            return self.sms_backend
        return "twilio" if self.twilio_account_sid and self.twilio_auth_token else "outbox"


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to any interface
        return False


@lru_cache
def get_settings() -> Settings:
    return Settings()
