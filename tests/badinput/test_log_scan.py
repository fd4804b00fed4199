"""After whole conversations that give an ID number and a phone number (the filing route asks for both; a story,
a ticket question, the chat page and the assessment API carry them too), neither appears in clear in any log:
every logger at DEBUG through the product's own handler in process, and the server subprocess's whole output
(uvicorn's access log included)."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from bench.drive import send, talk_until
from bench.server import ProductServer
from bench.user import Persona, SimUser

ID_NUMBER = "410811198503041230"  # valid check character, 焦作市山阳区
PHONE = "13912345678"
BAD_ID = "410811198503041231"  # wrong check character: the error path
SECRETS = (ID_NUMBER, PHONE, BAD_ID, "41081119850304", "1391234")


def _conversations(http: Any, bx: SimpleNamespace, tag: str) -> None:
    client = bx.client
    persona = Persona(story=f"朋友借我三万块钱一直不还，有借条，我的电话{PHONE}，身份证{ID_NUMBER}", route="filing",
                      name="王芳", id_number=ID_NUMBER, phone=PHONE)
    user = SimUser(f"o-logscan-{tag}", persona)
    reply = talk_until(http, client, user, lambda r: "身份证号码" in r.splitlines()[-1], mode="aes")
    assert "身份证" in reply
    assert send(http, client, user.openid, BAD_ID, "aes").reply  # refused politely: wrong check character
    reply = send(http, client, user.openid, ID_NUMBER, "aes").reply
    assert "手机" in reply
    assert send(http, client, user.openid, f"+86 {PHONE[:3]} {PHONE[3:7]} {PHONE[7:]}", "aes").reply
    nxt = user.next_message(reply)
    filed = False
    while nxt is not None and user.turns < 40:
        ex = send(http, client, user.openid, nxt[1], "plain")
        assert ex.status == 200
        filed = "编号LA-" in ex.reply
        if filed:
            break
        nxt = user.next_message(ex.reply)
    assert filed
    ticket = f"o-logscan-ticket-{tag}"
    send(http, client, ticket, "转人工")
    send(http, client, ticket, f"请打我电话{PHONE}，身份证{ID_NUMBER}")
    assert PHONE[-4:] in send(http, client, ticket, f"王五 {PHONE}").reply  # the contact, read back masked
    assert "编号RX-" in send(http, client, ticket, "确认").reply
    chat = http.post("/api/chat", json={"text": f"我身份证是{ID_NUMBER}，电话{PHONE}，朋友借钱不还",
                                        "message_id": f"m-{tag}"})
    assert chat.status_code == 200
    assess = http.post("/api/assess", json={"text": f"朋友借我五万元不还，我电话{PHONE}，身份证号{ID_NUMBER}"})
    assert assess.status_code < 500


def _stored_leaks(root: Path) -> dict[str, list[str]]:
    """Every file the server wrote (the database, the Chroma and BM25 stores, anything else under ``root``) read as
    bytes, UTF-8 and UTF-16 both (SQLite keeps text as UTF-8; an index may not), with the clear numbers it holds."""
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != "server.log"):
        raw = path.read_bytes()
        text = raw.decode("utf-8", errors="ignore") + raw.decode("utf-16-le", errors="ignore")
        hits = _leaks(text)
        if hits:
            found[str(path.relative_to(root))] = sorted(set(hits))
    return found


def _leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text] + re.findall(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)


@pytest.fixture
def product_log(product: TestClient) -> Iterator[io.StringIO]:
    """The product's own log handler (the one ``core.logsetup`` installs on the root logger), written into a
    buffer, with every logger let through at DEBUG."""
    root = logging.getLogger()
    handler = next(h for h in root.handlers if getattr(h, "_suqian", False))
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    old_stream = handler.setStream(buffer)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        root.setLevel(old_level)
        handler.setStream(old_stream)


def test_no_clear_numbers_in_the_product_log(
    product: TestClient, bx: SimpleNamespace, product_log: io.StringIO
) -> None:
    _conversations(product, bx, "inproc")
    text = product_log.getvalue()
    assert len(text.splitlines()) > 20, "the handler saw almost nothing: the scan would prove nothing"
    assert _leaks(text) == [], [line for line in text.splitlines() if _leaks(line)][:5]


@pytest.mark.server
def test_no_clear_numbers_in_the_server_output(tmp_path: Path, bx: SimpleNamespace) -> None:
    account = bx.ACCOUNT
    env = {
        "APP_ENV": "test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "CHROMA_PATH": str(tmp_path / "chroma"),
        "BM25_PATH": str(tmp_path / "bm25"),
        "EMBEDDING_MODEL": "fake",
        "AUTO_INGEST": "false",
        "WECHAT_TOKEN": account.token,
        "WECHAT_ENCODING_AES_KEY": account.aes_key,
        "WECHAT_APPID": account.appid,
        "WECHAT_MESSAGE_MODE": "plain",  # the conversations send both plaintext and encrypted callbacks
        "LOG_LEVEL": "DEBUG",
    }
    server = ProductServer(env, tmp_path / "server.log")
    try:
        server.wait_ready(similar_cases=False, timeout=180)
        with httpx.Client(base_url=server.base, timeout=30) as http:
            _conversations(http, bx, "server")
            http.get("/api/similar", params={"q": f"借钱不还 {PHONE} {ID_NUMBER}"})
    finally:
        server.stop()
    text = server.output()
    stored = _stored_leaks(tmp_path)
    assert stored == {}, f"ID or phone numbers in clear at rest: {stored}"
    assert "POST /wechat" in text and "DEBUG" in text  # the access log and the debug lines were captured
    assert "--- Logging error ---" not in text
    assert _leaks(text) == [], [line for line in text.splitlines() if _leaks(line)][:5]
    # no query string in the access log: no replayable callback parameters, no search text
    assert "POST /wechat?[redacted]" in text and "GET /api/similar?[redacted]" in text
    assert not [line for line in text.splitlines() if "signature=" in line or "nonce=" in line or "q=" in line]
