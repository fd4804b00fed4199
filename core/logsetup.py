"""Logging set-up: one stream handler whose filter masks ID and phone numbers in every record."""

from __future__ import annotations

import logging

from core.pii import MaskingFilter

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(level: str = "INFO") -> None:
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
    # uvicorn's own handlers get the filter too (access logs carry query strings).
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        for h in logging.getLogger(name).handlers:
            if not any(isinstance(f, MaskingFilter) for f in h.filters):
                h.addFilter(MaskingFilter())
