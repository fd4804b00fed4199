from collections import Counter
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge import Knowledge
from knowledge.assessment import assess
from knowledge.errors import InputError
from retrieval.errors import StoreError
from retrieval.types import CauseFilter, Hit, SearchResult

TODAY = date(2026, 11, 24)
LOAN_STORY = "俺去年三月借给同事老王5万块，说好年底还，打了借条。他住在修武县，俺家在山阳区百间房。"


class FakeSearcher:
    def __init__(self, hits: list[Hit], distribution: dict[str, int]) -> None:
        self.hits = hits
        self.distribution = distribution
        self.calls: list[tuple[str, CauseFilter]] = []

    def search(self, query: str, k: int = 5, cause: CauseFilter = None) -> SearchResult:
        self.calls.append((query, cause))
        return SearchResult(query=query, hits=self.hits[:k], cause_filter=cause)

    def outcome_distribution(self, query: str, n: int = 20, cause: CauseFilter = None) -> dict[str, int]:
        return dict(self.distribution)


class BrokenSearcher(FakeSearcher):
    def search(self, query: str, k: int = 5, cause: CauseFilter = None) -> SearchResult:
        raise StoreError("chroma down")


HITS = [
    Hit(
        id="j1",
        score=0.031,
        cause="民间借贷纠纷",
        outcome="supported",
        summary="被告向原告借款5万元并出具借条，到期未还",
        case_number="(2021)豫0811民初123号",
        court="焦作市山阳区人民法院",
        year=2021,
    ),
    Hit(
        id="j2",
        score=0.029,
        cause="民间借贷纠纷",
        outcome="partly",
        summary="原告通过微信转账出借款项，被告辩称已部分归还",
    ),
    Hit(id="j3", score=0.020, cause="民间借贷纠纷", outcome="rejected", summary="原告未能举证证明借贷合意"),
    Hit(id="j4", score=0.010, cause="民间借贷纠纷", outcome="supported", summary="第四个不应出现"),
]



def test_loan_assessment_end_to_end(knowledge: Knowledge) -> None:
    searcher = FakeSearcher(HITS, {"supported": 12, "partly": 5, "rejected": 3})
    a = assess(knowledge, LOAN_STORY, None, TODAY, searcher=searcher)
    assert a.cause.name == "民间借贷纠纷" and not a.cause.unsure
    assert a.facts["claim_amount_yuan"] == 50000
    assert (a.fee.acceptance_fee_yuan, a.fee.halved_yuan) == (1050, 525)
    assert a.limitation.status == "in_time" and a.limitation.deadline == date(2028, 12, 31)
    assert a.small_claims.eligible is True and a.small_claims.mode == "by_agreement"
    assert a.small_claims.threshold_yuan == 35120
    assert a.jurisdiction.competent is True and a.jurisdiction.court == knowledge.court.name
    assert "钱已经交付" in a.evidence.gaps[0]
    assert a.mediation.suitable is True and a.mediation.required_before_filing is False
    assert "不是起诉的前提条件" in a.mediation.note
    assert [c.id for c in a.similar_cases] == ["j1", "j2", "j3"]  # top 3, only what the searcher returned
    assert a.similar_cases[0].case_number == "(2021)豫0811民初123号"
    assert "借条" in a.similar_cases[0].why
    # counted among the nearest judgments of the cause the search returned (not a second, unfiltered count)
    assert a.outcome_distribution == dict(Counter(h.outcome for h in HITS if h.outcome))
    filtered = [cause for _, cause in searcher.calls if cause]  # (the unfiltered call: the judgments' votes)
    assert filtered and "民间借贷纠纷" in filtered[0] and "企业借贷纠纷" in filtered[0]  # an older name too
    assert a.missing == ["mediation_willing"]
    assert any(r.startswith("不提供或者不充分提供证据") for r in a.risks)


def test_given_facts_override_and_confirmed_cause(knowledge: Knowledge) -> None:
    facts = {"cause": "民间借贷纠纷", "claim_amount_yuan": 1_000_000, "mediation_willing": False, "urgency": True}
    a = assess(knowledge, "他欠我钱", facts, TODAY, searcher=None)
    assert a.cause.confirmed and a.cause.confidence == 1.0
    assert a.fee.acceptance_fee_yuan == 13800 and a.fee.halved_yuan == 6900
    assert a.fee.preservation_fee_yuan == 5000
    assert a.small_claims.eligible is False
    assert a.mediation.suitable is False
    assert a.similar_cases == [] and "没有类似案例" in a.similar_note


