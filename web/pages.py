"""Queue, record page, actions, "show" of clear values, complaint downloads, staff notifications.

Routes call casework service functions only; every record is checked against the signed-in role
(:mod:`casework.access`). Downloads are by record id (staff) or by a signed token (the person) — never a path.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.datastructures import FormData

from app.notify import LOCAL_PREFIXES
from bot.wechat.outbox import deliveries
from casework import access
from casework.complaint import build_draft, document_lines, missing_items, render_docx
from casework.complaint_pdf import render_pdf
from casework.errors import PermissionDenied, TransitionInputError
from casework.links import PDF_SUFFIX, open_download
from casework.machine import Kind, lifecycle
from casework.models import CaseRecord
from casework.notify import record_notices
from casework.queries import (
    STATUS_ALL,
    STATUS_CLOSED,
    STATUS_OPEN,
    QueueFilter,
    causes_seen,
    history,
    notifications_for,
    queue,
    state_choices,
)
from casework.records import is_overdue
from casework.service import get_record, reveal_pii, transition
from casework.workflow import Actor, available
from core.audit import audit
from core.db import unit_of_work
from core.pii import PiiCipher
from knowledge.intake import SlotTables, load_slot_tables
from web.assessment import assessment_rows, similar_cases
from web.auth import HOME_BY_ROLE
from web.deps import (
    PageNumber,
    app_settings,
    checked_form,
    court_name,
    current_staff,
    factory,
    flash,
    notifier,
    now_utc,
    render,
)

router = APIRouter()
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KIND_LABELS = {k.value: lifecycle(k).label for k in Kind}
PRECISION = "date_precision"  # how exact each date fact is: folded into the dates, not a row of its own
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _fact_value(name: str, value: Any, precision: dict[str, Any], tables: SlotTables) -> str:
    """A fact's value as staff read it: 是/否, dates as precise as the person gave them, slot names as labels."""
    if value is None or value in ("", []):
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return f"{value:,.2f}".removesuffix(".00")
    if isinstance(value, list):
        if name in ("unknown", "none"):  # lists of slots: name them
            return "、".join(tables.label(str(v)) or str(v) for v in value)
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{tables.label(str(k)) or k}：{v}" for k, v in value.items() if v not in (None, "", [], {}))
    text = str(value)
    words = tables.value_words(name)
    if text in words:
        return words[text]
    date = _ISO_DATE.match(text)
    if date:
        year, month, day = (int(g) for g in date.groups())
        exact = precision.get(name, "day")
        if exact == "year":
            return f"{year}年"
        return f"{year}年{month}月" if exact == "month" else f"{year}年{month}月{day}日"
    return text


