"""Moving a record through its lifecycle: checks, form values, due times, history, audit, notifications.

:func:`available` lists what an actor may do now (the workbench shows exactly these buttons);
:func:`apply_transition` does one of them or raises:

- :class:`PermissionDenied` (403): the actor may not see the record, or the action is not for their role;
- :class:`TransitionRefused` (409): not allowed from the current state, a guard fails, or the record changed
  since the page was shown (``expected_state``) or under our feet (optimistic lock);
- :class:`TransitionInputError` (422): the action's form is incomplete.

Every applied transition writes a ``case_events`` row (the dashboard's only source), an audit row, and the
notifications the lifecycle names (to the person; to staff for new work).
"""

from __future__ import annotations

import logging
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

import prompts
from casework import access
from casework.directory import default_directory
from casework.errors import PermissionDenied, TransitionInputError, TransitionRefused
from casework.machine import FieldSpec, Kind, Lifecycle, TransitionSpec, lifecycle
from casework.models import CaseEvent, CaseRecord, StaffUser
from casework.notify import Notifier
from casework.parties import copy_row
from casework.records import insert_record
from casework.timeutil import fmt_date
from core.audit import audit
from core.db import utcnow
from core.pii import PiiCipher, mask_text

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a staff member (with role and group) or the person through the chat."""

    label: str  # audit actor: staff:<id> / <channel>:<user id>
    role: str  # a staff role, or "person"
    staff: StaffUser | None = None
    user_id: str | None = None

    @staticmethod
    def of_staff(user: StaffUser) -> Actor:
        return Actor(label=user.actor, role=user.role, staff=user)

    @staticmethod
    def of_person(channel: str, user_id: str) -> Actor:
        return Actor(label=f"{channel}:{user_id}", role="person", user_id=user_id)


def _guard_ok(t: TransitionSpec, record: CaseRecord, now: datetime) -> bool:
    if t.guard is None:
        return True
    if t.guard == "overdue":
        return record.due_at is not None and record.due_at < now
    if t.guard == "correction_unused":
        return record.correction_count == 0
    if t.guard == "unsatisfied":
        return record.satisfied is False
    raise TransitionRefused(f"unknown guard {t.guard}")  # pragma: no cover - machine.py refuses unknown guards


def _guard_message(t: TransitionSpec, record: CaseRecord) -> str:
    if t.guard == "overdue":
        return f"尚未超过办理期限（{fmt_date(record.due_at)}），不能“{t.label}”。"
    if t.guard == "correction_unused":
        return (
            "已经一次性告知过补正事项（《最高人民法院关于人民法院登记立案若干问题的规定》第七条），"
            "不能再次要求补正；请登记立案或裁定不予受理。"
        )
    if t.guard == "unsatisfied":
        return "回访评价不是“不满意”，不需要重新交办。"
    return "当前不满足办理条件。"


def _may_act(actor: Actor, record: CaseRecord) -> bool:
    if actor.role == "person":
        return actor.user_id == record.user_id
    return actor.staff is not None and access.can_view(actor.staff, record)


def available(record: CaseRecord, actor: Actor, now: datetime | None = None) -> list[TransitionSpec]:
    """The transitions ``actor`` may apply to ``record`` right now (state, role, guard all checked)."""
    now = now or utcnow()
    if not _may_act(actor, record):
        return []
    lc = lifecycle(record.kind)
    return [t for t in lc.available(record.state) if actor.role in t.roles and _guard_ok(t, record, now)]


def _check(record: CaseRecord, action: str, actor: Actor, now: datetime) -> TransitionSpec:
    lc = lifecycle(record.kind)
    t = lc.transitions.get(action)
    if not _may_act(actor, record):
        raise PermissionDenied(f"{actor.label} may not act on {record.ref}")
    if t is None:
        raise TransitionRefused(f"{record.kind} has no action {action!r}", f"没有“{action}”这项操作。")
    if actor.role not in t.roles:
        raise PermissionDenied(
            f"{actor.label} ({actor.role}) may not {action} {record.ref}", f"您的岗位不能办理“{t.label}”。"
        )
    if record.state not in t.from_:
        allowed = "、".join(lc.state_label(s) for s in t.from_)
        raise TransitionRefused(
            f"{action} not allowed from {record.state} ({record.ref})",
            f"“{t.label}”只能在“{allowed}”状态下办理，{record.ref} 当前为“{lc.state_label(record.state)}”。",
        )
    if not _guard_ok(t, record, now):
        raise TransitionRefused(f"guard {t.guard} refused {action} on {record.ref}", _guard_message(t, record))
    return t


def _truthy(v: Any) -> bool:
    return v is True or (isinstance(v, str) and v.strip().lower() in ("on", "1", "true", "yes", "是"))


def parse_fields(t: TransitionSpec, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a transition's form against its field specs. Free text is masked (ID/phone numbers)."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name, spec in t.fields.items():
        v = raw.get(name)
        value: Any
        if spec.type == "checkbox":
            value = _truthy(v)
        elif spec.type == "checklist":
            items = v if isinstance(v, list | tuple) else ([] if v is None else [v])
            lines = [line.strip() for item in items for line in str(item).splitlines()]
            value = [mask_text(line[: spec.max_chars]) for line in lines if line]
            value = list(dict.fromkeys(value))
        else:
            text = (v if isinstance(v, str) else "" if v is None else str(v)).strip()
            if spec.type == "choice" and text and text not in spec.options:
                problems.append(f"“{spec.label}”的选项无效")
                continue
            if len(text) > spec.max_chars:
                problems.append(f"“{spec.label}”不能超过{spec.max_chars}字")
                continue
            value = mask_text(text)
        if spec.required and not value:
            problems.append(f"请填写“{spec.label}”")
            continue
        values[name] = value
    if problems:
        raise TransitionInputError(f"{t.name}: form problems: {problems}", "；".join(problems) + "。")
    return values


def field_display(spec: FieldSpec, value: Any) -> str:
    if spec.type == "checkbox":
        return "是" if value else "否"
    if spec.type == "choice":
        return spec.options.get(str(value), str(value))
    if spec.type == "checklist":
        return "；".join(f"{i}. {v}" for i, v in enumerate(value, 1))
    return str(value)


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def text_context(record: CaseRecord, lc: Lifecycle, values: Mapping[str, Any] | None = None) -> dict[str, str]:
    values = values or {}
    committee = ""
    if record.kind == Kind.REFERRAL and record.group_id:
        c = default_directory().get(record.group_id)
        committee = c.name if c else record.group_id
    category = ""
    if record.category:
        spec = lc.categories.get(record.category)
        category = spec.label if spec else record.category
    items = values.get("items") or []
    return _Blank(
        ref=record.ref,
        kind=lc.label,
        state=lc.state_label(record.state),
        cause=record.cause or "案由未确定",
        committee=committee,
        category=category,
        reason=str(values.get("reason", "")),
        items="；".join(f"{i}. {v}" for i, v in enumerate(items, 1)),
        due=fmt_date(record.due_at),
        department=str(values.get("department", record.group_id or "")),
        answer=str(values.get("answer", "")),
        parent=str(values.get("parent", "")),
        reach=reach(record, lc),
        case_number=prompts.load("notice_case_number", case_number=values["case_number"])
        if values.get("case_number")
        else "",
    )


def reach(record: CaseRecord, lc: Lifecycle) -> str:
    """How the person will hear about ``record``: a call only when they left a number (shown masked), and always
    the channel's own way (WeChat messages, or this chat on their next message and 查询进度)."""
    lines = []
    applicant = record.party("plaintiff")
    if applicant is not None and applicant.phone_masked:
        lines.append(prompts.load("notice_reach_phone", who=lc.contact_role, phone=applicant.phone_masked))
    lines.append(prompts.load("notice_reach_wechat" if record.channel == "wechat" else "notice_reach_chat"))
    return "".join(lines)


