"""Recognising a lay story over the whole catalogue (knowledge.recognition), with and without judgment votes.

The stories below were written for these tests; a test keeps them apart from the evaluation stories in
knowledge/eval/catalogue (character-trigram Jaccard < 0.3), so that passing here says nothing about the eval.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from knowledge.errors import InputError
from knowledge.recognition import (
    CauseRecogniser,
    Recognition,
    build_recogniser,
    load_cue_table,
    name_terms,
    searcher_neighbours,
)
from retrieval.types import Hit, SearchResult

EVAL = Path(__file__).resolve().parents[2] / "knowledge" / "eval" / "catalogue" / "lay_stories.jsonl"


@pytest.fixture(scope="module")
def rec() -> CauseRecogniser:
    return build_recogniser()


CIVIL = [
    ("表弟前年找我拿了两万块说是周转，写了借条，到现在一分没还", "民间借贷纠纷"),
    ("前天在拼多多上下单买了一台洗衣机，送来就不转，商家不给换也不退", "信息网络买卖合同纠纷"),
    ("我们镇上的物流把我托运的一箱瓷器运碎了，运费收了三百，只肯赔一百", "公路货物运输合同纠纷"),
    ("在店里订做了一套实木衣柜，做出来颜色跟样品差一大截，店家不认", "定作合同纠纷"),
    ("去年给闺女订婚，男方给了十万彩礼，现在男方悔婚要全退", "婚约财产纠纷"),
    ("老爷子走的时候在公证处立过遗嘱，把门面留给我，二叔拿着房本不给", "遗嘱继承纠纷"),
    ("楼下一户人家养的大黄狗没拴，把我家孩子腿咬出血了，打了狂犬疫苗", "饲养动物损害责任纠纷"),
    ("邻居家院里的柿子树年头久了，大风一刮断了个大杈，把我停的车顶砸凹了", "林木折断、倾倒、果实坠落损害责任纠纷"),
    ("在单位干了七年，厂子突然倒闭了，说关就关，经济补偿一分也没有", "经济补偿金纠纷"),
    ("小区业委会收了几年广告费，账目从来不公布，我们想查账", "业主知情权纠纷"),
    ("游戏账号被人盗了，辛苦攒的装备全被转走了", "网络侵害虚拟财产纠纷"),
    ("有个人在快手上造谣说我家卖的米是陈米掺的，根本没这回事，买卖都黄了", "名誉权纠纷"),
]

OUT = [
    ("接到一个自称公安的电话，说我涉嫌洗钱让我把钱转到安全账户，转了八万就联系不上了", "criminal"),
    ("县市场监管局说我店里的秤不准，罚了我五千，我不服", "administrative"),
    ("我们的货走海运从宁波到天津，船公司签的提单，到港发现集装箱里的货全泡了", "maritime"),
    ("我们厂的实用新型专利被另一家厂仿着做了，卖得到处都是", "ip_court"),
    ("跟一家马来西亚的公司做出口，货发过去了，二十万美元一直不付", "foreign"),
    ("请问周六周日法院上班不，几点开门", "not_legal"),
]


def _grams(s: str) -> set[str]:
    return {s[i : i + 3] for i in range(len(s) - 2)} or {s}


def test_the_stories_here_are_not_eval_stories() -> None:
    stories = [json.loads(line)["story"] for line in EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    eval_grams = [_grams(s) for s in stories]
    for text, _ in [*CIVIL, *OUT]:
        g = _grams(text)
        assert max(len(g & e) / len(g | e) for e in eval_grams) < 0.3, text


def test_the_labelled_examples_are_not_eval_stories() -> None:
    table = load_cue_table()
    examples = [t for texts in table.examples.values() for t in texts]
    examples += [t for spec in table.scope.values() for t in spec.examples]
    assert len(examples) >= 200
    stories = [json.loads(line)["story"] for line in EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    eval_grams = [_grams(s) for s in stories]
    for text in examples:
        g = _grams(text)
        assert max(len(g & e) / len(g | e) for e in eval_grams) < 0.3, text


def test_examples_count_for_their_cause(rec: CauseRecogniser) -> None:
    ev = rec.read("把家里两头牛交给邻居代养，回来发现瘦得皮包骨")
    assert ev.examples["保管合同纠纷"] > 0.3


@pytest.mark.parametrize(("text", "cause"), CIVIL)
def test_civil_causes_over_the_catalogue(rec: CauseRecogniser, text: str, cause: str) -> None:
    result = rec.recognise(text)
    assert result.cause == cause, result.explain()
    assert result.scope.civil and result.label == cause
    assert result.family == rec.catalogue.get(cause).family
    assert 0.0 < result.confidence <= 1.0
    assert len(result.alternatives) <= 3 and cause not in [a.cause for a in result.alternatives]


@pytest.mark.parametrize(("text", "kind"), OUT)
def test_out_of_scope(rec: CauseRecogniser, text: str, kind: str) -> None:
    result = rec.recognise(text)
    assert result.scope.kind == kind, result.explain()
    assert result.label == f"OUT:{kind}"
    assert result.scope.reason and result.scope.source
    if kind in ("criminal", "administrative", "not_legal"):
        assert result.cause is None and result.family is None and not result.deep


def test_deep_flag_and_deep_table(rec: CauseRecogniser) -> None:
    deep = rec.recognise(CIVIL[0][0])
    assert deep.deep and deep.deep_table == "民间借贷纠纷"
    online = rec.recognise(CIVIL[1][0])
    assert not online.deep and online.deep_table == "买卖合同纠纷"  # a sub-cause keeps its parent's slot table
    bride = rec.recognise(CIVIL[4][0])
    assert not bride.deep and bride.deep_table is None


def test_a_cause_of_the_maritime_family_is_out_of_scope_however_it_is_found(rec: CauseRecogniser) -> None:
    table = load_cue_table()
    assert rec.catalogue.rule_keys("船舶碰撞损害责任纠纷").scope == "maritime"
    ev = rec.read("我们村的渔船在近海被一艘货船撞翻了")
    result = rec.decide(ev)
    assert result.scope.kind == "maritime" and result.scope.reason == table.scope["maritime"].reason


def test_neighbours_add_votes_and_unknown_names_are_ignored(rec: CauseRecogniser) -> None:
    text = "对方一直拖着不给钱，我也不知道该告什么"
    alone = rec.recognise(text)

    def votes(_: str) -> list[tuple[str, float]]:
        return [("保管合同纠纷", 9.0), ("保管合同纠纷", 8.0), ("没有这个案由", 7.0), ("保管合同纠纷", 6.0)]

    voted = rec.recognise(text, neighbours=votes)
    row = next(s for s in voted.ranking if s.label == "保管合同纠纷")
    assert row.neighbours > 0.5
    assert all(s.label != "没有这个案由" for s in voted.ranking)
    assert not any(s.label == "保管合同纠纷" for s in alone.ranking)


def test_old_names_of_judgments_vote_for_their_catalogue_cause(rec: CauseRecogniser) -> None:
    ev = rec.read("网上买的东西有问题", neighbours=lambda _: [("网络购物合同纠纷", 1.0)])
    assert ev.votes == {"信息网络买卖合同纠纷": 1.0}


def test_without_neighbours_it_degrades_not_fails(rec: CauseRecogniser) -> None:
    assert rec.neighbours is None
    result = rec.recognise(CIVIL[2][0], neighbours=None)
    assert result.cause == CIVIL[2][1]
    assert all(s.neighbours == 0.0 for s in result.ranking)


def test_a_message_with_no_dispute_reads_as_not_legal(rec: CauseRecogniser) -> None:
    assert rec.recognise("嗯嗯好的").scope.kind == "not_legal"
    assert rec.recognise("家里有点事想问问").scope.kind == "not_legal"
    assert rec.recognise("邻居欠钱不还").scope.civil


def test_confidence_follows_the_margin(rec: CauseRecogniser) -> None:
    clear = rec.recognise("女方收了八万八彩礼，订婚半年就悔婚了，彩礼不退")
    vague = rec.recognise("跟人有点纠纷，钱的事，想问问怎么办")
    assert clear.confidence > vague.confidence
    assert not clear.unsure and vague.unsure
    assert clear.top_labels(3)[0] == clear.label and len(clear.top_labels(3)) == 3


def test_weights_decide_and_can_be_changed(rec: CauseRecogniser) -> None:
    text = CIVIL[3][0]
    ev = rec.read(text)
    assert rec.decide(ev).cause == "定作合同纠纷"
    no_cues = rec.params.model_copy(
        update={"weights": rec.params.weights.model_copy(update={"cues": 0.0, "name": 0.0})}
    )
    assert rec.decide(ev, no_cues).cause != "定作合同纠纷"  # without cues the 18-cause classifier decides


def test_empty_text_is_refused(rec: CauseRecogniser) -> None:
    with pytest.raises(InputError):
        rec.recognise("   ")


def test_name_terms() -> None:
    assert name_terms("定作合同纠纷") == ("定作",)
    assert name_terms("高空抛物、坠物损害责任纠纷") == ("高空抛物", "坠物")
    assert name_terms("买卖合同纠纷") == ()
    assert name_terms("申请支付令") == ("支付令",)


class _FakeSearcher:
    def __init__(self, causes: Sequence[str | None]) -> None:
        self.causes = causes
        self.asked: list[tuple[str, int]] = []

    def search(self, query: str, k: int = 5, cause: str | None = None) -> SearchResult:
        self.asked.append((query, k))
        hits = [
            Hit(id=f"j{i}", score=1.0 / (i + 1), cause=c, outcome=None, summary="") for i, c in enumerate(self.causes)
        ]
        return SearchResult(query=query, hits=hits)

    def outcome_distribution(self, query: str, n: int = 20, cause: str | None = None) -> dict[str, int]:
        return {}


def test_searcher_neighbours_adapts_the_similar_judgment_search() -> None:
    searcher = _FakeSearcher(["民间借贷纠纷", None, "合伙协议纠纷"])
    neighbours = searcher_neighbours(searcher, k=7)
    assert neighbours("借钱不还") == [("民间借贷纠纷", 1.0), ("合伙协议纠纷", 1.0 / 3)]
    assert searcher.asked == [("借钱不还", 7)]


def test_every_cue_names_a_catalogue_cause(rec: CauseRecogniser) -> None:
    table = load_cue_table()
    assert all(name in rec.catalogue for name in table.causes)
    assert set(table.scope) == {"criminal", "administrative", "maritime", "foreign", "ip_court", "not_legal"}


def test_recognition_is_typed() -> None:
    fields = Recognition.__dataclass_fields__
    for name in ("cause", "family", "confidence", "alternatives", "deep", "deep_table", "scope", "unsure"):
        assert name in fields
