"""Split text into pieces of at most N bytes of UTF-8, on paragraph, then sentence, then character
boundaries (never inside a multi-byte character or an emoji's code point)."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _hard_split(text: str, limit: int) -> list[str]:
    out: list[str] = []
    current = ""
    for ch in text:
        if _size(current + ch) > limit:
            out.append(current)
            current = ch
        else:
            current += ch
    if current:
        out.append(current)
    return out


def split_text(text: str, limit_bytes: int) -> list[str]:
    if limit_bytes < 4:
        raise ValueError("limit_bytes must hold at least one UTF-8 character")
    text = text.strip()
    if not text:
        return []
    if _size(text) <= limit_bytes:
        return [text]
    pieces: list[str] = []
    for paragraph in text.split("\n\n"):
        for sentence in (s for s in _SENTENCE_END.split(paragraph) if s.strip()):
            pieces.extend(_hard_split(sentence, limit_bytes) if _size(sentence) > limit_bytes else [sentence])
        pieces.append("\n\n")
    out: list[str] = []
    current = ""
    for piece in pieces:
        candidate = current + piece
        if _size(candidate.rstrip()) <= limit_bytes:
            current = candidate
        else:
            if current.strip():
                out.append(current.strip())
            current = piece.lstrip("\n")
    if current.strip():
        out.append(current.strip())
    return out
