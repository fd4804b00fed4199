"""The access log's request target: the path only, capabilities hidden, numbers masked."""

from __future__ import annotations

import logging

from core.logsetup import AccessLogFilter, redact_target


def test_the_path_is_kept_and_the_query_dropped() -> None:
    assert redact_target("/healthz") == "/healthz"
    assert redact_target("/wechat?signature=abc&timestamp=1&nonce=2") == "/wechat?[redacted]"
    assert redact_target("/api/similar?") == "/api/similar?[redacted]"


def test_capabilities_after_a_prefix_are_hidden() -> None:
    assert redact_target("/workbench/c/abc.def.ghi", ["/workbench/c/"]) == "/workbench/c/[redacted]"
    assert redact_target("/workbench/c/", ["/workbench/c/"]) == "/workbench/c/"
    assert redact_target("/workbench/queue", ["/workbench/c/"]) == "/workbench/queue"


def test_numbers_in_the_decoded_path_are_masked() -> None:
    encoded = "/x/%E8%BA%AB%E4%BB%BD%E8%AF%81410811198503041230"
    out = redact_target(encoded)
    assert "410811198503041230" not in out and "4108" in out and out.startswith("/x/")
    raw_utf8_as_latin1 = "/x/身份证13912345678".encode().decode("latin-1")  # a client that did not encode
    assert "13912345678" not in redact_target(raw_utf8_as_latin1)
    assert redact_target("/x/%ZZ%E8") == "/x/%ZZ%E8"  # nothing to mask: left exactly as it came


def test_records_of_another_shape_lose_their_query_too() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, "GET %s", ("/a?q=1",), None)
    AccessLogFilter().filter(record)
    assert record.getMessage() == "GET /a?[redacted]"
