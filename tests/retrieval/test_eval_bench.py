"""The eval and bench CLIs run end to end on a tiny corpus with the fake embedder (figures not checked)."""

import json
from pathlib import Path

import pytest

from retrieval import bench
from retrieval import eval as retrieval_eval
from retrieval.embedder import FakeEmbedder

from .conftest import DOCS


@pytest.fixture
def triplet_dir(tmp_path: Path) -> Path:
    texts = [d["text"] for d in DOCS]
    rows = [{"A": texts[0], "B": texts[1], "C": texts[3]}, {"A": texts[3], "B": texts[4], "C": texts[5]},
            {"A": texts[2], "B": texts[0], "C": texts[5], "label": "B"}]
    folder = tmp_path / "cail"
    folder.mkdir()
    (folder / "t.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return folder


def test_triplet_agreement_prefers_the_same_dispute(triplet_dir: Path) -> None:
    triplets = retrieval_eval.load_triplets(triplet_dir)
    corpus = retrieval_eval.unique_texts(triplets)
    assert len(corpus) == 6 and [t.label for t in triplets] == [None, None, "B"]
    scores = retrieval_eval.triplet_agreement(triplets[:1], corpus, FakeEmbedder(), use_labels=False)
    assert scores == {"bm25": 1.0, "dense": 1.0, "fusion": 1.0}  # loan-1 is nearer loan-2 than a lease


def test_self_retrieval_finds_own_halves(tmp_path: Path) -> None:
    corpus = [d["text"] for d in DOCS]
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


def test_bench_cli_runs_small(triplet_dir: Path, capsys) -> None:
    assert bench.main(["--data", str(triplet_dir), "--model", "fake", "--sizes", "20", "--queries", "12",
                       "--ingest-sample", "8"]) == 0
    out = capsys.readouterr().out
    assert "ingestion (real pipeline" in out and "judgments/s" in out
    assert "| 20 |" in out
