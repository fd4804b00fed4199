"""The complaint a person downloads at the end of a real conversation, looked at as a clerk would.

Every record here is handed off by a conversation with the dialog engine (``litigant``): story, cause confirmed,
intake, 网上立案, the filing form, one field changed with 修改, 确认 — then the person's own link from the chat is
downloaded through the workbench app, as DOCX and as PDF. The PDF is rendered to an image (pypdfium2) and read
back: title centred at the top, Chinese glyphs actually drawn (not boxes), nothing outside the margins, 此致 and the
court at the end, every line of the complaint on the page.
"""

from __future__ import annotations

import io
import itertools
import os
import re
from datetime import date
from typing import Any

import pytest
from docx import Document
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from casework import complaint_pdf
from casework.complaint import build_draft, document_lines
from casework.complaint_pdf import MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, PAGE_H, PAGE_W, break_lines
from casework.models import CaseRecord
from core.audit import AuditEvent
from core.pii import PiiCipher

pdfium = pytest.importorskip("pypdfium2")

MM = 72 / 25.4  # PDF points per millimetre
STORY = "2024年3月5日借给朋友王五5万元，约定月息1分，说好2025年3月5日还，有借条和转账记录，催了几次一直不还"
FORM = {
    "plaintiff_name": "李四",
    "plaintiff_id": "11010519491231002X",
    "plaintiff_phone": "13800138000",
    "plaintiff_address": "焦作市山阳区焦东街道",
    "defendant_name": "王五、焦作市某某建筑有限公司",
    "defendant_address": "王五：焦作市山阳区新城街道1号；焦作市某某建筑有限公司：焦作市山阳区太行街道2号",
    "claims": "归还借款5万元及利息，承担诉讼费",
}
THIS_COURT = "河南省焦作市山阳区人民法院"
LINK = re.compile(r"/workbench/c/[A-Za-z0-9_.\-]+")


def _font_or_skip() -> None:
    if complaint_pdf.find_font() is None:
        if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("no CJK font for the complaint PDF: run scripts/ensure-fonts.sh (make fonts)")
        pytest.skip("no CJK font installed (make fonts)")


def _file(person: Any, story: str, cause: str, form: dict[str, str], answers: dict[str, str] | None = None) -> str:
    """The conversation up to the read-back of the complaint; returns that read-back."""
    person.tell(story, cause, {"mediation_willing": "不愿意", "defendant_place": "新城街道", **(answers or {})})
    person.say("网上立案")
    while person.state == "filing_form":
        person.say(form[person.data["asking"]])
    assert person.state == "filing_confirm", person.last
    return str(person.last)


def _record(factory: sessionmaker[Session], ref: str) -> CaseRecord:
    with factory() as s:
        record = s.scalars(select(CaseRecord).where(CaseRecord.ref == ref)).one()
        _ = record.parties
        s.expunge_all()
        return record


def test_one_field_is_changed_the_others_kept(litigant, factory) -> None:  # type: ignore[no-untyped-def]
    """修改 asks which field, changes that one only, and reads the whole form back again."""
    summary = _file(litigant, STORY, "民间借贷纠纷", FORM)
    assert "3. 原告手机号码：138****8000" in summary and "修改3" in summary
    menu = litigant.say("修改")
    assert "3. 原告手机号码" in menu and "7. 诉讼请求" in menu and litigant.state == "filing_confirm"
    assert litigant.say("3") == "请输入您的手机号码，法院会用它联系您。"
    again = litigant.say("13912345678")
    assert litigant.state == "filing_confirm"
    assert "3. 原告手机号码：139****5678" in again and "1. 原告姓名：李四" in again
    assert "4. 原告住址：焦作市山阳区焦东街道" in again
    assert "5. 被告姓名（名称）：王五、焦作市某某建筑有限公司" in again
    # named at once, no menu: "修改诉讼请求"
    assert "您要求对方做什么" in litigant.say("修改诉讼请求")
    litigant.say("只要本金5万，利息不要了")
    assert "利息" not in litigant.last.split("起诉状将向法院提出这些诉讼请求：")[1].split("起诉状递交")[0]
    litigant.say("确认")
    record = _record(factory, litigant.handed_off())
    plaintiff = record.party("plaintiff")
    assert plaintiff is not None and plaintiff.phone_masked == "139****5678" and plaintiff.name == "李四"
    assert [(p.name, p.kind, p.address) for p in record.parties if p.role == "defendant"] == [
        ("王五", "person", "焦作市山阳区新城街道1号"),
        ("焦作市某某建筑有限公司", "company", "焦作市山阳区太行街道2号"),
    ]


def _download(app: FastAPI, reply: str, suffix: str = "") -> Any:
    found = LINK.search(reply)
    assert found, reply
    client = TestClient(app, base_url="http://testserver")
    got = client.get(found.group(0) + suffix)
    client.close()
    return got


