from pathlib import Path

import pytest

from retrieval.bm25 import Bm25Doc, Bm25Index
from retrieval.errors import IndexMissingError

DOCS = [
    Bm25Doc("a", ["借条", "借款", "五万"], "loan"),
    Bm25Doc("b", ["借款", "利息", "转账"], "loan"),
    Bm25Doc("c", ["租金", "押金", "房屋"], "lease"),
    Bm25Doc("d", ["工资", "仲裁"], None),
]


def test_rare_terms_rank_first_and_unmatched_docs_are_absent() -> None:
    index = Bm25Index.build(DOCS)
    hits = index.search(["借条", "借款"])
    assert [h[0] for h in hits] == ["a", "b"]  # 借条 is rarer than 借款, so "a" wins
    assert hits[0][1] > hits[1][1] > 0
    assert index.search(["不存在"]) == []


def test_scores_match_the_bm25_formula() -> None:
    index = Bm25Index.build(DOCS)
    import math

    n, df, tf, dl = 4, 1, 1, 3
    avgdl = (3 + 3 + 3 + 2) / 4
    idf = math.log1p((n - df + 0.5) / (df + 0.5))
    expected = idf * tf * 2.5 / (tf + 1.5 * (1 - 0.75 + 0.75 * dl / avgdl))
    assert index.search(["借条"])[0][1] == pytest.approx(expected, rel=1e-5)


def test_cause_filter() -> None:
    index = Bm25Index.build(DOCS)
    assert [h[0] for h in index.search(["借款", "押金"], cause="lease")] == ["c"]
    assert index.search(["借款"], cause="no-such-cause") == []


def test_upsert_replaces_and_delete_removes() -> None:
    index = Bm25Index.build(DOCS)
    changed = index.upsert([Bm25Doc("c", ["借条", "借条", "借条"], "loan"), Bm25Doc("e", ["押金"], "lease")])
    assert len(changed) == 5
    assert changed.search(["借条"])[0][0] == "c"
    assert [h[0] for h in changed.search(["押金"])] == ["e"]
    smaller = changed.delete(["a", "zzz"])
    assert "a" not in smaller and len(smaller) == 4
    assert "a" in index  # the original is untouched


def test_top_n_limits(tmp_path: Path) -> None:
    index = Bm25Index.build(Bm25Doc(str(i), ["借款"] * (i + 1)) for i in range(30))
    assert len(index.search(["借款"], top_n=7)) == 7


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    index = Bm25Index.build(DOCS)
    index.save(tmp_path / "idx")
    index.upsert([Bm25Doc("x", ["借条"])]).save(tmp_path / "idx")  # replaces atomically
    loaded = Bm25Index.load(tmp_path / "idx")
    assert loaded.ids == [*index.ids, "x"]
    assert loaded.search(["借条"], top_n=5) == index.upsert([Bm25Doc("x", ["借条"])]).search(["借条"], top_n=5)
    assert not (tmp_path / "idx.tmp").exists()


def test_missing_index_says_to_ingest(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="ingest"):
        Bm25Index.load(tmp_path / "nothing")


def test_empty_index_searches_to_nothing() -> None:
    assert Bm25Index.empty().search(["借款"]) == []
