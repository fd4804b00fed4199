"""Attacks on the ways in: XML (XXE, entity expansion, huge bodies, deep nesting), forged signatures, replayed
timestamps, SQL/HTML injection in every text field the workbench shows, and path tricks in file downloads."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bench.drive import send
from bench.user import Persona, SimUser
from bench.wxclient import text_xml
from casework.models import CaseRecord

XXE = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       "<xml><ToUserName>gh</ToUserName><FromUserName>o-x</FromUserName><CreateTime>1</CreateTime>"
       "<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>")
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + ']><xml><Content>&lol9;</Content></xml>')


def _post(product: TestClient, bx: SimpleNamespace, xml: str, mode: str = "plain", **kw: Any) -> Any:
    req = bx.client.request(xml, mode, **kw)
    started = time.monotonic()
    resp = product.post("/wechat", params=req.params, content=req.body)
    assert time.monotonic() - started < 3.0  # refused fast, never parsed at length
    return resp


@pytest.mark.parametrize("mode", ["plain", "aes"])
@pytest.mark.parametrize("payload", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_entity_attacks_are_refused(product: TestClient, bx: SimpleNamespace, payload: str, mode: str) -> None:
    resp = _post(product, bx, payload, mode)
    assert resp.status_code == 400
    assert "root:" not in resp.text and "lol" not in resp.text


def test_huge_bodies_are_refused(product: TestClient, bx: SimpleNamespace) -> None:
    big = text_xml("gh", "o-big", "字" * 40000, "9001", int(time.time()))
    assert _post(product, bx, big).status_code == 413
    req = bx.client.text("o-big", "x", "plain")  # a Content-Length that lies about a large body
    resp = product.post("/wechat", params=req.params, content=b"<xml>" + b"a" * 200_000 + b"</xml>",
                        headers={"Content-Length": "100"})
    assert resp.status_code in (400, 413)


def test_deep_nesting_is_refused(product: TestClient, bx: SimpleNamespace) -> None:
    deep = "<xml>" + "<a>" * 6000 + "x" + "</a>" * 6000 + "</xml>"
    resp = _post(product, bx, deep)
    assert resp.status_code == 400


def test_forged_and_replayed_requests_are_refused(product: TestClient, bx: SimpleNamespace) -> None:
    xml = text_xml("gh", "o-forged", "你好", "9101", int(time.time()))
    req = bx.client.request(xml, "plain")
    forged = {**req.params, "signature": "0" * 40}
    assert product.post("/wechat", params=forged, content=req.body).status_code == 403
    aes = bx.client.request(xml, "aes")
    bad_sig = {**aes.params, "msg_signature": "f" * 40}
    assert product.post("/wechat", params=bad_sig, content=aes.body).status_code == 403
    tampered = aes.body.replace(b"<Encrypt><![CDATA[", b"<Encrypt><![CDATA[AAAA")
    assert product.post("/wechat", params=aes.params, content=tampered).status_code in (400, 403)
    old = int(time.time()) - 3600  # a captured request replayed an hour later, correctly signed for then
    replay = bx.client.request(xml, "plain", timestamp=old)
    assert product.post("/wechat", params=replay.params, content=replay.body).status_code == 403
    replay = bx.client.request(xml, "aes", timestamp=old)
    assert product.post("/wechat", params=replay.params, content=replay.body).status_code == 403
    future = bx.client.request(xml, "plain", timestamp=int(time.time()) + 3600)
    assert product.post("/wechat", params=future.params, content=future.body).status_code == 403
    verify = {**bx.client.request("", "plain").params, "echostr": "<script>x</script>", "signature": "1" * 40}
    assert product.get("/wechat", params=verify).status_code == 403


# ------------------------------------------------------------------------------- injection into the workbench

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQLI = "'); DROP TABLE case_records; --"


def _nasty_filing(product: TestClient, bx: SimpleNamespace) -> str:
    """A filing whose every free-text field carries HTML and SQL."""
    persona = Persona(story=f"朋友借我三万块钱一直不还，有借条{XSS}{SQLI}", route="filing", name=f"张{XSS}"[:60],
                      id_number="11010519491231002X", phone="13812345678")
    user = SimUser("o-inject-filing", persona)
    answers = {"您的住址": f"山阳区{XSS}", "被告）叫什么": f"李四{SQLI}", "对方的住址": f"定和街道{XSS}",
               "要求对方做什么": f"归还借款{XSS}{SQLI}"}
    reply = send(product, bx.client, user.openid, None).reply
    for _ in range(40):
        nxt = user.next_message(reply)
        if nxt is None:
            return user.reference or ""
        text = nxt[1]
        for words, nasty in answers.items():
            if words in reply.splitlines()[-1]:
                text = nasty
        ex = send(product, bx.client, user.openid, text)
        assert ex.status == 200 and ex.reply
        reply = ex.reply
    raise AssertionError("the filing did not complete")


def _nasty_ticket(product: TestClient, bx: SimpleNamespace) -> None:
    send(product, bx.client, "o-inject-ticket", f"邻居{XSS}装修把我家墙弄裂了{SQLI}")
    assert "需要人工帮您做什么" in send(product, bx.client, "o-inject-ticket", "转人工").reply
    assert "不留" in send(product, bx.client, "o-inject-ticket", f"请联系我{XSS}{SQLI}").reply
    assert "姓名" in send(product, bx.client, "o-inject-ticket", f"{XSS}{SQLI} 13912345678").reply  # no name in it
    assert "编号RX-" in send(product, bx.client, "o-inject-ticket", "不留").reply


def _assert_inert(html: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find("script"), "a <script> element reached the page"
    assert not soup.find(attrs={"onerror": True}), "an event handler attribute reached the page"
    assert "<script>" not in html


def test_html_and_sql_in_every_field_are_shown_escaped(product: TestClient, bx: SimpleNamespace) -> None:
    ref = _nasty_filing(product, bx)
    assert ref.startswith("LA-")
    _nasty_ticket(product, bx)
    factory = product.app.state.runtime.sessions  # type: ignore[attr-defined]
    with factory() as s:
        ids = list(s.scalars(select(CaseRecord.id).where(CaseRecord.user_id.like("o-inject-%"))))
        assert s.scalar(select(func.count()).select_from(CaseRecord)) >= 2  # the table is still there
    assert len(ids) == 2
    seen_escaped = False
    for username in ("clerk1", "op1", "mgr1"):
        staff = bx.Staff(product, username)
        pages = ["/workbench/queue", "/workbench/notifications", "/workbench/dashboard", "/workbench/audit"]
        pages += [f"/workbench/records/{i}" for i in ids]
        for url in pages:
            resp = staff.get(url)
            assert resp.status_code < 500, (url, resp.text[:300])
            _assert_inert(resp.text)
            seen_escaped = seen_escaped or "&lt;script&gt;" in resp.text
        export = staff.get("/workbench/dashboard/export.csv")
        assert export.status_code < 500
        if export.status_code == 200:  # no cell that a spreadsheet would run as a formula
            assert not re.search(r'(^|,)"?[=+@]', export.text, flags=re.MULTILINE), export.text[:300]
    assert seen_escaped, "the nasty text was shown nowhere: the test would prove nothing"


# ------------------------------------------------------------------------------------ path tricks in downloads

TRICKS = ["../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/server.py", "....//....//etc/passwd",
          "..\\..\\server.py", "/etc/passwd", "x" * 3000, "eyJyIjoxfQ.AAAAAA.forged", "%00", "."]


@pytest.mark.parametrize("trick", TRICKS)
def test_path_tricks_in_downloads(product: TestClient, bx: SimpleNamespace, trick: str) -> None:
    clerk = bx.Staff(product, "clerk1")
    urls = [
        f"/workbench/c/{trick}",
        f"/workbench/c/{quote(trick, safe='')}",
        f"/workbench/static/{trick}",
        f"/workbench/static/{quote(trick, safe='')}",
        f"/workbench/records/{quote(trick, safe='')}/complaint.docx",
    ]
    for url in urls:
        for client in (product, clerk.client):
            resp = client.get(url)
            assert resp.status_code in (400, 401, 403, 404, 422, 303, 307), (url, resp.status_code)
            if resp.status_code in (303, 307):  # a redirect (to the login page, or a folder's slash) stays home
                assert resp.headers["location"].split("testserver")[-1].startswith("/workbench/"), resp.headers
            body = resp.content
            assert b"root:" not in body and b"create_app" not in body and b"SESSION_SECRET" not in body


def test_a_download_link_cannot_be_bent_to_another_record(product: TestClient, bx: SimpleNamespace) -> None:
    from casework.links import download_token

    secret = product.app.state.runtime.settings.session_secret  # type: ignore[attr-defined]
    token = download_token(secret, 1, "q9Xr2LmV8sT4wB7nK1pYzA")
    payload, *rest = token.split(".")
    bent = ".".join(["eyJyIjoyfQ", *rest])  # {"r":2} with record 1's signature
    assert product.get(f"/workbench/c/{bent}").status_code in (400, 403, 404)
    assert product.get(f"/workbench/c/{token}x").status_code in (400, 403, 404)
    assert payload
