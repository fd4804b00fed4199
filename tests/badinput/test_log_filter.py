"""The masking log filter must not break other libraries' records (found by the log scan of a real server).

uvicorn's access formatter reads the five request fields from ``record.args``; a filter that collapses the
arguments into the message made every access line a "--- Logging error ---" traceback on stderr.
"""

from __future__ import annotations

import logging

import pytest
from uvicorn.logging import AccessFormatter

from core.pii import MaskingFilter

FORMAT = '%(client_addr)s - "%(request_line)s" %(status_code)s'


def _access_record(path: str) -> logging.LogRecord:
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:50000", "POST", path, "1.1", 200),
        None,
    )


@pytest.mark.parametrize(
    ("path", "clear", "masked"),
    [
        ("/healthz", None, "/healthz"),
        ("/api/similar?q=13812345678", "13812345678", "138****5678"),
        ("/x?id=11010519491231002X", "11010519491231002X", "1101**********002X"),
    ],
)
def test_access_lines_still_format_after_masking(path: str, clear: str | None, masked: str) -> None:
    record = _access_record(path)
    assert MaskingFilter().filter(record)
    line = AccessFormatter(fmt=FORMAT, use_colors=False).format(record)
    assert masked in line
    assert "200" in line
    if clear:
        assert clear not in line


def test_plain_records_are_masked_whatever_their_arguments() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "user %s phone %s", ("张三", "13812345678"), None)
    MaskingFilter().filter(record)
    assert record.getMessage() == "user 张三 phone 138****5678"
    # a number split across the format string and an argument is still masked as a whole
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "call 138%s", ("12345678",), None)
    MaskingFilter().filter(record)
    assert "13812345678" not in record.getMessage()
