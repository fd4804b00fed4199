"""The WeChat protocol handler, independent of the web framework.

``WeChatEdge.open(params, body)`` verifies and decodes one POST (signature → replay window → decrypt →
hardened parse → typed ``Incoming``); ``WeChatEdge.answer(...)`` runs the engine under the reply budget and
renders the passive reply, encrypted in the request's mode. ``app.routes.wechat`` is the thin FastAPI layer.

Modes (``encrypt_type`` query parameter):

* plaintext (absent or ``raw``): ``signature`` = sha1(sorted(token, timestamp, nonce)); plain reply. Accepted
  only when the account is configured for it (``WECHAT_MESSAGE_MODE=plain``): the signature does not cover the
  body, so anyone who saw one callback URL (an access log, a proxy log) could post any body under it. An
  account in safe or compatible mode (the default) answers a plaintext request 403. In plain mode each
  (timestamp, nonce, signature) is bound to the body it first came with for the tolerance window
  (``bot.wechat.replay``): the same parameters with another body get 403, WeChat's retry of the same request
  passes. The GET verification binds them to its ``echostr`` the same way.
* safe / compatible (``aes``): ``msg_signature`` over (token, timestamp, nonce, Encrypt); the message is the
  decrypted ``Encrypt`` (compatible mode's plaintext copy is ignored); the reply is encrypted. A
  ``signature`` sent alongside is checked too. Accepted in every mode.

The 5-second budget: WeChat waits 5 s, then retries (3 times). ``engine.handle`` runs in a worker thread; if
it has not answered within ``Settings.wechat_reply_budget_s`` we answer at once with a short holding text
and, when the engine finishes, its answer goes to the durable outbox and is pushed through the
customer-service API. Without a push channel (no gateway, or a gateway with the placeholder secret) the
holding text asks the person to send "1" in a moment; the engine keeps the answer (its dedupe store and
"回复 1 继续" pagination) and serves it then.

An answer with several parts: each part is one WeChat message (``bot.wechat.text.wechat_messages``, the same
function the outbox uses; the engine's pagination already sized them, so nothing is re-split here). The first
is the passive reply, the rest are pushed; without a push channel they are appended to the passive reply while
they fit, and any remainder is dropped with a warning (the engine keeps a WeChat answer to one page, so this
should not happen).
"""

from __future__ import annotations

import logging
import secrets
import time
import traceback
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

import prompts
from bot.messages import Incoming, Outgoing
from bot.wechat.crypto import MessageCrypto, check_timestamp, signature_matches, url_signature
from bot.wechat.errors import GatewayError, MalformedXmlError, PlaintextRefusedError, SignatureError
from bot.wechat.inbound import InboundMessage, decode_body, parse_fields, to_incoming
from bot.wechat.outbox import RetryPolicy, drain_outbox, enqueue_texts
from bot.wechat.replay import ReplayCache
from bot.wechat.reply import SUCCESS, render_text_reply
from bot.wechat.text import utf8_len, wechat_messages
from core.pii import mask_text
from core.settings import Settings

log = logging.getLogger(__name__)

HOLDING_WITH_PUSH = "收到，正在为您查询，结果稍后发给您，请稍候。"
HOLDING_NO_PUSH = "收到，正在为您整理答复，请稍等片刻后回复“1”查看。"
MORE_PARTS_DELAY_S = 1.0
MAX_ECHOSTR = 512
_PARAM_MAX = 128


class DialogEngine(Protocol):
    def handle(self, msg: Incoming) -> Outgoing: ...

    def defer_reply(self, msg: Incoming, reply: Outgoing) -> None:
        """Keep an answer the person did not receive, to be served when they send "1"."""


class Pusher(Protocol):
    """What the edge needs to push late answers (``bot.wechat.gateway.WeChatGateway`` fits)."""

    def send_text(self, openid: str, text: str) -> None: ...


def generic_error_text() -> str:
    return prompts.load("error_generic")


@dataclass(frozen=True, slots=True)
class Opened:
    """A verified, decoded request: the message and how to reply to it."""

    inbound: InboundMessage
    encrypted: bool


@dataclass(frozen=True, slots=True)
class EdgeReply:
    body: str
    media_type: str