_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")


def render(template: str, ctx: Mapping[str, str]) -> str:
    """Fill a lifecycle text (``string.Template``: ``${ref}``); drop the spaces YAML folding leaves between two
    Chinese characters."""
    return _CJK_GAP.sub("", string.Template(template).substitute(ctx).strip())


def staff_group(record: CaseRecord) -> str | None:
    """The staff group to notify about new work on ``record`` (mediators: the committee)."""
    return record.group_id if record.kind == Kind.REFERRAL else None


def apply_transition(
    session: Session,
    record: CaseRecord,
    action: str,
    actor: Actor,
    notifier: Notifier,
    *,
    form: Mapping[str, Any] | None = None,
    cipher: PiiCipher,
    hash_secret: str,
    now: datetime | None = None,
    expected_state: str | None = None,
) -> CaseEvent:
    """Apply ``action`` to ``record`` in ``session`` (the caller commits). Returns the event written."""
    now = now or utcnow()
    if expected_state is not None and expected_state != record.state:
        lc0 = lifecycle(record.kind)
        raise TransitionRefused(
            f"{record.ref} changed from {expected_state} to {record.state}",
            f"{record.ref} 的状态已变为“{lc0.state_label(record.state)}”，请刷新页面后再办理。",
        )
    t = _check(record, action, actor, now)
    values = parse_fields(t, form or {})
    lc = lifecycle(record.kind)
    from_state, due_before = record.state, record.due_at
    target = lc.state(t.to)

    record.state = t.to
    record.updated_at = now
    if target.terminal:
        record.due_at = None
        record.closed_at = now
    elif not target.due_keep:
        record.due_at = now + target.due if target.due else None
    if "department" in values:
        record.group_id = values["department"]
        record.assignee_label = values.get("assignee") or None
    if "satisfied" in values:
        record.satisfied = values["satisfied"] == "yes"
    if t.to == "correction_requested":
        record.correction_count += 1
    if action == "accept" and actor.staff is not None:
        record.assignee_id = actor.staff.id
    record.outcome = {**record.outcome, **values}

    event = CaseEvent(
        record_id=record.id,
        kind=record.kind,
        cause=record.cause,
        category=record.category,
        action=action,
        from_state=from_state,
        to_state=t.to,
        actor=actor.label,
        at=now,
        due_at=due_before,
        new_due_at=record.due_at,
        data=values,
    )
    session.add(event)
    audit(session, actor.label, f"{record.kind}.{action}", record.ref, from_state=from_state, to_state=t.to, **values)
    ref = record.ref  # read before the flush: after a failed flush the session refuses attribute loads
    try:
        session.flush()
    except StaleDataError as exc:
        raise TransitionRefused(
            f"{ref} was changed concurrently", f"{ref} 刚被其他人办理过，请刷新页面后再试。"
        ) from exc

    ctx = text_context(record, lc, values)
    if t.notify_person:
        notifier.notify_person(session, record.user_id, render(t.notify_person, ctx), f"{record.ref}:{event.id}:person")
    if t.notify_staff:
        notifier.notify_staff(
            session, lc.staff_role, staff_group(record), render(t.notify_staff, ctx), f"{record.ref}:{event.id}:staff"
        )
    if t.effect == "transfer_to_filing" and values.get("transfer"):
        transfer_to_filing(session, record, actor, notifier, cipher=cipher, hash_secret=hash_secret, now=now)
    log.info("%s %s: %s -> %s by %s", record.kind, record.ref, from_state, t.to, actor.label)
    return event


