"""Read-side queries for the workbench: queues with filters, history labels, staff notifications, audit log.

Every query over records goes through :func:`casework.access.scope`, so a role never lists what it may not see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from casework import access
from casework.machine import Kind, lifecycle
from casework.models import CaseEvent, CaseRecord, Notification, StaffUser
from casework.workflow import field_display
from core.audit import AuditEvent

PAGE_SIZE = 50
STATUS_OPEN = "open"
STATUS_CLOSED = "closed"
STATUS_ALL = "all"


@dataclass(frozen=True, slots=True)
class QueueFilter:
    kind: str | None = None
    status: str = STATUS_OPEN  # open | closed | all | a state name
    cause: str | None = None
    overdue: bool = False
    q: str | None = None
    page: int = 1


def queue(session: Session, staff: StaffUser, flt: QueueFilter, now: datetime) -> tuple[list[CaseRecord], int]:
    """One page of the records ``staff`` may see, filtered; overdue and soonest-due first. Returns (rows, total)."""
    stmt = access.scope(select(CaseRecord), staff)
    if flt.kind:
        stmt = stmt.where(CaseRecord.kind == flt.kind)
    if flt.status == STATUS_OPEN:
        stmt = stmt.where(CaseRecord.closed_at.is_(None))
    elif flt.status == STATUS_CLOSED:
        stmt = stmt.where(CaseRecord.closed_at.is_not(None))
    elif flt.status != STATUS_ALL:
        stmt = stmt.where(CaseRecord.state == flt.status)
    if flt.cause:
        stmt = stmt.where(CaseRecord.cause == flt.cause)
    if flt.overdue:
        stmt = stmt.where(CaseRecord.due_at < now, CaseRecord.closed_at.is_(None))
    if flt.q:
        needle = flt.q.strip()
        like = f"%{needle.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(or_(CaseRecord.ref == needle.upper(), CaseRecord.summary.like(like)))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page = max(flt.page, 1)
    rows = session.scalars(
        stmt.order_by(
            CaseRecord.closed_at.is_not(None),
            CaseRecord.due_at.is_(None),
            CaseRecord.due_at,
            CaseRecord.created_at.desc(),
        )
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return list(rows), total


def causes_seen(session: Session, staff: StaffUser) -> list[str]:
    stmt = access.scope(select(CaseRecord), staff).where(CaseRecord.cause.is_not(None))
    sub = stmt.subquery()
    return sorted(c for c in session.scalars(select(sub.c.cause).distinct()) if c)


@dataclass(frozen=True, slots=True)
class HistoryLine:
    at: datetime
    who: str
    what: str
    from_label: str
    to_label: str
    details: list[tuple[str, str]]


def actor_label(actor: str, names: dict[str, str]) -> str:
    if actor in names:
        return names[actor]
    channel = actor.split(":", 1)[0]
    return {"wechat": "当事人（微信）", "web": "当事人（网页）", "cli": "当事人（命令行）", "system": "系统"}.get(
        channel, actor
    )


def staff_names(session: Session) -> dict[str, str]:
    return {f"staff:{s.id}": f"{s.name}（{s.username}）" for s in session.scalars(select(StaffUser))}


def history(session: Session, record: CaseRecord) -> list[HistoryLine]:
    lc = lifecycle(record.kind)
    names = staff_names(session)
    lines = []
    events = session.scalars(
        select(CaseEvent).where(CaseEvent.record_id == record.id).order_by(CaseEvent.at, CaseEvent.id)
    )
    for e in events:
        t = lc.transitions.get(e.action)
        details: list[tuple[str, str]] = []
        if t is not None:
            for name, value in (e.data or {}).items():
                spec = t.fields.get(name)
                if spec is not None and value not in ("", [], None):
                    details.append((spec.label, field_display(spec, value)))
        lines.append(
            HistoryLine(
                at=e.at,
                who=actor_label(e.actor, names),
                what=t.label if t else ("创建" if e.action == "create" else e.action),
                from_label=lc.state_label(e.from_state) if e.from_state else "",
                to_label=lc.state_label(e.to_state),
                details=details,
            )
        )
    return lines


def notifications_for(session: Session, staff: StaffUser, limit: int = 100) -> list[Notification]:
    """Staff notifications addressed to this staff member's role (and committee, for mediators)."""
    stmt = select(Notification).where(Notification.audience == "staff", Notification.role == staff.role)
    if staff.role == "mediator":
        stmt = stmt.where(Notification.group_id == staff.group_id)
    return list(session.scalars(stmt.order_by(Notification.at.desc(), Notification.id.desc()).limit(limit)))


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    subject: str | None = None
    page: int = 1


def audit_log(session: Session, flt: AuditFilter) -> tuple[list[AuditEvent], int]:
    stmt = select(AuditEvent)
    if flt.actor:
        stmt = stmt.where(AuditEvent.actor == flt.actor.strip())
    if flt.action:
        stmt = stmt.where(AuditEvent.action.like(f"{flt.action.strip().replace('%', '')}%"))
    if flt.subject:
        stmt = stmt.where(AuditEvent.subject == flt.subject.strip().upper())
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page = max(flt.page, 1)
    rows = session.scalars(
        stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    )
    return list(rows), total


def state_choices(kinds: list[str]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for k in kinds:
        for s, spec in lifecycle(Kind(k)).states.items():
            seen.setdefault(s, spec.label)
    return list(seen.items())
