"""Shared helpers for the WeChat edge tests.

``RefCrypto`` is an independent implementation of WeChat's message crypto, written from the protocol
description with ``cryptography``'s own PKCS7 padder (256-bit = 32-byte blocks) and ``hashlib``: the edge is
checked against it (and against Tencent's known-answer vectors), not only against itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from app.routes.wechat import router
from app.runtime import Runtime
from bot.messages import Incoming, Outgoing
from bot.wechat.gateway import WeChatGateway
from bot.wechat.outbox import OutboxMessage
from core.db import Base, make_engine, make_sessionmaker
from core.settings import Settings

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "wechat"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "wechat"

TOKEN = "edge-test-token"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"  # 43 chars; from Tencent's sample (vectors.json)
APPID = "wx5823bf96d3bd56c7"
ACCOUNT = "gh_court_test"
OPENID = "oUSER_test_openid_0001"


class RefCrypto:
    """WeChat message crypto, written independently of ``bot.wechat.crypto``."""

    def __init__(self, token: str, encoding_aes_key: str, appid: str) -> None:
        self.token = token
        self.appid = appid
        self.key = base64.b64decode(encoding_aes_key + "=")
        assert len(self.key) == 32

    def signature(self, *parts: str) -> str:
        return hashlib.sha1("".join(sorted([self.token, *parts])).encode()).hexdigest()

    def encrypt(self, plaintext: str, random16: bytes | None = None) -> str:
        random16 = random16 if random16 is not None else os.urandom(16)
        body = plaintext.encode("utf-8")
        raw = random16 + struct.pack(">I", len(body)) + body + self.appid.encode()
        padder = padding.PKCS7(256).padder()
        padded = padder.update(raw) + padder.finalize()
        enc = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).encryptor()
        return base64.b64encode(enc.update(padded) + enc.finalize()).decode()

    def decrypt(self, ciphertext: str) -> tuple[str, str]:
        """(message, appid)."""
        dec = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).decryptor()
        padded = dec.update(base64.b64decode(ciphertext)) + dec.finalize()
        unpadder = padding.PKCS7(256).unpadder()
        raw = unpadder.update(padded) + unpadder.finalize()
        (length,) = struct.unpack(">I", raw[16:20])
        return raw[20 : 20 + length].decode("utf-8"), raw[20 + length :].decode()

    def envelope(self, plaintext: str, timestamp: str, nonce: str, *, to_user: str = ACCOUNT) -> tuple[str, str]:
        """(safe-mode request body, msg_signature)."""
        encrypt = self.encrypt(plaintext)
        body = f"<xml><ToUserName><![CDATA[{to_user}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
        return body, self.signature(timestamp, nonce, encrypt)


@pytest.fixture
def ref() -> RefCrypto:
    return RefCrypto(TOKEN, AES_KEY, APPID)


@pytest.fixture(scope="session")
def vectors() -> list[dict[str, Any]]:
    data: dict[str, Any] = json.loads((SHARED / "vectors.json").read_text(encoding="utf-8"))
    return list(data["vectors"])


def make_text_xml(
    text: str, *, openid: str = OPENID, msg_id: str = "7001", create_time: int | None = None, account: str = ACCOUNT
) -> str:
    """A plaintext text-message body as WeChat sends it (接收普通消息 → 文本消息)."""
    ct = int(time.time()) if create_time is None else create_time
    return (
        f"<xml><ToUserName><![CDATA[{account}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{ct}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


def make_event_xml(event: str, *, key: str | None = None, openid: str = OPENID, create_time: int | None = None) -> str:
    ct = int(time.time()) if create_time is None else create_time
    key_xml = f"<EventKey><![CDATA[{key}]]></EventKey>" if key is not None else ""
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{ct}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[{event}]]></Event>{key_xml}</xml>"
    )


@pytest.fixture(scope="session")
def wx() -> SimpleNamespace:
    """The test account's constants and the message factories (conftest modules are not importable)."""
    return SimpleNamespace(
        TOKEN=TOKEN,
        AES_KEY=AES_KEY,
        APPID=APPID,
        ACCOUNT=ACCOUNT,
        OPENID=OPENID,
        SHARED=SHARED,
        FIXTURES=FIXTURES,
        text_xml=make_text_xml,
        event_xml=make_event_xml,
    )


# --------------------------------------------------------------------------------------- app fixtures
class FakeEngine:
    """Stands in for ``bot.engine.DialogEngine``: records messages, dedupes like the real one (a retry of the
    same dedupe key gets the stored reply), and can be told to sleep or fail."""

    def __init__(self, reply: Callable[[Incoming], Outgoing] | None = None, *, delay_s: float = 0.0) -> None:
        self.calls: list[Incoming] = []
        self.steps = 0  # messages actually processed (not answered from the dedupe store)
        self._reply = reply or (lambda msg: Outgoing.of(f"收到：{getattr(msg, 'text', type(msg).__name__)}"))
        self.delay_s = delay_s
        self._done: dict[str, Outgoing] = {}
        self.deferred: list[tuple[Incoming, Outgoing]] = []
        self._lock = threading.Lock()

    def handle(self, msg: Incoming) -> Outgoing:
        with self._lock:
            self.calls.append(msg)
            if msg.dedupe_key and msg.dedupe_key in self._done:
                return self._done[msg.dedupe_key]
        if self.delay_s:
            time.sleep(self.delay_s)
        out = self._reply(msg)
        with self._lock:
            self.steps += 1
            if msg.dedupe_key:
                self._done[msg.dedupe_key] = out
        return out

    def defer_reply(self, msg: Incoming, reply: Outgoing) -> None:
        with self._lock:
            self.deferred.append((msg, reply))


