"""Logging set-up: one stream handler whose filter masks ID and phone numbers in every record, and the access
log's redaction.

uvicorn's access log (``uvicorn.access``) would write each whole request target. Its query string carries what
must not be kept: the WeChat callback's ``timestamp``/``nonce``/``signature`` (with which a plaintext callback
could be replayed), and search text with ID and phone numbers percent-encoded where the masking filter cannot
see them. :class:`AccessLogFilter`, a filter on that logger, so on every handler that ever prints its records,
keeps the path only (``?[redacted]`` marks a dropped query), hides what follows a capability prefix (the
complaint download link, ``/workbench/c/<token>``) and masks numbers in the percent-decoded path.
:func:`configure` installs it; ``server.create_app`` calls it, and uvicorn configures its own logging before
it calls the factory, so the redaction holds however uvicorn is started.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import quote, unquote_to_bytes

from core.pii import MaskingFilter, mask_text

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
ACCESS_LOGGER = "uvicorn.access"
QUERY_MARK = "?[redacted]"
REDACTED_MARK = "[redacted]"
# Characters kept as they are when a masked path is written back (RFC 3986 pchar, '/' and the mask's '*').
_PATH_SAFE = "/*:@!$&'()+,;=-._~[]"


def redact_target(target: str, secret_prefixes: Iterable[str] = ()) -> str:
    """A request target as the access log may show it: the path only, no capability, no clear number."""
    path, sep, _ = target.partition("?")
    for prefix in secret_prefixes:
        if path.startswith(prefix) and len(path) > len(prefix):
            path = prefix + REDACTED_MARK
            break
    # uvicorn hands over the raw path decoded as latin-1: back to bytes, percent-decoded, read as UTF-8.
    decoded = unquote_to_bytes(path.encode("latin-1", errors="replace")).decode("utf-8", errors="replace")
    masked = mask_text(decoded)
    if masked != decoded:
        path = quote(masked, safe=_PATH_SAFE)
    return path + (QUERY_MARK if sep else "")


class AccessLogFilter(logging.Filter):
    """Redacts the request target of uvicorn's access records (``record.args[2]``), keeping the five-field
    argument tuple that uvicorn's ``AccessFormatter`` reads."""

    def __init__(self, secret_prefixes: Iterable[str] = ()) -> None:
        super().__init__()
        self.secret_prefixes = tuple(secret_prefixes)

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], redact_target(args[2], self.secret_prefixes), args[3], args[4])
        elif args:
            # Not the shape uvicorn writes: never let a request target through unredacted.
            record.msg, record.args = redact_target(record.getMessage(), self.secret_prefixes), None
        return True


def configure(level: str = "INFO", *, secret_path_prefixes: Iterable[str] = ()) -> None:
    """``secret_path_prefixes``: paths whose rest is a capability (a download token) the access log hides."""
    root = logging.getLogger()
    if not any(getattr(h, "_suqian", False) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler.addFilter(MaskingFilter())
        handler._suqian = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level.upper())
    # jieba installs its own DEBUG stream handler; keep its start-up chatter out of the service log.
    jieba_log = logging.getLogger("jieba")
    jieba_log.setLevel(logging.WARNING)
    # The access log: the request target redacted on the logger itself, before any handler sees the record.
    access = logging.getLogger(ACCESS_LOGGER)
    for old in [f for f in access.filters if isinstance(f, AccessLogFilter)]:
        access.removeFilter(old)
    access.addFilter(AccessLogFilter(secret_path_prefixes))
    # uvicorn's own handlers get the masking filter too (error logs may quote requests).
    for name in ("uvicorn", "uvicorn.error", ACCESS_LOGGER):
        for h in logging.getLogger(name).handlers:
            if not any(isinstance(f, MaskingFilter) for f in h.filters):
                h.addFilter(MaskingFilter())
