"""Every transition of every lifecycle, allowed and refused, through the real workflow code."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from casework.errors import PermissionDenied, TransitionInputError, TransitionRefused
from casework.machine import Kind, TransitionSpec, default_lifecycles, lifecycle
from casework.models import CaseEvent, CaseRecord, Notification
from casework.service import transition
from casework.workflow import Actor, available

NOW_OFFSET = timedelta(hours=1)


def _form(t: TransitionSpec) -> dict[str, Any]:
    """A complete, valid form for ``t``."""
    form: dict[str, Any] = {}
    for name, spec in t.fields.items():
        if spec.type == "choice":
            form[name] = next(iter(spec.options))
        elif spec.type == "checkbox":
            form[name] = ""
        elif spec.type == "checklist":
            form[name] = ["原告身份证明复印件", "被告住址不明确"]
        else:
            form[name] = f"{spec.label}：测试内容"
    return form


ROLE_FOR = {"referral": "mediator", "filing": "clerk", "ticket": "operator"}
CASES = [
    (kind.value, name, src)
    for kind, lc in default_lifecycles().items()
    for name, t in lc.transitions.items()
    for src in lc.states
]


def _prepare(record: CaseRecord, t: TransitionSpec, now: Any) -> None:
    """Satisfy the transition's guard, so the test isolates the state check."""
    if t.guard == "overdue":
        record.due_at = now - timedelta(days=1)
    if t.guard == "unsatisfied":
        record.satisfied = False


@pytest.mark.parametrize(("kind", "action", "src"), CASES, ids=[f"{k}-{a}-from-{s}" for k, a, s in CASES])
def test_each_transition_from_each_state(make, session, staff, notifier, settings, now, kind, action, src) -> None:  # type: ignore[no-untyped-def]
    lc = lifecycle(kind)
    t = lc.transitions[action]
    record = make(kind, state=src)
    when = now + NOW_OFFSET
    _prepare(record, t, when)
    session.flush()
    role = next(r for r in t.roles if r != "person")
    user = staff[role]
    if src in t.from_:
        event = transition(session, user, record.id, action, notifier, form=_form(t), settings=settings, now=when)
        assert record.state == t.to
        assert (event.from_state, event.to_state, event.action) == (src, t.to, action)
        target = lc.states[t.to]
        if target.terminal:
            assert record.due_at is None and record.closed_at == when
        elif not target.due_keep:
            assert record.due_at == when + target.due  # type: ignore[operator]
        if t.notify_person:
            texts = session.scalars(select(Notification.text).where(Notification.audience == "person")).all()
            assert any(record.ref in x for x in texts)
    else:
        with pytest.raises(TransitionRefused) as info:
            transition(session, user, record.id, action, notifier, form=_form(t), settings=settings, now=when)
        assert info.value.status == 409
        assert lc.state_label(src) in info.value.user_message
        assert record.state == src


@pytest.mark.parametrize("kind", [k.value for k in Kind])
def test_roles_not_listed_are_refused(make, session, staff, notifier, settings, now, kind) -> None:  # type: ignore[no-untyped-def]
    """A staff role that can see the record but is not in a transition's roles gets 403 (manager sees all)."""
    lc = lifecycle(kind)
    for action, t in lc.transitions.items():
        if "manager" in t.roles:
            continue
        record = make(kind, state=t.from_[0])
        _prepare(record, t, now)
        with pytest.raises(PermissionDenied):
            transition(
                session, staff["manager"], record.id, action, notifier, form=_form(t), settings=settings, now=now
            )
        assert record.state == t.from_[0]


def test_required_fields_are_enforced(make, session, staff, notifier, settings, now) -> None:  # type: ignore[no-untyped-def]
    record = make("referral")
    with pytest.raises(TransitionInputError) as info:
        transition(
            session, staff["mediator"], record.id, "return", notifier, form={"reason": "  "}, settings=settings, now=now
        )
    assert info.value.status == 422 and "退回原因" in info.value.user_message
    assert record.state == "new"


