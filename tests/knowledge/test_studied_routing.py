"""Studied class 'a procedure after a decision, read from the decision's state' (民事诉讼法第一百二十七条第（五）项、
第一百二十二条、第二百一十一条第（一）项): an old judgment already performed does not turn a new debt into an
enforcement question — the new debt is a suit of its own; new evidence found after a judgment took effect is a
retrial, not a new suit. Fresh stories, with the near misses that keep the old reading."""

from datetime import date

import pytest

from knowledge import Knowledge
from knowledge.routing import route_matter

TODAY = date(2026, 12, 7)



def _route(knowledge: Knowledge, story: str) -> str:
    return route_matter(story, {}, TODAY, knowledge.court, knowledge.routing).route


@pytest.mark.parametrize(
    "story",
    [
        "前年法院判他还俺两万，钱早就执行完了。后来他又借了俺六千，写了欠条，现在又不还",
        "上回官司判了他赔俺，他已经履行完了；这次是另一笔货款一万二，他还是拖着不给",
    ],
)
def test_a_new_debt_after_a_performed_judgment_is_a_new_suit(knowledge: Knowledge, story: str) -> None:
    assert _route(knowledge, story) == "civil_suit"


def test_an_unperformed_judgment_is_still_enforced(knowledge: Knowledge) -> None:
    assert _route(knowledge, "法院判他还俺两万，判决早就生效了，他一分没还") == "enforcement"


@pytest.mark.parametrize(
    "story",
    [
        "判决生效快三个月了，判我赔他八千，前两天在抽屉里翻出来他写的收据，证明钱早给过了",
        "法院判我还她两万，已经生效，后来找到了当时的转账凭证，其实我还过了",
    ],
)
def test_new_evidence_after_an_effective_judgment_is_a_retrial(knowledge: Knowledge, story: str) -> None:
    assert _route(knowledge, story) == "retrial"
