from datetime import date

import pytest

import prompts
from bot.render import MAX_PART_CHARS, render_assessment
from core.settings import Settings
from knowledge import Knowledge, build_knowledge
from knowledge.assessment import Assessment, assess
from retrieval.types import Hit, SearchResult

TODAY = date(2026, 11, 24)


class FakeSearcher:
    def search(self, query: str, k: int = 5, cause: str | None = None) -> SearchResult:
        hits = [
            Hit(
                id="h1",
                score=0.03,
                cause=cause,
                outcome="supported",
                summary="被告出具借条借款未还",
                case_number="(2020)豫0811民初45号",
                court="山阳区人民法院",
                year=2020,
            )
        ]
        return SearchResult(query=query, hits=hits)

    def outcome_distribution(self, query: str, n: int = 20, cause: str | None = None) -> dict[str, int]:
        return {"supported": 9, "partly": 4}


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return build_knowledge(Settings())


def _assess(knowledge: Knowledge, text: str, searcher: FakeSearcher | None = None) -> Assessment:
    return assess(knowledge, text, None, TODAY, searcher=searcher)


STORIES = [
    "俺去年三月借给同事老王5万块，说好年底还，打了借条。他住在修武县，俺家在山阳区百间房。现在他要卖房跑路",
    "厂里欠俺四个月工资了，俺已经离职了，厂在山阳区",
    "和老公感情破裂想离婚，他住在温县",
    "楼上漏水把俺家泡了",
    "2019年1月在山阳区被车撞了，腿骨折，做了伤残鉴定，对方全责",
    "想问问法院几点上班",
]


@pytest.mark.parametrize("story", STORIES)
def test_parts_are_short_and_complete(knowledge: Knowledge, story: str) -> None:
    parts = render_assessment(_assess(knowledge, story, FakeSearcher()))
    assert 4 <= len(parts) <= 5
    assert all(0 < len(p) <= MAX_PART_CHARS for p in parts)
    assert parts[0].startswith("【您的纠纷】")
    assert "不是起诉的前提条件" in parts[-1] and "1." in parts[-1] and "3." in parts[-1]


def test_similar_cases_cite_only_what_the_searcher_returned(knowledge: Knowledge) -> None:
    parts = render_assessment(_assess(knowledge, STORIES[0], FakeSearcher()))
    assert "(2020)豫0811民初45号" in parts[0]
    assert "支持原告请求9份" in parts[0]
    none = render_assessment(_assess(knowledge, STORIES[0], None))
    assert "民初" not in none[0] and "没有类似案例" in none[0]


def test_figures_in_the_text(knowledge: Knowledge) -> None:
    parts = render_assessment(_assess(knowledge, STORIES[0]))
    text = "\n".join(parts)
    assert "1,050元" in text and "525元" in text
    assert "2028年12月31日" in text
    assert "保全费约520元" in text  # urgency (卖房跑路) → preservation fee on 50,000
    assert "本院有管辖权" in text


def test_a_dialog_assessment_renders_its_fee(knowledge: Knowledge) -> None:
    facts = {"due_date": "2025-06-01", "evidence": ["借条"]}
    data = {"story": "朋友借了我3万一直不还", "cause": "民间借贷纠纷", "facts": facts}
    parts = render_assessment(knowledge.assess_dialog(data, TODAY))
    assert len(parts) >= 4 and "550元" in "\n".join(parts)


def test_expired_wording_never_says_barred(knowledge: Knowledge) -> None:
    text = "\n".join(render_assessment(_assess(knowledge, STORIES[4])))
    assert "可能已超过" in text and "对方提出" in text


def test_templates_exist_and_render() -> None:
    for name in (
        "assessment_cause",
        "assessment_similar",
        "assessment_limitation",
        "assessment_fee",
        "assessment_risks",
        "assessment_routes",
    ):
        assert name in prompts.names()
    out = prompts.load("assessment_fee", fee="F", small_claims="S", jurisdiction="J")
    assert out == "【诉讼费】F\n【小额诉讼】S\n【管辖】J"
