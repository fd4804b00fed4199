"""ID and phone numbers: masking for display and logs, encryption at rest, and a logging filter.

Masking follows the fact sheet (§8.1): keep the first 4 and last 4 characters of an ID number
(``4101**********123X``), the first 3 and last 4 digits of a mobile (``138****5678``).
"""

from __future__ import annotations

import logging
import re

from cryptography.fernet import Fernet, InvalidToken

# 18-character ID numbers (last may be X/x) and 15-digit old ones; mainland mobiles with optional +86/86.
_ID_RE = re.compile(
    r"(?<![0-9A-Za-z])([1-9]\d{5})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])"  # 18 characters
    r"|(?<!\d)([1-9]\d{5})(\d{6})(\d{3})(?!\d)"  # 15 digits (first generation)
)
_PHONE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")


def mask_id(value: str) -> str:
    v = value.strip()
    if len(v) <= 8:
        return "*" * len(v)
    return v[:4] + "*" * (len(v) - 8) + v[-4:]


def mask_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)[-11:]
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "****" + digits[-4:]


def mask_text(text: str) -> str:
    """Mask every ID number and mobile number found in free text."""

    def _id(m: re.Match[str]) -> str:
        return mask_id(m.group(0))

    text = _ID_RE.sub(_id, text)
    return _PHONE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


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