def test_choice_must_be_an_option(make, session, staff, notifier, settings, now) -> None:  # type: ignore[no-untyped-def]
    record = make("filing", state="under_review")
    with pytest.raises(TransitionInputError):
        transition(
            session,
            staff["clerk"],
            record.id,
            "register",
            notifier,
            form={"channel": "fax"},
            settings=settings,
            now=now,
        )


def test_correction_only_once(make, session, staff, notifier, settings, now) -> None:  # type: ignore[no-untyped-def]
    """登记立案规定 art. 7: one written notice listing everything; a second request is refused (409)."""
    record = make("filing")
    clerk = staff["clerk"]
    items = {"items": ["原告的民族、职业", "被告的住址"], "note": ""}
    transition(session, clerk, record.id, "review", notifier, form={}, settings=settings, now=now)
    transition(session, clerk, record.id, "request_correction", notifier, form=items, settings=settings, now=now)
    assert record.correction_count == 1
    text = session.scalars(select(Notification.text).where(Notification.text.contains("一次性告知"))).one()
    assert "1. 原告的民族、职业" in text and "2. 被告的住址" in text
    transition(session, clerk, record.id, "resubmit", notifier, form={}, settings=settings, now=now + timedelta(days=3))
    assert record.due_at == now + timedelta(days=3) + timedelta(days=7)  # the 7 days restart on resubmission
    transition(session, clerk, record.id, "review", notifier, form={}, settings=settings, now=now + timedelta(days=4))
    with pytest.raises(TransitionRefused) as info:
        transition(session, clerk, record.id, "request_correction", notifier, form=items, settings=settings, now=now)
    assert "第七条" in info.value.user_message
    assert "request_correction" not in [t.name for t in available(record, Actor.of_staff(clerk), now)]
    transition(session, clerk, record.id, "register", notifier, form={"channel": "online"}, settings=settings, now=now)
    assert record.state == "registered"


def test_review_due_keeps_running_while_under_review(make, session, staff, notifier, settings, now) -> None:  # type: ignore[no-untyped-def]
    record = make("filing")
    due = record.due_at
    assert due == now + timedelta(days=7)
    transition(
        session, staff["clerk"], record.id, "review", notifier, form={}, settings=settings, now=now + timedelta(days=2)
    )
    assert record.due_at == due


def test_supervision_only_when_overdue(make, session, staff, notifier, settings, now) -> None:  # type: ignore[no-untyped-def]
    record = make("ticket")
    op = staff["operator"]
    transition(session, op, record.id, "assign", notifier, form={"department": "立案庭"}, settings=settings, now=now)
    assert record.group_id == "立案庭"
    with pytest.raises(TransitionRefused) as info:
        transition(session, op, record.id, "supervise", notifier, form={"note": "请尽快"}, settings=settings, now=now)
    assert "尚未超过办理期限" in info.value.user_message
    late = record.due_at + timedelta(minutes=1)  # type: ignore[operator]
    assert [t.name for t in available(record, Actor.of_staff(staff["manager"]), late)] == ["supervise"]
    transition(
        session,
        staff["manager"],
        record.id,
        "supervise",
        notifier,
        form={"note": "请尽快"},
        settings=settings,
        now=late,
    )
    assert record.state == "supervised"


def test_ticket_full_cycle_and_reassign_only_when_unsatisfied(make, session, staff, notifier, settings, now) -> None:  # type: ignore[no-untyped-def]
    record = make("ticket", category="petition")
    op = staff["operator"]
    transition(
        session,
        op,
        record.id,
        "assign",
        notifier,
        form={"department": "民一庭", "assignee": "张法官"},
        settings=settings,
        now=now,
    )
    transition(
        session,
        op,
        record.id,
        "answer",
        notifier,
        form={"answer": "已联系承办法官，下周开庭。"},
        settings=settings,
        now=now,
    )
    transition(session, op, record.id, "follow_up", notifier, form={"satisfied": "yes"}, settings=settings, now=now)
    assert record.satisfied is True
    with pytest.raises(TransitionRefused):
        transition(
            session, op, record.id, "reassign", notifier, form={"department": "民二庭"}, settings=settings, now=now
        )
    transition(session, op, record.id, "close", notifier, form={}, settings=settings, now=now)
    assert record.state == "closed" and record.closed_at == now
    answers = session.scalars(select(Notification.text).where(Notification.text.contains("答复如下"))).all()
    assert answers == [f"您的工单（{record.ref}）答复如下：已联系承办法官，下周开庭。"]
    actions = [e.action for e in session.scalars(select(CaseEvent).where(CaseEvent.record_id == record.id))]
    assert actions == ["create", "assign", "answer", "follow_up", "close"]


