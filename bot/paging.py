"""Reply pagination for channels with a message size limit (WeChat: bytes of UTF-8 per text message).

The engine's reply is a few short parts. On WeChat they are packed into pages of at most ``limit_bytes``;
the first page is sent and the rest wait in the consultation (``Consultation.pages``) until the person replies
"1" (or 继续). The web page and the CLI get every part at once. Every function here is pure: it returns the
reply and the pages left waiting.
"""

from __future__ import annotations

import prompts
from bot.messages import Channel, Outgoing
from bot.wechat.text import split_text


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def pack(parts: tuple[str, ...], limit_bytes: int) -> list[str]:
    """Pack parts into as few pages as possible, each at most ``limit_bytes`` (parts are split when needed)."""
    sep = "\n\n"
    pages: list[str] = []
    current = ""
    for part in parts:
        for piece in split_text(part, limit_bytes):
            candidate = f"{current}{sep}{piece}" if current else piece
            if _size(candidate) <= limit_bytes:
                current = candidate
            else:
                pages.append(current)
                current = piece
    if current:
        pages.append(current)
    return pages


def page_budget(limit_bytes: int) -> int:
    """The bytes one page may hold so that the "回复 1 继续" hint still fits after it within ``limit_bytes``."""
    return limit_bytes - _size(prompts.load("page_continue")) - 2


def _more() -> tuple[str, ...]:
    return (prompts.commands().quick.more,)


def paginate(reply: Outgoing, channel: Channel, limit_bytes: int) -> tuple[Outgoing, tuple[str, ...]]:
    """The reply to send now and the pages left waiting (none when it fits, or off WeChat)."""
    if channel is not Channel.WECHAT or not reply.parts:
        return reply, ()
    pages = pack(reply.parts, page_budget(limit_bytes))
    if len(pages) <= 1:
        return Outgoing(parts=tuple(pages), quick_replies=reply.quick_replies), ()
    return Outgoing(parts=(pages[0] + "\n\n" + prompts.load("page_continue"),), quick_replies=_more()), tuple(pages[1:])


def next_page(pages: tuple[str, ...]) -> tuple[Outgoing, tuple[str, ...]] | None:
    """The next waiting page and the pages still waiting after it; None when nothing waits."""
    if not pages:
        return None
    first, rest = pages[0], pages[1:]
    if rest:
        return Outgoing(parts=(first + "\n\n" + prompts.load("page_continue"),), quick_replies=_more()), rest
    return Outgoing(parts=(first,)), ()
