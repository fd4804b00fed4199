"""The stored assessment as the record page shows it (web/assessment.py), on shapes a conversation does not reach:
a stored retrieval trace, an unsure cause, facts still missing, a part of another shape, an older record."""

from __future__ import annotations

import re
from typing import Any

import pytest

from knowledge.intake import SlotTables, load_slot_tables
from web.assessment import assessment_rows, similar_cases

RAW = re.compile(r"[a-z]{2,}_[a-z_]+|(?<![A-Za-z])(?:[a-z]{2,}|True|False|None)(?![A-Za-z])")
CASE: dict[str, Any] = {
    "id": "c7",
    "score": 0.0325,
    "cause": "民间借贷纠纷",
    "outcome": "partly",
    "outcome_label": None,
    "summary": "原告持借条起诉，被告辩称已部分还款",
    "case_number": "（2022）豫0811民初7号",
    "court": None,
    "year": 2022,
    "why": "共同要点：借条",
}


@pytest.fixture(scope="module")
def tables() -> SlotTables:
    return load_slot_tables()


def test_a_stored_trace_is_shown_in_words() -> None:
    trace = {"id": "c7", "dense_rank": 1, "dense_score": 0.8123, "bm25_rank": None, "bm25_score": None}
    trace["fused_score"] = 0.0325
    (case,) = similar_cases({"similar_cases": [CASE], "trace": [trace]})
    assert case.title == "（2022）豫0811民初7号"
    assert dict(case.details)["裁判结果"] == "部分支持" and dict(case.details)["相似度得分"] == "0.0325"
    assert case.trace == "语义检索第1名（0.812）；关键词检索未命中；融合得分 0.0325"
    (own,) = similar_cases({"similar_cases": [{**CASE, "trace": {**trace, "bm25_rank": 2, "bm25_score": 7.5}}]})
    assert own.trace is not None and "关键词检索第2名（7.500）" in own.trace
    (none,) = similar_cases({"similar_cases": [CASE]})
    assert none.trace is None


def test_an_older_record_s_case_is_named_without_raw_keys() -> None:
    (case,) = similar_cases({"similar_cases": [{"id": "c1", "title": "（2021）豫0811民初123号", "outcome": "支持"}]})
    assert case.title == "（2021）豫0811民初123号" and dict(case.details) == {"裁判结果": "支持"}
    (coded,) = similar_cases({"similar_cases": [{"id": "c2", "outcome": "struck_out"}]})
    assert coded.title == "案例（编号c2）" and dict(coded.details) == {"裁判结果": "语料未收录"}


def test_unsure_cause_missing_facts_and_unknown_jurisdiction(tables: SlotTables) -> None:
    assessment = {
        "cause": {"name": "民间借贷纠纷", "confidence": 0.42, "unsure": True, "alternatives": ["买卖合同纠纷"],
                  "summary": "借钱不还", "confirmed": False},
        "missing": ["defendant_place", "claim_amount_yuan"],
        "jurisdiction": {"competent": None, "court": None, "basis": "还不知道对方住在哪里。",
                         "arbitration_first": False, "missing": ["defendant_place"]},
        "today": "2026-11-24",
    }
    rows = {row.label: row.lines for row in assessment_rows(assessment, tables)}
    assert rows["案由"] == ("民间借贷纠纷（识别置信度 42%）", "识别不太确定，其他可能：买卖合同纠纷")
    assert rows["尚缺事实"] == ("对方住所地、涉及金额（元）",)
    assert rows["管辖"] == ("待定（信息不足）", "判断管辖还需：对方住所地", "还不知道对方住在哪里。")
    assert rows["评估日期"] == ("2026年11月24日",)
    assert not RAW.search(repr(rows))


def test_a_part_of_another_shape_is_left_out_not_dumped(tables: SlotTables) -> None:
    odd = {"fee": {"amount": 3}, "route": "court_of_appeal", "today": "soon", "limitation": "in_time"}
    assert assessment_rows(odd, tables) == []
    assert assessment_rows(None, tables) == [] and similar_cases(None) == []


def test_routing_guarantee_preservation_parties_and_staff_notes(tables: SlotTables) -> None:
    assessment = {
        "routing": {"route": "appeal", "reason": "一审判决不服的可以上诉。", "basis": "民事诉讼法第一百七十一条",
                    "period": "15日", "deadline_from": "判决书送达之日", "deadline": "2026-12-01", "days_left": -3,
                    "deadline_passed": True, "notes": []},
        "limitation": {"status": "in_time", "deadline": None,
                       "deadline_range": {"from": "2028-03-01", "to": "2028-03-31"},
                       "start": {"from": "2025-03-01", "to": "2025-03-31"}, "interrupted_on": "2026-01-05",
                       "basis": "诉讼时效3年。", "rule": "general_3y", "interrupted_by": [],
                       "events": [{"kind": "demand", "on": "2026-01-05", "what": "微信催要"}]},
        "preservation": {"first": True, "reason": "对方正在卖房。", "basis": "民事诉讼法第一百零三条"},
        "guarantee": {"kind": "连带责任保证", "kind_basis": "约定了连带责任。", "guarantor": "赵六", "due_date": None,
                      "period_end": None, "period_basis": "主债务未约定还款期限。", "claim_open": None,
                      "claim_basis": "看不出何时向保证人主张过。"},
        "parties": {"defendants": ["王五"], "defendant_kind": "person", "defendant_address": "新城街道",
                    "not_defendants": [{"name": "李老板", "why": "只是介绍人"}],
                    "suggested_defendants": [
                        {"name": "某保险公司", "why": "交强险", "source": "道路交通安全法第七十六条"}
                    ]},
        "route": "elsewhere",
        "staff_notes": ["支付令的适用条件以法院审查为准 [U]"],
    }
    rows = {row.label: row.lines for row in assessment_rows(assessment, tables)}
    assert rows["程序去向"][:3] == ("上诉", "一审判决不服的可以上诉。", "期限：15日（自判决书送达之日起算）")
    assert "期限最后一日：2026年12月1日（已过3天）" in rows["程序去向"]
    assert "起算日：2025年3月1日至2025年3月31日之间" in rows["诉讼时效"]
    assert "届满日：2028年3月1日至2028年3月31日之间" in rows["诉讼时效"]
    assert "故事中影响时效的事：2026年1月5日，微信催要" in rows["诉讼时效"]
    assert rows["财产保全"][0] == "应当先申请财产保全"
    assert rows["保证"][0] == "连带责任保证，保证人：赵六" and "能否要求保证人承担责任：待定" in rows["保证"]
    assert rows["被告"][:3] == ("可列被告：王五（自然人）", "被告住所地：新城街道", "不列为被告：李老板（只是介绍人）")
    assert rows["核实标记"] == ("支付令的适用条件以法院审查为准 [U]",)
    assert rows["建议去向"][0].startswith("先找法院以外的机关")
    assert not RAW.search(repr(rows))
