"""Property-based fuzzing of every way in: the WeChat endpoint, /api/chat, /api/assess and the workbench forms.

For any input: no 5xx, no traceback or internal name in the answer, and no record left half-written (a
processed message without its reply). Examples are bounded so the module stays fast.
"""

from __future__ import annotations

import json
import os
import time
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# In CI (CI=true) the examples are derandomised, so a run is repeatable; locally each run explores new ones.
FUZZ = settings(max_examples=40, deadline=None, derandomize=bool(os.environ.get("CI")),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
LEAKS = ("Traceback", "File \"/", "sqlalchemy", "Exception", "Error:")
WECHAT_OK = {200, 400, 403, 413}

# Text that litigants (and attackers) send: any unicode, plus the shapes that break naive code.
NASTY = st.sampled_from([
    "", " ", "\x00", "]]>", "<![CDATA[x]]>", "<script>alert(1)</script>", "'; DROP TABLE case_records; --",
    "%s%s%s", "{0}{1}", "${jndi:ldap://x}", "../../etc/passwd", "\u202e反转", "😀" * 50, "1" * 5000,
    "11010519491231002X", "13812345678", "确认", "转人工", "取消", "1", "２", "查询进度",
])
TEXT = st.one_of(NASTY, st.text(max_size=300))


def _no_leak(body: str) -> None:
    for word in LEAKS:
        assert word not in body, body[:500]


@pytest.fixture(autouse=True)
def _nothing_half_written(product: TestClient, bx: SimpleNamespace) -> Any:
    yield
    assert bx.half_written(product) == 0


@FUZZ
@given(body=st.one_of(st.binary(max_size=2000), TEXT.map(lambda t: t.encode("utf-8", "surrogatepass"))),
       params=st.dictionaries(st.sampled_from(["signature", "timestamp", "nonce", "encrypt_type", "msg_signature",
                                               "echostr", "openid"]), st.text(max_size=60), max_size=6))
def test_wechat_endpoint_refuses_junk_politely(product: TestClient, body: bytes, params: dict[str, str]) -> None:
    resp = product.post("/wechat", params=params, content=body)
    assert resp.status_code in WECHAT_OK
    _no_leak(resp.text)
    resp = product.get("/wechat", params=params)
    assert resp.status_code in WECHAT_OK
    _no_leak(resp.text)


@FUZZ
@given(texts=st.lists(TEXT, min_size=1, max_size=6), mode=st.sampled_from(["plain", "aes"]),
       openid=st.sampled_from(["o-fuzz-1", "o-fuzz-2", "o-fuzz-3"]))
def test_signed_messages_with_any_text_get_an_answer(
    product: TestClient, bx: SimpleNamespace, texts: list[str], mode: str, openid: str
) -> None:
    client = bx.client
    for text in texts:
        req = client.text(openid, text, mode)  # type: ignore[arg-type]
        resp = product.post("/wechat", params=req.params, content=req.body)
        assert resp.status_code in (200, 400), resp.text[:300]  # 400: text that XML 1.0 cannot carry at all
        _no_leak(resp.text)
        if resp.status_code == 200:
            reply = client.read_reply(resp.text, mode, openid)  # type: ignore[arg-type]
            assert "系统开小差" not in reply, (text, reply)  # bad input is answered, not failed on
            _no_leak(reply)


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(["MsgType", "Content", "MsgId", "Event", "EventKey", "Recognition",
                                                "CreateTime", "FromUserName", "ToUserName", "MediaId"]),
                              TEXT, max_size=8))
def test_signed_messages_with_any_fields(product: TestClient, bx: SimpleNamespace, fields: dict[str, str]) -> None:
    from bot.wechat.reply import cdata

    base = {"ToUserName": "gh_x", "FromUserName": "o-fields", "CreateTime": str(int(time.time())), "MsgType": "text"}
    xml = "<xml>" + "".join(f"<{k}>{cdata(v)}</{k}>" for k, v in {**base, **fields}.items()) + "</xml>"
    req = bx.client.request(xml, "plain")
    resp = product.post("/wechat", params=req.params, content=req.body)
    assert resp.status_code in (200, 400)
    _no_leak(resp.text)


JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12,
)


@FUZZ
@given(payload=st.one_of(
    st.fixed_dictionaries({"text": TEXT}, optional={"message_id": st.text(max_size=80),
                                                   "event": st.sampled_from(["open", "x", ""])}),
    JSON_VALUE,
))
def test_chat_api(product: TestClient, payload: Any) -> None:
    resp = product.post("/api/chat", content=json.dumps(payload), headers={"Content-Type": "application/json"})
    assert resp.status_code < 500, resp.text[:300]
    _no_leak(resp.text)


@FUZZ
@given(payload=st.one_of(
    st.fixed_dictionaries({"text": TEXT}, optional={"facts": JSON_VALUE, "today": st.text(max_size=12)}),
    JSON_VALUE,
))
def test_assess_api(product: TestClient, payload: Any) -> None:
    resp = product.post("/api/assess", content=json.dumps(payload), headers={"Content-Type": "application/json"})
    assert resp.status_code < 500, resp.text[:300]
    _no_leak(resp.text)


@FUZZ
@given(username=TEXT, password=TEXT, csrf=st.one_of(st.none(), st.text(max_size=60)), next_=TEXT)
def test_workbench_login_form(product: TestClient, username: str, password: str, csrf: str | None,
                              next_: str) -> None:
    browser = TestClient(product.app, follow_redirects=False)
    data = {"username": username, "password": password, "next": next_}
    if csrf is not None:
        data["csrf_token"] = csrf
    resp = browser.post("/workbench/login", data=data)
    assert resp.status_code < 500, resp.text[:300]
    _no_leak(resp.text)
    location = resp.headers.get("location", "")
    assert not location.startswith(("http:", "https:", "//")), location  # no open redirect


@pytest.fixture(scope="module")
def admin(product: TestClient, bx: SimpleNamespace) -> Any:
    return bx.Staff(product, "admin1")


@pytest.fixture(scope="module")
def clerk(product: TestClient, bx: SimpleNamespace) -> Any:
    return bx.Staff(product, "clerk1")


@FUZZ
@given(form=st.dictionaries(st.sampled_from(["username", "name", "role", "password", "group", "active"]), TEXT,
                            max_size=6))
def test_workbench_staff_form(product: TestClient, admin: Any, form: dict[str, str]) -> None:
    resp = admin.post("/workbench/staff", form)
    assert resp.status_code < 500, resp.text[:300]
    _no_leak(resp.text)


@FUZZ
@given(record=st.one_of(st.integers(min_value=-5, max_value=10**12), TEXT.filter(lambda t: "/" not in t)),
       action=st.one_of(st.sampled_from(["accept", "reject", "correct", "close", "assign", "transfer"]),
                        TEXT.filter(lambda t: "/" not in t)),
       form=st.dictionaries(st.sampled_from(["reason", "note", "expected_state", "outcome", "due"]), TEXT,
                            max_size=4))
def test_workbench_record_action_form(product: TestClient, clerk: Any, record: Any, action: str,
                                      form: dict[str, str]) -> None:
    path = f"/workbench/records/{quote(str(record), safe='')}/act/{quote(action, safe='')}"
    resp = clerk.post(path, form)
    assert resp.status_code < 500, resp.text[:300]
    _no_leak(resp.text)
