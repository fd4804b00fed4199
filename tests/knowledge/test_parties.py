"""Parties: who can be named as a defendant, who is named but not sued, who the law adds (knowledge.parties)."""

import pytest

from knowledge.parties import name_spans, read_parties, suggest_defendants


@pytest.mark.parametrize(
    ("story", "defendants"),
    [
        ("前年借给同村的侯建军三万块，说好秋后还，他一直拖着", ["侯建军"]),
        ("被孙晓燕家的狗扑倒了，膝盖磕破", ["孙晓燕"]),
        ("河南润丰农资有限公司欠我化肥款两万八", ["河南润丰农资有限公司"]),
        ("在“刘记羊肉汤馆”喝汤，吃出了玻璃碴", ["刘记羊肉汤馆"]),
        ("邻居马国庆把墙砌到了俺家地界上", ["马国庆"]),
        ("借款人冯小雨到期不还，保证人田卫国也不管", ["冯小雨", "田卫国"]),
    ],
)
def test_defendants_are_real_names(story: str, defendants: list[str]) -> None:
    assert read_parties(story).defendants == defendants


@pytest.mark.parametrize(
    "story",
    [
        "俺小叔子前年借俺一万说盖房，到现在不还，他哥也不让俺要",  # kinship words
        "老宋借了我八千，微信转的",  # a nickname
        "被告王某一直不还钱",  # a placeholder
        "跟一家物流公司签的运输合同，运费一直拖着",  # an industry word
        "他不还钱还让他闺女把存折里的钱都取走了",  # a sentence fragment
        "马上就要过年了，他还不还钱",  # 马上 is no name
        "转给了郑州的一个网友，对方不退",  # 郑州 is a place
    ],
)
def test_no_name_where_the_story_gives_none(story: str) -> None:
    assert read_parties(story).defendants == []


def test_named_but_not_sued_with_the_reason() -> None:
    story = "经邓文斌介绍，我借给谢红霞五万。谢红霞不还，邓文斌说他只是介绍人"
    reading = read_parties(story)
    assert reading.defendants == ["谢红霞"]
    assert [p.name for p in reading.others] == ["邓文斌"] and "民间借贷规定第二十条" in reading.others[0].why


def test_a_companys_boss_is_not_the_defendant() -> None:
    reading = read_parties("焦作市宏兴商贸有限公司欠我货款，老板叫曹海涛，我想告曹海涛")
    assert reading.defendants == ["焦作市宏兴商贸有限公司"]
    assert [p.name for p in reading.others] == ["曹海涛"]


def test_the_deceased_is_not_the_defendant() -> None:
    reading = read_parties("范永刚借我三万，去年冬天病故了，他儿子说不知道这事")
    assert "范永刚" not in reading.defendants and reading.others[0].name == "范永刚"


def test_names_are_skipped_when_places_are_read() -> None:
    story = "在“焦作山阳利民百货有限公司”买的电视坏了，范解放说不管"
    spans = name_spans(story)
    covered = "".join(story[s:e] for s, e in spans)
    assert "焦作山阳利民百货有限公司" in covered and "范解放" in covered


@pytest.mark.parametrize(
    ("story", "who", "traffic"),
    [
        (
            "跟着包工头老薛干了三个月瓦工，工钱一万二没给，说是发包的焦作市鼎盛建设有限公司没结账",
            "焦作市鼎盛建设有限公司",
            False,
        ),
        ("跟着工头干活，工钱没给，工头跑了", "发包工程的公司（总承包或发包单位）", False),
        ("过马路时被一辆轿车撞了，腿骨折", "对方车辆投保交强险的保险公司", True),
        ("老魏借我两万，今年春天去世了，他家里人不认", "继承了他遗产的继承人（如配偶、子女）", False),
    ],
)
def test_who_the_law_adds(story: str, who: str, traffic: bool) -> None:
    names = [s.name for s in suggest_defendants(story, read_parties(story), traffic=traffic)]
    assert who in names


def test_nobody_is_added_to_a_plain_loan() -> None:
    story = "借给同事付明亮两万，到期不还"
    assert suggest_defendants(story, read_parties(story)) == []
