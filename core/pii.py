"""ID and phone numbers: one detector, masking for display and logs, encryption at rest, and a logging filter.

Masking follows the fact sheet (§8.1): keep the first 4 and last 4 characters of an ID number
(``4101**********123X``), the first 3 and last 4 digits of a mobile (``138****5678``).

The detector (:func:`find_pii`) is the one place that decides what an ID or phone number is; :func:`mask_text`
(stored summaries, claims, workflow fields, retrieval text, tracebacks) and :class:`MaskingFilter` (every log
line) both use it. It reads numbers the way people type them:

* digits in any script (full-width ``１３８``, other Unicode decimal digits) and Chinese numerals
  (〇零一二三四五六七八九, 幺 for 1) count as digits; ``X``/``x``/``Ｘ`` ends an ID number;
* a number may be split into groups by up to three separator characters (space, ideographic space, ``-``,
  dashes, ``.``, ``·``): ``138 1234 5678``, ``138.1234.5678``, ``1101 0519 4912 3100 2X``, ``+86 138-1234-5678``;
  one number is written in one family of digits (Arabic digits of any width, or Chinese numerals), so
  ``…0026123四份`` (a number, then "four copies") is not read as one number;
* letters before or after do not hide a number (``sfz11010519491231002X``, ``tel13812345678``); only more
  digits do: a number is a whole run of digits, never part of a longer one.

What counts: a mainland mobile (``1[3-9]`` + 9 digits, with an optional ``86``/``0086``/``+86`` prefix) and an ID
number (18 characters, the last a digit or X; or the 15 digits of the first generation). A number in one piece is
recognised by its shape alone, as before. One assembled from separated groups must look written that way: an ID
number must carry a plausible birth date, and a mobile's first group (after any 86 prefix) has at most 7 digits
(``138 1234 5678``, ``1381234-5678``, ``1 3 8 1 …``; an amount ``168251141.95`` or a contract number
``1997091423-2-50`` is neither). Amounts, dates and case numbers are shorter than 11 digits or broken by other
characters (``，`` ``/`` ``:`` ``年`` ``（``), so they stay.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from cryptography.fernet import Fernet, InvalidToken

_CN_DIGITS = {"〇": "0", "零": "0", "一": "1", "幺": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6",
              "七": "7", "八": "8", "九": "9"}
_X = "XxＸｘ"
_CN = "[" + "".join(_CN_DIGITS) + "]"
_SEP = r"[ \t\u00a0\u3000\-\u2010-\u2015\uff0d.\uff0e\u00b7\u30fb\u2022]"
# A candidate: digit groups of one family (decimal digits of any script, or Chinese numerals — "…123四份" is a
# number and a count, not one number) joined by 1-3 separators, an optional leading + and a trailing X.
_CHAIN_RE = re.compile(
    rf"(?:[+＋]?\d+(?:{_SEP}{{1,3}}\d+)*|{_CN}+(?:{_SEP}{{1,3}}{_CN}+)*)(?:{_SEP}{{0,3}}[{_X}])?"
)
_GROUP_RE = re.compile(rf"\d+|{_CN}+|[{_X}]")
_MIN_CHARS = 11  # the shortest number we look for (a mobile), separators not counted

_PHONE = re.compile(r"(0086|86)?(1[3-9]\d{9})")
_PHONE_FIRST_GROUP_MAX = 7  # 138 1234 5678, 1381234-5678, 1 3 8 …; not 168251141.95 or 1997091423-2
_ID_ANY = re.compile(r"[1-9]\d{16}[\dX]|[1-9]\d{14}")
_DATE8 = r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_DATE6 = r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_ID_DATED = re.compile(rf"[1-9]\d{{5}}{_DATE8}\d{{3}}[\dX]|[1-9]\d{{5}}{_DATE6}\d{{3}}")

Kind = Literal["id", "phone"]


@dataclass(frozen=True, slots=True)
class PiiMatch:
    """One ID or phone number found in a text: ``text[start:end]`` is how it was written, ``value`` its digits."""

    kind: Kind
    start: int
    end: int
    value: str

    @property
    def masked(self) -> str:
        return mask_id(self.value) if self.kind == "id" else mask_phone(self.value)


def _digit(ch: str) -> str:
    if ch in _CN_DIGITS:
        return _CN_DIGITS[ch]
    if ch in _X:
        return "X"
    return str(unicodedata.decimal(ch))


def _classify(sizes: list[int], digits: str) -> tuple[Kind, str] | None:
    """What ``digits`` (ASCII, maybe ending in X) is, written in groups of ``sizes`` characters."""
    phone = None if "X" in digits else _PHONE.fullmatch(digits)
    if phone:
        rest = list(sizes)
        prefix = len(phone.group(1) or "")
        while prefix and rest:  # the prefix's own group, or the front of the first one
            taken = min(prefix, rest[0])
            prefix, rest[0] = prefix - taken, rest[0] - taken
            if not rest[0]:
                rest.pop(0)
        if len(rest) == 1 or rest[0] <= _PHONE_FIRST_GROUP_MAX:
            return "phone", phone.group(2)
    pattern = _ID_ANY if len(sizes) == 1 else _ID_DATED
    if pattern.fullmatch(digits):
        return "id", digits
    return None


def _scan_chain(chain: re.Match[str]) -> list[PiiMatch]:
    groups = [(m.start(), m.end(), "".join(_digit(c) for c in m.group())) for m in _GROUP_RE.finditer(chain.group())]
    base = chain.start()
    found: list[PiiMatch] = []
    i = 0
    while i < len(groups):
        best: tuple[int, Kind, str] | None = None
        digits = ""
        sizes: list[int] = []
        for j in range(i, len(groups)):
            digits += groups[j][2]
            sizes.append(len(groups[j][2]))
            if len(digits) > 19:
                break
            read = _classify(sizes, digits)
            if read is not None:
                best = (j, read[0], read[1])
        if best is None:
            i += 1
            continue
        j, kind, value = best
        start = base + groups[i][0]
        if i == 0 and chain.group().startswith(("+", "＋")):
            start = base
        found.append(PiiMatch(kind, start, base + groups[j][1], value))
        i = j + 1
    return found


def find_pii(text: str) -> list[PiiMatch]:
    """Every ID and phone number in ``text``, in order, however it was written (see the module docstring)."""
    found: list[PiiMatch] = []
    for chain in _CHAIN_RE.finditer(text):
        if chain.end() - chain.start() >= _MIN_CHARS:
            found.extend(_scan_chain(chain))
    return found


def contains_pii(text: str) -> bool:
    return bool(find_pii(text))


def mask_id(value: str) -> str:
    v = value.strip()
    if len(v) <= 8:
        return "*" * len(v)
    return v[:4] + "*" * (len(v) - 8) + v[-4:]


def mask_phone(value: str) -> str:
    """A mobile as 139****5678; a landline given with its area code (it starts with 0) as 0391****67."""
    digits = "".join(_digit(c) for c in value if c in _CN_DIGITS or c.isdecimal())
    if value.lstrip().startswith("0") and len(digits) >= 7:
        return digits[:4] + "****" + digits[-2:]
    digits = digits[-11:]
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "****" + digits[-4:]


def mask_text(text: str) -> str:
    """Mask every ID number and mobile number found in free text (:func:`find_pii`)."""
    found = find_pii(text)
    if not found:
        return text
    out: list[str] = []
    at = 0
    for m in found:
        out.append(text[at : m.start])
        out.append(m.masked)
        at = m.end
    out.append(text[at:])
    return "".join(out)


class PiiCipher:
    """Fernet (AES-128-CBC + HMAC) encryption of sensitive fields, keyed by the ``PII_KEY`` setting."""

    def __init__(self, key: str) -> None:
        self._f = Fernet(key.encode("ascii"))

    def encrypt(self, value: str) -> str:
        return self._f.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._f.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise ValueError("cannot decrypt a PII field: wrong PII_KEY?") from exc


class MaskingFilter(logging.Filter):
    """Masks ID and phone numbers in every log record that passes through a handler it is attached to."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            # A log call whose arguments do not fit its format: keep the record, masked, instead of letting
            # the handler print a "Logging error" traceback.
            message = f"(bad log call) {record.msg!r} {record.args!r}"
            record.msg, record.args = mask_text(message), None
        masked = mask_text(message)
        if masked != message:
            _mask_record(record, masked)
        if record.exc_info:
            # Exception messages carry user input too: render the traceback now, masked.
            record.exc_text = mask_text(_FORMATTER.formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True


def _mask_record(record: logging.LogRecord, masked: str) -> None:
    """Mask a record's format string and tuple arguments one by one, so that formatters that read
    ``record.args`` (uvicorn's access log) still work; collapse into ``masked`` when that is not enough."""
    if isinstance(record.args, tuple) and isinstance(record.msg, str):
        record.msg = mask_text(record.msg)
        record.args = tuple(mask_text(a) if isinstance(a, str) else a for a in record.args)
        try:
            same = record.getMessage() == masked
        except (TypeError, ValueError):
            same = False
        if same:
            return
    record.msg = masked
    record.args = None


_FORMATTER = logging.Formatter()
