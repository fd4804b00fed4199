"""§8: every route refuses a body over MAX_BODY_BYTES (413, a short polite text), by Content-Length and while a
chunked body streams; /wechat keeps its own smaller limit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from core.settings import Settings

LIMIT = Settings().max_body_bytes


@pytest.mark.parametrize("path", ["/api/chat", "/api/assess", "/api/similar", "/workbench/login"])
def test_a_declared_large_body_is_refused(product: TestClient, path: str) -> None:
    r = product.post(path, content=b"x" * (LIMIT + 1), headers={"Content-Type": "application/json"})
    assert r.status_code == 413, (path, r.status_code, r.text[:200])
    assert "过大" in r.text


def test_a_chunked_body_growing_past_the_limit_is_stopped(product: TestClient) -> None:
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        for _ in range(4 * LIMIT // 4096):
            sent += 4096
            yield b"x" * 4096

    r = product.post("/api/chat", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413, (r.status_code, r.text[:200])
    assert "过大" in r.text


def test_a_body_under_the_limit_still_reaches_the_route(product: TestClient) -> None:
    r = product.post("/api/assess", json={"text": "借给同事五万块不还" + " " * 1000})
    assert r.status_code == 200, r.text[:200]


def test_wechat_keeps_its_smaller_limit(product: TestClient) -> None:
    small = Settings().wechat_max_body_bytes
    assert small < LIMIT
    r = product.post("/wechat?signature=x&timestamp=1&nonce=1", content=b"<xml>" + b"x" * small + b"</xml>")
    assert r.status_code == 413
