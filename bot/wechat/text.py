"""Text → WeChat-sized text messages: the one place that knows the byte limit's rules.

WeChat measures a text message in UTF-8 **bytes**: the passive-reply ``Content`` and the customer-service
``text.content`` are documented as "不超过2048字节" (old 被动回复/客服消息 docs, quoted e.g. in
51cto.com/article/416967.html; a Chinese character is 3 bytes, so about 680 characters). One SDK issue
reports 2047 bytes as the real maximum (github.com/dodgepudding/wechat-php-sdk/issues/363), so callers may
pass a limit a little under ``Settings.wechat_text_limit_bytes``.

:func:`wechat_messages` is what the edge (the passive reply and the pushed rest) and the outbox (every push,
notices included) call: one message per part, sent as it is when it fits. Deciding pages is the engine's job
(``bot.paging``: a reply is packed into pages under the limit, "回复 1 继续" for the rest), so a part never needs
splitting here; one that does is the single defensive check, split and logged.

:func:`split_text` cuts at the gentlest boundary that works: blank lines, then line breaks, then sentence
ends (。！？；…), then clause marks (，、：) and spaces, and only then between characters, never inside a
UTF-8 sequence nor inside an emoji sequence (ZWJ joins, skin-tone and variation selectors, flags) when it
can be helped.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable

MIN_LIMIT_BYTES = 4  # one UTF-8 code point can take 4 bytes

_LEVELS = (
    re.compile(r"\n[ \t\u3000]*\n\s*"),  # blank line(s): paragraph end
    re.compile(r"\n"),  # line end
    re.compile(r"[。！？!?；;…]+[”’」』）)\]】]*\s*|\.(?=\s)\s*"),  # sentence end, with closing quotes
    re.compile(r"[，、,：:]\s*|\s+"),  # clause mark or a run of spaces
)

_ZWJ = "\u200d"

log = logging.getLogger(__name__)


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def wechat_messages(parts: Iterable[str], limit_bytes: int) -> list[str]:
    """``parts`` as WeChat text messages of at most ``limit_bytes`` each: one per part (stripped; blank parts
    dropped), never re-split when it fits. A part over the limit — the engine's pages and casework's notices are
    sized below it, so this should not happen — is split with :func:`split_text` and a warning is logged."""
    out: list[str] = []
    for part in parts:
        text = part.strip()
        if not text:
            continue
        size = utf8_len(text)
        if size <= limit_bytes:
            out.append(text)
            continue
        pieces = split_text(text, limit_bytes)
        log.warning("a %d-byte message was over the %d-byte WeChat limit: split in %d", size, limit_bytes, len(pieces))
        out.extend(pieces)
    return out


def split_text(text: str, limit_bytes: int) -> list[str]:
    """``text`` as consecutive pieces of at most ``limit_bytes`` UTF-8 bytes each.

    Pieces are stripped of surrounding whitespace and never empty; apart from that whitespace, joining them
    gives back ``text``. Empty or blank ``text`` gives ``[]``. ``ValueError`` if ``limit_bytes`` < 4.
    """
    if limit_bytes < MIN_LIMIT_BYTES:
        raise ValueError(f"limit_bytes must be at least {MIN_LIMIT_BYTES}")
    pieces = _split(text, limit_bytes, 0)
    return [p for p in (piece.strip() for piece in pieces) if p]


def _pieces(text: str, pattern: re.Pattern[str]) -> list[str]:
    """``text`` cut after every match of ``pattern`` (the separator stays with the piece before it)."""
    out: list[str] = []
    start = 0
    for match in pattern.finditer(text):
        if match.end() > start:
            out.append(text[start : match.end()])
            start = match.end()
    if start < len(text):
        out.append(text[start:])
    return out


def _split(text: str, limit: int, level: int) -> list[str]:
    if utf8_len(text) <= limit:
        return [text]
    if level == len(_LEVELS):
        return _hard_split(text, limit)
    out: list[str] = []
    current = ""
    for piece in _pieces(text, _LEVELS[level]):
        if utf8_len(current + piece) <= limit:
            current += piece
            continue
        if current:
            out.append(current)
            current = ""
        if utf8_len(piece) <= limit:
            current = piece
        else:
            parts = _split(piece, limit, level + 1)
            out.extend(parts[:-1])
            current = parts[-1]
    if current:
        out.append(current)
    return out


def _joins_previous(prev: str, char: str) -> bool:
    """Whether ``char`` belongs to the same user-perceived character as ``prev`` (approximate)."""
    code = ord(char)
    return (
        _ZWJ in (prev, char)
        or unicodedata.combining(char) != 0
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tag characters (subdivision flags)
        or code == 0x20E3  # combining enclosing keycap
    )


def _clusters(text: str) -> list[str]:
    """Approximate grapheme clusters: enough to keep emoji sequences and regional-indicator flags whole."""
    clusters: list[str] = []
    pending_flag = False
    for char in text:
        code = ord(char)
        is_regional = 0x1F1E6 <= code <= 0x1F1FF
        if clusters and (_joins_previous(clusters[-1][-1], char) or (is_regional and pending_flag)):
            clusters[-1] += char
            pending_flag = False
            continue
        clusters.append(char)
        pending_flag = is_regional
    return clusters


def _hard_split(text: str, limit: int) -> list[str]:
    out: list[str] = []
    current = ""
    for cluster in _clusters(text):
        if utf8_len(current + cluster) <= limit:
            current += cluster
            continue
        if current:
            out.append(current)
            current = ""
        if utf8_len(cluster) <= limit:
            current = cluster
        else:  # one cluster longer than the limit (a very long ZWJ sequence): cut between code points
            for char in cluster:
                if utf8_len(current + char) > limit:
                    out.append(current)
                    current = ""
                current += char
    if current:
        out.append(current)
    return out
