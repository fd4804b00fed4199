import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge._base import DATA_DIR, load_model
from knowledge.causes import load_causes
from knowledge.court import Court
from knowledge.errors import DataFileError, InputError
from knowledge.extract import load_cues
from knowledge.intake import (
    SlotTables,
    answer_form_field,
    apply_answer,
    apply_correction,
    load_slot_tables,
    missing_slots,
    next_form_field,
    next_missing_slot,
    story_facts,
)
from knowledge.yamlload import load_yaml

TODAY = date(2026, 11, 24)
COURT = Court.load(DATA_DIR / "court.yaml")
CAUSES = load_causes()
TABLES = load_slot_tables()
LOAN = "民间借贷纠纷"


def test_every_cause_has_a_slot_table_with_few_required_questions() -> None:
    tables = load_slot_tables()
    for cause in load_causes().names:
        required = [s for s in tables.for_cause(cause) if s.required]
        assert len(required) <= 6, cause


def test_walk_a_loan_intake() -> None:
    facts = story_facts(
        LOAN, "俺去年三月借给同事5万块，说好年底还，打了借条。他住在修武县", TODAY, COURT, causes=CAUSES, tables=TABLES
    )
    asked = []
    answers = {"plaintiff_place": "俺住山阳区定和街道", "mediation_willing": "中"}
    while (slot := next_missing_slot(LOAN, facts, COURT, TABLES)) is not None:
        asked.append(slot.name)
        facts, ok = apply_answer(
            LOAN, slot, answers[slot.name], facts, TODAY, court=COURT, causes=CAUSES, tables=TABLES
        )
        assert ok
    assert asked == ["plaintiff_place", "mediation_willing"]  # the story already gave amount, date, evidence, place
    assert facts["mediation_willing"] is True
    assert missing_slots(LOAN, facts, COURT, TABLES) == []


def test_plaintiff_place_only_asked_when_defendant_lives_elsewhere() -> None:
    facts = {"claim_amount_yuan": 1, "due_date": "2025-01-01", "evidence": ["借条"], "defendant_place": "山阳区"}
    slot = next_missing_slot(LOAN, facts, COURT, TABLES)
    assert slot is not None and slot.name == "mediation_willing"


def test_dont_know_is_never_asked_twice() -> None:
    facts: dict[str, object] = {}
    slot = next_missing_slot(LOAN, facts, COURT, TABLES)
    assert slot is not None and slot.name == "claim_amount_yuan"
    facts, ok = apply_answer(LOAN, slot, "不知道", facts, TODAY, court=COURT, causes=CAUSES, tables=TABLES)
    assert ok and facts["unknown"] == ["claim_amount_yuan"]
    nxt = next_missing_slot(LOAN, facts, COURT, TABLES)
    assert nxt is not None and nxt.name == "due_date"


def test_no_agreed_due_date_is_marked_none() -> None:
    slot = next(s for s in load_slot_tables().for_cause(LOAN) if s.name == "due_date")
    facts, ok = apply_answer(LOAN, slot, "没约定", {}, TODAY, court=COURT, causes=CAUSES, tables=TABLES)
    assert ok and facts["none"] == ["due_date"] and "due_date" not in facts


def test_unclear_answer_changes_nothing() -> None:
    slot = next(s for s in load_slot_tables().for_cause(LOAN) if s.name == "claim_amount_yuan")
    facts, ok = apply_answer(LOAN, slot, "嗯嗯", {"x": 1}, TODAY, court=COURT, causes=CAUSES, tables=TABLES)
    assert not ok and facts == {"x": 1}


def test_correction_overwrites_the_amount() -> None:
    facts = {"claim_amount_yuan": 50000.0, "due_date": "2025-12-31"}
    new = apply_correction(LOAN, "不对，是三万", facts, TODAY, court=COURT, causes=CAUSES, tables=TABLES)
    assert new["claim_amount_yuan"] == 30000.0 and new["due_date"] == "2025-12-31"


@pytest.mark.parametrize(
    ("name", "said", "before", "after"),
    [
        ("defendant_place", "说错了，是武陟", "修武县", "武陟"),
        ("due_date", "不对，是前年年底", "2025-12-31", "2024-12-31"),
    ],
    ids=["place", "date"],
)
def test_correction_of_the_slot_just_asked(name: str, said: str, before: str, after: str) -> None:
    slot = next(s for s in load_slot_tables().for_cause(LOAN) if s.name == name)
    new = apply_correction(
        LOAN, said, {name: before}, TODAY, last_slot=slot, court=COURT, causes=CAUSES, tables=TABLES
    )
    assert new[name] == after