def transfer_to_filing(
    session: Session,
    referral: CaseRecord,
    actor: Actor,
    notifier: Notifier,
    *,
    cipher: PiiCipher,
    hash_secret: str,
    now: datetime,
) -> CaseRecord:
    """Turn a failed referral into a filing hand-off (the person consented; the mediator recorded it)."""
    new = CaseRecord(
        kind=Kind.FILING.value,
        user_id=referral.user_id,
        channel=referral.channel,
        dedupe_key=f"transfer:{referral.ref}",
        summary=referral.summary,
        cause=referral.cause,
        facts=dict(referral.facts),
        assessment=referral.assessment,
        claims=list(referral.claims),
        evidence=list(referral.evidence),
        facts_and_reasons=referral.facts_and_reasons,
        consent=True,
        area=referral.area,
        parent_id=referral.id,
        parties=[copy_row(p) for p in referral.parties],
    )
    filing, created = insert_record(
        session,
        new,
        actor=actor.label,
        now=now,
        cipher=cipher,
        hash_secret=hash_secret,
        event_data={"from_referral": referral.ref},
    )
    if created:
        flc = lifecycle(Kind.FILING)
        ctx = text_context(filing, flc, {"parent": referral.ref})
        notifier.notify_person(
            session,
            filing.user_id,
            render(flc.on_create.transferred or "", ctx) + render(flc.on_create.reply, ctx),
            f"{filing.ref}:create:person",
        )
        notifier.notify_staff(
            session, flc.staff_role, None, render(flc.on_create.staff, ctx), f"{filing.ref}:create:staff"
        )
    return filing