def test_broken_searcher_degrades_politely(knowledge: Knowledge) -> None:
    a = assess(knowledge, LOAN_STORY, None, TODAY, searcher=BrokenSearcher([], {}))
    assert a.similar_cases == [] and "暂时不可用" in a.similar_note


def test_expired_limitation_is_a_risk_not_a_bar(knowledge: Knowledge) -> None:
    facts = {"cause": "民间借贷纠纷", "due_date": "2019-06-01", "claim_amount_yuan": 20000}
    a = assess(knowledge, "借钱不还", facts, TODAY, searcher=None)
    assert a.limitation.status == "expired"
    assert "第一百九十三条" in a.limitation.basis
    assert any(r.startswith("超过诉讼时效") for r in a.risks)
    assert a.small_claims.mode == "mandatory"


def test_labour_goes_to_arbitration(knowledge: Knowledge) -> None:
    a = assess(knowledge, "厂里欠俺四个月工资，俺还在厂里上班，厂在山阳区", None, TODAY, searcher=None)
    assert a.cause.name == "追索劳动报酬纠纷"
    assert a.route == "arbitration" and a.jurisdiction.arbitration_first
    assert a.fee.acceptance_fee_yuan == 10
    # unpaid wages while the job goes on: no arbitration period runs (劳动争议调解仲裁法第二十七条第四款)
    assert a.limitation.status == "not_applicable" and a.limitation.deadline is None
    assert a.limitation.rule_tag == "wages_during_employment"
    assert a.mediation.route == "labour_mediation_or_arbitration"


def test_divorce_fee_is_a_range_and_no_small_claims(knowledge: Knowledge) -> None:
    a = assess(knowledge, "和老公感情破裂分居两年了想离婚，他住在温县", None, TODAY, searcher=None)
    assert a.cause.name == "离婚纠纷"
    assert a.fee.acceptance_fee_yuan is None and a.fee.range_yuan == [50, 300]
    assert a.small_claims.eligible is False
    assert a.jurisdiction.competent is False and a.jurisdiction.court == "河南省温县人民法院"
    # 民法典第一千零七十九条: the organisations may mediate a divorce first, if the person wants; the court does too
    assert a.mediation.suitable and a.mediation.route == "people_mediation"
    assert "法院也会依法调解" in a.mediation.reasons[0]


def test_neighbour_obstruction_has_no_limitation_and_exclusive_jurisdiction(knowledge: Knowledge) -> None:
    a = assess(knowledge, "邻居盖房把俺家的路堵死了，房子在焦东街道", None, TODAY, searcher=None)
    assert a.cause.name == "相邻关系纠纷"
    assert a.jurisdiction.competent is True
    assert a.fee.range_yuan == [50, 100]


@pytest.mark.parametrize("text", ["", "   ", "借" * 2001])
def test_bad_text(knowledge: Knowledge, text: str) -> None:
    with pytest.raises(InputError):
        assess(knowledge, text, None, TODAY, searcher=None)


@pytest.mark.parametrize("amount", [-5, "abc", [1]])
def test_bad_amount(knowledge: Knowledge, amount: object) -> None:
    with pytest.raises(InputError):
        assess(knowledge, "借钱不还", {"claim_amount_yuan": amount}, TODAY, searcher=None)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_text_gives_an_assessment_or_a_polite_error(knowledge: Knowledge, text: str) -> None:
    try:
        a = assess(knowledge, text, None, TODAY, searcher=None)
    except InputError as exc:
        assert exc.user_message
        return
    assert a.cause.name in knowledge.causes.causes
    assert a.limitation.status in ("in_time", "expired", "unknown", "not_applicable")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.sampled_from(
        ["借了我一万五还剩三千没还", "去年三月借给他2.5w", "前年年底撞了，医药费八千多", "1万2的货款"]
    ),
    extra=st.text(alphabet="零一二两三四五六七八九十百千万亿0123456789.,年月日号前去今上个天块元", max_size=20),
)
def test_amount_and_date_noise_never_crashes(knowledge: Knowledge, text: str, extra: str) -> None:
    try:
        a = assess(knowledge, text + extra, None, TODAY, searcher=None)
    except InputError as exc:
        assert exc.user_message
        return
    amount = a.facts["claim_amount_yuan"]
    assert amount is None or 0 <= amount <= 1e12
