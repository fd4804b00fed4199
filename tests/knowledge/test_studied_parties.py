"""Studied class 'parties and preservation read from lay words' (民诉解释第二百零九条; 民事诉讼法第一百零三条、
第一百零四条): a company's registered name runs on past an industry word inside it (…物业服务有限公司, …医院管理
有限公司); a debtor finding buyers for his plant or machines is moving assets, so preservation comes first. Fresh
stories, with the near misses."""

from datetime import date

import pytest

from knowledge import Knowledge
from knowledge.parties import read_parties

TODAY = date(2026, 12, 7)



@pytest.mark.parametrize(
    ("story", "name"),
    [
        ("给俺看病的是焦作市康宁医院管理有限公司，手术做坏了", "焦作市康宁医院管理有限公司"),
        ("俺小区的物业是焦作市康居物业管理有限公司，他们的树砸了俺的车", "焦作市康居物业管理有限公司"),
    ],
)
def test_a_registered_name_runs_past_an_industry_word(story: str, name: str) -> None:
    assert read_parties(story).defendants == [name]


def test_a_shop_name_ending_in_its_suffix_is_kept() -> None:
    assert read_parties("温县兴旺饭店欠俺送菜的钱").defendants == ["温县兴旺饭店"]


@pytest.mark.parametrize(
    "story",
    [
        "欠俺十五万材料款的老板最近在找人卖他的门面房，俺怕钱要不回来，能不能先扣住",
        "包工头欠俺工钱八万，听说他正在甩卖他的挖掘机，能先把机器扣下来不",
    ],
)
def test_a_debtor_selling_his_assets_makes_preservation_first(knowledge: Knowledge, story: str) -> None:
    assert knowledge.assess(story, None, TODAY, None).preservation.first is True


def test_a_debtor_who_only_owes_does_not(knowledge: Knowledge) -> None:
    story = "欠俺十五万材料款的老板一直拖着不给，人还在厂里"
    assert knowledge.assess(story, None, TODAY, None).preservation.first is False