def _chars(page: Any) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Each character drawn on ``page`` with its box (left, bottom, right, top) in points."""
    text = page.get_textpage()
    out = []
    for i in range(text.count_chars()):
        ch = text.get_text_range(i, 1)
        if ch.strip():
            out.append((ch, text.get_charbox(i)))
    return out


def _ink(image: Any, box: tuple[float, float, float, float], scale: float, height_pt: float) -> Any:
    left, bottom, right, top = box
    crop = image.crop((int(left * scale), int((height_pt - top) * scale), int(right * scale) + 1,
                       int((height_pt - bottom) * scale) + 1))
    return crop.convert("L").point(lambda v: 255 if v < 128 else 0)


def test_the_complaint_pdf_reads_as_a_clerk_expects(litigant, app, factory, settings) -> None:  # type: ignore[no-untyped-def]
    _font_or_skip()
    _file(litigant, STORY, "民间借贷纠纷", FORM)
    done = litigant.say("确认")
    ref = litigant.handed_off()
    assert "/pdf" in done and "PDF" in done  # the chat offers both files

    got = _download(app, done, "/pdf")
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    assert "attachment" in got.headers["content-disposition"] and got.headers["cache-control"] == "no-store"
    doc = pdfium.PdfDocument(got.content)
    pages = [doc[i] for i in range(len(doc))]
    width, height = pages[0].get_size()
    assert (round(width / MM), round(height / MM)) == (210, 297)  # A4

    # the title: the first thing on page one, centred, large, at the top margin
    first = _chars(pages[0])
    title = first[:5]
    assert "".join(c for c, _ in title) == "民事起诉状"
    left, right = min(b[0] for _, b in title), max(b[2] for _, b in title)
    assert abs((left + right) / 2 - width / 2) < 3, (left, right, width)
    title_top = max(b[3] for _, b in title)
    assert height - title_top < (MARGIN_TOP + 6) * MM and all(b[3] <= title_top + 0.5 for _, b in first)
    assert min(b[3] - b[1] for _, b in title) > 1.3 * max(b[3] - b[1] for c, b in first[5:40])  # larger than body

    # the Chinese is drawn: every title glyph has ink, and no two different characters look the same (a missing
    # glyph is drawn as the same empty box for every character)
    scale = 4.0
    image = pages[0].render(scale=scale).to_pil()
    glyphs = {}
    for ch, box in first:
        if "\u4e00" <= ch <= "\u9fff" and ch not in glyphs:
            glyphs[ch] = _ink(image, box, scale, height)
        if len(glyphs) == 24:
            break
    assert len(glyphs) == 24
    for ch, ink in glyphs.items():
        assert ink.getbbox() is not None, f"{ch} drawn without ink"
    shapes = [bytes(ink.resize((24, 24)).tobytes()) for ink in glyphs.values()]
    assert len(set(shapes)) == len(shapes), "different characters drawn alike: boxes instead of glyphs?"

    # margins: no character outside the text block, on any page; the footer below the text, above the edge
    body = [(ch, b) for p in pages for ch, b in _chars(p) if b[1] > (MARGIN_BOTTOM - 1) * MM]
    footer = [(ch, b) for p in pages for ch, b in _chars(p) if b[1] <= (MARGIN_BOTTOM - 1) * MM]
    for ch, (x0, _y0, x1, y1) in body:
        assert x0 >= (MARGIN_LEFT - 0.5) * MM and x1 <= (PAGE_W - MARGIN_RIGHT + 0.5) * MM, (ch, x0, x1)
        assert y1 <= (PAGE_H - MARGIN_TOP + 0.5) * MM, (ch, y1)
    assert footer and all(b[1] >= 10 * MM for _, b in footer)  # page numbers, inside the page
    for page in pages:  # and no ink at all in the outer 20 mm on either side (nothing drawn off the text block)
        shot = page.render(scale=1.0).to_pil().convert("L")
        band = int(20 * MM)
        assert shot.crop((0, 0, band, shot.height)).getextrema()[0] > 200
        assert shot.crop((shot.width - band, 0, shot.width, shot.height)).getextrema()[0] > 200

    # nothing lost, nothing added: the pages hold exactly the complaint's lines, in order (the footer aside)
    drawn = "".join(ch for ch, _ in body)
    with Session(bind=factory.kw["bind"]) as s:
        record = s.scalars(select(CaseRecord).where(CaseRecord.ref == ref)).one()
        draft = build_draft(record, THIS_COURT, PiiCipher(settings.pii_key))  # the person's link: clear numbers
        lines = document_lines(draft, date.today())
    assert re.sub(r"\s", "", drawn) == "".join(re.sub(r"\s", "", text) for _, text in lines)

    # 此致 near the end, the court on the next line at the left margin, then the signature and the date
    last = _chars(pages[-1])
    text = "".join(c for c, _ in last)
    at = text.index("此致")
    court_at = text.index(THIS_COURT, at)
    assert text.index("起诉人（签名）", court_at) > court_at
    assert "证据和证据来源" in "".join(c for p in pages for c, _ in _chars(p))
    zhi, court = last[at][1], last[court_at][1]
    assert court[3] < zhi[1] and zhi[1] - court[3] < 14  # directly below
    assert abs(court[0] - MARGIN_LEFT * MM) < 2 and zhi[0] - court[0] > 20  # court flush left, 此致 indented

    # the composed content, not the chat
    assert "判令被告王五、被告焦作市某某建筑有限公司归还原告借款本金人民币50,000元（大写：伍万元整）" in drawn
    assert "按照月利率1%（年利率12%）" in drawn and "催了几次" not in drawn and "朋友" not in drawn
    assert "被告：焦作市某某建筑有限公司，住所地：焦作市山阳区太行街道2号" in drawn
    assert "13800138000" in drawn  # the person's own link: their own clear number
    doc.close()


def test_the_docx_and_the_staff_downloads_follow_the_same_rules(litigant, app, factory, browser) -> None:  # type: ignore[no-untyped-def]
    _font_or_skip()
    _file(litigant, STORY, "民间借贷纠纷", FORM)
    done = litigant.say("确认")
    record = _record(factory, litigant.handed_off())
    docx = _download(app, done)
    assert docx.status_code == 200
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert paragraphs[0] == "民事起诉状" and "此致" in paragraphs and THIS_COURT in paragraphs
    assert paragraphs.index(THIS_COURT) == paragraphs.index("此致") + 1
    clerk = browser("clerk1")
    pdf = clerk.get(f"/workbench/records/{record.id}/complaint.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert browser("mgr1").get(f"/workbench/records/{record.id}/complaint.pdf").status_code == 403
    page = clerk.get(f"/workbench/records/{record.id}").text
    assert f"/workbench/records/{record.id}/complaint.pdf" in page
    with factory() as s:
        formats = s.scalars(select(AuditEvent.detail).where(AuditEvent.action == "complaint.download")).all()
    assert len(formats) == 2  # the person's DOCX, the clerk's PDF: each audited


def test_without_a_cjk_font_the_pdf_is_refused_not_drawn_in_boxes(litigant, app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _file(litigant, STORY, "民间借贷纠纷", FORM)
    done = litigant.say("确认")
    monkeypatch.setattr(complaint_pdf, "find_font", lambda: None)
    got = _download(app, done, "/pdf")
    assert got.status_code == 503 and "Word" in got.text


def test_a_court_elsewhere_is_the_addressee_and_the_person_is_told(litigant, app) -> None:  # type: ignore[no-untyped-def]
    _font_or_skip()
    story = "我家在解放区的房子2024年1月租给了张三，每月1000，他欠了一年房租12000块不给，有租赁合同"
    form = {**FORM, "defendant_name": "张三", "defendant_address": "焦作市解放区民主路3号", "claims": "付清房租"}
    summary = _file(litigant, story, "房屋租赁合同纠纷", form)
    assert "起诉状递交：河南省焦作市解放区人民法院" in summary and "本院可能没有管辖权" in summary
    done = litigant.say("确认")
    assert "请向河南省焦作市解放区人民法院提交" in done
    got = _download(app, done, "/pdf")
    doc = pdfium.PdfDocument(got.content)
    drawn = "".join("".join(c for c, _ in _chars(doc[i])) for i in range(len(doc)))
    doc.close()
    at = drawn.index("此致")
    assert drawn[at + 2 :].startswith("河南省焦作市解放区人民法院")
    assert "判令被告张三支付原告租金人民币12,000元（大写：壹万贰仟元整）" in drawn
    assert "《中华人民共和国民法典》第七百零三条、第七百二十一条、第七百二十二条" in drawn


@pytest.mark.parametrize(
    "text",
    [
        "判令被告王五归还原告借款本金人民币50,000元（大写：伍万元整）。" * 3,
        "“甲”（乙）、丙。" * 20,
        "按LPR" + "一" * 11 + "50,000元" + "二" * 13 + "2025年3月5日",
    ],
)
def test_lines_never_start_with_closing_marks_nor_end_with_opening_ones(text: str) -> None:
    def measure(s: str) -> float:
        return float(len(s))

    lines = break_lines(text, 17, measure, first_indent=2)
    assert "".join(lines) == text
    assert measure(lines[0]) <= 15 and all(measure(line) <= 17 for line in lines)
    assert not any(line[0] in complaint_pdf.NO_START for line in lines[1:])
    assert not any(line[-1] in complaint_pdf.NO_END for line in lines[:-1])
    assert not any(re.search(r"[0-9,]$", a) and re.match(r"^[0-9,]", b) for a, b in itertools.pairwise(lines))


def test_a_run_wider_than_a_line_is_cut_to_fit() -> None:
    lines = break_lines("号码" + "1234567890" * 3, 12, lambda s: float(len(s)))
    assert "".join(lines) == "号码" + "1234567890" * 3 and all(len(line) <= 12 for line in lines)