def fact_rows(facts: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The facts the conversation gathered, each named by its label in knowledge/data/slots.yaml (a key no table
    declares, as in a record older than the table, is shown as it is)."""
    tables = load_slot_tables()
    facts = facts or {}
    given = facts.get(PRECISION)
    precision: dict[str, Any] = given if isinstance(given, dict) else {}
    return [
        (tables.label(name) or name, _fact_value(name, value, precision, tables))
        for name, value in facts.items()
        if name != PRECISION
    ]


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    with unit_of_work(factory(request)) as db:
        staff = current_staff(request, db)
        target = HOME_BY_ROLE.get(staff.role, "/workbench/queue")
    return RedirectResponse(target, status_code=303)


class QueueQuery(BaseModel):
    kind: str | None = None
    status: str = STATUS_OPEN
    cause: str | None = None
    overdue: bool = False
    q: str | None = None
    page: PageNumber = 1


@router.get("/queue", response_class=HTMLResponse)
def queue_page(request: Request, query: Annotated[QueueQuery, Query()]) -> Response:
    now = now_utc()
    with unit_of_work(factory(request)) as db:
        staff = current_staff(request, db)
        kinds = sorted(access.RECORD_KINDS.get(staff.role, frozenset()))
        if not kinds:
            raise PermissionDenied(f"{staff.role} has no queue", "您的岗位没有办理队列。")
        flt = QueueFilter(
            kind=query.kind if query.kind in kinds else None,
            status=query.status or STATUS_OPEN,
            cause=query.cause or None,
            overdue=query.overdue,
            q=query.q or None,
            page=query.page,
        )
        rows, total = queue(db, staff, flt, now)
        items = [
            {
                "id": r.id,
                "ref": r.ref,
                "kind": KIND_LABELS[r.kind],
                "state": lifecycle(r.kind).state_label(r.state),
                "cause": r.cause or "—",
                "summary": r.summary[:60] + ("…" if len(r.summary) > 60 else ""),
                "created_at": r.created_at,
                "due_at": r.due_at,
                "overdue": is_overdue(r, now),
            }
            for r in rows
        ]
        ctx = {
            "title": "办理队列",
            "items": items,
            "total": total,
            "flt": flt,
            "kinds": [(k, KIND_LABELS[k]) for k in kinds],
            "statuses": [
                (STATUS_OPEN, "办理中"),
                (STATUS_CLOSED, "已结束"),
                (STATUS_ALL, "全部"),
                *state_choices(kinds),
            ],
            "causes": causes_seen(db, staff),
            "pages": (total + 49) // 50,
        }
    return render(request, "queue.html", ctx)


# What the person who asked for the record is called on its page: a filing's plaintiff, a referral's applicant,
# the ticket's caller (their name and number, left with consent in the chat).
APPLICANT_LABELS = {"filing": "原告（申请人）", "referral": "申请人", "ticket": "来访人"}


def _party_rows(record: CaseRecord, staff_role: str, revealed: dict[tuple[str, str], str]) -> list[dict[str, Any]]:
    rows = []
    for p in record.parties:
        rows.append(
            {
                "role": APPLICANT_LABELS.get(record.kind, "原告") if p.role == "plaintiff" else "被告（对方）",
                "party": p.role,
                "kind": "单位" if p.kind == "company" else "自然人",
                "name": p.name,
                "gender": p.gender,
                "birth_date": p.birth_date,
                "ethnicity": p.ethnicity,
                "occupation": p.occupation,
                "work_unit": p.work_unit,
                "address": p.address,
                "legal_rep": p.legal_rep,
                "id": revealed.get((p.role, "id_number")) or p.id_masked,
                "id_clear": (p.role, "id_number") in revealed,
                "phone": revealed.get((p.role, "phone")) or p.phone_masked,
                "phone_clear": (p.role, "phone") in revealed,
                "can_reveal_id": bool(p.id_enc)
                and (staff_role, record.kind) in access.REVEAL
                and "id_number" in access.REVEAL[(staff_role, record.kind)],
                "can_reveal_phone": bool(p.phone_enc)
                and (staff_role, record.kind) in access.REVEAL
                and "phone" in access.REVEAL[(staff_role, record.kind)],
            }
        )
    return rows


def _record_context(request: Request, db: Any, record_id: int, revealed: dict[tuple[str, str], str]) -> dict[str, Any]:
    staff = current_staff(request, db)
    record = get_record(db, staff, record_id)
    now = now_utc()
    lc = lifecycle(record.kind)
    actions = []
    for t in available(record, Actor.of_staff(staff), now):
        fields = []
        for name, spec in t.fields.items():
            options = list(spec.options.items())
            if spec.type == "checklist" and record.kind == Kind.FILING:
                options = [(item, item) for item in missing_items(record)]
            fields.append({"name": name, "spec": spec, "options": options})
        actions.append({"name": t.name, "label": t.label, "fields": fields, "notify": bool(t.notify_person)})
    complaint = None
    if record.kind == Kind.FILING:
        draft = build_draft(record, court_name(request))  # masked: the page never shows clear values unasked
        complaint = {
            "lines": document_lines(draft, date.today()),
            "missing": missing_items(record),
            "can_download": access.can_download_complaint(staff, record),
        }
    committee = None
    if record.kind == Kind.REFERRAL and record.group_id:
        from casework.directory import default_directory

        found = default_directory().get(record.group_id)
        committee = found.name if found else record.group_id
    category = None
    if record.category:
        cat = lc.categories.get(record.category)
        category = cat.label if cat else record.category
    return {
        "title": record.ref,
        "record": record,
        "kind_label": lc.label,
        "state_label": lc.state_label(record.state),
        "closed": not lc.is_open(record.state),
        "overdue": is_overdue(record, now),
        "committee": committee,
        "category": category,
        "parties": _party_rows(record, staff.role, revealed),
        "has_contact": any(p.role == "plaintiff" and p.phone_enc for p in record.parties),
        "facts": fact_rows(record.facts),
        "similar": similar_cases(record.assessment),
        "assessment": assessment_rows(record.assessment, load_slot_tables()),
        "complaint": complaint,
        "actions": actions,
        "history": history(db, record),
        "deliveries": _deliveries(db, record),
    }


DELIVERY_LABELS = {
    "sent": "已送达微信",
    "pending": "等待发送",
    "sending": "发送中",
    "failed": "未送达",
    "unknown": "送达情况不明",
}


def _deliveries(db: Any, record: CaseRecord) -> dict[str, Any]:
    """How the WeChat notices about this record fared. WeChat only lets an account write to a person within
    48 hours of their last message, so a notice can fail for good: the clerk then has to phone the person."""
    if record.user_id.startswith(LOCAL_PREFIXES):  # no push: the notice waits for the person's next message
        rows = [
            {"at": n.at, "label": "已在对话中显示" if n.seen_at else "等待当事人打开对话",
             "status": "sent" if n.seen_at else "pending", "sent_at": n.seen_at, "error": None, "text": n.text}
            for n in record_notices(db, record.ref)
        ]
        return {"channel": "web", "rows": rows, "unreached": 0}
    rows = [
        {"at": d.created_at, "label": DELIVERY_LABELS.get(d.status, d.status), "status": d.status,
         "sent_at": d.sent_at, "error": d.last_error}
        for d in deliveries(db, f"notice:{record.ref}:")
    ]
    return {"channel": "wechat", "rows": rows, "unreached": sum(r["status"] in ("failed", "unknown") for r in rows)}


@router.get("/records/{record_id}", response_class=HTMLResponse)
def record_page(request: Request, record_id: int) -> Response:
    with unit_of_work(factory(request)) as db:
        ctx = _record_context(request, db, record_id, {})
    return render(request, "record.html", ctx)


@router.post("/records/{record_id}/act/{action}")
def act(request: Request, record_id: int, action: str, form: Annotated[FormData, Depends(checked_form)]) -> Response:
    values: dict[str, Any] = {}
    for key in form:
        items = form.getlist(key)
        values[key] = [str(i) for i in items] if len(items) > 1 or key == "items" else str(items[0])
    expected = str(form.get("expected_state") or "") or None
    settings = app_settings(request)
    try:
        with unit_of_work(factory(request)) as db:
            staff = current_staff(request, db)
            event = transition(
                db, staff, record_id, action, notifier(request), form=values, settings=settings, expected_state=expected
            )
            label = lifecycle(event.kind).transitions[action].label
            ref = db.get(CaseRecord, record_id).ref  # type: ignore[union-attr]
    except TransitionInputError as exc:
        # an incomplete form: show the record again with what was typed and what is missing (nothing is lost)
        with unit_of_work(factory(request)) as db:
            ctx = _record_context(request, db, record_id, {})
        ctx["form_error"] = {"action": action, "message": exc.user_message, "typed": values}
        return render(request, "record.html", ctx, status=exc.status)
    flash(request, f"{ref}：已办理“{label}”。")
    return RedirectResponse(f"/workbench/records/{record_id}", status_code=303)


@router.post("/records/{record_id}/reveal", response_class=HTMLResponse)
def reveal(request: Request, record_id: int, form: Annotated[FormData, Depends(checked_form)]) -> Response:
    party = str(form.get("party") or "")
    field = str(form.get("field") or "")
    settings = app_settings(request)
    with unit_of_work(factory(request)) as db:
        staff = current_staff(request, db)
        value = reveal_pii(db, staff, record_id, party, field, settings=settings)
        ctx = _record_context(request, db, record_id, {(party, field): value})
    response = render(request, "record.html", ctx)
    response.headers["Cache-Control"] = "no-store"
    return response


PDF = "application/pdf"
FORMATS = {"docx": DOCX, "pdf": PDF}


def _complaint_response(record: CaseRecord, court: str, cipher: PiiCipher, fmt: str) -> Response:
    """The complaint of ``record`` as a DOCX or PDF download (clear ID and phone: the caller may see them)."""
    draft = build_draft(record, court, cipher)
    data = render_docx(draft, date.today()) if fmt == "docx" else render_pdf(draft, date.today())
    name = f"起诉状-{record.ref}.{fmt}"
    return Response(
        data,
        media_type=FORMATS[fmt],
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"complaint-{record.ref}.{fmt}\"; filename*=UTF-8''{quote(name)}"
            ),
            "Cache-Control": "no-store",
        },
    )


def _staff_download(request: Request, record_id: int, fmt: str) -> Response:
    settings = app_settings(request)
    with unit_of_work(factory(request)) as db:
        staff = current_staff(request, db)
        record = get_record(db, staff, record_id)
        if not access.can_download_complaint(staff, record):
            raise PermissionDenied(f"{staff.role} may not download complaints", "只有立案庭可以下载起诉状。")
        # the document holds clear ID and phone numbers
        audit(db, staff.actor, "complaint.download", record.ref, format=fmt)
        response = _complaint_response(record, court_name(request), PiiCipher(settings.pii_key), fmt)
    return response


@router.get("/records/{record_id}/complaint.docx")
def complaint_download(request: Request, record_id: int) -> Response:
    return _staff_download(request, record_id, "docx")


@router.get("/records/{record_id}/complaint.pdf")
def complaint_download_pdf(request: Request, record_id: int) -> Response:
    return _staff_download(request, record_id, "pdf")


def _person_download(request: Request, token: str, fmt: str) -> Response:
    settings = app_settings(request)
    with unit_of_work(factory(request)) as db:
        record = open_download(db, settings.session_secret, token)
        audit(db, f"{record.channel}:{record.user_id}", "complaint.download", record.ref, format=fmt)
        response = _complaint_response(record, court_name(request), PiiCipher(settings.pii_key), fmt)
    return response


@router.get("/c/{token}")
def person_download(request: Request, token: str) -> Response:
    """The person's own complaint draft, through the link sent in the chat (no login; casework.links checks the
    signature, the record's own key and that the record is not withdrawn)."""
    return _person_download(request, token, "docx")


@router.get("/c/{token}" + PDF_SUFFIX)
def person_download_pdf(request: Request, token: str) -> Response:
    """The same complaint as a PDF (same link, same checks): it opens on any phone without an office suite."""
    return _person_download(request, token, "pdf")


@router.get("/notifications", response_class=HTMLResponse)
def notifications_page(request: Request) -> Response:
    with unit_of_work(factory(request)) as db:
        staff = current_staff(request, db)
        rows = [{"at": n.at, "text": n.text} for n in notifications_for(db, staff)]
    return render(request, "notifications.html", {"title": "通知", "rows": rows})
