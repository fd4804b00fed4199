import hashlib
import math

import pytest

from knowledge.causes import OTHER, load_causes
from knowledge.classifier import CauseClassifier, load_classifier_config, load_examples
from knowledge.errors import InputError


class TinyFakeEmbedder:
    """Hashed character bigrams into 64 dims, normalised: texts sharing characters are close."""

    def _vec(self, text: str) -> list[float]:
        v = [0.0] * 64
        for i in range(len(text) - 1):
            h = int(hashlib.md5(text[i : i + 2].encode()).hexdigest(), 16)
            v[h % 64] += 1.0
        n = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / n for x in v]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vec(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vec(text)


@pytest.fixture(scope="module")
def classifier() -> CauseClassifier:
    return CauseClassifier(load_causes().names, config=load_classifier_config(), examples=load_examples())


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        ("借钱不还", "民间借贷纠纷"),
        ("楼上漏水", "相邻关系纠纷"),
        ("老板不给工资", "追索劳动报酬纠纷"),
        ("房东扣着押金不退", "房屋租赁合同纠纷"),
        ("出车祸了，对方全责", "机动车交通事故责任纠纷"),
        ("信用卡逾期了", "信用卡纠纷"),
        ("想跟他离婚", "离婚纠纷"),
        ("微信转错账了", "不当得利纠纷"),
    ],
)
def test_clear_cases(classifier: CauseClassifier, text: str, cause: str) -> None:
    result = classifier.classify(text)
    assert result.cause == cause
    assert not result.unsure
    assert 0.6 <= result.confidence <= 1.0


@pytest.mark.parametrize(
    ("text", "cause", "discounted"),
    [
        # family words in a loan story are background (discount rule 1)
        ("他说家里老人住院，找我借了三千块，说月底就还", "民间借贷纠纷", "赡养纠纷"),
        # a bodily injury next door is a personal-injury case, not a neighbour dispute (rule 2)
        ("隔壁邻居家的狗窜出来把我咬伤了，缝了五针", "生命权、身体权、健康权纠纷", "相邻关系纠纷"),
        # money paid twice / too much is the excess payment, not the rent (mistaken-payment rule)
        ("交房租的时候多转了一千，房东不退", "不当得利纠纷", "房屋租赁合同纠纷"),
    ],
)
def test_discount_rules(classifier: CauseClassifier, text: str, cause: str, discounted: str) -> None:
    result = classifier.classify(text)
    assert result.cause == cause
    by_cause = {s.cause: s for s in result.ranking}
    assert by_cause[discounted].discounted_by


def test_discount_does_not_apply_when_the_cause_is_named(classifier: CauseClassifier) -> None:
    result = classifier.classify("他借了钱不还，还天天打我，我要离婚")
    assert result.cause == "离婚纠纷"
    assert not {s.cause: s for s in result.ranking}["离婚纠纷"].discounted_by


def test_no_signal_falls_to_other_and_is_unsure(classifier: CauseClassifier) -> None:
    result = classifier.classify("今天天气不错")
    assert result.cause == OTHER and result.unsure
    assert 2 <= len(result.alternatives) <= 3


def test_explanation_names_the_words(classifier: CauseClassifier) -> None:
    assert "借条" in classifier.classify("他打了借条不还钱").explain()


def test_empty_text_is_a_polite_input_error(classifier: CauseClassifier) -> None:
    with pytest.raises(InputError) as info:
        classifier.classify("   ")
    assert "说说" in info.value.user_message


def test_with_an_injected_embedder() -> None:
    clf = CauseClassifier(
        load_causes().names, config=load_classifier_config(), examples=load_examples(), embedder=TinyFakeEmbedder()
    )
    result = clf.classify("楼上卫生间漏水泡了我家")
    assert result.cause == "相邻关系纠纷"
    assert result.ranking[0].embedding is not None
