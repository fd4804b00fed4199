"""The pre-filled civil complaint (民事起诉状) of a filing hand-off: its content check, its lines, DOCX and PDF.

Content follows 民诉法 art. 124 (domain-facts §3.2): the plaintiff (natural person: name, gender, age,
ethnicity, occupation, work unit, address, contact details), each defendant (name, gender, work unit, address and
similar; an organisation: name, address, legal representative), the claims, the facts and reasons, and the
evidence with its sources. The claims, facts and reasons and evidence were composed from the structured facts at
hand-off (:mod:`casework.pleading`); the complaint is addressed to the court the assessment found competent
(:func:`casework.pleading.addressee`) — another court than this one when this one is not, and the note then tells
the person where to file. :func:`missing_items` lists what is still absent (the clerk's one-time correction
notice starts from it). :func:`render_docx` writes the document with python-docx, :func:`casework.complaint_pdf.
render_pdf` the same lines as a PDF; clear ID and phone numbers are put in only when the caller passes a cipher
(the clerk, or the person's own signed link), masked otherwise.

The document says plainly that this assistant is not a filing channel: the person files on 人民法院在线服务.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from casework import pleading
from casework.models import CaseParty, CaseRecord
from core.pii import PiiCipher

FONT = "宋体"
NOT_A_CHANNEL = (
    "说明：本起诉状由诉前辅导助手根据您的陈述生成，请逐项核对、修改并签名；（待补充：…）处请补充完整。本助手不是"
    "立案渠道，请通过微信小程序“人民法院在线服务”（我要立案→审判立案）上传起诉状、身份证明和证据材料，"
    "或到法院诉讼服务中心提交。起诉状副本按被告人数提交（民事诉讼法第一百二十三条）。"
)
ELSEWHERE = (
    "管辖：根据您提供的情况，本院（{this}）对这起纠纷可能没有管辖权，有管辖权的是{court}，起诉状已写明递交{court}。"
    "请向{court}提交起诉状（网上立案时选择该法院）。{basis}"
)
TBD = pleading.TBD


@dataclass
class PartyView:
    role: str
    kind: str
    name: str
    gender: str | None = None
    birth_date: str | None = None
    ethnicity: str | None = None
    occupation: str | None = None
    work_unit: str | None = None
    address: str | None = None
    phone: str | None = None
    id_number: str | None = None
    legal_rep: str | None = None
    legal_rep_title: str | None = None

    def age_on(self, today: date) -> int | None:
        if not self.birth_date:
            return None
        born = date.fromisoformat(self.birth_date)
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass
class ComplaintDraft:
    court: str  # the addressee: the court the assessment named as competent (this court by default)
    ref: str
    cause: str | None
    plaintiff: PartyView | None
    defendants: list[PartyView] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)
    facts_and_reasons: str = ""
    evidence: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what to check before filing (casework.pleading.notes)
    elsewhere: str | None = None  # the note telling the person which court to file at, when not this one

    @property
    def defendant(self) -> PartyView | None:
        return self.defendants[0] if self.defendants else None


def _view(p: CaseParty, cipher: PiiCipher | None) -> PartyView:
    if cipher is not None:
        phone = cipher.decrypt(p.phone_enc) if p.phone_enc else None
        id_number = cipher.decrypt(p.id_enc) if p.id_enc else None
    else:
        phone, id_number = p.phone_masked, p.id_masked
    return PartyView(
        role=p.role,
        kind=p.kind,
        name=p.name,
        gender=p.gender,
        birth_date=p.birth_date,
        ethnicity=p.ethnicity,
        occupation=p.occupation,
        work_unit=p.work_unit,
        address=p.address,
        phone=phone,
        id_number=id_number,
        legal_rep=p.legal_rep,
        legal_rep_title=p.legal_rep_title,
    )


def defendants_of(record: CaseRecord) -> list[CaseParty]:
    return [p for p in record.parties if p.role == "defendant"]


def build_draft(record: CaseRecord, court: str, cipher: PiiCipher | None = None) -> ComplaintDraft:
    """The complaint content of ``record``, addressed to the competent court (``court`` is this court's name, used
    when the assessment found it competent or could not tell); ``cipher`` given → clear ID/phone, else masked."""
    plaintiff = record.party("plaintiff")
    to = pleading.addressee(record.assessment, court)
    elsewhere = None
    if to.elsewhere:
        basis = str(((record.assessment or {}).get("jurisdiction") or {}).get("basis") or "")
        named = to.court if to.where is None else f"{to.where}有管辖权的基层人民法院"
        elsewhere = ELSEWHERE.format(this=court, court=named, basis=basis)
    return ComplaintDraft(
        court=to.court,
        ref=record.ref,
        cause=record.cause,
        plaintiff=_view(plaintiff, cipher) if plaintiff else None,
        defendants=[_view(d, cipher) for d in defendants_of(record)],
        claims=list(record.claims),
        facts_and_reasons=record.facts_and_reasons or record.summary,
        evidence=[{k: str(v) for k, v in e.items() if v} for e in record.evidence],
        notes=pleading.notes(record.cause, record.claims, record.assessment, record.facts or {}),
        elsewhere=elsewhere,
    )


def missing_items(record: CaseRecord) -> list[str]:
    """What the complaint still lacks under 民诉法 art. 124 and 登记立案规定 art. 6, in Chinese."""
    items: list[str] = []
    p = record.party("plaintiff")
    if p is None:
        items.append("原告的姓名及基本信息")
    else:
        labels = [
            ("gender", "性别"),
            ("birth_date", "出生日期（年龄）"),
            ("ethnicity", "民族"),
            ("occupation", "职业"),
            ("work_unit", "工作单位（没有可写“无”）"),
            ("address", "住址"),
        ]
        lacking = [label for attr, label in labels if not getattr(p, attr)]
        if not p.phone_enc:
            lacking.append("联系电话")
        if lacking:
            items.append("原告的" + "、".join(lacking))
        if not p.id_enc:
            items.append("原告的身份证明（身份证号码及复印件）")
    defendants = defendants_of(record)
    if not defendants:
        items.append("明确的被告（姓名或名称、住址）")
    for d in defendants:
        who = f"被告{d.name}" if len(defendants) > 1 else "被告"
        if d.kind == "company":
            wanted: tuple[tuple[str, str], ...] = (("address", "住所地"), ("legal_rep", "法定代表人姓名"))
        else:
            wanted = (("gender", "性别"), ("address", "住址"))
        lacking = [label for attr, label in wanted if not getattr(d, attr)]
        if lacking:
            items.append(f"{who}的" + "、".join(lacking))
    if not record.claims:
        items.append("具体的诉讼请求")
    text = "\n".join([*record.claims, record.facts_and_reasons or record.summary])
    if not (record.facts_and_reasons or record.summary).strip():
        items.append("事实与理由")
    elif "待补充" in text:
        items.append("诉讼请求、事实与理由中标明“待补充”的内容")
    if not record.evidence:
        items.append("证据和证据来源（证据清单）")
    to = pleading.addressee(record.assessment, "")
    if to.where is not None:
        items.append(f"有管辖权的法院名称（{to.where}）")
    return items


def _party_lines(p: PartyView, today: date) -> list[str]:
    title = "原告" if p.role == "plaintiff" else "被告"
    if p.kind == "company":
        line = f"{title}：{p.name}，住所地：{p.address or TBD.format('住所地')}，统一社会信用代码：{TBD.format('')}。"
        line = line.replace("（待补充：）", "（待补充）")
        rep = f"法定代表人：{p.legal_rep or TBD.format('法定代表人姓名')}"
        if p.legal_rep_title:
            rep += f"，职务：{p.legal_rep_title}"
        if p.phone:
            rep += f"，联系电话：{p.phone}"
        return [line, rep + "。"]
    missing = "（待补充）"
    parts = [f"{title}：{p.name}"]
    parts.append(f"性别：{p.gender or missing}")
    age = p.age_on(today)
    born = date.fromisoformat(p.birth_date) if p.birth_date else None
    if born is not None:
        parts.append(f"{born.year}年{born.month}月{born.day}日出生（{age}岁）")
    elif p.role == "plaintiff":
        parts.append(f"出生日期：{missing}")
    if p.role == "plaintiff":
        parts.append(f"民族：{p.ethnicity or missing}")
        parts.append(f"职业：{p.occupation or missing}")
    parts.append(f"工作单位：{p.work_unit or (missing if p.role == 'plaintiff' else '不详')}")
    parts.append(f"住址：{p.address or missing}")
    if p.phone or p.role == "plaintiff":
        parts.append(f"联系电话：{p.phone or missing}")
    if p.id_number:
        parts.append(f"公民身份号码：{p.id_number}")
    return ["，".join(parts) + "。"]


# Line styles: title (centred, large, bold), party (a party's particulars), heading (诉讼请求：…), item (a numbered
# claim or piece of evidence), body (an indented paragraph), closing (此致, indented), court (the addressee, flush
# left), right (signature and date, right-aligned), note (small print after the document).
STYLES = ("title", "party", "heading", "item", "body", "closing", "court", "right", "note")


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def document_lines(draft: ComplaintDraft, today: date) -> list[tuple[str, str]]:
    """The complaint as (style, text) lines, in the order a court reads them (styles: :data:`STYLES`)."""
    lines: list[tuple[str, str]] = [("title", "民事起诉状")]
    for p in (draft.plaintiff, *draft.defendants):
        if p is not None:
            lines += [("party", text) for text in _party_lines(p, today)]
    if not draft.defendants:
        lines.append(("party", "被告：" + TBD.format("被告的姓名或名称、住址")))
    if draft.cause:
        lines.append(("party", f"案由：{draft.cause}"))
    lines.append(("heading", "诉讼请求："))
    claims = draft.claims or [pleading.words().common["claim_other"]]
    lines += [("item", f"{i}. {c}") for i, c in enumerate(claims, 1)]
    lines.append(("heading", "事实与理由："))
    paragraphs = [para for para in (draft.facts_and_reasons or "").splitlines() if para.strip()]
    lines += [("body", para) for para in paragraphs or [pleading.words().common["story_missing"]]]
    lines.append(("heading", "证据和证据来源，证人姓名和住所："))
    if draft.evidence:
        for i, e in enumerate(draft.evidence, 1):
            text = f"{i}. {e.get('name', '')}"
            if e.get("source"):
                text += f"（来源：{e['source']}）"
            if e.get("note"):
                text += f"，证明{e['note']}"
            lines.append(("item", text + "。"))
    else:
        lines.append(("item", TBD.format("证据的名称、来源和证明的内容；有证人的，写明证人的姓名和住所")))
    copies = max(1, len(draft.defendants))
    lines += [
        ("closing", "此致"),
        ("court", draft.court),
        ("right", "起诉人（签名）："),
        ("right", cn_date(today)),
        ("body", f"附：本起诉状副本{copies}份。"),
    ]
    if draft.elsewhere:
        lines.append(("note", draft.elsewhere))
    lines += [("note", note) for note in draft.notes]
    lines.append(("note", f"{NOT_A_CHANNEL}（转交编号：{draft.ref}）"))
    return lines


def _font(run: Any, size: float, bold: bool = False) -> None:
    """Size, weight and the 宋体 face, east-Asian slot included (python-docx only sets the Latin one)."""
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def render_docx(draft: ComplaintDraft, today: date) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4, as courts file
    section.top_margin, section.bottom_margin = Cm(3), Cm(2.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    for style, text in document_lines(draft, today):
        para = doc.add_paragraph()
        run = para.add_run(text)
        if style == "title":
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(run, 22, bold=True)
        elif style == "heading":
            _font(run, 14, bold=True)
        elif style == "right":
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(run, 14)
        elif style == "note":
            _font(run, 10.5)
        else:
            if style in ("body", "closing"):
                para.paragraph_format.first_line_indent = Pt(28)  # two characters
            _font(run, 14)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