class FakeWeChatAPI:
    """An in-process fake of the two WeChat API endpoints the gateway uses, for ``httpx.MockTransport``.

    Answers are the recorded ones in ``tests/fixtures/wechat/api`` (chosen by URL path). ``send_errors`` and
    ``token_errors`` queue answers for the next calls: an errcode (the recorded ``custom_send_<code>.json``
    when there is one) or ``"http:<status>"``."""

    def __init__(self) -> None:
        self.tokens_issued = 0
        self.sent: list[dict[str, Any]] = []
        self.send_errors: list[int | str] = []
        self.token_errors: list[int] = []
        self.valid_tokens: set[str] = set()
        self.requests: list[httpx.Request] = []
        self._lock = threading.Lock()

    @staticmethod
    def recorded(name: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((FIXTURES / "api" / f"{name}.json").read_text(encoding="utf-8"))
        return data

    def _error(self, prefix: str, err: int | str) -> httpx.Response:
        if isinstance(err, str):
            return httpx.Response(int(err.split(":")[1]), text="upstream error")
        path = FIXTURES / "api" / f"{prefix}_{err}.json"
        body = self.recorded(path.stem) if path.exists() else {"errcode": err, "errmsg": f"error {err}"}
        return httpx.Response(200, json=body)

    def handler(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
            if request.url.path == "/cgi-bin/token":
                assert request.url.params["grant_type"] == "client_credential"
                if self.token_errors:
                    return self._error("token", self.token_errors.pop(0))
                self.tokens_issued += 1
                body = self.recorded("token")
                body["access_token"] = f"TOKEN{self.tokens_issued}"
                self.valid_tokens.add(body["access_token"])
                return httpx.Response(200, json=body)
            if request.url.path == "/cgi-bin/message/custom/send":
                if request.url.params.get("access_token") not in self.valid_tokens:
                    return self._error("custom_send", 40001)
                if self.send_errors:
                    return self._error("custom_send", self.send_errors.pop(0))
                self.sent.append(json.loads(request.content.decode("utf-8")))
                return httpx.Response(200, json=self.recorded("custom_send_ok"))
            return httpx.Response(404, json={"errcode": 404, "errmsg": "no such path"})

    def expire_all_tokens(self) -> None:
        with self._lock:
            self.valid_tokens.clear()

    @property
    def texts(self) -> list[str]:
        with self._lock:
            return [s["text"]["content"] for s in self.sent]


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "app_env": "test",
        "wechat_token": TOKEN,
        "wechat_encoding_aes_key": AES_KEY,
        "wechat_appid": APPID,
        "wechat_message_mode": "plain",  # most tests post plaintext; the safe-mode refusal has its own tests
        "wechat_appsecret": "test-secret",
        "wechat_api_base_url": "https://api.weixin.test",
        "wechat_reply_budget_s": 2.0,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings() -> Settings:
    return make_settings()


@pytest.fixture
def fake_api() -> FakeWeChatAPI:
    return FakeWeChatAPI()


@pytest.fixture
def gateway(fake_api: FakeWeChatAPI, settings: Settings) -> Iterator[WeChatGateway]:
    client = httpx.Client(base_url=settings.wechat_api_base_url, transport=httpx.MockTransport(fake_api.handler))
    gw = WeChatGateway(settings, client=client)
    yield gw
    client.close()


@pytest.fixture
def session_factory(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'outbox.sqlite3'}")
    Base.metadata.create_all(engine, tables=[OutboxMessage.__table__])  # type: ignore[list-item]
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def make_app() -> Iterator[Callable[..., FastAPI]]:
    apps: list[FastAPI] = []

    def build(settings: Settings, engine: Any, **state: Any) -> FastAPI:
        app = FastAPI()
        app.include_router(router)
        clock = state.pop("wechat_clock", None)
        runtime = Runtime(
            settings=settings,
            engine=engine,
            gateway=state.pop("gateway", None),
            sessions=state.pop("session_factory", None),
        )
        if clock is not None:
            runtime.clock = clock
        assert not state, f"unknown app state: {sorted(state)}"
        app.state.runtime = runtime
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.state.runtime.close()


def signed_params(timestamp: int | None = None, nonce: str = "1514711492", token: str = TOKEN) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    sig = hashlib.sha1("".join(sorted([token, ts, nonce])).encode()).hexdigest()
    return {"signature": sig, "timestamp": ts, "nonce": nonce}


@pytest.fixture(scope="session")
def helpers() -> SimpleNamespace:
    return SimpleNamespace(
        FakeEngine=FakeEngine, make_settings=make_settings, signed_params=signed_params, RefCrypto=RefCrypto
    )
