"""The hand-off port in casework's shapes: the dialog's data → ``HandoffRequest``, the port → ``RecordRef``,
the reference rendered for the person; one dedupe check (casework's UNIQUE key), no savepoint of the port's own
for creation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.handoff import HandoffRefusedError, handoff_request, ref_text
from bot.handoff_casework import CaseworkHandoff
from casework.models import CaseRecord
from casework.notify import RecordingNotifier
from core.db import make_engine, make_sessionmaker
from core.migrate import upgrade_to_head
from core.settings import Settings

ID_A = "11010519491231002X"
FORM = {
    "plaintiff_name": "李四",
    "plaintiff_id": ID_A,
    "plaintiff_phone": "13800138000",
    "plaintiff_address": "焦作市山阳区焦东街道",
    "defendant_name": "焦作某某物业有限公司",
    "defendant_address": "焦作市山阳区新城街道",
    "claims": "判令被告退还押金3000元",
}


def _request(kind: Any = "filing", **over: Any):  # type: ignore[no-untyped-def]
    values: dict[str, Any] = {
        "user_id": "openid-1",
        "channel": "wechat",
        "dedupe_key": f"{kind}:wechat:MsgId=1",
        "cause": "物业服务合同纠纷",
        "summary": "物业公司不退押金。",
        "facts": {"amount": 3000, "evidence": ["收据", " "]},
        "assessment": None,
        "consent": True,
        "form": FORM if kind == "filing" else {},
    }
    values.update(over)
    return handoff_request(kind, **values)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    engine = make_engine(f"sqlite:///{tmp_path / 'h.sqlite3'}")
    upgrade_to_head(engine)
    with make_sessionmaker(engine)() as s:
        yield s
    engine.dispose()


@pytest.fixture
def port(settings: Settings) -> CaseworkHandoff:
    return CaseworkHandoff(settings, RecordingNotifier())


def test_the_filing_form_becomes_casework_parties() -> None:
    req = _request()
    assert req.applicant is not None and req.applicant.name == "李四" and req.applicant.id_number == ID_A
    assert req.defendant is not None and req.defendant.kind == "company"
    # the complaint's claims are composed, not the form's words: the sum in figures and capitals, then the costs
    assert req.claims == [
        "判令被告焦作某某物业有限公司支付原告款项人民币3,000元（大写：叁仟元整）。",
        "本案诉讼费用由被告承担。",
    ]
    assert req.facts_and_reasons and "物业公司不退押金" not in req.facts_and_reasons
    assert [e.name for e in req.evidence] == ["收据"]


def test_a_ticket_carries_the_question_before_the_story() -> None:
    req = _request("ticket", question="立案要带什么材料？", summary="物业公司不退押金。")
    assert req.summary == "立案要带什么材料？\n（咨询经过：物业公司不退押金。）"
    assert req.applicant is None and req.evidence == []


def test_a_bad_id_number_in_the_form_is_a_refusal_in_chinese() -> None:
    with pytest.raises(HandoffRefusedError) as info:
        _request(form={**FORM, "plaintiff_id": "110105194912310021"})
    assert "身份证" in info.value.user_message


def test_create_returns_casework_s_reference_and_a_retry_gets_it_again(
    session: Session, port: CaseworkHandoff, settings: Settings
) -> None:
    first = port.create(session, _request())
    again = port.create(session, _request())
    assert first.created and not again.created and (again.id, again.ref) == (first.id, first.ref)
    session.commit()
    assert session.scalar(select(func.count()).select_from(CaseRecord)) == 1
    text = ref_text(first, "https://court.example/")
    assert text.startswith(first.message) and first.ref in text
    assert f"https://court.example{first.download_path}" in text


def test_a_refused_create_leaves_the_step_s_transaction_clean(session: Session, port: CaseworkHandoff) -> None:
    kept = port.create(session, _request("ticket", question="请工作人员联系我"))
    with pytest.raises(HandoffRefusedError) as info:
        port.create(session, _request("referral", consent=False, dedupe_key="r1"))
    assert "自愿" in info.value.user_message
    assert not session.new and not session.dirty
    session.commit()
    assert [r.ref for r in session.scalars(select(CaseRecord))] == [kept.ref]


def test_records_and_actions_speak_record_refs(session: Session, port: CaseworkHandoff) -> None:
    filing = port.create(session, _request())
    assert [r.ref for r in port.records(session, "openid-1")] == [filing.ref]
    with pytest.raises(HandoffRefusedError):
        port.act(session, "openid-1", "wechat", filing.ref, "resubmit")  # nothing to correct yet
    with pytest.raises(HandoffRefusedError):
        port.act(session, "someone-else", "wechat", filing.ref, "withdraw")
    done = port.act(session, "openid-1", "wechat", filing.ref, "withdraw")
    assert done.ref == filing.ref and done.closed
