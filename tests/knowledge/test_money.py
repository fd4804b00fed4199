"""The claim read from a story's money (knowledge.money): spans with their roles, never an identifier's digits,
ranges and rough figures left open. Fresh stories, with the near misses that must not be read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from knowledge.cn_numbers import find_amounts, identifier_spans
from knowledge.extract import extract_facts, extract_slot_answer, read_amount

TODAY = date(2026, 12, 7)


def claim(text: str) -> Decimal | None:
    return read_amount(text, TODAY).amount


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # digits of identifiers are never money
        ("朋友借了俺两万块，有事打俺电话13598765432", 20000),
        ("借他五千，俺手机136xxxxxxxx随时打", 5000),
        ("借条上写着他身份证410823199002143516，借了一万二", 12000),
        ("往卡号6222021234567890123转了八千，转错人了", 8000),
        ("店里电话0391-3456789，押金两千不退", 2000),
        ("客服热线800-820-8820打不通，买了个1299的手机坏了", 1299),
        ("之前的案子（2023）豫0811民初456号，他还欠俺三万没给", 30000),
        ("合同编号XS-2024-118，货款四万六一直没付", 46000),
        ("他住在人民路56号7单元402，欠俺房租六千", 6000),
        ("2024年8月借给他三千", 3000),
        ("说好月息2分，借给他十万", 100000),
        ("占股20%，俺投了三十万", 300000),
        # a figure followed by an unexpected word is still read
        ("他拿了六十万去周转，一直不还", 600000),
        ("借了两万月底还", 20000),
        ("借给他三千年底还", 3000),
        # several items are added up
        ("分手时他把俺的电动车骑走了，车值四千，俺交的房租押金一千五也没退", 5500),
        ("他打了三张条，一张八千，一张五千，还有一张两千", 15000),
        ("材料款还差俺九千，人工费两千五也没给", 11500),
        # a rate counts only times a stated count
        ("工资一个月四千五，老板欠了俺五个月", 22500),
        ("每年租金两万，他欠了两年", 40000),
        ("房租一个月一千二，拖了五个月，押金两千抵了", 4000),
        # principal less what was repaid; what is still owed is already net
        ("借给他六万，去年还了一万五，今年又还了五千", 40000),
        ("前后借了他十万，还了四万，还欠六万", 60000),
        ("他欠俺五万，上个月还了一万", 40000),
        # what the person claims comes first
        ("他把俺打伤了，医药费花了八千，俺要他赔两万", 20000),
        # the other side's rough words do not change the person's own figures
        ("第一次借他3000，第二次借他4000，他非说只借了六千多", 7000),
        ("给他干活的工钱一共一万三千二", 13200),
        ("转让价120万，他一分没给", 1200000),
        # an agreement is no hearsay: instalments paid come off the principal
        ("他说好每个月还八百，还了两个月就不还了，一共借了俺五千", 3400),
    ],
)
def test_the_claim(text: str, value: int) -> None:
    assert claim(text) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("修车得花七八千，他不管", 7000, 8000),
        ("工钱还差三四万没结", 30000, 40000),
        ("换个窗户得两三百", 200, 300),
        ("一共要十五六万", 150000, 160000),
    ],
)
def test_a_range_is_asked_not_guessed(text: str, low: int, high: int) -> None:
    reading = read_amount(text, TODAY)
    assert reading.amount is None and reading.uncertain
    assert reading.range == (Decimal(low), Decimal(high))
    facts = extract_facts(text, TODAY)
    assert "claim_amount_yuan" not in facts and facts["claim_amount_range"] == [low, high]


@pytest.mark.parametrize(
    "text",
    [
        "前后拿了俺二十来万，具体得算算",
        "估计得一万左右",
        "工钱说是万把块",
        "欠俺好几万了",
        "借给他三万，后来他还了一部分",  # a repayment without its figure
        "房租一个月一千二，欠了三个月，押金他说不要了抵房租",  # a set-off without its figure
        "每个月五六百的生活费他都不给",  # a monthly range, no count: not 5,600
        "他每月给孩子八百抚养费，后来就不给了",  # a monthly figure without a count is no claim
    ],
)
def test_rough_figures_leave_the_claim_open(text: str) -> None:
    reading = read_amount(text, TODAY)
    assert reading.amount is None and reading.uncertain
    assert "claim_amount_yuan" not in extract_facts(text, TODAY)


@pytest.mark.parametrize(
    "text",
    ["他电话13512345678一直打不通", "他住3号楼2单元501", "俺今年45岁，在厂里干了8年", "占了20%的股份"],
)
def test_no_money_no_claim(text: str) -> None:
    reading = read_amount(text, TODAY)
    assert reading.amount is None and not reading.uncertain


def test_ranges_and_rough_figures_are_spans() -> None:
    five_six = find_amounts("五六百")[0]
    assert (five_six.value, five_six.high, five_six.approximate) == (Decimal(500), Decimal(600), True)
    assert find_amounts("三千四五")[0].high == Decimal(3500)
    assert find_amounts("3到4万")[0].value == Decimal(30000)
    assert find_amounts("二十多万")[0].approximate
    assert not find_amounts("一千三百八")[0].approximate


def test_identifier_spans_cover_the_digits() -> None:
    text = "身份证410823199002143516，电话13598765432，合同号AB-2023-07"
    covered = identifier_spans(text)
    for digits in ("410823199002143516", "13598765432", "AB-2023-07"):
        at = text.index(digits)
        assert any(s <= at and at + len(digits) <= e for s, e in covered), digits


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("三万", ("value", 30000.0)),
        ("大概三万", ("value", 30000.0)),  # one figure the person gives when asked
        ("三四万", ("unclear", None)),
        ("十来万吧", ("unclear", None)),
        ("电话13512345678", ("unclear", None)),
    ],
)
def test_amount_answers(text: str, expected: tuple[str, object]) -> None:
    answer = extract_slot_answer("claim_amount_yuan", "amount", text, TODAY)
    assert (answer.kind, answer.value) == expected


def test_an_open_amount_is_asked_in_the_assessment() -> None:
    from core.settings import Settings
    from knowledge import build_knowledge
    from knowledge.assessment import assess

    knowledge = build_knowledge(Settings())
    story = "给他饭店送了几个月的菜，菜钱还差三四千没给，俺电话13598765432他也不接"
    a = assess(knowledge, story, {"cause": "买卖合同纠纷"}, TODAY)
    assert a.facts["claim_amount_yuan"] is None
    assert a.facts["claim_amount_range"] == [3000, 4000]
    assert "claim_amount_yuan" in a.missing
