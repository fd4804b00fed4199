"""Creating a record (idempotently), and the read-only summary of one (``RecordRef``).

:func:`insert_record` is the one place rows are created, used by a chat hand-off
(:func:`casework.service.create_handoff`) and by a failed referral the person agreed to turn into a filing. It
runs inside a savepoint: the reference number, the record, its parties, its dispute keys, its "create" event and
its audit row go in together, and a duplicate ``dedupe_key`` (UNIQUE in the database) rolls all of it back and
returns the record that won.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casework.machine import Kind, lifecycle
from casework.models import CaseEvent, CaseParty, CaseRecord, DisputeKey
from casework.parties import dispute_keys
from casework.refs import next_ref
from casework.timeutil import fmt_date
from core.audit import audit
from core.pii import PiiCipher, mask_text


class RecordRef(BaseModel):
    """What the chat needs to know about a record: its number, kind and state, and a line to show."""

    id: int
    ref: str
    kind: Kind
    kind_label: str
    state: str
    state_label: str
    closed: bool
    created_at: datetime
    due_at: datetime | None
    message: str  # on creation: the reply for the chat; otherwise a one-line status
    download_path: str | None = None  # filings: signed path of the complaint DOCX (prefix with the public URL)
    created: bool = False  # False when an existing record was returned (duplicate message)


def mask_deep(value: Any) -> Any:
    """Mask ID and phone numbers in every string inside a JSON-like value."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {str(k): mask_deep(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_deep(v) for v in value]
    return value


def find_by_dedupe(session: Session, dedupe_key: str) -> CaseRecord | None:
    return session.scalar(select(CaseRecord).where(CaseRecord.dedupe_key == dedupe_key))


def find_by_ref(session: Session, ref: str) -> CaseRecord | None:
    return session.scalar(select(CaseRecord).where(CaseRecord.ref == ref.strip().upper()))


@dataclass
class NewRecord:
    kind: Kind
    user_id: str
    channel: str
    dedupe_key: str
    summary: str
    cause: str | None = None
    category: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    assessment: dict[str, Any] | None = None
    claims: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    facts_and_reasons: str = ""
    consent: bool = False
    area: str | None = None
    group_id: str | None = None
    parent_id: int | None = None
    parties: list[CaseParty] = field(default_factory=list)
    event_data: dict[str, Any] = field(default_factory=dict)


def insert_record(
    session: Session, new: NewRecord, *, actor: str, now: datetime, cipher: PiiCipher, hash_secret: str
) -> tuple[CaseRecord, bool]:
    """Insert ``new`` unless its dedupe key exists. Returns ``(record, created)``."""
    existing = find_by_dedupe(session, new.dedupe_key)
    if existing is not None:
        return existing, False
    lc = lifecycle(new.kind)
    initial = lc.state(lc.initial)
    try:
        with session.begin_nested():
            record = CaseRecord(
                ref=next_ref(session, lc.prefix, now),
                kind=new.kind.value,
                state=lc.initial,
                user_id=new.user_id,
                channel=new.channel,
                dedupe_key=new.dedupe_key,
                cause=new.cause,
                category=new.category,
                summary=mask_text(new.summary),
                facts=mask_deep(new.facts),
                assessment=mask_deep(new.assessment) if new.assessment is not None else None,
                claims=[mask_text(c) for c in new.claims],
                evidence=mask_deep(new.evidence),
                facts_and_reasons=mask_text(new.facts_and_reasons),
                consent=new.consent,
                area=new.area,
                group_id=new.group_id,
                parent_id=new.parent_id,
                due_at=now + initial.due if initial.due else None,
                created_at=now,
                updated_at=now,
                parties=new.parties,
            )
            session.add(record)
            session.flush()
            plaintiff = record.party("plaintiff")
            for key in sorted(
                dispute_keys(
                    hash_secret,
                    cause=new.cause,
                    user_id=new.user_id,
                    plaintiff=plaintiff,
                    defendant=record.party("defendant"),
                    cipher=cipher,
                )
            ):
                session.add(DisputeKey(record_id=record.id, key=key))
            data = {
                "channel": new.channel,
                "has_id": bool(plaintiff and plaintiff.id_enc),
                "has_phone": bool(plaintiff and plaintiff.phone_enc),
                **new.event_data,
            }
            session.add(
                CaseEvent(
                    record_id=record.id,
                    kind=record.kind,
                    cause=record.cause,
                    category=record.category,
                    action="create",
                    from_state=None,
                    to_state=record.state,
                    actor=actor,
                    at=now,
                    due_at=None,
                    new_due_at=record.due_at,
                    data=data,
                )
            )
            audit(session, actor, f"{record.kind}.create", record.ref, state=record.state, **mask_deep(data))
            session.flush()
    except IntegrityError:
        winner = find_by_dedupe(session, new.dedupe_key)
        if winner is None:
            raise
        return winner, False
    return record, True


def status_line(record: CaseRecord, now: datetime) -> str:
    lc = lifecycle(record.kind)
    line = f"{record.ref} {lc.label}：{lc.state_label(record.state)}"
    if record.due_at and lc.is_open(record.state):
        line += f"（办理期限 {fmt_date(record.due_at)}"
        line += "，已逾期）" if record.due_at < now else "）"
    return line


def is_overdue(record: CaseRecord, now: datetime) -> bool:
    lc = lifecycle(record.kind)
    return record.due_at is not None and lc.is_open(record.state) and record.due_at < now


def to_ref(
    record: CaseRecord,
    *,
    now: datetime,
    message: str | None = None,
    created: bool = False,
    download_path: str | None = None,
) -> RecordRef:
    lc = lifecycle(record.kind)
    return RecordRef(
        id=record.id,
        ref=record.ref,
        kind=Kind(record.kind),
        kind_label=lc.label,
        state=record.state,
        state_label=lc.state_label(record.state),
        closed=not lc.is_open(record.state),
        created_at=record.created_at,
        due_at=record.due_at,
        message=message if message is not None else status_line(record, now),
        download_path=download_path,
        created=created,
    )