def _param(params: Mapping[str, str], name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if len(value) > _PARAM_MAX or not value.isascii():
        raise SignatureError(f"malformed {name}")
    return value


class WeChatEdge:
    """One official account's edge. Thread-safe; build one per app and reuse it."""

    def __init__(
        self,
        settings: Settings,
        engine: DialogEngine,
        *,
        pusher: Pusher | None = None,
        session_factory: sessionmaker[Session] | None = None,
        clock: Callable[[], float] = time.time,
        workers: int = 8,
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.crypto = MessageCrypto(settings.wechat_token, settings.wechat_encoding_aes_key, settings.wechat_appid)
        self._clock = clock
        enabled = pusher is not None and bool(getattr(pusher, "enabled", True))
        if pusher is not None and session_factory is None:
            log.error("WeChat gateway given without a database session factory: pushes are disabled")
        self._pusher = pusher if enabled and session_factory is not None else None
        self._session_factory = session_factory
        self._policy = retry_policy or RetryPolicy()
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wechat-engine")
        self._replays = ReplayCache(settings.wechat_timestamp_tolerance_s)

    @property
    def can_push(self) -> bool:
        return self._pusher is not None

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=False)

    # ----------------------------------------------------------------------------------- verification
    def _check_url_signature(self, params: Mapping[str, str], bound_to: bytes) -> None:
        """The URL ``signature`` is right, the timestamp fresh, and these parameters were not accepted before with
        another ``bound_to`` (the body; the echostr of a GET): the signature itself does not cover it."""
        timestamp, nonce = _param(params, "timestamp"), _param(params, "nonce")
        signature = _param(params, "signature")
        if timestamp is None or nonce is None:
            raise SignatureError("missing timestamp or nonce")
        if signature is None or not signature_matches(
            url_signature(self.settings.wechat_token, timestamp, nonce), signature
        ):
            raise SignatureError("signature does not match")
        now = self._clock()
        check_timestamp(timestamp, now, self.settings.wechat_timestamp_tolerance_s)
        self._replays.check(timestamp, nonce, signature, bound_to, now)

    def verify_url(self, params: Mapping[str, str]) -> str:
        """GET /wechat: the ``echostr`` to echo back, or ``InboundError``."""
        echostr = params.get("echostr")
        if not echostr or len(echostr) > MAX_ECHOSTR:
            raise MalformedXmlError("missing or oversized echostr")
        self._check_url_signature(params, b"GET " + echostr.encode("utf-8"))
        return echostr

    def open(self, params: Mapping[str, str], body: bytes) -> Opened:
        """Verify and decode a POST body. Raises ``InboundError`` subclasses only."""
        encrypt_type = (params.get("encrypt_type") or "raw").lower()
        if encrypt_type not in ("raw", "aes"):
            raise MalformedXmlError("unknown encrypt_type")
        if encrypt_type == "raw" and self.settings.wechat_message_mode != "plain":
            raise PlaintextRefusedError(f"plaintext message in {self.settings.wechat_message_mode} mode")
        if encrypt_type == "raw":
            self._check_url_signature(params, body)
            return Opened(inbound=to_incoming(decode_body(body)), encrypted=False)

        timestamp, nonce = _param(params, "timestamp"), _param(params, "nonce")
        if timestamp is None or nonce is None:
            raise SignatureError("missing timestamp or nonce")
        if params.get("signature") is not None:  # compatible/safe mode send it too: when present it must be right
            self._check_url_signature(params, body)
        envelope = parse_fields(decode_body(body))
        encrypt = envelope.get("Encrypt", "")
        if not encrypt:
            raise MalformedXmlError("missing Encrypt")
        self.crypto.verify(_param(params, "msg_signature"), timestamp, nonce, encrypt)
        check_timestamp(timestamp, self._clock(), self.settings.wechat_timestamp_tolerance_s)
        return Opened(inbound=to_incoming(self.crypto.decrypt(encrypt)), encrypted=True)

    # -------------------------------------------------------------------------------------- replying
    def submit(self, incoming: Incoming) -> Future[Outgoing]:
        return self._executor.submit(self.engine.handle, incoming)

    def render(self, opened: Opened, content: str | None) -> EdgeReply:
        """The passive reply for ``content`` (None or empty: "success"), encrypted when the request was."""
        if not content:
            return EdgeReply(SUCCESS, "text/plain; charset=utf-8")
        now = int(self._clock())
        xml = render_text_reply(
            to_user=opened.inbound.openid, from_user=opened.inbound.account, content=content, create_time=now
        )
        if opened.encrypted:
            xml = self.crypto.encrypt_reply(xml, timestamp=str(now), nonce=str(secrets.randbelow(10**10)))
        return EdgeReply(xml, "application/xml; charset=utf-8")

    def answer_now(self, opened: Opened, outgoing: Outgoing) -> EdgeReply:
        """The passive reply for an answer that arrived within the budget (extra parts are pushed)."""
        limit = self.settings.wechat_text_limit_bytes
        pieces = wechat_messages(outgoing.parts, limit)
        if not pieces:
            return self.render(opened, None)
        first, rest = pieces[0], pieces[1:]
        if rest and self.can_push:
            # Held back a moment so they arrive after the passive reply; the outbox loop sends them.
            self._enqueue(opened.inbound, tuple(rest), suffix="more", delay_s=MORE_PARTS_DELAY_S)
        elif rest:
            kept = 0
            for piece in rest:
                candidate = f"{first}\n\n{piece}"
                if utf8_len(candidate) > limit:
                    break
                first, kept = candidate, kept + 1
            if kept < len(rest):
                log.warning("no push channel: %d reply piece(s) for %s not delivered", len(rest) - kept, _who(opened))
        return self.render(opened, first)

    def answer_error(self, opened: Opened, exc: BaseException) -> EdgeReply:
        log_engine_error(opened, exc)
        return self.render(opened, generic_error_text())

    def answer_late(self, opened: Opened, future: Future[Outgoing]) -> EdgeReply:
        """The budget ran out: a holding reply now, and the engine's answer pushed when it is ready."""
        if not self.can_push:
            future.add_done_callback(lambda f: self._keep_late(opened, f))
            return self.render(opened, HOLDING_NO_PUSH)
        # Runs in the engine's worker thread when it finishes: a DB write, then one drain attempt.
        future.add_done_callback(lambda f: self._deliver_late(opened, f))
        return self.render(opened, HOLDING_WITH_PUSH)

    def _keep_late(self, opened: Opened, future: Future[Outgoing]) -> None:
        """No push channel: hand the late answer back to the engine, which serves it when the person sends "1"."""
        _log_late_failure(opened, future)
        if future.exception() is not None:
            return
        try:
            self.engine.defer_reply(opened.inbound.incoming, future.result())
        except Exception as exc:  # a thread boundary: log it (masked) instead of losing it in the executor
            log.error("keeping the late answer for %s failed:\n%s", _who(opened), _masked_traceback(exc))

    def _deliver_late(self, opened: Opened, future: Future[Outgoing]) -> None:
        try:
            self._deliver_late_unguarded(opened, future)
        except Exception as exc:  # a thread boundary: log it (masked) instead of losing it in the executor
            log.error("late delivery for %s failed:\n%s", _who(opened), _masked_traceback(exc))

    def _deliver_late_unguarded(self, opened: Opened, future: Future[Outgoing]) -> None:
        exc = future.exception()
        if exc is not None:
            log_engine_error(opened, exc)
            parts: tuple[str, ...] = (generic_error_text(),)
        else:
            parts = future.result().parts
        if self._enqueue(opened.inbound, parts, suffix="late", delay_s=0.0):
            self._drain_now()

    def _enqueue(self, inbound: InboundMessage, parts: tuple[str, ...], *, suffix: str, delay_s: float) -> bool:
        """Write the parts to the outbox (durable before any send). False if nothing could be written."""
        if self._pusher is None or self._session_factory is None:
            return False
        prefix = f"{inbound.incoming.dedupe_key or secrets.token_hex(8)}:{suffix}"
        try:
            enqueue_texts(
                self._session_factory,
                inbound.openid,
                parts,
                dedupe_prefix=prefix,
                limit_bytes=self.settings.wechat_text_limit_bytes,
                delay_s=delay_s,
            )
        except SQLAlchemyError:
            log.exception("could not write the outbox for %s: the answer is only kept by the engine", inbound.openid)
            return False
        return True

    def _drain_now(self) -> None:
        if self._pusher is None or self._session_factory is None:
            return
        try:
            drain_outbox(self._session_factory, self._pusher, policy=self._policy)
        except (SQLAlchemyError, GatewayError):
            log.exception("immediate outbox drain failed; the background loop will retry")


def _who(opened: Opened) -> str:
    return f"{opened.inbound.openid} ({opened.inbound.incoming.dedupe_key})"


def _masked_traceback(exc: BaseException) -> str:
    return mask_text("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))


def log_engine_error(opened: Opened, exc: BaseException) -> None:
    """Log an engine failure with its traceback, ID/phone numbers masked (messages may quote the user)."""
    log.error("engine failed for %s:\n%s", _who(opened), _masked_traceback(exc))


def _log_late_failure(opened: Opened, future: Future[Outgoing]) -> None:
    exc = future.exception()
    if exc is not None:
        log_engine_error(opened, exc)
    else:
        log.info("late answer for %s left to the engine's pagination (no push channel)", _who(opened))


def reply_for(edge: WeChatEdge, opened: Opened, future: Future[Outgoing]) -> EdgeReply:
    """Pick the reply once the wait is over: the answer, a polite error, or a holding text."""
    if not future.done():
        return edge.answer_late(opened, future)
    exc = future.exception()
    if exc is not None:
        return edge.answer_error(opened, exc)
    return edge.answer_now(opened, future.result())


def handle_post(edge: WeChatEdge, params: Mapping[str, str], body: bytes) -> EdgeReply:
    """The whole POST, blocking for at most the reply budget. Raises ``InboundError`` for refused requests."""
    opened = edge.open(params, body)
    try:
        future = edge.submit(opened.inbound.incoming)
        wait([future], timeout=edge.settings.wechat_reply_budget_s)
        return reply_for(edge, opened, future)
    except Exception as exc:  # our own failure after the message was accepted: the person still gets an answer
        log.error("edge failed for %s:\n%s", _who(opened), _masked_traceback(exc))
        return edge.render(opened, generic_error_text())
