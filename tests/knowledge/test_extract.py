from datetime import date
from decimal import Decimal

import pytest

from knowledge._base import DATA_DIR
from knowledge.cn_numbers import find_amounts, parse_number
from knowledge.court import Court
from knowledge.dates import find_dates
from knowledge.extract import extract_amount, extract_evidence, extract_facts, extract_slot_answer

TODAY = date(2026, 11, 24)
COURT = Court.load(DATA_DIR / "court.yaml")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5万", 50000),
        ("五万元", 50000),
        ("50000块", 50000),
        ("伍万", 50000),
        ("3.5万", 35000),
        ("一万五", 15000),
        ("1万2", 12000),
        ("两千", 2000),
        ("三千五", 3500),
        ("50,000元", 50000),
        ("十五万八", 158000),
        ("壹拾伍万", 150000),
        ("一千二百五十元", 1250),
        ("2.5w", 25000),
        ("八百块", 800),
    ],
)
def test_amount_forms(text: str, value: int) -> None:
    mentions = find_amounts(text)
    assert [m.value for m in mentions] == [Decimal(value)]


def test_parse_number_rejects_non_numbers() -> None:
    assert parse_number("借条") is None


@pytest.mark.parametrize(
    "text", ["万一他不还呢", "千万别让他跑了", "俺今年45岁", "欠了三个月", "2023年5月1日", "住在3号楼"]
)
def test_non_money_numbers_are_ignored(text: str) -> None:
    assert find_amounts(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("借给他10万，还了3万", 70000),
        ("借了5万块，还了一万五，还欠三万五", 35000),
        ("一共欠俺两万三千块", 23000),
        ("月租1500，押金3000没退", 3000),
    ],
)
def test_claim_amount_in_a_story(text: str, value: int) -> None:
    assert extract_amount(text) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("2023年5月1日", "2023-05-01", "day"),
        ("去年三月", "2025-03-01", "month"),
        ("上个月", "2026-10-01", "month"),
        ("前年", "2024-01-01", "year"),
        ("三年前", "2023-11-24", "year"),
        ("2021.3.15", "2021-03-15", "day"),
        ("今年5月10号", "2026-05-10", "day"),
        ("12月份", "2025-12-01", "month"),
        ("23年8月", "2023-08-01", "month"),
        ("2020年底", "2020-12-31", "day"),
        ("昨天", "2026-11-23", "day"),
        ("半年前", "2026-05-24", "month"),
    ],
)
def test_dates_relative_to_today(text: str, iso: str, precision: str) -> None:
    found = find_dates(text, TODAY)
    assert [(d.value.isoformat(), d.precision) for d in found] == [(iso, precision)]


def test_durations_are_not_dates() -> None:
    assert find_dates("欠了我三个月工资", TODAY) == []


def test_year_end_takes_the_year_of_the_story() -> None:
    found = find_dates("去年三月借给他，说好年底还", TODAY)
    assert [d.value.isoformat() for d in found] == ["2025-03-01", "2025-12-31"]


@pytest.mark.parametrize(
    ("text", "held", "denied"),
    [
        ("打了借条，还有微信转账记录", ["借条", "转账记录"], []),
        ("没打借条，只有聊天记录", ["聊天记录"], ["借条"]),
        ("没有劳动合同，有工牌和考勤", ["考勤工作证明"], ["劳动合同"]),
        ("借条丢了", [], ["借条"]),
        ("交警出了事故认定书，有病历和证人", ["证人", "事故认定书", "病历"], []),
        ("有收据和合同", ["收据", "合同"], []),
    ],
)
def test_evidence(text: str, held: list[str], denied: list[str]) -> None:
    got_held, got_denied = extract_evidence(text)
    assert sorted(got_held) == sorted(held)
    assert got_denied == denied


def test_story_facts() -> None:
    text = "俺去年三月借给同事老王5万块，说好年底还，打了借条。他住在修武县，俺家在山阳区百间房。现在他要卖房跑路"
    facts = extract_facts(text, TODAY, place_role="defendant_place", date_role="loan_date", court=COURT)
    assert facts["claim_amount_yuan"] == 50000
    assert facts["loan_date"] == "2025-03-01" and facts["due_date"] == "2025-12-31"
    assert facts["defendant_place"] == "修武县" and facts["plaintiff_place"] == "山阳区百间房"
    assert facts["evidence"] == ["借条"]
    assert facts["urgency"] is True
    assert facts["defendant_kind"] == "person"


def test_incident_story() -> None:
    text = "2023年5月1日在山阳区太行路被一辆车撞了，交警出了事故认定书"
    facts = extract_facts(text, TODAY, place_role="incident_place", date_role="known_date")
    assert facts["incident_date"] == "2023-05-01"
    assert facts["incident_place"] == "山阳区"


def test_mediation_willingness_in_story() -> None:
    assert extract_facts("不想调解，直接起诉", TODAY)["mediation_willing"] is False
    assert extract_facts("可以先调解", TODAY)["mediation_willing"] is True


@pytest.mark.parametrize(
    ("slot", "kind", "text", "expected"),
    [
        ("claim_amount_yuan", "amount", "三万", ("value", 30000.0)),
        ("claim_amount_yuan", "amount", "不知道", ("unknown", None)),
        ("due_date", "date", "没约定", ("none", None)),
        ("due_date", "date", "去年年底", ("value", "2025-12-31")),
        ("mediation_willing", "bool", "中", ("value", True)),
        ("mediation_willing", "bool", "不中", ("value", False)),
        ("mediation_willing", "bool", "不想调解", ("value", False)),
        ("defendant_place", "place", "修武县", ("value", "修武县")),
        ("defendant_place", "place", "不清楚", ("unknown", None)),
        ("evidence", "evidence", "啥也没有", ("none", [])),
        ("still_employed", "bool", "已经离职了", ("value", False)),
        ("claim_amount_yuan", "amount", "嗯嗯", ("unclear", None)),
    ],
)
def test_slot_answers(slot: str, kind: str, text: str, expected: tuple[str, object]) -> None:
    answer = extract_slot_answer(slot, kind, text, TODAY, COURT)
    assert (answer.kind, answer.value) == expected


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("借钱的人叫张三，住在修武", "张三"),
        ("被告耿卫东一直不还", "耿卫东"),
        ("焦作市恒达利建材有限公司欠我货款", "焦作市恒达利建材有限公司"),
    ],
)
def test_other_party_name(text: str, name: str) -> None:
    assert extract_facts(text, TODAY)["other_party_name"] == name


@pytest.mark.parametrize(
    "text",
    [
        "被告张某一直不还",  # a placeholder: the filing form asks the real name (民诉解释第二百零九条)
        "焦作市某某建材有限公司欠我货款",
        "和一家装修材料公司签的合同，欠我货款",  # an industry word names nobody
        "他欠我钱不还还让他媳妇把银行卡里的钱转走了",  # a fragment of a sentence is no name
    ],
)
def test_no_name_from_placeholders_or_fragments(text: str) -> None:
    assert "other_party_name" not in extract_facts(text, TODAY)


def test_no_name_when_none_is_given() -> None:
    assert "other_party_name" not in extract_facts("朋友借了我3万一直不还", TODAY)
