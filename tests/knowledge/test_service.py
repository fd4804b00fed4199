"""The interface the chat (bot.guidance) and the API call on the Knowledge object."""

from datetime import date
from pathlib import Path

import pytest

from core.settings import Settings
from knowledge import Knowledge, build_knowledge
from knowledge._base import DATA_DIR
from knowledge.errors import DataFileError, InputError
from knowledge.intake import load_slot_tables

TODAY = date(2026, 11, 24)
LOAN = "民间借贷纠纷"



def test_build_and_basic_facts(knowledge: Knowledge) -> None:
    assert knowledge.court_name == "河南省焦作市山阳区人民法院"
    assert "借钱" in knowledge.gloss(LOAN)
    result = knowledge.classifier.classify("借钱不还")
    assert result.name == LOAN and result.top_names(3)[0] == LOAN and len(result.top_names(3)) == 3


def test_find_area(knowledge: Knowledge) -> None:
    assert knowledge.find_area("俺住在百间房") == "百间房街道"
    assert knowledge.find_area("焦作市山阳区") == "山阳区"
    assert knowledge.find_area("郑州市") is None


def test_extract_recognises_the_cause_when_not_given(knowledge: Knowledge) -> None:
    facts = knowledge.extract("借给他5万块，打了借条", None, TODAY)
    assert facts["claim_amount_yuan"] == 50000 and facts["evidence"] == ["借条"]


def test_next_slot_with_exclude_and_quick_replies(knowledge: Knowledge) -> None:
    slot = knowledge.next_missing_slot(LOAN, {})
    assert slot is not None and slot.name == "claim_amount_yuan" and slot.quick_replies == ("不知道",)
    slot = knowledge.next_missing_slot(LOAN, {}, exclude={"claim_amount_yuan"})
    assert slot is not None and slot.name == "due_date" and "没约定" in slot.quick_replies


def test_accepts_no(knowledge: Knowledge) -> None:
    assert knowledge.accepts_no(LOAN, "evidence")
    assert knowledge.accepts_no(LOAN, "mediation_willing")
    assert knowledge.accepts_no(LOAN, "due_date")
    assert not knowledge.accepts_no(LOAN, "claim_amount_yuan")


def test_answer_slot_returns_only_the_update(knowledge: Knowledge) -> None:
    update = knowledge.answer_slot(LOAN, "due_date", "去年年底", {"claim_amount_yuan": 1.0}, TODAY)
    assert update == {"due_date": "2025-12-31"}
    with pytest.raises(InputError) as info:
        knowledge.answer_slot(LOAN, "claim_amount_yuan", "嗯嗯", {}, TODAY)
    assert "金额" in info.value.user_message
    with pytest.raises(DataFileError):
        knowledge.answer_slot(LOAN, "no_such_slot", "x", {}, TODAY)


def test_assess_dialog(knowledge: Knowledge) -> None:
    data = {"story": "朋友借了我3万一直不还", "cause": LOAN, "facts": {"due_date": "2025-06-01", "evidence": ["借条"]}}
    assessment = knowledge.assess_dialog(data, TODAY)
    assert assessment.cause.confirmed and assessment.fee.acceptance_fee_yuan == 550
    assert assessment.limitation.deadline == date(2028, 6, 1)


def test_a_broken_court_file_stops_start_up(tmp_path: Path) -> None:
    bad = tmp_path / "court.yaml"
    bad.write_text((DATA_DIR / "court.yaml").read_text(encoding="utf-8") + "name: 重复\n", encoding="utf-8")
    with pytest.raises(DataFileError):
        build_knowledge(Settings(court_config=bad))


def test_a_cause_without_a_slot_table_stops_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    tables = load_slot_tables()
    partial = tables.model_copy(update={"causes": {k: v for k, v in tables.causes.items() if k != LOAN}})
    monkeypatch.setattr("knowledge.service.load_slot_tables", lambda: partial)
    with pytest.raises(DataFileError, match="no slot table"):
        build_knowledge(Settings())


def test_a_fake_embedder_is_not_used_for_recognition() -> None:
    class Fake:
        name = "fake"

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            raise AssertionError("must not be called")

        def embed_query(self, text: str) -> list[float]:
            raise AssertionError("must not be called")

    kb = build_knowledge(Settings(), embedder=Fake())
    assert kb.classifier.embedder is None
    assert kb.classifier.classify("借钱不还").cause == LOAN


def test_labels_and_the_filing_form(knowledge: Knowledge) -> None:
    assert knowledge.slot_label("claim_amount_yuan") == "涉及金额（元）"
    assert knowledge.slot_label("plaintiff_id") == "原告身份证号码"
    assert knowledge.slot_label("loan_date") == "借款日期"
    assert knowledge.slot_label("no_such_fact") is None
    first = knowledge.next_form_field({}, {})
    assert first is not None and first.name == "plaintiff_name" and "姓名" in first.question
    assert knowledge.answer_form_field("plaintiff_phone", "138 1234 5678") == "13812345678"
    with pytest.raises(InputError):
        knowledge.answer_form_field("plaintiff_id", "123")
    with pytest.raises(DataFileError):
        knowledge.answer_form_field("no_such_field", "x")
    assert knowledge.sensitive_form_fields == {"plaintiff_id", "plaintiff_phone"}
