"""The pre-filled civil complaint (民事起诉状) of a filing hand-off: its content check and its DOCX.

Content follows 民诉法 art. 124 (domain-facts §3.2): the plaintiff (natural person: name, gender, age,
ethnicity, occupation, work unit, address, contact details), the defendant (name, gender, work unit, address and
similar; an organisation: name, address, legal representative), the claims, the facts and reasons, and the
evidence with its sources. :func:`missing_items` lists what is still absent (the clerk's one-time correction
notice starts from it). :func:`render_docx` writes the document with python-docx; clear ID and phone numbers are
put in only when the caller passes ``clear=True`` (the clerk, or the person's own signed link), masked otherwise.

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
from docx.shared import Pt

from casework.models import CaseParty, CaseRecord
from core.pii import PiiCipher

FONT = "宋体"
NOT_A_CHANNEL = (
    "说明：本起诉状由诉前辅导助手根据您的陈述生成，请逐项核对、修改并签名。本助手不是立案渠道，"
    "请通过微信小程序“人民法院在线服务”（我要立案→审判立案）上传起诉状、身份证明和证据材料，"
    "或到法院诉讼服务中心提交。起诉状副本按被告人数提交（民事诉讼法第一百二十三条）。"
)


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
    court: str
    ref: str
    cause: str | None
    plaintiff: PartyView | None
    defendant: PartyView | None
    claims: list[str] = field(default_factory=list)
    facts_and_reasons: str = ""
    evidence: list[dict[str, str]] = field(default_factory=list)


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


def build_draft(record: CaseRecord, court: str, cipher: PiiCipher | None = None) -> ComplaintDraft:
    """The complaint content of ``record``; ``cipher`` given → clear ID/phone, else masked."""
    plaintiff = record.party("plaintiff")
    defendant = record.party("defendant")
    return ComplaintDraft(
        court=court,
        ref=record.ref,
        cause=record.cause,
        plaintiff=_view(plaintiff, cipher) if plaintiff else None,
        defendant=_view(defendant, cipher) if defendant else None,
        claims=list(record.claims),
        facts_and_reasons=record.facts_and_reasons or record.summary,
        evidence=[{k: str(v) for k, v in e.items() if v} for e in record.evidence],
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
    d = record.party("defendant")
    if d is None:
        items.append("明确的被告（姓名或名称、住址）")
    elif d.kind == "company":
        wanted = (("address", "住所地"), ("legal_rep", "法定代表人姓名"))
        lacking = [label for attr, label in wanted if not getattr(d, attr)]
        if lacking:
            items.append("被告的" + "、".join(lacking))
    else:
        lacking = [label for attr, label in (("gender", "性别"), ("address", "住址")) if not getattr(d, attr)]
        if lacking:
            items.append("被告的" + "、".join(lacking))
    if not record.claims:
        items.append("具体的诉讼请求")
    if not (record.facts_and_reasons or record.summary).strip():
        items.append("事实与理由")
    if not record.evidence:
        items.append("证据和证据来源（证据清单）")
    return items


def _party_lines(p: PartyView, today: date) -> list[str]:
    title = "原告" if p.role == "plaintiff" else "被告"
    if p.kind == "company":
        line = f"{title}：{p.name}，住所地：{p.address or '（待补充）'}。"
        rep = f"法定代表人：{p.legal_rep or '（待补充）'}"
        if p.legal_rep_title:
            rep += f"，职务：{p.legal_rep_title}"
        if p.phone:
            rep += f"，联系电话：{p.phone}"
        return [line, rep + "。"]
    parts = [f"{title}：{p.name}"]
    parts.append(f"性别：{p.gender or '（待补充）'}")
    if p.role == "plaintiff":
        age = p.age_on(today)
        born = date.fromisoformat(p.birth_date) if p.birth_date else None
        parts.append(f"{born.year}年{born.month}月{born.day}日出生（{age}岁）" if born else "出生日期：（待补充）")
        parts.append(f"民族：{p.ethnicity or '（待补充）'}")
        parts.append(f"职业：{p.occupation or '（待补充）'}")
    parts.append(f"工作单位：{p.work_unit or ('（待补充）' if p.role == 'plaintiff' else '不详')}")
    parts.append(f"住址：{p.address or '（待补充）'}")
    if p.phone or p.role == "plaintiff":
        parts.append(f"联系电话：{p.phone or '（待补充）'}")
    if p.id_number:
        parts.append(f"公民身份号码：{p.id_number}")
    return ["，".join(parts) + "。"]


def document_lines(draft: ComplaintDraft, today: date) -> list[tuple[str, str]]:
    """The complaint as (style, text) lines; styles: title, heading, body, right, note."""
    lines: list[tuple[str, str]] = [("title", "民事起诉状")]
    for p in (draft.plaintiff, draft.defendant):
        if p is not None:
            lines += [("body", text) for text in _party_lines(p, today)]
    if draft.cause:
        lines.append(("body", f"案由：{draft.cause}"))
    lines.append(("heading", "诉讼请求："))
    claims = draft.claims or ["（请写明具体的诉讼请求，如要求被告归还借款××元及利息。）"]
    lines += [("body", f"{i}. {c}") for i, c in enumerate(claims, 1)]
    lines.append(("heading", "事实与理由："))
    lines += [("body", para) for para in (draft.facts_and_reasons or "（待补充）").splitlines() if para.strip()]
    lines.append(("heading", "证据和证据来源，证人姓名和住所："))
    if draft.evidence:
        for i, e in enumerate(draft.evidence, 1):
            text = f"{i}. {e.get('name', '')}"
            if e.get("source"):
                text += f"（来源：{e['source']}）"
            if e.get("note"):
                text += f"，证明：{e['note']}"
            lines.append(("body", text))
    else:
        lines.append(("body", "（请列明证据名称、来源及证明内容；有证人的写明姓名和住所。）"))
    lines += [
        ("body", "此致"),
        ("body", draft.court),
        ("right", "起诉人（签名）："),
        ("right", "年    月    日"),
        ("body", "附：本起诉状副本1份（每增加一名被告增加1份）。"),
        ("note", f"{NOT_A_CHANNEL}（转交编号：{draft.ref}）"),
    ]
    return lines


def _font(run: Any, size: float, bold: bool = False) -> None:
    """Size, weight and the 宋体 face, east-Asian slot included (python-docx only sets the Latin one)."""
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def render_docx(draft: ComplaintDraft, today: date) -> bytes:
    doc = Document()
    for style, text in document_lines(draft, today):
        para = doc.add_paragraph()
        run = para.add_run(text)
        if style == "title":
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(run, 18, bold=True)
        elif style == "heading":
            _font(run, 12, bold=True)
        elif style == "right":
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(run, 12)
        elif style == "note":
            _font(run, 9)
        else:
            _font(run, 12)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
