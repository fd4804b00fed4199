"""Hand-offs from the chat: creation, idempotency, refusals, PII at rest, progress, the person's actions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from casework.errors import (
    ConsentRequired,
    HandoffError,
    IncompleteHandoff,
    PermissionDenied,
    RecordNotFound,
    RefilingForbidden,
    TransitionRefused,
    ValidationError,
)
from casework.links import open_download
from casework.models import CaseEvent, CaseRecord, Notification
from casework.service import (
    Applicant,
    Party,
    create_handoff,
    person_action,
    records_for_user,
    reveal_pii,
    transition,
)
from core.audit import AuditEvent

ID_A = "11010519491231002X"
PHONE_A = "13800138000"
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def test_referral_is_created_assigned_and_announced(session, notifier, settings, build) -> None:  # type: ignore[no-untyped-def]
    ref = create_handoff(session, build("referral"), notifier, settings=settings, now=NOW)
    assert ref.created and ref.kind == "referral" and ref.state == "new" and ref.state_label == "待接收"
    assert re.fullmatch(r"TJ-2611-\d{4}", ref.ref)
    assert ref.due_at == NOW + timedelta(days=3)
    assert "焦东街道人民调解委员会" in ref.message and ref.ref in ref.message and "免费" in ref.message
    record = session.get(CaseRecord, ref.id)
    assert record.group_id == "sy-jiaodong"
    staff_notes = session.scalars(select(Notification).where(Notification.audience == "staff")).all()
    assert [(n.role, n.group_id) for n in staff_notes] == [("mediator", "sy-jiaodong")]
    assert ref.ref in staff_notes[0].text


@pytest.mark.parametrize(
    ("cause", "area", "committee"),
    [
        ("机动车交通事故责任纠纷", "焦东街道", "sy-traffic"),  # specialist committee first
        ("离婚纠纷", None, "sy-family"),
        ("民间借贷纠纷", "新城街道办事处", "sy-xincheng"),  # tolerant area match
        ("民间借贷纠纷", "焦东", "sy-jiaodong"),
        ("民间借贷纠纷", "解放区", "sy-general"),  # no local committee → the default
        (None, None, "sy-general"),
    ],
)
def test_committee_assignment(session, notifier, settings, build, cause, area, committee) -> None:  # type: ignore[no-untyped-def]
    ref = create_handoff(session, build("referral", cause=cause, area=area), notifier, settings=settings, now=NOW)
    assert session.get(CaseRecord, ref.id).group_id == committee


def test_same_message_twice_gives_one_record(session, notifier, settings, build) -> None:  # type: ignore[no-untyped-def]
    first = create_handoff(session, build("filing"), notifier, settings=settings, now=NOW)
    session.commit()
    again = create_handoff(session, build("filing"), notifier, settings=settings, now=NOW + timedelta(seconds=5))
    assert (again.id, again.ref, again.created) == (first.id, first.ref, False)
    assert session.scalar(select(text("count(*)")).select_from(CaseRecord)) == 1
    assert len(session.scalars(select(Notification)).all()) == 1  # new work announced once


def test_a_duplicate_rolls_back_only_its_own_savepoint(session, notifier, settings, build) -> None:  # type: ignore[no-untyped-def]
    """The one dedupe check is the UNIQUE column: the second insert fails inside casework's savepoint, in the
    same (uncommitted) transaction; the number it drew is given back and the first record is untouched."""
    first = create_handoff(session, build("ticket", dedupe_key="dup"), notifier, settings=settings, now=NOW)
    again = create_handoff(session, build("ticket", dedupe_key="dup"), notifier, settings=settings, now=NOW)
    assert (again.id, again.ref, again.created) == (first.id, first.ref, False)
    later = create_handoff(session, build("ticket", dedupe_key="next"), notifier, settings=settings, now=NOW)
    assert (first.ref, later.ref) == ("RX-2611-0001", "RX-2611-0002")
    session.commit()
    assert session.scalar(select(text("count(*)")).select_from(CaseRecord)) == 2
    assert session.scalar(select(text("count(*)")).select_from(CaseEvent)) == 2
    assert len(session.scalars(select(Notification)).all()) == 2


def test_a_refusal_writes_nothing(session, notifier, settings, build) -> None:  # type: ignore[no-untyped-def]
    """Refused before any write, so the caller needs no savepoint of its own: its transaction stays clean."""
    kept = create_handoff(session, build("ticket", dedupe_key="kept"), notifier, settings=settings, now=NOW)
    with pytest.raises(IncompleteHandoff):
        create_handoff(session, build("filing", defendant=None), notifier, settings=settings, now=NOW)
    assert not session.new and not session.dirty
    session.commit()
    assert [r.ref for r in session.scalars(select(CaseRecord))] == [kept.ref]


def test_reference_numbers_count_per_prefix_and_month(session, notifier, settings, build) -> None:  # type: ignore[no-untyped-def]
    refs = [
        create_handoff(session, build("ticket", dedupe_key=f"t{i}"), notifier, settings=settings, now=NOW).ref
        for i in range(3)
    ]
    assert refs == ["RX-2611-0001", "RX-2611-0002", "RX-2611-0003"]
    other = create_handoff(session, build("filing", dedupe_key="f1"), notifier, settings=settings, now=NOW).ref
    assert other == "LA-2611-0001"
    # 2026-11-30 16:30 UTC is already 12月1日 in 焦作 (UTC+8): a new month, a new sequence
    dec = create_handoff(
        session,
        build("ticket", dedupe_key="t-dec"),
        notifier,
        settings=settings,
        now=datetime(2026, 11, 30, 16, 30, tzinfo=UTC),
    ).ref
    assert dec == "RX-2612-0001"


def test_referral_needs_consent(session, notifier, settings, build) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConsentRequired) as info:
        create_handoff(session, build("referral", consent=False), notifier, settings=settings, now=NOW)
    assert "自愿" in info.value.user_message
    assert session.scalars(select(CaseRecord)).all() == []


def test_filing_needs_both_parties(session, notifier, settings, build) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IncompleteHandoff) as info:
        create_handoff(session, build("filing", defendant=None), notifier, settings=settings, now=NOW)
    assert info.value.missing == ["对方（被告）的姓名或名称"]
    assert "被告" in info.value.user_message


def test_unknown_ticket_category_is_refused(session, notifier, settings, build) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(HandoffError):
        create_handoff(session, build("ticket", category="gossip"), notifier, settings=settings, now=NOW)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"id_number": "110105194912310021"}, "id_number"),  # wrong check digit
        ({"id_number": "110105491231002"}, "id_number"),  # 15-digit first-generation number
        ({"phone": "12800138000"}, "phone"),  # second digit 2
        ({"phone": "1380013800"}, "phone"),  # 10 digits
        ({"id_number": ID_A, "gender": "男"}, "gender"),  # the sample is female (even sequence)
        ({"name": "   "}, "name"),
    ],
)
def test_bad_id_and_phone_are_refused_at_capture(fields, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        Applicant(**{"name": "李四", **fields})
    assert info.value.field == field
    assert info.value.user_message and "110105" not in info.value.user_message


def test_capture_normalises() -> None:
    a = Applicant(name=" 李四 ", id_number=ID_A.lower(), phone="+86 138-0013-8000", address="")
    assert (a.name, a.id_number, a.phone, a.address) == ("李四", ID_A, PHONE_A, None)
    assert Party(name="焦作某公司", kind="company", phone="0391-2345678").phone == "0391-2345678"


def test_id_and_phone_are_never_stored_in_clear(session, notifier, settings, build) -> None:  # type: ignore[no-untyped-def]
    summary = f"我叫李四，身份证{ID_A}，电话{PHONE_A}，王五借钱不还。"
    ref = create_handoff(
        session, build("filing", summary=summary, facts={"phone": PHONE_A}), notifier, settings=settings, now=NOW
    )
    session.commit()
    dump = []
    for table in ("case_records", "case_parties", "case_events", "audit_events", "notifications", "dispute_keys"):
        dump += [str(row) for row in session.execute(text(f"SELECT * FROM {table}")).all()]
    blob = "\n".join(dump)
    assert ID_A not in blob and PHONE_A not in blob and ID_A[6:14] + ID_A[14:] not in blob
    record = session.get(CaseRecord, ref.id)
    plaintiff = record.party("plaintiff")
    assert plaintiff.id_masked == "1101**********002X" and plaintiff.phone_masked == "138****8000"
    assert plaintiff.birth_date == "1949-12-31" and plaintiff.gender == "女"
    assert "138****8000" in record.summary


def test_refiling_a_performed_mediation_is_forbidden(session, notifier, settings, build, staff) -> None:  # type: ignore[no-untyped-def]
    ref = create_handoff(session, build("referral"), notifier, settings=settings, now=NOW)
    mediator = staff["mediator"]
    for action in ("accept", "start", "agree"):
        transition(session, mediator, ref.id, action, notifier, form={}, settings=settings, now=NOW)
    # agreed but not yet performed: filing is still possible (人民调解法 art. 32)
    ok = create_handoff(session, build("filing", dedupe_key="f-1"), notifier, settings=settings, now=NOW)
    assert ok.created
    transition(session, mediator, ref.id, "perform", notifier, form={}, settings=settings, now=NOW)
    with pytest.raises(RefilingForbidden) as info:
        create_handoff(session, build("filing", dedupe_key="f-2"), notifier, settings=settings, now=NOW)
    assert (
        info.value.referral_ref == ref.ref
        and ref.ref in info.value.user_message
        and "履行完毕" in info.value.user_message
    )
    # same dispute reached through another chat account, by the plaintiff's name
    with pytest.raises(RefilingForbidden):
        create_handoff(
            session, build("filing", dedupe_key="f-3", user_id="other-openid"), notifier, settings=settings, now=NOW
        )
    # another cause, or another defendant, is another dispute
    assert create_handoff(
        session, build("filing", dedupe_key="f-4", cause="买卖合同纠纷"), notifier, settings=settings, now=NOW
    ).created
    other = build("filing", dedupe_key="f-5", defendant=Party(name="赵六", address="焦作市"))
    assert create_handoff(session, other, notifier, settings=settings, now=NOW).created


def test_failed_referral_becomes_a_filing_with_consent(session, notifier, settings, build, staff) -> None:  # type: ignore[no-untyped-def]
    ref = create_handoff(session, build("referral"), notifier, settings=settings, now=NOW)
    mediator = staff["mediator"]
    transition(session, mediator, ref.id, "accept", notifier, form={}, settings=settings, now=NOW)
    transition(
        session,
        mediator,
        ref.id,
        "fail",
        notifier,
        form={"reason": "对方拒绝调解", "transfer": "on"},
        settings=settings,
        now=NOW,
    )
    mine = records_for_user(session, "openid-1", settings=settings, now=NOW)
    assert [(r.kind, r.state) for r in mine] == [("filing", "submitted"), ("referral", "failed")]
    filing = session.get(CaseRecord, mine[0].id)
    assert filing.parent_id == ref.id and filing.party("plaintiff").id_masked == "1101**********002X"
    texts = session.scalars(select(Notification.text).where(Notification.audience == "person")).all()
    (notice,) = [t for t in texts if filing.ref in t]
    assert notice.startswith(f"根据您的同意，调解不成的纠纷（{ref.ref}）已转为立案转交。您的起诉材料已转交立案庭预审")
    assert "人民法院在线服务" in notice


def test_failed_referral_without_consent_creates_nothing(session, notifier, settings, build, staff) -> None:  # type: ignore[no-untyped-def]
    ref = create_handoff(session, build("referral"), notifier, settings=settings, now=NOW)
    transition(session, staff["mediator"], ref.id, "accept", notifier, form={}, settings=settings, now=NOW)
    transition(
        session, staff["mediator"], ref.id, "fail", notifier, form={"reason": "对方拒绝"}, settings=settings, now=NOW
    )
    assert [r.kind for r in records_for_user(session, "openid-1", settings=settings)] == ["referral"]


def test_progress_lists_the_persons_records_only(session, notifier, settings, build) -> None:  # type: ignore[no-untyped-def]
    assert records_for_user(session, "openid-1", settings=settings) == []
    a = create_handoff(session, build("ticket", dedupe_key="a"), notifier, settings=settings, now=NOW)
    b = create_handoff(
        session, build("filing", dedupe_key="b"), notifier, settings=settings, now=NOW + timedelta(minutes=1)
    )
    create_handoff(
        session, build("ticket", dedupe_key="c", user_id="someone-else"), notifier, settings=settings, now=NOW
    )
    refs = records_for_user(session, "openid-1", settings=settings, now=NOW + timedelta(days=10))
    assert [r.ref for r in refs] == [b.ref, a.ref]
    assert "网上立案转交：已提交" in refs[0].message and "已逾期" in refs[1].message
    assert refs[0].download_path
    assert open_download(session, settings.session_secret, refs[0].download_path.rsplit("/", 1)[1]).ref == b.ref
    assert refs[1].download_path is None


def test_person_reports_correction_and_withdraws(session, notifier, settings, build, staff) -> None:  # type: ignore[no-untyped-def]
    ref = create_handoff(session, build("filing"), notifier, settings=settings, now=NOW)
    clerk = staff["clerk"]
    transition(session, clerk, ref.id, "review", notifier, form={}, settings=settings, now=NOW)
    transition(
        session, clerk, ref.id, "request_correction", notifier, form={"items": ["被告住址"]}, settings=settings, now=NOW
    )
    with pytest.raises(RecordNotFound):
        person_action(session, "intruder", ref.ref, "resubmit", notifier, settings=settings)
    done = person_action(session, "openid-1", ref.ref.lower(), "resubmit", notifier, settings=settings, now=NOW)
    assert done.state == "resubmitted"
    staff_note = session.scalars(select(Notification).where(Notification.text.contains("已补正，请重新审查"))).one()
    assert staff_note.role == "clerk"
    with pytest.raises(TransitionRefused):
        person_action(session, "openid-1", ref.ref, "resubmit", notifier, settings=settings, now=NOW)
    assert person_action(session, "openid-1", ref.ref, "withdraw", notifier, settings=settings).state == "withdrawn"
    actor = session.scalars(select(CaseEvent.actor).where(CaseEvent.action == "withdraw")).one()
    assert actor == "wechat:openid-1"


def test_person_cannot_take_staff_actions(session, notifier, settings, build) -> None:  # type: ignore[no-untyped-def]
    ref = create_handoff(session, build("referral"), notifier, settings=settings, now=NOW)
    with pytest.raises(TransitionRefused) as info:
        # a referral's withdrawal is recorded by the mediator, not from the chat
        person_action(session, "openid-1", ref.ref, "withdraw", notifier, settings=settings)
    assert "转人工" in info.value.user_message


def test_reveal_is_role_limited_and_audited(session, notifier, settings, build, staff) -> None:  # type: ignore[no-untyped-def]
    filing = create_handoff(session, build("filing"), notifier, settings=settings, now=NOW)
    assert reveal_pii(session, staff["clerk"], filing.id, "plaintiff", "id_number", settings=settings) == ID_A
    assert reveal_pii(session, staff["clerk"], filing.id, "plaintiff", "phone", settings=settings) == PHONE_A
    rows = session.scalars(select(AuditEvent).where(AuditEvent.action == "pii.reveal")).all()
    assert [(r.actor, r.subject) for r in rows] == [(staff["clerk"].actor, filing.ref)] * 2
    assert ID_A not in str([r.detail for r in rows])
    for role in ("manager", "operator", "mediator", "admin"):
        with pytest.raises(PermissionDenied):
            reveal_pii(session, staff[role], filing.id, "plaintiff", "id_number", settings=settings)
    referral = create_handoff(session, build("referral"), notifier, settings=settings, now=NOW)
    assert reveal_pii(session, staff["mediator"], referral.id, "plaintiff", "phone", settings=settings) == PHONE_A
    with pytest.raises(PermissionDenied):
        reveal_pii(session, staff["mediator"], referral.id, "plaintiff", "id_number", settings=settings)
    with pytest.raises(PermissionDenied):  # another committee's mediator
        reveal_pii(session, staff["mediator_other"], referral.id, "plaintiff", "phone", settings=settings)
    with pytest.raises(RecordNotFound):  # the defendant gave no phone
        reveal_pii(session, staff["clerk"], filing.id, "defendant", "phone", settings=settings)


def test_notifications_are_not_repeated(session, notifier) -> None:  # type: ignore[no-untyped-def]
    notifier.notify_person(session, "u", "一", "k1")
    notifier.notify_person(session, "u", "一", "k1")
    notifier.notify_staff(session, "clerk", None, "二", "k2")
    assert [n.key for n in session.scalars(select(Notification))] == ["k1", "k2"]
