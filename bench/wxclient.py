"""WeChat callback requests as the WeChat server sends them, and their passive replies read back.

Plaintext mode: ``?signature&timestamp&nonce`` over the raw XML. Safe mode: ``?timestamp&nonce&encrypt_type=aes
&msg_signature`` over an ``<Encrypt>`` envelope. The crypto is the product's own ``bot.wechat.crypto`` (the
edge tests check it against an independent implementation and Tencent's vectors); here it only builds traffic.
"""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass
from typing import Literal

from bot.wechat.crypto import MessageCrypto, url_signature
from bot.wechat.errors import InboundError
from bot.wechat.inbound import parse_fields
from bot.wechat.reply import cdata

Mode = Literal["plain", "aes"]


class ReplyError(Exception):
    """A passive reply that does not decode (bad XML, bad signature, wrong addressee)."""


@dataclass(frozen=True, slots=True)
class Account:
    token: str
    aes_key: str
    appid: str
    account: str = "gh_bench_account"


@dataclass(frozen=True, slots=True)
class Request:
    params: dict[str, str]
    body: bytes
    mode: Mode


_msg_ids = itertools.count(int(time.time() * 1000) * 1000)


def next_msg_id() -> str:
    """A fresh 64-bit-looking MsgId, unique within the process and across runs."""
    return str(next(_msg_ids))


def text_xml(account: str, openid: str, text: str, msg_id: str, create_time: int) -> str:
    return (
        f"<xml><ToUserName>{cdata(account)}</ToUserName><FromUserName>{cdata(openid)}</FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{cdata(text)}</Content><MsgId>{msg_id}</MsgId></xml>"
    )


def event_xml(account: str, openid: str, event: str, create_time: int, key: str | None = None) -> str:
    key_xml = f"<EventKey>{cdata(key)}</EventKey>" if key is not None else ""
    return (
        f"<xml><ToUserName>{cdata(account)}</ToUserName><FromUserName>{cdata(openid)}</FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        f"<Event>{cdata(event)}</Event>{key_xml}</xml>"
    )


class WeChatClient:
    """Signs, encrypts and decodes for one official account. Thread-safe (no mutable state)."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self.crypto = MessageCrypto(account.token, account.aes_key, account.appid)

    def request(self, xml: str, mode: Mode, *, timestamp: int | None = None, nonce: str | None = None) -> Request:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        nonce = nonce or str(secrets.randbelow(10**9))
        signature = url_signature(self.account.token, ts, nonce)
        if mode == "plain":
            return Request({"signature": signature, "timestamp": ts, "nonce": nonce}, xml.encode("utf-8"), mode)
        encrypt = self.crypto.encrypt(xml)
        body = f"<xml><ToUserName>{cdata(self.account.account)}</ToUserName><Encrypt>{cdata(encrypt)}</Encrypt></xml>"
        params = {
            "signature": signature,
            "timestamp": ts,
            "nonce": nonce,
            "encrypt_type": "aes",
            "msg_signature": self.crypto.sign(ts, nonce, encrypt),
        }
        return Request(params, body.encode("utf-8"), mode)

    def text(self, openid: str, text: str, mode: Mode, *, msg_id: str | None = None, create_time: int | None = None,
             timestamp: int | None = None) -> Request:
        ct = int(time.time()) if create_time is None else create_time
        xml = text_xml(self.account.account, openid, text, msg_id or next_msg_id(), ct)
        return self.request(xml, mode, timestamp=timestamp)

    def event(self, openid: str, event: str, mode: Mode, *, key: str | None = None,
              create_time: int | None = None) -> Request:
        ct = int(time.time()) if create_time is None else create_time
        return self.request(event_xml(self.account.account, openid, event, ct, key), mode)

    def read_reply(self, body: str, mode: Mode, openid: str) -> str:
        """The text content of a passive reply ('' for WeChat's "success"). Raises ``ReplyError``."""
        if body.strip() in ("", "success"):
            return ""
        try:
            fields = parse_fields(body)
            if mode == "aes":
                encrypt = fields["Encrypt"]
                if self.crypto.sign(fields["TimeStamp"], fields["Nonce"], encrypt) != fields["MsgSignature"]:
                    raise ReplyError("reply signature does not match")
                fields = parse_fields(self.crypto.decrypt(encrypt))
        except (InboundError, KeyError) as exc:
            raise ReplyError(f"undecodable reply: {type(exc).__name__}") from exc
        if fields.get("ToUserName") != openid or fields.get("MsgType") != "text":
            raise ReplyError("reply addressed to someone else or not text")
        return fields.get("Content", "")
