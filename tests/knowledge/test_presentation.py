"""Litigants read plain words: no [V]/[S]/[U] verification tag in any litigant-facing string of the assessment;
the tagged text is kept for staff (``staff_notes``), and the parties part names only real names."""

import re
from datetime import date
from typing import Any

import pytest

from knowledge import Knowledge
from knowledge.assessment import Assessment, assess, plain_words

TODAY = date(2026, 12, 7)
TAG = re.compile(r"[\[［]\s*(?:V|S|U)(?:\s*/\s*(?:V|S|U))*\s*[\]］]")


def _strings(value: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [s for i, v in enumerate(value) for s in _strings(v, f"{path}[{i}]")]
    return []


@pytest.mark.parametrize(
    "story",
    [
        "去年在山阳区焦东路被一辆电动车撞了，花了一万多医药费，交警出了认定书",  # traffic: an unverified rule note
        "小区物业说我欠了两年物业费，要起诉我，我住山阳区",  # a practice-only connecting point [U]
        "借给郑州金水区的朋友两万，他不还",  # a court named after a county elsewhere [S]
        "邻居在俺家房后盖了个棚子挡光，俺家在山阳区百间房",
    ],
)
def test_no_verification_tag_reaches_the_litigant(kb: Knowledge, story: str) -> None:
    a = assess(kb, story, None, TODAY)
    data = a.model_dump(mode="json")
    shown = {k: v for k, v in data.items() if k not in ("staff_notes", "facts", "similar_cases")}
    leaked = [(path, text) for path, text in _strings(shown) if TAG.search(text)]
    assert leaked == []


def test_a_tagged_sentence_becomes_plain_words_and_stays_for_staff(kb: Knowledge) -> None:
    a = assess(kb, "借给同事冯建华两万，到期不还，他住在山阳区", None, TODAY)
    tagged = a.model_copy(
        update={
            "jurisdiction": a.jurisdiction.model_copy(update={"basis": "交通事故管辖的实务做法未核实 [U]。"}),
            "risks": ["小额诉讼标准（河南2022年）[S]"],
        }
    )
    plain: Assessment = plain_words(tagged)
    assert plain.jurisdiction.basis == "交通事故管辖的实务做法未核实。"  # already says it is unverified
    assert plain.risks == ["小额诉讼标准（河南2022年）（以法院公布为准）"]
    assert "交通事故管辖的实务做法未核实 [U]。" in plain.staff_notes
    assert "小额诉讼标准（河南2022年）[S]" in plain.staff_notes


def test_the_parties_part_names_real_names_only(kb: Knowledge) -> None:
    story = "侯志刚欠我四万不还还让他老婆把车卖了，他住山阳区太行街道，我想告他"
    a = assess(kb, story, None, TODAY)
    assert a.parties is not None
    assert a.parties.defendants == ["侯志刚"]
    assert a.parties.defendant_address is not None and "山阳区" in a.parties.defendant_address
    assert a.jurisdiction.competent is True and a.jurisdiction.court == kb.court.name


def test_a_wage_claim_against_a_foreman_suggests_the_contractor(kb: Knowledge) -> None:
    story = "跟着包工头老耿在工地干了五个月钢筋活，欠俺工钱三万，他说总包的焦作市建安工程有限公司没给钱"
    a = assess(kb, story, None, TODAY)
    assert a.parties is not None
    assert [s.name for s in a.parties.suggested_defendants] == ["焦作市建安工程有限公司"]
    assert "劳动合同法第九十四条" in a.parties.suggested_defendants[0].source
