"""Hand-offs from the chat, and the person's side of their records.

The dialog engine calls, inside its own transaction (dialog state + processed-message row + record commit
together):

- :func:`create_handoff` — a mediation referral, a filing hand-off or a 12368 ticket from one chat message.
  Idempotent by the UNIQUE ``dedupe_key`` column (the one dedupe check: the insert fails on it and the
  existing record is returned): a WeChat retry, a double tap or two workers handling the same message get the
  same record back (``RecordRef.created`` is False for them). One input shape, :class:`HandoffRequest`, and
  one output shape, :class:`RecordRef`; the conversation builds the first and renders the second. Raises
  :class:`HandoffError` subclasses: :class:`ConsentRequired`, :class:`IncompleteHandoff`,
  :class:`RefilingForbidden`; building an :class:`Applicant`/:class:`Party` with a bad ID or phone raises
  :class:`ValidationError`.
- :func:`records_for_user` — "查询进度" (the chat renders the records' lines itself).
- :func:`person_action` — what the person may do from the chat (report corrections made, withdraw).

Staff-side functions (:func:`transition`, :func:`reveal_pii`) are used by the workbench.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import access
from casework.directory import Directory, default_directory
from casework.errors import (
    ConfigError,
    ConsentRequired,
    HandoffError,
    IncompleteHandoff,
    PermissionDenied,
    RecordNotFound,
    RefilingForbidden,
    TransitionRefused,
)
from casework.links import download_path
from casework.machine import Kind, lifecycle
from casework.models import CaseEvent, CaseRecord, DisputeKey, StaffUser
from casework.notify import FanoutNotifier, Notifier, RecordingNotifier, person_notices, take_unseen
from casework.parties import Applicant, EvidenceItem, Party, dispute_keys, to_row
from casework.pleading import addressee
from casework.records import RecordRef, find_by_ref, insert_record, to_ref
from casework.workflow import Actor, apply_transition, render, text_context
from core.audit import audit
from core.db import utcnow
from core.pii import PiiCipher
from core.settings import Settings, get_settings

__all__ = [
    "Applicant",
    "EvidenceItem",
    "FanoutNotifier",
    "HandoffRequest",
    "Notifier",
    "Party",
    "RecordRef",
    "RecordingNotifier",
    "create_handoff",
    "person_action",
    "records_for_user",
    "reveal_pii",
    "transition",
    "unseen_notices",
]


class HandoffRequest(BaseModel):
    """One hand-off from the chat. ``dedupe_key`` must be unique per creating message (e.g. the MsgId)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["referral", "filing", "ticket"]
    user_id: str = Field(min_length=1, max_length=128)  # openid / web session id
    channel: str = Field(min_length=1, max_length=16)  # "wechat" | "web" | "cli"
    dedupe_key: str = Field(min_length=1, max_length=200)
    cause: str | None = None
    summary: str = Field(max_length=20000)  # the chat summary shown to staff
    facts: dict[str, Any] = Field(default_factory=dict)  # intake data
    assessment: dict[str, Any] | None = None  # the /api/assess JSON the person saw (incl. similar_cases)
    consent: bool = False  # the person's consent (a mediation referral needs it)
    applicant: Applicant | None = None
    defendant: Party | None = None
    co_defendants: list[Party] = Field(default_factory=list)  # filings: the further defendants, in order
    area: str | None = None  # street/township, for assigning a mediation committee
    claims: list[str] = Field(default_factory=list)  # 诉讼请求, for the complaint draft
    facts_and_reasons: str | None = None  # 事实与理由; default: the summary
    evidence: list[EvidenceItem] = Field(default_factory=list)  # 证据和证据来源
    category: str | None = None  # tickets: a category key of the ticket lifecycle (default "consult")


def _cipher(settings: Settings) -> PiiCipher:
    try:
        return PiiCipher(settings.pii_key)
    except ValueError as exc:
        raise ConfigError("PII_KEY is not a valid Fernet key (urlsafe base64 of 32 bytes)") from exc


def _check_request(req: HandoffRequest) -> None:
    if req.kind == "referral" and not req.consent:
        raise ConsentRequired("referral without consent")
    if req.kind == "filing":
        missing = []
        if req.applicant is None:
            missing.append("您（原告）的姓名")
        if req.defendant is None:
            missing.append("对方（被告）的姓名或名称")
        if missing:
            raise IncompleteHandoff(f"filing without parties: {missing}", missing)
    if req.kind == "ticket" and req.category is not None:
        categories = lifecycle(Kind.TICKET).categories
        if req.category not in categories:
            raise HandoffError(f"unknown ticket category {req.category!r}")
    if not req.summary.strip():
        raise IncompleteHandoff("empty summary", ["您遇到的问题的简要说明"])


