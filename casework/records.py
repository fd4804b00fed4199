"""Creating a record (idempotently), and the read-only summary of one (``RecordRef``).

:func:`insert_record` is the one place rows are created, used by a chat hand-off
(:func:`casework.service.create_handoff`) and by a failed referral the person agreed to turn into a filing
(:func:`casework.workflow.transfer_to_filing`). The caller builds the ``CaseRecord`` (its content and parties);
this module gives it its reference number, initial state and due time, masks its free text, and adds its
dispute keys, its "create" event and its audit row — all in one savepoint. The dedupe check is the UNIQUE
``case_records.dedupe_key`` itself: a duplicate (a retried message, a racing worker) fails the insert, the
savepoint rolls all of it back, and the record that won is returned. There is no read-before-insert.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casework.links import new_download_key
from casework.machine import Kind, lifecycle
from casework.models import CaseEvent, CaseRecord, DisputeKey
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
    notices: list[str] = []  # 查询进度: the notices sent to the person about it, oldest first (the latest few)
    file_at: str | None = None  # filings: the competent court, when the assessment found it is not this one


def mask_deep(value: Any) -> Any:
    """Mask ID and phone numbers in every string inside a JSON-like value."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {str(k): mask_deep(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_deep(v) for v in value]
    return value


def find_by_ref(session: Session, ref: str) -> CaseRecord | None:
    return session.scalar(select(CaseRecord).where(CaseRecord.ref == ref.strip().upper()))


def insert_record(
    session: Session,
    record: CaseRecord,
    *,
    actor: str,
    now: datetime,
    cipher: PiiCipher,
    hash_secret: str,
    event_data: dict[str, Any],
) -> tuple[CaseRecord, bool]:
    """Insert the new ``record`` (kind, user, channel, dedupe key, content and parties set by the caller).
    Returns ``(record, True)``, or ``(the existing record, False)`` when its dedupe key is taken."""
    lc = lifecycle(record.kind)
    initial = lc.state(lc.initial)
    record.state = lc.initial
    record.due_at = now + initial.due if initial.due else None
    record.created_at = record.updated_at = now
    record.summary = mask_text(record.summary or "")
    record.facts = mask_deep(record.facts or {})
    record.assessment = mask_deep(record.assessment) if record.assessment is not None else None
    record.claims = [mask_text(c) for c in record.claims or []]
    record.evidence = mask_deep(record.evidence or [])
    record.facts_and_reasons = mask_text(record.facts_and_reasons or "")
    if record.kind == Kind.FILING and not record.download_key:
        record.download_key = new_download_key()
    dedupe_key = record.dedupe_key
    try:
        with session.begin_nested():
            record.ref = next_ref(session, lc.prefix, now)
            session.add(record)
            session.flush()  # the UNIQUE dedupe_key decides here
            plaintiff = record.party("plaintiff")
            keys = dispute_keys(
                hash_secret,
                cause=record.cause,
                user_id=record.user_id,
                plaintiff=plaintiff,
                defendant=record.party("defendant"),
                cipher=cipher,
            )
            session.add_all(DisputeKey(record_id=record.id, key=key) for key in sorted(keys))
            data = {
                "channel": record.channel,
                "has_id": bool(plaintiff and plaintiff.id_enc),
                "has_phone": bool(plaintiff and plaintiff.phone_enc),
                **event_data,
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
        winner = session.scalar(select(CaseRecord).where(CaseRecord.dedupe_key == dedupe_key))
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
    notices: list[str] | None = None,
    file_at: str | None = None,
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
        notices=notices or [],
        file_at=file_at,
    )
