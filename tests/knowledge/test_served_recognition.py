"""Knowledge.recognise: how the 18-cause classifier and the catalogue recogniser are weighed (issue 12).

The decision rule is tested with the two readers' answers set by hand (so each branch is reached for sure), using
the shipped thresholds (catalogue_cues.yaml ``params.served``); two stories go through the real readers."""

from __future__ import annotations

import pytest

from knowledge import Knowledge
from knowledge.causes import OTHER
from knowledge.classifier import CauseScore, Classification
from knowledge.recognition import Alternative, Recognition, Scope


def _classified(name: str, confidence: float, *, unsure: bool) -> Classification:
    ranking = [CauseScore(name, 1.0, 0.0, 0.0, None, (), ()), CauseScore(OTHER, 0.1, 0.0, 0.0, None, (), ())]
    return Classification(name, confidence, unsure, [], ranking)


def _recognised(kb: Knowledge, cause: str | None, confidence: float, kind: str = "civil") -> Recognition:
    params = kb.recogniser.params
    scope = Scope("civil") if kind == "civil" else Scope(kind, "理由", "出处")  # type: ignore[arg-type]
    return Recognition(
        cause=cause,
        family=None,
        confidence=confidence,
        alternatives=(Alternative("民间借贷纠纷", 0.1),),
        deep=False,
        deep_table=None,
        scope=scope,
        unsure=confidence < params.unsure_below,
    )


def _read(kb: Knowledge, monkeypatch: pytest.MonkeyPatch, deep: Classification, rec: Recognition) -> tuple[str, str]:
    monkeypatch.setattr(kb.classifier, "classify", lambda text: deep)
    monkeypatch.setattr(kb.recogniser, "recognise", lambda text, neighbours=None, classified=None: rec)
    reading = kb.recognise("一段话")
    return (reading.catalogue_name or reading.name), reading.scope


def test_a_confident_cause_beyond_the_18_wins_over_a_sure_classifier(
    kb: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = kb.recogniser.params.served
    deep = _classified("生命权、身体权、健康权纠纷", served.classifier_below - 0.05, unsure=False)
    rec = _recognised(kb, "教育机构责任纠纷", served.specific_from + 0.05)
    assert _read(kb, monkeypatch, deep, rec) == ("教育机构责任纠纷", "civil")


def test_a_very_sure_classification_is_kept(kb: Knowledge, monkeypatch: pytest.MonkeyPatch) -> None:
    served = kb.recogniser.params.served
    deep = _classified("生命权、身体权、健康权纠纷", served.classifier_below + 0.05, unsure=False)
    rec = _recognised(kb, "教育机构责任纠纷", served.specific_from + 0.05)
    assert _read(kb, monkeypatch, deep, rec) == ("生命权、身体权、健康权纠纷", "civil")


def test_a_sure_classification_is_kept_against_a_recogniser_not_confident_enough(
    kb: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = kb.recogniser.params.served
    deep = _classified("离婚纠纷", 0.65, unsure=False)
    rec = _recognised(kb, "婚约财产纠纷", served.specific_from - 0.05)
    assert _read(kb, monkeypatch, deep, rec) == ("离婚纠纷", "civil")


def test_a_sure_classification_is_kept_when_the_recogniser_names_a_cause_under_a_deep_table(
    kb: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    deep = _classified("追索劳动报酬纠纷", 0.65, unsure=False)
    rec = _recognised(kb, "确认劳动关系纠纷", 0.99)  # assessed as 劳动争议, one of the 18: not "beyond"
    assert kb.assessed_name("确认劳动关系纠纷") == "劳动争议"
    assert _read(kb, monkeypatch, deep, rec) == ("追索劳动报酬纠纷", "civil")


@pytest.mark.parametrize("kind", ["criminal", "administrative", "maritime"])
def test_a_confident_out_of_scope_reading_wins(kb: Knowledge, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    served = kb.recogniser.params.served
    deep = _classified("民间借贷纠纷", 0.95, unsure=False)
    cause = "海上、通海水域货物运输合同纠纷" if kind == "maritime" else None
    rec = _recognised(kb, cause, served.out_of_scope_from + 0.05, kind)
    assert _read(kb, monkeypatch, deep, rec)[1] == kind
    rec = _recognised(kb, cause, served.out_of_scope_from - 0.05, kind)
    assert _read(kb, monkeypatch, deep, rec) == ("民间借贷纠纷", "civil")


def test_not_legal_does_not_override_a_cause_the_classifier_sees(
    kb: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    deep = _classified("赡养纠纷", 0.5, unsure=True)
    rec = _recognised(kb, None, 0.9, "not_legal")
    reading_name, scope = _read(kb, monkeypatch, deep, rec)
    assert (reading_name, scope) == ("赡养纠纷", "civil")
    deep = _classified(OTHER, 0.9, unsure=False)
    assert _read(kb, monkeypatch, deep, rec)[1] == "not_legal"


def test_when_neither_is_sure_the_classifiers_guess_stands(kb: Knowledge, monkeypatch: pytest.MonkeyPatch) -> None:
    params = kb.recogniser.params
    deep = _classified("买卖合同纠纷", 0.4, unsure=True)
    rec = _recognised(kb, "加工合同纠纷", params.unsure_below - 0.05)
    monkeypatch.setattr(kb.classifier, "classify", lambda text: deep)
    monkeypatch.setattr(kb.recogniser, "recognise", lambda text, neighbours=None, classified=None: rec)
    reading = kb.recognise("一段话")
    assert (reading.name, reading.unsure) == ("买卖合同纠纷", True)
    rec = _recognised(kb, "加工合同纠纷", params.unsure_below + 0.05)
    monkeypatch.setattr(kb.recogniser, "recognise", lambda text, neighbours=None, classified=None: rec)
    assert kb.recognise("一段话").catalogue_name == "加工合同纠纷"


def test_real_stories_through_both_readers(kb: Knowledge) -> None:
    reading = kb.recognise("孩子在幼儿园滑梯上摔下来胳膊骨折了，园里说是孩子自己不小心")
    assert reading.catalogue_name == "教育机构责任纠纷", reading
    reading = kb.recognise("朋友借了我两万块钱，写了借条，说好半年还，现在一年了也不还")
    assert (reading.name, reading.unsure) == ("民间借贷纠纷", False)


def test_a_story_is_classified_once_per_recognition(kb: Knowledge, monkeypatch: pytest.MonkeyPatch) -> None:
    """The recogniser takes the classifier's reading from the caller instead of classifying the story again (with
    the embedder, each classification is a model call on the chat's hot path)."""
    calls: list[str] = []
    classify = kb.classifier.classify

    def counted(text: str) -> Classification:
        calls.append(text)
        return classify(text)

    monkeypatch.setattr(kb.classifier, "classify", counted)
    kb.recognise("邻居在微信群里造谣说我偷东西，我要他公开道歉")
    assert len(calls) == 1
