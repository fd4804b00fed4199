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
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

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
