"""Every hand-off asks how to reach the person, with consent, before it is sent (issue 13, "Hand-offs that reach the
person", 1): over the real paths — the chat page's ``POST /api/chat`` and ``POST /wechat`` in safe mode — on the
product app, then on the workbench.

- a referral or ticket first says why a phone number is asked and who sees it, and that the person may decline;
- a number is validated (a mainland mobile, or a landline with its area code), a name too; a bad number is
  answered politely and loses the name typed with it; the details are read back masked before the hand-off;
- a correction typed while asked ("不对 手机号输错了 是138…") corrects that field and is never saved as another;
- the record holds the number only encrypted, with a masked copy; the mediator / operator sees it masked and
  reveals it only through the audited "显示";
- a call is promised only when there is a number; without one the reply says how the person will be told.
"""

from __future__ import annotations

from types import SimpleNamespace

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from casework.models import CaseRecord
from core.audit import AuditEvent
from core.pii import PiiCipher

CALL = "会打您留下的电话"


def _record(product: TestClient, ref: str) -> CaseRecord:
    with product.app.state.runtime.sessions() as s:  # type: ignore[attr-defined]
        record = s.scalar(select(CaseRecord).where(CaseRecord.ref == ref))
        assert record is not None
        _ = record.parties  # loaded before the session closes
        s.expunge_all()
        return record


def _raw_dump(product: TestClient) -> str:
    """Every stored text column of the tables a hand-off writes, as one string (to look for a clear number)."""
    out = []
    with product.app.state.runtime.sessions() as s:  # type: ignore[attr-defined]
        for table in ("case_records", "case_parties", "case_events", "audit_events", "dialog_states", "notifications"):
            out.extend(str(row) for row in s.execute(text(f"select * from {table}")))  # fixed table names
    return "\n".join(out)


def test_referral_on_the_chat_page_asks_validates_corrects_and_reaches_the_mediator(
    product: TestClient, reach: SimpleNamespace
) -> None:
    p = reach.ChatPerson(product)
    reach.to_routes(p)
    assert "免费" in p.say("1")
    asked = p.say("同意 焦东街道")
    assert "TJ-" not in asked, "no referral before the person is asked how to reach them"
    assert "调解员" in asked and "加密" in asked and "不留" in asked  # why, who sees it, and that they may decline
    assert "不留" in p.last["quick_replies"]

    bad = p.say("张三 1391234567")  # ten digits: a polite answer, the name kept
    assert "11位" in bad and "张三" not in bad
    readback = p.say("13912345678")
    assert "张三" in readback and "139****5678" in readback and "确认" in readback
    fixed = p.say("不对 手机号输错了 是13812345678")
    assert "更正" in fixed and "张三" in fixed and "138****5678" in fixed  # the name is not the correction
    done = p.say("确认")
    ref = reach.ref_in(done)
    assert ref.startswith("TJ-")
    assert f"调解员{CALL}（138****5678）" in done
    assert "查询进度" in done  # and how else they hear: this chat

    record = _record(product, ref)
    applicant = record.party("plaintiff")
    assert applicant is not None and applicant.name == "张三"
    assert applicant.phone_masked == "138****5678"
    assert PiiCipher(reach.PII_KEY).decrypt(applicant.phone_enc or "") == "13812345678"
    dump = _raw_dump(product)
    assert "13812345678" not in dump and "13912345678" not in dump

    mediator = reach.Staff(product, "mediator", record.group_id)
    page = mediator.get(f"/workbench/records/{record.id}")
    assert page.status_code == 200
    assert "138****5678" in page.text and "13812345678" not in page.text and "未登记当事人信息" not in page.text
    assert "申请人" in page.text and "张三" in page.text
    shown = mediator.post(f"/workbench/records/{record.id}/reveal", {"party": "plaintiff", "field": "phone"})
    assert shown.status_code == 200 and "13812345678" in shown.text
    with product.app.state.runtime.sessions() as s:  # type: ignore[attr-defined]
        audits = s.scalars(select(AuditEvent).where(AuditEvent.action == "pii.reveal", AuditEvent.subject == ref))
        assert len(list(audits)) == 1


