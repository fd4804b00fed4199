"""The retrieval eval runs end to end on a tiny corpus with the fake embedder (figures not checked)."""

from pathlib import Path

from evals import retrieval as retrieval_eval
from retrieval.embedder import FakeEmbedder


def test_triplet_agreement_prefers_the_same_dispute(triplet_dir: Path) -> None:
    triplets = retrieval_eval.load_triplets(triplet_dir)
    corpus = retrieval_eval.unique_texts(triplets)
    assert len(corpus) == 6 and [t.label for t in triplets] == [None, None, "B"]
    scores = retrieval_eval.triplet_agreement(triplets[:1], corpus, FakeEmbedder(), use_labels=False)
    assert scores == {"bm25": 1.0, "dense": 1.0, "fusion": 1.0}  # loan-1 is nearer loan-2 than a lease


def test_self_retrieval_finds_own_halves(triplet_dir: Path, tmp_path: Path) -> None:
    corpus = retrieval_eval.unique_texts(retrieval_eval.load_triplets(triplet_dir))
    scores = retrieval_eval.self_retrieval(corpus, FakeEmbedder(), tmp_path)
    assert set(scores) == {"bm25", "dense", "fusion"}
    assert scores["fusion"].recall_at_10 == 1.0  # six documents: the own half is always in the top ten
    assert 0 < scores["fusion"].mrr <= 1


def test_eval_cli_prints_its_tables(triplet_dir: Path, capsys) -> None:
    assert retrieval_eval.main(["--data", str(triplet_dir), "--model", "fake", "--models", "fake,not-a-model"]) == 0
    out = capsys.readouterr().out
    assert "1 labelled" in out and "| labelled accuracy |" in out
    assert "## 2. Self-retrieval" in out and "| fusion |" in out
    assert "| fake |" in out and "| not-a-model | not available" in out
