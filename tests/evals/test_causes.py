"""The cause-recognition eval sets: each covers every cause and stays disjoint from the training examples."""

import pytest

from evals.causes import EVAL_SETS, load_eval
from knowledge.causes import load_causes
from knowledge.classifier import load_examples


@pytest.mark.parametrize("name", sorted(EVAL_SETS))
def test_eval_sets_are_disjoint_from_training_examples(name: str) -> None:
    items = load_eval(EVAL_SETS[name])
    assert len(items) >= (300 if name == "main" else 100)
    causes = set(load_causes().names)
    assert {it.cause for it in items} == causes
    train = [t for texts in load_examples().examples.values() for t in texts]

    def grams(s: str) -> set[str]:
        return {s[i : i + 3] for i in range(len(s) - 2)} or {s}

    train_grams = [grams(t) for t in train]
    for item in items:
        assert item.text not in train
        g = grams(item.text)
        overlap = max(len(g & tg) / len(g | tg) for tg in train_grams)
        assert overlap < 0.3, item.text
