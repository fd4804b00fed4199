"""The one settings class. Nothing else in the project reads the environment.

Every field is read from an environment variable of the same name in upper case (no prefix), or from a
``.env`` file in the working directory. ``tests/core/test_settings.py`` checks that README.md documents
every field, so the table there stays true.

Placeholder secrets (the shipped defaults) are accepted only when ``APP_ENV=development`` (the default, so
that ``make run`` works with no configuration) or ``test``; ``production`` refuses to start with them. The one
exception is ``SESSION_SECRET``: left unset in development, it is generated once per installation and kept in
``SESSION_SECRET_FILE`` (``var/session_secret``, mode 0600), because it signs the workbench's session cookies and
the litigants' complaint links, and a secret everybody knows lets anybody forge both.
"""

from __future__ import annotations

import functools
import os
import secrets
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent

# Shipped placeholders. The AES key is the 43-character example from Tencent's sample code: fine for trying
# the bot, never for a real account.
PLACEHOLDER = "change-me"
PLACEHOLDER_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


class SettingsError(ValueError):
    """A setting is missing, malformed or a placeholder where a real value is required."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True)

    app_env: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    # How people reach this server (links in chat replies, e.g. the complaint download). Unset: the chat page's
    # links are made from each request's own address (scheme and Host), so they work on any port or host.
    public_base_url: str | None = None
    # Behind a reverse proxy that sets X-Forwarded-Proto / X-Forwarded-Host: only then are those headers believed
    # when a link is made from the request (anyone can send them to a server reached directly).
    trust_proxy_headers: bool = False

    # WeChat official account (公众号 → 设置与开发 → 基本配置)
    wechat_token: str = PLACEHOLDER
    wechat_appid: str = "wx0000000000000000"
    wechat_appsecret: str = PLACEHOLDER
    wechat_encoding_aes_key: str = PLACEHOLDER_AES_KEY
    # The account's 消息加解密方式. safe/compatible: only the encrypted envelope is accepted (its msg_signature
    # covers the body); plain: plaintext is accepted too, its signature covers only (token, timestamp, nonce).
    wechat_message_mode: Literal["safe", "compatible", "plain"] = "safe"
    wechat_api_base_url: str = "https://api.weixin.qq.com"
    # WeChat waits 5 s for the passive reply; we answer well inside it and push anything slower.
    wechat_reply_budget_s: float = 3.5
    wechat_max_body_bytes: int = 64 * 1024
    wechat_timestamp_tolerance_s: int = 300  # replayed requests older than this are refused
    # WeChat's text limit: 2048 bytes of UTF-8 for a customer-service text message (we split above it).
    wechat_text_limit_bytes: int = 2048

    # Persistence
    database_url: str = f"sqlite:///{REPO_ROOT / 'var' / 'bot.sqlite3'}"
    db_auto_migrate: bool = True  # run Alembic migrations to head on start (one worker should, in a cluster)
    # Key for encrypting ID and phone numbers at rest (Fernet, urlsafe base64 of 32 bytes).
    pii_key: str = "ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZC11c2U="

    # Retrieval
    chroma_path: Path = REPO_ROOT / "var" / "chroma"
    chroma_host: str | None = None  # set to use a Chroma server instead of the embedded store
    chroma_port: int = 8001
    chroma_collection: str = "judgments"
    bm25_path: Path = REPO_ROOT / "var" / "bm25"
    embedding_model: str = "auto"  # "auto": the packaged Chinese model; or a local path / installed name
    # numpy threads per embedding call in the server: with concurrent requests on few cores, one thread per call
    # avoids threads waiting on each other (bench: docs/performance.md); `retrieval.ingest` uses every core
    embedding_threads: int = Field(default=1, ge=1, le=64)
    corpus_path: Path = REPO_ROOT.parent / "shared" / "data"
    auto_ingest: bool = True  # on start, ingest the default corpus if the collection is empty

    # The court this deployment serves (knowledge/court.yaml holds its area as editable data)
    court_config: Path = REPO_ROOT / "knowledge" / "data" / "court.yaml"

    # Optional LLM (any OpenAI-compatible endpoint). Unset: the template path, no LLM at all.
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout_s: float = 8.0

    # Workbench
    session_secret: str = PLACEHOLDER  # in development, unset: generated once into session_secret_file
    session_secret_file: Path = REPO_ROOT / "var" / "session_secret"
    session_cookie_secure: bool = False  # True behind HTTPS (production)
    session_max_age_s: int = 8 * 3600

    # Any request body over this is refused (413) on every route (app/bodylimit.py); /wechat has its own limit.
    max_body_bytes: int = 256 * 1024
    # Rate limits (core/ratelimit.py; per process): chat messages per minute per chat session and per client address
    # (one address may be a whole office behind one NAT); failed workbench sign-ins per 10 minutes per user name and
    # address, and per address — past them sign-in is refused until the window has passed.
    chat_per_minute: int = 60
    chat_per_minute_per_address: int = 600
    login_failures_per_10min: int = 10
    login_failures_per_10min_per_address: int = 50
    max_text_chars: int = 2000  # longer litigant texts are cut with a polite note, never rejected

    @model_validator(mode="before")
    @classmethod
    def _installation_secret(cls, data: Any) -> Any:
        """Development without a SESSION_SECRET: this installation's own, generated on first run."""
        if not isinstance(data, dict) or data.get("app_env", "development") != "development":
            return data
        if data.get("session_secret", PLACEHOLDER) != PLACEHOLDER:
            return data
        path = Path(data.get("session_secret_file") or cls.model_fields["session_secret_file"].default)
        return {**data, "session_secret": installation_secret(path)}

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> Settings:
        if self.app_env in {"development", "test"}:
            return self
        bad = [
            name
            for name, value in (
                ("WECHAT_TOKEN", self.wechat_token),
                ("WECHAT_APPSECRET", self.wechat_appsecret),
                ("WECHAT_ENCODING_AES_KEY", self.wechat_encoding_aes_key),
                ("SESSION_SECRET", self.session_secret),
                ("PII_KEY", self.pii_key),
            )
            if value in (PLACEHOLDER, PLACEHOLDER_AES_KEY, Settings.model_fields["pii_key"].default)
        ]
        if bad:
            raise SettingsError(f"APP_ENV={self.app_env} needs real values for: {', '.join(bad)}")
        if len(self.wechat_encoding_aes_key) != 43:
            raise SettingsError("WECHAT_ENCODING_AES_KEY must be the 43-character key from the WeChat console")
        return self

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)


def installation_secret(path: Path) -> str:
    """The random secret kept in ``path``, created (0600, atomically: concurrent first runs agree) if missing."""
    try:
        value = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        value = ""
    if value:
        return value
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(secrets.token_urlsafe(48) + "\n")
    try:
        os.link(tmp, path)  # fails if another process got there first: then its secret is the one
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    value = path.read_text(encoding="utf-8").strip()
    if not value:
        raise SettingsError(f"{path} is empty: remove it to generate a new session secret")
    return value


@functools.cache
def get_settings() -> Settings:
    return Settings()