def _check_refiling(session: Session, keys: set[str], req: HandoffRequest) -> None:
    """Refuse a filing of a dispute that people's mediation closed and that was performed."""
    if not keys:
        return
    closed = session.scalars(
        select(CaseRecord)
        .join(DisputeKey, DisputeKey.record_id == CaseRecord.id)
        .where(
            DisputeKey.key.in_(sorted(keys)), CaseRecord.kind == Kind.REFERRAL.value, CaseRecord.state == "performed"
        )
        .order_by(CaseRecord.id)
    ).first()
    if closed is not None:
        other = req.defendant.name if req.defendant else "对方"
        raise RefilingForbidden(
            f"refiling of a dispute closed and performed under referral {closed.ref}",
            f"您与{other}之间的这起{req.cause or '纠纷'}已经人民调解达成协议并履行完毕（编号{closed.ref}），"
            "不能作为新案件再次转交立案。如您认为协议内容有问题或另有新的纠纷，请回复“转人工”或拨打12368咨询。",
            closed.ref,
        )


def create_handoff(
    session: Session,
    req: HandoffRequest,
    notifier: Notifier,
    *,
    settings: Settings | None = None,
    now: datetime | None = None,
    directory: Directory | None = None,
) -> RecordRef:
    """Create (or, for a repeated ``dedupe_key``, return) the record for one hand-off, in ``session``'s
    transaction (the caller commits). Notifies the staff queue of new work; ``RecordRef.message`` is the reply
    for the chat.

    A refusal (:class:`HandoffError`) is raised before anything is written, so the caller's transaction stays
    clean without a savepoint of its own; the one savepoint is :func:`insert_record`'s. The dedupe check is the
    UNIQUE ``dedupe_key`` (a duplicate's insert fails there and the existing record comes back); the checks
    below are cheap and deterministic, so a retry passes them again just as the first message did."""
    settings = settings or get_settings()
    now = now or utcnow()
    kind = Kind(req.kind)
    cipher = _cipher(settings)

    _check_request(req)
    plaintiff = to_row("plaintiff", req.applicant, cipher, now.date()) if req.applicant else None
    defendant = to_row("defendant", req.defendant, cipher, now.date()) if req.defendant else None
    others = [to_row("defendant", p, cipher, now.date()) for p in req.co_defendants] if defendant else []
    if kind == Kind.FILING:
        keys = dispute_keys(
            settings.pii_key,
            cause=req.cause,
            user_id=req.user_id,
            plaintiff=plaintiff,
            defendant=defendant,
            cipher=cipher,
        )
        _check_refiling(session, keys, req)

    group_id = None
    event_data: dict[str, Any] = {"consent": req.consent}
    if kind == Kind.REFERRAL:
        committee = (directory or default_directory()).assign(req.cause, req.area)
        group_id = committee.id
        event_data["committee"] = committee.id
    new = CaseRecord(
        kind=kind.value,
        user_id=req.user_id,
        channel=req.channel,
        dedupe_key=req.dedupe_key,
        summary=req.summary,
        cause=req.cause,
        category=(req.category or "consult") if kind == Kind.TICKET else None,
        facts=dict(req.facts),
        assessment=req.assessment,
        claims=list(req.claims),
        evidence=[e.model_dump() for e in req.evidence],
        facts_and_reasons=req.facts_and_reasons or req.summary,
        consent=req.consent,
        area=req.area,
        group_id=group_id,
        parties=[p for p in (plaintiff, defendant, *others) if p is not None],
    )
    actor = f"{req.channel}:{req.user_id}"
    record, created = insert_record(
        session, new, actor=actor, now=now, cipher=cipher, hash_secret=settings.pii_key, event_data=event_data
    )
    if created:
        lc = lifecycle(kind)
        group = record.group_id if kind == Kind.REFERRAL else None
        notifier.notify_staff(
            session,
            lc.staff_role,
            group,
            render(lc.on_create.staff, text_context(record, lc)),
            f"{record.ref}:create:staff",
        )
    return _ref_for_person(record, settings, now, created=created)


NOTICES_SHOWN = 5  # 查询进度 shows each record's latest notices, up to this many