def test_unsatisfied_follow_up_can_be_reassigned(make, session, staff, notifier, settings, now) -> None:  # type: ignore[no-untyped-def]
    record = make("ticket", state="answered")
    op = staff["operator"]
    transition(
        session,
        op,
        record.id,
        "follow_up",
        notifier,
        form={"satisfied": "no", "note": "答复不清楚"},
        settings=settings,
        now=now,
    )
    transition(session, op, record.id, "reassign", notifier, form={"department": "民二庭"}, settings=settings, now=now)
    assert record.state == "assigned" and record.group_id == "民二庭"


def test_stale_page_is_refused(make, session, staff, notifier, settings, now) -> None:  # type: ignore[no-untyped-def]
    record = make("filing")
    transition(session, staff["clerk"], record.id, "review", notifier, form={}, settings=settings, now=now)
    with pytest.raises(TransitionRefused) as info:
        transition(
            session,
            staff["clerk"],
            record.id,
            "withdraw",
            notifier,
            form={"reason": "x"},
            settings=settings,
            now=now,
            expected_state="submitted",
        )
    assert "刷新" in info.value.user_message


def test_every_transition_is_audited(make, session, staff, notifier, settings, now) -> None:  # type: ignore[no-untyped-def]
    from core.audit import AuditEvent

    record = make("referral")
    transition(session, staff["mediator"], record.id, "accept", notifier, form={}, settings=settings, now=now)
    rows = session.scalars(select(AuditEvent).where(AuditEvent.subject == record.ref)).all()
    assert [r.action for r in rows] == ["referral.create", "referral.accept"]
    assert rows[1].actor == staff["mediator"].actor


def test_two_staff_acting_at_once_cannot_both_move_a_record(settings, build, now) -> None:  # type: ignore[no-untyped-def]
    """Optimistic lock (case_records.version): the second of two concurrent actions gets a 409, not a double move."""
    from casework.notify import RecordingNotifier
    from casework.service import create_handoff
    from casework.staff import create_staff
    from core.db import Base, make_engine, make_sessionmaker

    engine = make_engine(settings.database_url)  # a file database: two real connections
    Base.metadata.create_all(engine)
    factory = make_sessionmaker(engine)
    notifier = RecordingNotifier()
    with factory() as s:
        create_staff(s, "clerk-a", "甲", "clerk", "pw-clerk-aaaa")
        create_staff(s, "clerk-b", "乙", "clerk", "pw-clerk-bbbb")
        rid = create_handoff(s, build("filing"), notifier, settings=settings, now=now).id
        s.commit()
    a, b = factory(), factory()
    try:
        from casework.models import StaffUser

        clerk_a = a.scalars(select(StaffUser).where(StaffUser.username == "clerk-a")).one()
        clerk_b = b.scalars(select(StaffUser).where(StaffUser.username == "clerk-b")).one()
        a.get(CaseRecord, rid)
        rec_b = b.get(CaseRecord, rid)  # both pages show "submitted"
        transition(a, clerk_a, rid, "review", notifier, settings=settings, now=now)
        a.commit()
        assert (rec_b.state, rec_b.version) == ("submitted", 1)
        with pytest.raises(TransitionRefused) as info:
            transition(
                b, clerk_b, rid, "withdraw", notifier, form={"reason": "当事人电话撤回"}, settings=settings, now=now
            )
        assert "刚被其他人办理过" in info.value.user_message
        b.rollback()
    finally:
        a.close()
        b.close()
    with factory() as s:
        record = s.get(CaseRecord, rid)
        assert record is not None and record.state == "under_review" and record.version == 2
        actions = s.scalars(select(CaseEvent.action).where(CaseEvent.record_id == rid)).all()
        assert actions == ["create", "review"]
    engine.dispose()
