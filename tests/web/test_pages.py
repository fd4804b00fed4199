"""Workbench pages: what each role sees and may do, actions, masked/clear values, downloads, escaping."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from docx import Document
from fastapi.testclient import TestClient
from sqlalchemy import select

from casework.links import PATH_PREFIX, download_path, download_token
from casework.models import CaseRecord
from core.audit import AuditEvent
from core.db import utcnow

ID_A = "11010519491231002X"
PHONE_A = "13800138000"


def soup(r) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(r.text, "html.parser")


def refs_in_queue(r) -> set[str]:  # type: ignore[no-untyped-def]
    return {a.text for a in soup(r).select("table.queue td:first-child a")}


def action_labels(r) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.text for b in soup(r).select("form.action button[type=submit]")]


@pytest.fixture
def ref_of(factory):  # type: ignore[no-untyped-def]
    def _ref(record_id: int) -> str:
        with factory() as s:
            return s.get(CaseRecord, record_id).ref  # type: ignore[union-attr]

    return _ref


# --- what each role sees ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "visible"),
    [
        ("med1", {"referral"}),  # own committee only (焦东街道), not the traffic committee's
        ("med2", {"traffic"}),
        ("clerk1", {"filing"}),
        ("op1", {"ticket"}),
        ("mgr1", {"referral", "filing", "ticket", "traffic"}),
    ],
)
def test_queue_shows_only_what_the_role_may_see(browser, records, ref_of, user, visible) -> None:  # type: ignore[no-untyped-def]
    r = browser(user).get("/workbench/queue")
    assert r.status_code == 200
    assert refs_in_queue(r) == {ref_of(records[name]) for name in visible}


ALL_RECORDS = ("referral", "filing", "ticket", "traffic")
ALLOWED = {
    "med1": {"referral"},
    "med2": {"traffic"},
    "clerk1": {"filing"},
    "op1": {"ticket"},
    "mgr1": set(ALL_RECORDS),
    "admin1": set(),
}


@pytest.mark.parametrize("user", list(ALLOWED))
def test_record_pages_are_refused_outside_the_role(browser, records, user) -> None:  # type: ignore[no-untyped-def]
    b = browser(user)
    for name in ALL_RECORDS:
        r = b.get(f"/workbench/records/{records[name]}")
        if name in ALLOWED[user]:
            assert r.status_code == 200, (user, name)
        else:
            assert r.status_code == 403, (user, name)
            assert "无权" in soup(r).find(class_="error").text


def test_admin_has_no_queue_and_others_no_admin(browser, records) -> None:  # type: ignore[no-untyped-def]
    assert browser("admin1").get("/workbench/queue").status_code == 403
    for user in ("med1", "clerk1", "op1", "mgr1"):
        b = browser(user)
        assert b.get("/workbench/staff").status_code == 403
        assert (
            b.post(
                "/workbench/staff", {"username": "x1x", "name": "x", "role": "admin", "password": "p" * 12}
            ).status_code
            == 403
        )
    for user in ("med1", "clerk1", "op1", "admin1"):
        b = browser(user)
        assert b.get("/workbench/dashboard").status_code == 403
        assert b.get("/workbench/audit").status_code == 403
        assert b.get("/workbench/dashboard/export.csv").status_code == 403


def test_unknown_record_is_404(browser, records) -> None:  # type: ignore[no-untyped-def]
    r = browser("clerk1").get("/workbench/records/99999")
    assert r.status_code == 404 and "没有找到" in r.text


# --- the record page ---------------------------------------------------------------------------------------------


def test_record_page_shows_summary_intake_similar_cases_complaint_history(browser, records) -> None:  # type: ignore[no-untyped-def]
    r = browser("clerk1").get(f"/workbench/records/{records['filing']}")
    page = soup(r)
    assert page.find("script") is None  # the summary's <script> is escaped text
    assert "<script>alert(1)</script>" in page.find("p", class_="prewrap").text
    assert "&lt;script&gt;" in r.text
    assert "（2021）豫0811民初1号" in page.select_one("ol.similar").text
    # the clerk sees why retrieval chose it: the rank and score in each list, as the assessment stored them
    trace = page.select_one("ol.similar small.trace").text
    assert "语义检索第1名（0.810）" in trace and "关键词检索第3名（7.250）" in trace and "融合得分 0.0323" in trace
    shown = page.select_one("ol.similar").text  # read like a judgment: asked, decided, the reason, the article
    assert "请求/判给：30,000元 / 30,000元" in shown
    assert "判决：被告于本判决生效之日起十日内归还原告借款30000元" in shown
    assert "理由：借条和转账记录证明借款关系成立" in shown and "依据：《民法典》第六百七十五条" in shown
    facts = fact_rows(page)
    assert ("涉及金额（元）", "50,000") in facts and ("借款日期", "2024年3月") in facts
    doc = page.select_one("div.doc").text
    assert "民事起诉状" in doc and "人民法院在线服务" in doc
    # the claims and the facts are composed from the structured facts, never the person's chat text
    assert "判令被告王五归还原告借款本金人民币50,000元（大写：伍万元整）" in doc
    assert "催了几次" not in doc and "alert(1)" not in doc and "此致河南省焦作市山阳区人民法院" in doc
    assert "尚缺" in page.select_one("div.warn").text  # e.g. ethnicity, occupation
    assert [li.find("strong").text for li in page.select("ol.history li")] == ["创建"]
    assert ID_A not in r.text and PHONE_A not in r.text
    assert "1101**********002X" in r.text and "138****8000" in r.text


def fact_rows(page: BeautifulSoup) -> list[tuple[str, str]]:
    facts = page.select_one("dl.facts")
    return [(dt.text, dd.text) for dt, dd in zip(facts.select("dt"), facts.select("dd"), strict=True)]


RAW_KEY = re.compile(
    r"[a-z]{2,}_[a-z_]+|(?<![A-Za-z])(?:[a-z]{2,}|True|False|None)(?![A-Za-z])"
)  # snake_case keys, lower-case keys and codes (fee, missing, in_time, supported …), Python's literals
ASSESSMENT_PARTS = {"案由", "程序去向", "尚缺事实", "诉讼费", "诉讼时效", "小额诉讼", "管辖"}
ASSESSMENT_PARTS |= {"证据", "调解", "财产保全", "类似案例"}  # every part a real hand-off's assessment holds


@pytest.mark.parametrize("name", ["filing", "referral", "traffic"])
def test_every_fact_of_a_real_hand_off_has_a_chinese_label(browser, records, factory, name) -> None:  # type: ignore[no-untyped-def]
    """The records were handed off by a conversation (tests/web/conftest.py): whatever facts it gathered, staff read
    each under its label from knowledge/data/slots.yaml, and no raw key (claim_amount_yuan, mediation_willing …)
    appears anywhere in the section. The same for the assessment the person was shown: the similar judgment with
    its case number, outcome and score, and every part of the assessment under its Chinese label."""
    with factory() as s:
        record = s.get(CaseRecord, records[name])
        assert record is not None and record.assessment
        gathered, assessment = record.facts, record.assessment
    assert len(gathered) >= 4
    page = soup(browser("mgr1").get(f"/workbench/records/{records[name]}"))
    rows = fact_rows(page)
    assert len(rows) == len([k for k in gathered if k != "date_precision"])  # folded into the dates
    for label, value in rows:
        assert re.search(r"[\u4e00-\u9fff]", label), label
        assert value, label
    section = page.select_one("dl.facts").text
    assert not re.search(r"[a-z]{2,}_[a-z_]+|\b(?:true|false|None|person|company|month|day)\b", section), section

    card = next(c for c in page.select("section.card") if c.h2 and c.h2.text == "当事人看到的类案与评估")
    (case,) = card.select("ol.similar li")
    assert assessment["similar_cases"][0]["case_number"] in case.text
    assert "裁判结果：支持原告请求" in case.text and "相似度得分：0.0300" in case.text
    details = card.select_one("dl.assessment")
    parts = {dt.text: dd for dt, dd in zip(details.select("dt"), details.select("dd"), strict=True)}
    assert set(parts) >= ASSESSMENT_PARTS, sorted(parts)
    # The notes for staff are knowledge's own words, shown as they are (they cite the project's domain-facts).
    notes = parts.pop("核实标记", None)
    shown = [d.text for d in notes.select("div")] if notes else []
    assert shown == assessment.get("staff_notes", [])
    if notes:
        notes.decompose()
    assert not RAW_KEY.search(card.text), RAW_KEY.search(card.text)
    parts = {label: dd.text for label, dd in parts.items()}
    assert assessment["cause"]["name"] in parts["案由"] and "置信度" in parts["案由"]
    assert "最相近的同类判决1件：支持原告请求1件" in parts["类似案例"]
    for slot in assessment["missing"]:  # by their labels from the slot tables
        assert slot not in parts["尚缺事实"]


def test_only_allowed_actions_are_shown(browser, records) -> None:  # type: ignore[no-untyped-def]
    assert action_labels(browser("med1").get(f"/workbench/records/{records['referral']}")) == [
        "接收",
        "退回",
        "当事人撤回",
    ]
    assert action_labels(browser("clerk1").get(f"/workbench/records/{records['filing']}")) == ["开始审查", "当事人撤回"]
    assert action_labels(browser("op1").get(f"/workbench/records/{records['ticket']}")) == ["交办"]
    assert action_labels(browser("mgr1").get(f"/workbench/records/{records['referral']}")) == []


def test_action_moves_the_record_and_notifies(browser, records, factory, ref_of) -> None:  # type: ignore[no-untyped-def]
    b = browser("med1")
    rid = records["referral"]
    r = b.post(f"/workbench/records/{rid}/act/accept", {"expected_state": "new"})
    assert r.status_code == 303 and r.headers["location"] == f"/workbench/records/{rid}"
    page = b.get(f"/workbench/records/{rid}")
    assert soup(page).select_one(".badge.state").text == "已接收"
    assert "已办理“接收”" in soup(page).select_one(".flash").text
    assert action_labels(page) == ["开始调解", "调解不成", "当事人撤回"]
    with factory() as s:
        from casework.models import Notification

        texts = s.scalars(select(Notification.text).where(Notification.audience == "person")).all()
    assert any(ref_of(rid) in t and "接收" in t for t in texts)


def test_refused_action_is_409_with_a_message(browser, records) -> None:  # type: ignore[no-untyped-def]
    b = browser("med1")
    rid = records["referral"]
    r = b.post(f"/workbench/records/{rid}/act/agree", {})
    assert r.status_code == 409
    assert "只能在“调解中”状态下办理" in soup(r).find(class_="error").text
    stale = b.post(f"/workbench/records/{rid}/act/accept", {"expected_state": "accepted"})
    assert stale.status_code == 409 and "刷新" in stale.text
    assert b.post(f"/workbench/records/{rid}/act/fly", {}).status_code == 409


def test_role_refused_action_is_403(browser, records) -> None:  # type: ignore[no-untyped-def]
    r = browser("mgr1").post(f"/workbench/records/{records['referral']}/act/accept", {})
    assert r.status_code == 403
    r = browser("op1").post(f"/workbench/records/{records['filing']}/act/review", {})
    assert r.status_code == 403


def test_incomplete_form_is_422_and_nothing_changes(browser, records) -> None:  # type: ignore[no-untyped-def]
    b = browser("med1")
    rid = records["referral"]
    r = b.post(f"/workbench/records/{rid}/act/return", {"reason": " "})
    assert r.status_code == 422
    form = soup(r).find("form", action=f"/workbench/records/{rid}/act/return")
    assert "请填写“退回原因”" in form.find(class_="error").text  # shown at the form it belongs to
    r = b.post(f"/workbench/records/{rid}/act/register", {"channel": "fax"})  # not this kind's action at all
    assert r.status_code == 409
    assert soup(b.get(f"/workbench/records/{rid}")).select_one(".badge.state").text == "待接收"


def test_action_without_csrf_is_refused(browser, records) -> None:  # type: ignore[no-untyped-def]
    b = browser("med1")
    r = b.client.post(f"/workbench/records/{records['referral']}/act/accept", data={})
    assert r.status_code == 403


def test_correction_form_lists_missing_items_and_sends_them_all(browser, records, factory) -> None:  # type: ignore[no-untyped-def]
    b = browser("clerk1")
    rid = records["filing"]
    b.post(f"/workbench/records/{rid}/act/review", {})
    page = soup(b.get(f"/workbench/records/{rid}"))
    form = page.find("form", action=f"/workbench/records/{rid}/act/request_correction")
    boxes = [i["value"] for i in form.find_all("input", {"name": "items", "type": "checkbox"})]
    assert any("民族" in v for v in boxes)
    r = b.client.post(
        f"/workbench/records/{rid}/act/request_correction",
        data={"csrf_token": b.csrf, "items": [boxes[0], "证据原件复印件\n借条照片"]},
    )
    assert r.status_code == 303
    with factory() as s:
        from casework.models import Notification

        text = s.scalars(select(Notification.text).where(Notification.text.contains("一次性告知"))).one()
    assert boxes[0] in text and "2. 证据原件复印件" in text and "3. 借条照片" in text
    again = b.get(f"/workbench/records/{rid}")
    assert "一次性告知补正" not in action_labels(again)


def test_overdue_rows_are_highlighted(browser, records, factory, ref_of) -> None:  # type: ignore[no-untyped-def]
    with factory() as s:
        s.get(CaseRecord, records["ticket"]).due_at = utcnow() - timedelta(hours=1)  # type: ignore[union-attr]
        s.commit()
    b = browser("op1")
    row = soup(b.get("/workbench/queue")).select_one("table.queue tbody tr")
    assert "overdue" in row["class"] and "已逾期" in row.text
    only = b.get("/workbench/queue?overdue=1")
    assert refs_in_queue(only) == {ref_of(records["ticket"])}
    assert "（已逾期）" in b.get(f"/workbench/records/{records['ticket']}").text


def test_queue_filters(browser, records, ref_of) -> None:  # type: ignore[no-untyped-def]
    b = browser("mgr1")
    assert refs_in_queue(b.get("/workbench/queue?kind=filing")) == {ref_of(records["filing"])}
    assert refs_in_queue(b.get("/workbench/queue?cause=机动车交通事故责任纠纷")) == {ref_of(records["traffic"])}
    assert refs_in_queue(b.get(f"/workbench/queue?q={ref_of(records['ticket']).lower()}")) == {
        ref_of(records["ticket"])
    }
    assert refs_in_queue(b.get("/workbench/queue?status=closed")) == set()
    assert b.get("/workbench/queue?page=abc").status_code == 200


# --- clear values, downloads -----------------------------------------------------------------------------------


def test_clerk_reveals_clear_values_and_it_is_audited(browser, records, factory, ref_of) -> None:  # type: ignore[no-untyped-def]
    b = browser("clerk1")
    rid = records["filing"]
    r = b.post(f"/workbench/records/{rid}/reveal", {"party": "plaintiff", "field": "id_number"})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    assert ID_A in r.text and PHONE_A not in r.text
    with factory() as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.action == "pii.reveal")).all()
    assert [(a.subject, a.actor) for a in rows] == [(ref_of(rid), f"staff:{b_id(factory, 'clerk1')}")]
    assert ID_A not in rows[0].detail


def b_id(factory, username: str) -> int:  # type: ignore[no-untyped-def]
    from casework.models import StaffUser

    with factory() as s:
        return s.scalars(select(StaffUser.id).where(StaffUser.username == username)).one()


@pytest.mark.parametrize(
    ("user", "record", "field"),
    [
        ("mgr1", "filing", "id_number"),
        ("mgr1", "filing", "phone"),
        ("med1", "referral", "id_number"),
        ("op1", "filing", "phone"),
        ("med2", "referral", "phone"),
    ],
)
def test_reveal_refused(browser, records, factory, user, record, field) -> None:  # type: ignore[no-untyped-def]
    r = browser(user).post(f"/workbench/records/{records[record]}/reveal", {"party": "plaintiff", "field": field})
    assert r.status_code == 403
    assert ID_A not in r.text and PHONE_A not in r.text
    with factory() as s:
        assert s.scalars(select(AuditEvent).where(AuditEvent.action == "pii.reveal")).all() == []


def test_manager_sees_no_show_buttons(browser, records) -> None:  # type: ignore[no-untyped-def]
    page = soup(browser("mgr1").get(f"/workbench/records/{records['filing']}"))
    assert page.find("form", action=re.compile(r"/reveal$")) is None
    assert page.find("a", href=re.compile(r"complaint\.docx$")) is None


def test_clerk_downloads_the_complaint(browser, records, factory) -> None:  # type: ignore[no-untyped-def]
    b = browser("clerk1")
    rid = records["filing"]
    r = b.get(f"/workbench/records/{rid}/complaint.docx")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r.headers["content-disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert text.startswith("民事起诉状")
    assert "原告：李四" in text and ID_A in text and PHONE_A in text and "被告：王五" in text
    assert "此致" in text and "河南省焦作市山阳区人民法院" in text and "人民法院在线服务" in text
    with factory() as s:
        assert s.scalars(select(AuditEvent.action).where(AuditEvent.action == "complaint.download")).all() == [
            "complaint.download"
        ]


def test_others_cannot_download(browser, records) -> None:  # type: ignore[no-untyped-def]
    assert browser("mgr1").get(f"/workbench/records/{records['filing']}/complaint.docx").status_code == 403
    assert browser("med1").get(f"/workbench/records/{records['referral']}/complaint.docx").status_code == 403
    assert browser("op1").get(f"/workbench/records/{records['filing']}/complaint.docx").status_code == 403


def test_person_downloads_through_the_signed_link(app, records, settings, factory) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False)
    with factory() as s:
        filing, referral = s.get(CaseRecord, records["filing"]), s.get(CaseRecord, records["referral"])
        assert filing is not None and referral is not None and filing.download_key
        good = client.get(download_path(settings.session_secret, filing))
        assert good.status_code == 200 and good.content[:2] == b"PK"
        assert client.get(download_path("another-secret", filing)).status_code == 404
        assert download_path(settings.session_secret, referral) is None
        referral_link = PATH_PREFIX + download_token(settings.session_secret, referral.id, filing.download_key)
        assert client.get(referral_link).status_code == 404
    assert client.get("/workbench/c/..%2F..%2Fetc%2Fpasswd").status_code == 404


def test_staff_notifications_by_role_and_committee(browser, records, ref_of) -> None:  # type: ignore[no-untyped-def]
    med1 = soup(browser("med1").get("/workbench/notifications")).select("ul.notes li")
    assert len(med1) == 1 and ref_of(records["referral"]) in med1[0].text
    med2 = soup(browser("med2").get("/workbench/notifications")).select("ul.notes li")
    assert len(med2) == 1 and ref_of(records["traffic"]) in med2[0].text
    clerk = soup(browser("clerk1").get("/workbench/notifications")).select("ul.notes li")
    assert len(clerk) == 1 and ref_of(records["filing"]) in clerk[0].text


# --- staff administration --------------------------------------------------------------------------------------


def test_admin_manages_staff(browser, records) -> None:  # type: ignore[no-untyped-def]
    admin = browser("admin1")
    r = admin.post(
        "/workbench/staff",
        {"username": "med3", "name": "调解员丙", "role": "mediator", "group": "sy-family", "password": "pw-mediator-3"},
    )
    assert r.status_code == 303
    page = soup(admin.get("/workbench/staff"))
    assert "med3" in page.select_one("table.staff").text
    bad = admin.post(
        "/workbench/staff", {"username": "med4", "name": "x", "role": "mediator", "password": "pw-mediator-4"}
    )
    assert bad.status_code == 400 and "调解委员会" in bad.text
    dup = admin.post(
        "/workbench/staff", {"username": "med3", "name": "x", "role": "clerk", "password": "pw-mediator-4"}
    )
    assert dup.status_code == 400 and "已被使用" in dup.text
    short = admin.post("/workbench/staff", {"username": "clerk9", "name": "x", "role": "clerk", "password": "short"})
    assert short.status_code == 400 and "至少" in short.text
    new = browser("med1")  # still fine
    assert new.get("/workbench/queue").status_code == 200


def test_admin_can_deactivate_and_reset(browser, staff_ids) -> None:  # type: ignore[no-untyped-def]
    admin = browser("admin1")
    op = browser("op1")
    assert admin.post(f"/workbench/staff/{staff_ids['op1']}/active", {"active": "0"}).status_code == 303
    assert op.get("/workbench/queue").status_code == 303
    assert admin.post(f"/workbench/staff/{staff_ids['admin1']}/active", {"active": "0"}).status_code == 400
    assert (
        admin.post(f"/workbench/staff/{staff_ids['clerk1']}/password", {"password": "reset-pass-123"}).status_code
        == 303
    )
    assert admin.post("/workbench/staff/9999/password", {"password": "reset-pass-123"}).status_code == 404


def test_typed_text_survives_an_incomplete_form(browser, records) -> None:  # type: ignore[no-untyped-def]
    b = browser("op1")
    rid = records["ticket"]
    r = b.post(f"/workbench/records/{rid}/act/assign", {"department": "", "assignee": "张法官<b>"})
    assert r.status_code == 422
    form = soup(r).find("form", action=f"/workbench/records/{rid}/act/assign")
    assert form.find("input", {"name": "assignee"})["value"] == "张法官<b>"  # kept, and escaped in the page
    assert "张法官&lt;b&gt;" in r.text
    assert "请填写“承办部门”" in form.find(class_="error").text


def test_record_page_says_which_notices_did_not_reach_the_person(browser, records, factory, ref_of) -> None:  # type: ignore[no-untyped-def]
    from bot.wechat.outbox import OutboxMessage, OutboxStatus, enqueue

    ref = ref_of(records["filing"])
    page = soup(browser("clerk1").get(f"/workbench/records/{records['filing']}"))
    assert "尚未发出通知" in page.select_one("#deliveries").text
    with factory() as s:
        enqueue(s, "openid-9", ("您的材料已收到。",), dedupe_prefix=f"notice:{ref}:1:person", limit_bytes=2048)
        enqueue(s, "openid-9", ("请补正材料。",), dedupe_prefix=f"notice:{ref}:2:person", limit_bytes=2048)
        enqueue(s, "openid-9", ("别的案件",), dedupe_prefix="notice:LA-other:1:person", limit_bytes=2048)
        first, second = s.scalars(
            select(OutboxMessage).where(OutboxMessage.dedupe_key.startswith(f"notice:{ref}:")).order_by(OutboxMessage.id)
        ).all()
        first.status, first.sent_at = OutboxStatus.SENT.value, utcnow()
        second.status, second.last_error = OutboxStatus.FAILED.value, "45015 response out of time limit"
        s.commit()
    section = soup(browser("clerk1").get(f"/workbench/records/{records['filing']}")).select_one("#deliveries")
    labels = [li.find("strong").text for li in section.select("li")]
    assert labels == ["已送达微信", "未送达"]  # oldest first; the other record's notice is not listed
    assert "请电话联系当事人" in section.select_one("p.warn").text
    assert "45015" in section.text