def test_wage_intake_asks_end_date_only_after_leaving() -> None:
    cause = "追索劳动报酬纠纷"
    facts = {"claim_amount_yuan": 8000.0, "employer_place": "山阳区", "still_employed": True, "evidence": ["欠条"]}
    assert next_missing_slot(cause, facts, COURT, TABLES) is None
    facts["still_employed"] = False
    slot = next_missing_slot(cause, facts, COURT, TABLES)
    assert slot is not None and slot.name == "employment_end_date"


def test_amount_correction_while_a_date_is_asked() -> None:
    slot = next(s for s in load_slot_tables().for_cause(LOAN) if s.name == "due_date")
    new = apply_correction(
        LOAN,
        "不对，是三万",
        {"claim_amount_yuan": 50000.0},
        TODAY,
        last_slot=slot,
        court=COURT,
        causes=CAUSES,
        tables=TABLES,
    )
    assert new["claim_amount_yuan"] == 30000.0 and "due_date" not in new


# --- labels and the filing form ------------------------------------------------------------------------------


def _tables_with(path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    raw = load_yaml(DATA_DIR / "slots.yaml")
    edit(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_every_slot_form_field_and_extracted_fact_has_a_chinese_label() -> None:
    tables = load_slot_tables()
    cues = load_cues()
    names = {s.name for cause in tables.causes for s in tables.for_cause(cause)}
    names |= {s.name for s in tables.form} | set(cues.date_roles) | set(cues.place_roles) | set(cues.flags)
    for name in names:
        label = tables.label(name)
        assert label and re.search(r"[\u4e00-\u9fff]", label), name


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda raw: raw["common"]["due_date"].pop("label"), "label"),
        (lambda raw: raw["common"]["due_date"].update(label=""), "label"),
        (lambda raw: raw["filing_form"]["claims"].pop("label"), "label"),
        (lambda raw: raw["facts"]["loan_date"].update(label=""), "label"),
        (lambda raw: raw["filing_form"]["plaintiff_id"].update(validator="nonsense"), "unknown validator"),
        (lambda raw: raw["filing_form"].update(due_date=raw["filing_form"]["claims"]), "named twice"),
    ],
)
def test_the_loader_refuses_a_slot_without_a_label_or_with_an_unknown_validator(
    tmp_path: Path, edit: Callable[[dict[str, Any]], None], message: str
) -> None:
    with pytest.raises(DataFileError, match=message):
        load_model(SlotTables, _tables_with(tmp_path / "slots.yaml", edit))


def test_the_filing_form_is_walked_like_a_cause() -> None:
    tables = load_slot_tables()
    answers = {
        "plaintiff_name": "张三",
        "plaintiff_id": " 11010519491231002x ",
        "plaintiff_phone": "+86 138-1234-5678",
        "plaintiff_address": "焦作市山阳区太行街道1号",
        "defendant_name": "李四",
        "defendant_address": "山阳区焦东街道2号",
        "claims": "归还借款5万元",
    }
    form: dict[str, str] = {}
    asked = []
    while (slot := next_form_field(form, {}, TABLES)) is not None:
        asked.append(slot.name)
        form[slot.name] = answer_form_field(slot, answers[slot.name])
    assert asked == list(answers)
    assert form["plaintiff_id"] == "11010519491231002X" and form["plaintiff_phone"] == "13812345678"
    assert tables.sensitive_form_fields == {"plaintiff_id", "plaintiff_phone"}
    named = next_form_field({k: form[k] for k in asked[:4]}, {"other_party_name": "王五"}, TABLES)
    assert named is not None and named.name == "defendant_address"  # the story named the defendant


@pytest.mark.parametrize(
    ("field", "answer", "says"),
    [
        ("plaintiff_id", "11010519491231002Y", "身份证"),
        ("plaintiff_phone", "1381234", "手机"),
        ("plaintiff_name", "😀😀", "不能为空"),
        ("defendant_name", "某" * 61, "名称太长"),
    ],
)
def test_form_answers_are_validated_by_the_named_validator(field: str, answer: str, says: str) -> None:
    slot = next(s for s in load_slot_tables().form if s.name == field)
    with pytest.raises(InputError) as err:
        answer_form_field(slot, answer)
    assert says in err.value.user_message


@pytest.mark.parametrize("answer", ["13912345678", "139 1234 5678", "410811198503041230", "建设路18号 13912345678"])
def test_an_address_answer_is_never_a_phone_or_id_number(knowledge: Any, answer: str) -> None:
    from knowledge.intake import answer_form_field

    slot = next(s for s in knowledge.slots.form if s.name == "plaintiff_address")
    with pytest.raises(InputError):
        answer_form_field(slot, answer)
    assert answer_form_field(slot, "焦作市山阳区建设路18号") == "焦作市山阳区建设路18号"
