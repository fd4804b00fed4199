"""The one way out to the WeChat API: access token, and customer-service text messages.

Why plain ``httpx`` and not ``wechatpy.WeChatClient``: wechatpy's client is built on ``requests``, so tests
would need a second mocking library, and its token refresh is tied to its own session storage. With an
injectable ``httpx.Client`` the tests drive the real request/response code through ``httpx.MockTransport``
(or an in-process fake of the API), and the errors map onto our own hierarchy (``bot.wechat.errors``).

Endpoints (公众号 docs):

* ``GET /cgi-bin/token?grant_type=client_credential&appid=…&secret=…`` → ``{"access_token", "expires_in"}``
  (7200 s). We cache it and refresh :data:`REFRESH_MARGIN_S` early, or at once when a call answers one of
  :data:`TOKEN_ERRCODES`.
* ``POST /cgi-bin/message/custom/send?access_token=…`` with
  ``{"touser": openid, "msgtype": "text", "text": {"content": …}}`` → ``{"errcode": 0, "errmsg": "ok"}``.

Error codes (meanings from WeChat's global return-code table, 全局返回码说明, as transcribed in public SDKs
such as WxJava's ``WxMpErrorMsgEnum``):

* 40001 invalid credential / 40014 invalid access_token / 42001 access_token expired → refresh, retry once;
* -1 system busy, 45009 API daily quota reached, 45011 API minute quota, 45047 customer-service message
  count limit ("out of response count limit"; since June 2023 a user message allows 5 pushes in 48 h, a
  menu click or subscribe 3 in 1 min — WeChat announcement as quoted in docs.chatalog.ai's 客服消息 page)
  → retryable later (the outbox backs off);
* everything else (45015 user silent for more than 48 h, 43004 not subscribed, 40003 invalid openid,
  45002 content too long, 44004 empty content, …) → permanent for that message.

The app secret and access tokens travel in query strings; a logging filter on the ``httpx`` logger
redacts them, so they never reach a log line.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import httpx

from bot.wechat.errors import GatewayError, TransportError, WeChatApiError
from bot.wechat.text import utf8_len
from core.settings import PLACEHOLDER, Settings

log = logging.getLogger(__name__)

TOKEN_ERRCODES = frozenset({40001, 40014, 42001})
RETRYABLE_ERRCODES = frozenset({-1, 45009, 45011, 45047})
RATE_LIMIT_ERRCODES = frozenset({45009, 45011, 45047})
REFRESH_MARGIN_S = 300.0  # refresh this long before the token's stated expiry


class TextSender(Protocol):
    """What the outbox needs from a gateway (tests may pass any object with this method)."""

    def send_text(self, openid: str, text: str) -> None: ...


_SECRET_IN_URL = re.compile(r"((?:secret|access_token)=)[^&\s\"']+", re.IGNORECASE)


class RedactSecrets(logging.Filter):
    """Replaces ``secret=…`` and ``access_token=…`` in log records with ``***``."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        redacted = _SECRET_IN_URL.sub(r"\1***", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def _install_redaction() -> None:
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())


class WeChatGateway:
    """Thread-safe client of the WeChat API for one official account."""

    def __init__(
        self,
        settings: Settings,
        *,
        client: httpx.Client | None = None,
        clock: Callable[[], float] = time.monotonic,
        timeout_s: float = 5.0,
    ) -> None:
        _install_redaction()
        self.appid = settings.wechat_appid
        self._secret = settings.wechat_appsecret
        self.text_limit_bytes = settings.wechat_text_limit_bytes
        self._client = client or httpx.Client(base_url=settings.wechat_api_base_url, timeout=timeout_s)
        self._owns_client = client is None
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._token_expires_at = 0.0

    @property
    def enabled(self) -> bool:
        """False while the app secret is the shipped placeholder (development): pushes cannot work then."""
        return bool(self._secret) and self._secret != PLACEHOLDER

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    # ------------------------------------------------------------------------------------------ token
    def access_token(self, *, force_refresh: bool = False) -> str:
        with self._lock:
            if force_refresh or self._token is None or self._clock() >= self._token_expires_at:
                self._token, lifetime = self._fetch_token()
                self._token_expires_at = self._clock() + max(lifetime - REFRESH_MARGIN_S, lifetime / 2)
            return self._token

    def _fetch_token(self) -> tuple[str, float]:
        params = {"grant_type": "client_credential", "appid": self.appid, "secret": self._secret}
        try:
            data = self._request("GET", "/cgi-bin/token", params=params)
        except WeChatApiError as exc:
            # A bad secret or an IP missing from the whitelist is an account problem, not the message's:
            # keep the message retryable so it goes out once the account is fixed.
            log.error("WeChat refused the access-token request: errcode %s", exc.errcode)
            raise WeChatApiError(exc.errcode, exc.errmsg, retryable=True) from exc
        token, expires_in = data.get("access_token"), data.get("expires_in", 7200)
        if not isinstance(token, str) or not token:
            raise TransportError("token response without access_token")
        if not isinstance(expires_in, int | float) or expires_in <= 0:
            expires_in = 7200
        log.info("WeChat access token refreshed (valid %ss)", int(expires_in))
        return token, float(expires_in)

    # ------------------------------------------------------------------------------------------- send
    def send_text(self, openid: str, text: str) -> None:
        """Push one customer-service text message. Raises ``GatewayError`` (``retryable`` set)."""
        if not text.strip():
            raise GatewayError("empty text", retryable=False)
        if utf8_len(text) > self.text_limit_bytes:
            raise GatewayError("text longer than the WeChat limit; split it first", retryable=False)
        payload = {"touser": openid, "msgtype": "text", "text": {"content": text}}
        self._call_with_token("/cgi-bin/message/custom/send", payload)

    def _call_with_token(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        for attempt in (1, 2):
            token = self.access_token(force_refresh=attempt == 2)
            try:
                return self._request("POST", path, params={"access_token": token}, content=body)
            except WeChatApiError as exc:
                if exc.errcode not in TOKEN_ERRCODES or attempt == 2:
                    raise
                log.info("WeChat access token rejected (%s); refreshing", exc.errcode)
        raise AssertionError("unreachable")  # pragma: no cover

    def _request(
        self, method: str, path: str, *, params: dict[str, str], content: bytes | None = None
    ) -> dict[str, Any]:
        headers = {"Content-Type": "application/json; charset=utf-8"} if content is not None else None
        try:
            response = self._client.request(method, path, params=params, content=content, headers=headers)
        except httpx.HTTPError as exc:
            raise TransportError(f"{method} {path}: {type(exc).__name__}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise TransportError(f"{method} {path}: HTTP {response.status_code}")
        if response.status_code >= 400:
            raise TransportError(f"{method} {path}: HTTP {response.status_code}", retryable=False)
        try:
            data = response.json()
        except ValueError as exc:
            raise TransportError(f"{method} {path}: answer is not JSON") from exc
        if not isinstance(data, dict):
            raise TransportError(f"{method} {path}: answer is not a JSON object")
        errcode = data.get("errcode", 0)
        if errcode not in (0, None):
            code = int(errcode) if isinstance(errcode, int | str) and str(errcode).lstrip("-").isdigit() else -1
            retryable = code in RETRYABLE_ERRCODES or code in TOKEN_ERRCODES
            raise WeChatApiError(code, str(data.get("errmsg", ""))[:200], retryable=retryable)
        return data
