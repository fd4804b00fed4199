"""What staff send reaches a person on the chat page (issue 13, "Hand-offs that reach the person", 2): the chat page
has no push, so a notice waits for the person's session — shown in full, once, before the reply to their next
message, and in 查询进度 — and the workbench shows whether it was seen. The clerk's correction items, the operator's
answer to a ticket and the case number after 已立案, each through the real workbench actions.
"""

from __future__ import annotations

from types import SimpleNamespace

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

ITEMS = ["借条原件的照片", "银行转账凭证"]


def _act(staff: SimpleNamespace, rid: int, action: str, **form: object) -> None:
    r = staff.post(f"/workbench/records/{rid}/act/{action}", form)
    assert r.status_code == 303, r.text[:500]


def test_the_clerks_correction_items_reach_the_chat_once_and_stay_in_progress(
    product: TestClient, reach: SimpleNamespace
) -> None:
    p = reach.ChatPerson(product)
    ref = reach.file_by_chat(p)
    assert "查询进度" in p.last["parts"][-1]  # how they will be told, said at the hand-off
    rid = reach.record_id(product, ref)
    clerk = reach.Staff(product, "clerk")
    _act(clerk, rid, "review")
    _act(clerk, rid, "request_correction", items=ITEMS)

    reply = p.say("你好")
    first = p.last["parts"][0]
    assert ref in first and all(item in first for item in ITEMS), p.last["parts"]  # the full notice, before the reply
    assert "已补正" in first
    assert len(p.last["parts"]) > 1  # and the reply to what they said still follows
    again = p.say("你好")
    assert ITEMS[0] not in again  # shown once

    progress = p.say("查询进度")
    assert "待补正" in progress and all(item in progress for item in ITEMS)
    assert "下次在这里发消息" in progress  # how the next notice will reach them

    page = BeautifulSoup(clerk.get(f"/workbench/records/{rid}").text, "html.parser")
    notes = page.find(id="deliveries")
    assert notes is not None and "已在对话中显示" in notes.get_text() and ITEMS[0] in notes.get_text()
    assert reply  # the first message's own answer


def test_the_case_number_reaches_the_chat_after_registration(product: TestClient, reach: SimpleNamespace) -> None:
    p = reach.ChatPerson(product)
    ref = reach.file_by_chat(p)
    rid = reach.record_id(product, ref)
    clerk = reach.Staff(product, "clerk")
    _act(clerk, rid, "review")
    _act(clerk, rid, "register", channel="online", case_number="（2026）豫0811民初1234号")
    progress = p.say("查询进度")
    assert "已立案" in progress and "（2026）豫0811民初1234号" in progress
    assert "（2026）豫0811民初1234号" not in p.say("谢谢")  # 查询进度 showed it: not repeated


def test_the_operators_answer_reaches_the_chat(product: TestClient, reach: SimpleNamespace) -> None:
    p = reach.ChatPerson(product)
    p.say("转人工")
    p.say("立案要带什么材料")
    ref = reach.ref_in(p.say("不留"))
    rid = reach.record_id(product, ref)
    operator = reach.Staff(product, "operator")
    _act(operator, rid, "assign", department="立案庭")
    waiting = BeautifulSoup(operator.get(f"/workbench/records/{rid}").text, "html.parser").find(id="deliveries")
    assert waiting is not None and "等待当事人打开对话" in waiting.get_text()
    answer = "请携带身份证原件、起诉状和证据材料到立案大厅办理"
    _act(operator, rid, "answer", answer=answer)
    p.say("在吗")
    shown = p.last["parts"][0]
    assert "交办立案庭" in shown and answer in shown  # both notices, in order, in full
    assert shown.index("交办") < shown.index(answer)
    assert answer in p.say("查询进度")  # and still there later


def test_wechat_people_get_pushes_not_a_second_copy(product: TestClient, reach: SimpleNamespace) -> None:
    p = reach.WxPerson(product, "o-notice-wx")
    p.say("转人工")
    p.say("立案要带什么材料")
    ref = reach.ref_in(p.say("不留"))
    rid = reach.record_id(product, ref)
    operator = reach.Staff(product, "operator")
    _act(operator, rid, "assign", department="立案庭")
    assert "交办立案庭" not in p.say("在吗")  # pushed through the outbox instead
    assert "交办立案庭" in p.say("查询进度")
