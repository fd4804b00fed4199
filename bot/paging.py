"""Reply pagination for channels with a message size limit (WeChat: bytes of UTF-8 per text message).

The engine's reply is a few short parts. On WeChat they are packed into pages of at most ``limit_bytes``;
the first page is sent and the rest wait in the dialog record until the person replies "1" (or 继续).
The web page and the CLI get every part at once.
"""

from __future__ import annotations

import prompts
from bot.messages import Channel, Outgoing
from bot.store import DialogRecord
from bot.wechat.text import split_text

PAGES_KEY = "_pages"
CONTINUE_WORDS = frozenset({"1", "１", "继续", "繼續", "下一页", "更多"})


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


def paginate(reply: Outgoing, record: DialogRecord, channel: Channel, limit_bytes: int) -> Outgoing:
    record.data.pop(PAGES_KEY, None)
    if channel is not Channel.WECHAT or not reply.parts:
        return reply
    hint = prompts.load("page_continue")
    budget = limit_bytes - _size(hint) - 2
    pages = pack(reply.parts, budget)
    if len(pages) <= 1:
        return Outgoing(parts=tuple(pages), quick_replies=reply.quick_replies)
    record.data[PAGES_KEY] = pages[1:]
    return Outgoing(parts=(pages[0] + "\n\n" + hint,), quick_replies=("1",))


def next_page(record: DialogRecord) -> Outgoing | None:
    """The next waiting page, or None when nothing waits. Leaves the remaining pages in the record."""
    pages: list[str] = list(record.data.get(PAGES_KEY) or [])
    if not pages:
        return None
    first, rest = pages[0], pages[1:]
    if rest:
        record.data[PAGES_KEY] = rest
        return Outgoing(parts=(first + "\n\n" + prompts.load("page_continue"),), quick_replies=("1",))
    record.data.pop(PAGES_KEY, None)
    return Outgoing(parts=(first,))