def test_ticket_declined_on_wechat_promises_no_call(product: TestClient, reach: SimpleNamespace) -> None:
    p = reach.WxPerson(product, "o-reach-decline")
    assert "需要人工" in p.say("转人工")
    asked = p.say("想问立案要带什么材料")
    assert "RX-" not in asked and "12368热线工作人员" in asked and "不留" in asked
    done = p.say("不留")
    ref = reach.ref_in(done)
    assert ref.startswith("RX-")
    assert CALL not in done and "联系您" not in done.split(ref)[1]  # no number, no promise of a call
    assert "公众号消息" in done  # how they will be told instead
    record = _record(product, ref)
    assert record.parties == []

    operator = reach.Staff(product, "operator")
    page = BeautifulSoup(operator.get(f"/workbench/records/{record.id}").text, "html.parser")
    note = page.find(id="no-contact")
    assert note is not None and "不留电话" in note.get_text()


def test_ticket_on_the_chat_page_takes_a_landline(product: TestClient, reach: SimpleNamespace) -> None:
    p = reach.ChatPerson(product)
    p.say("转人工")
    p.say("我想咨询一下诉讼费怎么交")
    assert "怎么称呼" in p.say("座机 0391-2345678")  # a number without a name: the name is asked
    assert "0391****78" in p.say("李明")
    done = p.say("确认")
    assert f"{CALL}（0391****78）" in done
    applicant = _record(product, reach.ref_in(done)).party("plaintiff")
    assert applicant is not None and applicant.name == "李明" and applicant.phone_masked == "0391****78"


def test_nonsense_loses_nothing_and_the_person_can_still_decline(product: TestClient, reach: SimpleNamespace) -> None:
    p = reach.ChatPerson(product)
    p.say("转人工")
    p.say("法院几点上班")
    assert "身份证" in p.say("11010519491231002X")  # an ID number is no phone number: said so, not stored
    assert "姓名" in p.say("好的")  # no name, no number: asked again
    readback = p.say("我叫王芳，电话 139 1234 5678")
    assert "王芳" in readback and "139****5678" in readback
    assert "确认" in p.say("这是干什么用的")  # an unclear answer to the read-back: read back again
    done = p.say("不留")  # a change of mind at the last step: handed off without the number
    assert "RX-" in done and CALL not in done
    assert _record(product, reach.ref_in(done)).parties == []


def test_a_phone_correction_in_the_filing_form_is_not_saved_as_the_address(
    product: TestClient, reach: SimpleNamespace
) -> None:
    p = reach.ChatPerson(product)
    reach.to_routes(p)
    assert "联系方式" in p.say("2")  # why the complaint needs the number (民事诉讼法第一百二十四条)
    answers = {"姓名": "赵敏", "身份证": "11010519491231002X", "手机": "13912345678"}
    reply = p.last["parts"][-1]
    while "住址" not in reply:
        key = next(k for k in answers if k in reply)
        reply = p.say(answers[key])
    fixed = p.say("不对 手机号输错了 是13812345678")
    assert "更正" in fixed and "住址" in fixed  # corrected, and the address asked again
    reply = p.say("焦作市山阳区焦东街道1号")
    for _ in range(4):
        if "请核对" in reply:
            break
        reply = p.say("王五" if "名字" in reply else "判令被告归还借款5万元" if "要求" in reply else "山阳区新城街道")
    assert "138****5678" in reply and "焦东街道1号" in reply and "不对" not in reply
    done = p.say("确认")
    applicant = _record(product, reach.ref_in(done)).party("plaintiff")
    assert applicant is not None and applicant.phone_masked == "138****5678"
    assert applicant.address == "焦作市山阳区焦东街道1号"
