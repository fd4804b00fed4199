"""Our own typed messages: what the dialog engine reads and writes.

Only ``bot.wechat`` knows the WeChat wire format; it converts a parsed WeChat message into one of the
``Incoming*`` classes below and renders an ``Outgoing`` back. The chat page and the CLI build the same
objects directly, so every channel drives the same engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Channel(StrEnum):
    WECHAT = "wechat"
    WEB = "web"
    CLI = "cli"


class EventKind(StrEnum):
    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"
    MENU_CLICK = "click"
    OTHER = "other"


class MenuKey(StrEnum):
    """Keys of the official account's custom menu (CLICK buttons). Configure the menu with these keys."""

    START = "START_CONSULT"  # 开始咨询
    PROGRESS = "QUERY_PROGRESS"  # 查询进度
    HUMAN = "TRANSFER_HUMAN"  # 转人工


@dataclass(frozen=True, slots=True)
class Incoming:
    """Base of every inbound message. ``user_id`` is the WeChat openid (or a web/CLI session id)."""

    user_id: str
    channel: Channel
    dedupe_key: str | None = None  # MsgId, or FromUserName+CreateTime for events; None: no dedupe


@dataclass(frozen=True, slots=True)
class IncomingText(Incoming):
    text: str = ""


@dataclass(frozen=True, slots=True)
class IncomingVoice(Incoming):
    """A voice message; ``recognition`` is WeChat's speech-to-text when the account has it switched on."""

    recognition: str | None = None


@dataclass(frozen=True, slots=True)
class IncomingUnsupported(Incoming):
    """Image, file, location, link, video…: something the bot cannot read. ``kind`` is the WeChat MsgType."""

    kind: str = "unknown"


@dataclass(frozen=True, slots=True)
class IncomingEvent(Incoming):
    event: EventKind = EventKind.OTHER
    key: str | None = None  # menu key for CLICK
    raw_event: str = ""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """What the engine answers: one or more text parts. The first goes in the passive reply; the rest, if
    any, are pushed through the customer-service message API (WeChat) or shown in order (web, CLI)."""

    parts: tuple[str, ...] = field(default_factory=tuple)
    quick_replies: tuple[str, ...] = field(default_factory=tuple)  # suggestions the chat page shows as buttons

    @property
    def text(self) -> str:
        return "\n\n".join(self.parts)

    @staticmethod
    def of(*parts: str, quick: tuple[str, ...] = ()) -> Outgoing:
        return Outgoing(parts=tuple(p for p in parts if p), quick_replies=quick)
