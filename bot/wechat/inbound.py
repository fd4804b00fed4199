"""Inbound XML: one hardened parse, then our own typed ``Incoming*`` straight from its fields.

Every XML text (the outer envelope and, in safe mode, the decrypted message) is parsed exactly once, by
:func:`parse_fields`, which refuses DOCTYPE/ENTITY outright and parses with ``defusedxml`` (no entities, no
external references, no DTD). :func:`from_fields` builds the message from that ``{tag: text}`` dict; nothing
parses the text a second time. The mapping is the one ``wechatpy.parse_message`` applies (``MsgType`` picks
the class; ``event`` and ``device_*`` types are events; a ``CLICK`` event carries its ``EventKey``), reduced to
what the conversation uses — ``tests/bot/wechat/test_inbound.py`` checks it against wechatpy on every sample.

Dedupe keys follow WeChat's advice ("有msgid的消息推荐使用msgid排重。事件类型消息推荐使用FromUserName +
CreateTime 排重", 被动回复用户消息 doc) and the shapes in ``shared/wechat/xml/index.json``:
``MsgId=<id>`` for messages, ``FromUserName+CreateTime=<openid>+<time>`` for events (and for the rare
message without a MsgId).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as StdET
from dataclasses import dataclass

import defusedxml.ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from bot.messages import (
    Channel,
    EventKind,
    Incoming,
    IncomingEvent,
    IncomingText,
    IncomingUnsupported,
    IncomingVoice,
    MenuKey,
)
from bot.wechat.errors import EncodingError, ForbiddenXmlError, MalformedXmlError

_FORBIDDEN = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_REQUIRED = ("ToUserName", "FromUserName", "CreateTime", "MsgType")
_MENU_KEYS = frozenset(k.value for k in MenuKey)


def decode_body(body: bytes) -> str:
    """The body as text; ``EncodingError`` unless it is UTF-8 (a leading BOM is dropped)."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EncodingError() from exc


def parse_fields(text: str) -> dict[str, str]:
    """The top-level children of ``<xml>`` as ``{tag: text}``.

    Raises ``ForbiddenXmlError`` for DOCTYPE/ENTITY declarations (checked on the raw text before any parser
    runs, and again by defusedxml), ``MalformedXmlError`` for anything not well-formed, a root other than
    ``<xml>`` or a repeated top-level element (WeChat never repeats one; xmltodict would turn it into a list).
    """
    if _FORBIDDEN.search(text):
        raise ForbiddenXmlError()
    try:
        root = SafeET.fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ForbiddenXmlError() from exc
    except StdET.ParseError as exc:
        raise MalformedXmlError(f"malformed XML: {exc.position}") from exc
    if root.tag != "xml":
        raise MalformedXmlError("root element is not <xml>")
    fields: dict[str, str] = {}
    for child in root:
        if child.tag in fields:
            raise MalformedXmlError(f"repeated element <{child.tag}>")
        fields[child.tag] = (child.text or "").strip() if len(child) == 0 else ""
    return fields


def dedupe_key(fields: dict[str, str]) -> str:
    msg_type = fields.get("MsgType", "").lower()
    msg_id = fields.get("MsgId", "")
    if msg_type != "event" and msg_id:
        return f"MsgId={msg_id}"
    return f"FromUserName+CreateTime={fields.get('FromUserName', '')}+{fields.get('CreateTime', '')}"


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One verified, decrypted, parsed message: our typed ``incoming`` plus what the reply needs."""

    incoming: Incoming
    openid: str  # FromUserName: the user, who receives our reply
    account: str  # ToUserName: our official account's original id (gh_…), the reply's sender
    create_time: int
    msg_type: str


def is_event(msg_type: str) -> bool:
    """``event``, and the IoT ``device_*`` types that wechatpy also treats as events."""
    return msg_type == "event" or msg_type.startswith("device_")


def to_incoming(text: str) -> InboundMessage:
    """Parse a plaintext message XML into an ``InboundMessage``. Raises ``InboundError`` subclasses only."""
    return from_fields(parse_fields(text))


def from_fields(fields: dict[str, str]) -> InboundMessage:
    """The message that :func:`parse_fields` read. Raises ``MalformedXmlError`` when a required field is
    missing or ``CreateTime`` is not an integer."""
    missing = [name for name in _REQUIRED if not fields.get(name)]
    if missing:
        raise MalformedXmlError(f"missing {', '.join(missing)}")
    if not fields["CreateTime"].isdigit():
        raise MalformedXmlError("CreateTime is not an integer")
    openid, msg_type = fields["FromUserName"], fields["MsgType"].lower()
    key = dedupe_key(fields)
    wechat = Channel.WECHAT

    incoming: Incoming
    if is_event(msg_type):
        incoming = _event(fields, msg_type, openid, key)
    elif msg_type == "text":
        incoming = IncomingText(user_id=openid, channel=wechat, dedupe_key=key, text=fields.get("Content", ""))
    elif msg_type == "voice":
        recognition = fields.get("Recognition", "").strip() or None
        incoming = IncomingVoice(user_id=openid, channel=wechat, dedupe_key=key, recognition=recognition)
    else:
        incoming = IncomingUnsupported(user_id=openid, channel=wechat, dedupe_key=key, kind=msg_type[:32])
    return InboundMessage(
        incoming=incoming,
        openid=openid,
        account=fields["ToUserName"],
        create_time=int(fields["CreateTime"]),
        msg_type=msg_type,
    )


def _event(fields: dict[str, str], msg_type: str, openid: str, key: str) -> IncomingEvent:
    """subscribe / unsubscribe / CLICK on one of our menu keys; everything else (VIEW, SCAN, LOCATION,
    TEMPLATESENDJOBFINISH, a CLICK on a key we do not know, device events…) is ``EventKind.OTHER``."""
    raw = fields.get("Event", "")
    name = raw.lower()
    event_key = fields.get("EventKey") or None
    kind = EventKind.OTHER
    if name == "subscribe":
        kind = EventKind.SUBSCRIBE
    elif name == "unsubscribe":
        kind = EventKind.UNSUBSCRIBE
    elif msg_type == "event" and name == "click" and event_key in _MENU_KEYS:
        kind = EventKind.MENU_CLICK
    return IncomingEvent(
        user_id=openid, channel=Channel.WECHAT, dedupe_key=key, event=kind, key=event_key, raw_event=raw[:64]
    )