def _ref_for_person(
    record: CaseRecord, settings: Settings, now: datetime, *, created: bool, notices: list[str] | None = None
) -> RecordRef:
    lc = lifecycle(record.kind)
    message = render(lc.on_create.reply, text_context(record, lc)) if created else None
    path = download_path(settings.session_secret, record)
    to = addressee(record.assessment, "") if record.kind == Kind.FILING else None
    file_at = to.court if to is not None and to.elsewhere else None
    return to_ref(
        record, now=now, message=message, created=created, download_path=path, notices=notices, file_at=file_at
    )


def records_for_user(
    session: Session, user_id: str, *, settings: Settings | None = None, now: datetime | None = None
) -> list[RecordRef]:
    """The person's records, newest first, each with a one-line status and the full text of the latest notices
    staff sent about it (for "查询进度": the correction items, the ticket's answer, the case number)."""
    settings = settings or get_settings()
    now = now or utcnow()
    rows = session.scalars(
        select(CaseRecord)
        .where(CaseRecord.user_id == user_id)
        .order_by(CaseRecord.created_at.desc(), CaseRecord.id.desc())
    )
    notices = person_notices(session, user_id)
    return [
        _ref_for_person(
            r, settings, now, created=False, notices=[n.text for n in notices.get(r.ref, [])][-NOTICES_SHOWN:]
        )
        for r in rows
    ]


def unseen_notices(session: Session, user_id: str, *, now: datetime | None = None) -> list[str]:
    """The notices staff sent the person that their chat has not shown yet, oldest first; marked seen in the
    caller's transaction (the chat page and the CLI have no push: they show these on the person's next message)."""
    return [n.text for n in take_unseen(session, user_id, now=now)]


def person_action(
    session: Session,
    user_id: str,
    ref: str,
    action: Literal["resubmit", "withdraw"],
    notifier: Notifier,
    *,
    channel: str = "wechat",
    reason: str | None = None,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> RecordRef:
    """The person reports corrections made ("已补正 LA-…") or withdraws, from the chat. Only their own records;
    only actions the lifecycle opens to "person". Raises RecordNotFound / TransitionRefused with Chinese text."""
    settings = settings or get_settings()
    now = now or utcnow()
    record = find_by_ref(session, ref)
    if record is None or record.user_id != user_id:
        raise RecordNotFound(f"no record {ref!r} for this user", f"没有找到您名下编号为{ref}的记录，请核对编号。")
    form = {"reason": reason or "当事人在对话中申请撤回"} if action == "withdraw" else {}
    try:
        apply_transition(
            session,
            record,
            action,
            Actor.of_person(channel, user_id),
            notifier,
            form=form,
            cipher=_cipher(settings),
            hash_secret=settings.pii_key,
            now=now,
        )
    except PermissionDenied as exc:
        raise TransitionRefused(str(exc), f"{record.ref} 不能由您在对话中办理这项操作，请回复“转人工”。") from exc
    return _ref_for_person(record, settings, now, created=False)


def get_record(session: Session, staff: StaffUser, record_id: int) -> CaseRecord:
    record = session.get(CaseRecord, record_id)
    if record is None:
        raise RecordNotFound(f"no record {record_id}")
    access.require_view(staff, record)
    return record


def transition(
    session: Session,
    staff: StaffUser,
    record_id: int,
    action: str,
    notifier: Notifier,
    *,
    form: Mapping[str, Any] | None = None,
    settings: Settings,
    expected_state: str | None = None,
    now: datetime | None = None,
) -> CaseEvent:
    """A staff member applies ``action`` to a record (the workbench's action buttons)."""
    record = get_record(session, staff, record_id)
    return apply_transition(
        session,
        record,
        action,
        Actor.of_staff(staff),
        notifier,
        form=form,
        cipher=_cipher(settings),
        hash_secret=settings.pii_key,
        now=now,
        expected_state=expected_state,
    )


def reveal_pii(
    session: Session, staff: StaffUser, record_id: int, party_role: str, field: str, *, settings: Settings
) -> str:
    """The clear ID or phone number of one party, for a role that needs it; every call is audited."""
    record = get_record(session, staff, record_id)
    if field not in ("id_number", "phone") or not access.can_reveal(staff, record, field):
        raise PermissionDenied(f"staff {staff.id} may not reveal {field} on {record.ref}")
    party = record.party(party_role)
    token = None if party is None else (party.id_enc if field == "id_number" else party.phone_enc)
    if party is None or token is None:
        raise RecordNotFound(f"{record.ref}: no {field} for {party_role}", "该当事人没有登记这项信息。")
    audit(session, staff.actor, "pii.reveal", record.ref, party=party_role, field=field)
    return _cipher(settings).decrypt(token)
