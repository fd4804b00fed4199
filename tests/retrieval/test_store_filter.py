"""The cause filter: over-fetched unfiltered and filtered in Python, with the pre-filtered query as fallback —
both paths give exactly the judgments of that cause, nearest first. In the searcher, a cause rarer than
``EXACT_SHARE`` of the collection is scored exactly over its own vectors instead (Chroma's filtered HNSW query
returns only some of the matches when they are few), and a cause the corpus lacks asks Chroma nothing."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import retrieval.search
from retrieval.bm25 import Bm25Doc, Bm25Index
from retrieval.embedder import Vectors
from retrieval.search import EXACT_SHARE, SimilarCaseSearch
from retrieval.store import OVERFETCH, ChromaStore


def _fill(store: ChromaStore, causes: list[str]) -> np.ndarray:
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(len(causes), 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = [f"d{i}" for i in range(len(causes))]
    store.upsert(ids, vectors, [{"cause": c} for c in causes], [f"text {i}" for i in range(len(causes))])
    return vectors


def _truth(vectors: np.ndarray, causes: list[str], query: np.ndarray, cause: str, n: int) -> list[str]:
    order = np.argsort(-(vectors @ query))
    return [f"d{i}" for i in order if causes[i] == cause][:n]


def test_common_cause_is_served_from_the_overfetch(store: ChromaStore) -> None:
    causes = ["A" if i % 2 else "B" for i in range(200)]
    vectors = _fill(store, causes)
    query = vectors[3]
    got = [doc_id for doc_id, _ in store.query(query, 5, "A")]
    assert got == _truth(vectors, causes, query, "A", 5)


def test_rare_cause_falls_back_to_the_filtered_query(store: ChromaStore) -> None:
    causes = ["A"] * 199 + ["B"]
    vectors = _fill(store, causes)
    query = vectors[0]  # nearest to an A judgment: the one B is far down the unfiltered list
    got = [doc_id for doc_id, _ in store.query(query, 1, "B")]
    assert got == ["d199"]
    assert len(causes) > OVERFETCH


def test_small_collection_returns_every_match_even_if_fewer_than_n(store: ChromaStore) -> None:
    causes = ["A"] * 10 + ["B"] * 2
    vectors = _fill(store, causes)
    got = [doc_id for doc_id, _ in store.query(vectors[0], 5, "B")]
    assert sorted(got) == ["d10", "d11"]
    assert [doc_id for doc_id, _ in store.query(vectors[0], 5, "C")] == []


class _FixedQuery:
    """An embedder whose query vector is set by the test (documents are never embedded here)."""

    name = "fixed"
    dim = 8

    def __init__(self) -> None:
        self.vector = np.zeros(8, dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> Vectors:
        raise AssertionError("the searcher must not embed documents")

    def embed_query(self, text: str) -> Vectors:
        return self.vector


class _Spy:
    """Counts the store calls the searcher makes, passing them through."""

    def __init__(self, store: ChromaStore, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: dict[str, int] = {"query": 0, "vectors": 0}
        for name in self.calls:
            real = getattr(store, name)

            def counted(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
                self.calls[_name] += 1
                return _real(*args, **kwargs)

            monkeypatch.setattr(store, name, counted)


def _searcher(store: ChromaStore, causes: list[str]) -> tuple[SimilarCaseSearch, np.ndarray, _FixedQuery]:
    vectors = _fill(store, causes)
    bm25 = Bm25Index.build(Bm25Doc(f"d{i}", ["借款"], c) for i, c in enumerate(causes))
    embedder = _FixedQuery()
    return SimilarCaseSearch(store, bm25, embedder), vectors, embedder


def _dense(searcher: SimilarCaseSearch, cause: str | None, n: int = 50, text: str = "查询") -> list[tuple[str, float]]:
    return searcher.ranked_lists(text, n, cause, mode="dense")["dense"]  # a new text for a new vector (memo)


def test_rare_cause_is_scored_exactly_with_every_match(store: ChromaStore, monkeypatch: pytest.MonkeyPatch) -> None:
    causes = ["A"] * 295 + ["B"] * 5
    assert len(causes) * EXACT_SHARE > 5
    searcher, vectors, embedder = _searcher(store, causes)
    spy = _Spy(store, monkeypatch)
    for probe in (0, 297, 42):
        embedder.vector = vectors[probe] * 3.0  # not unit length: the scores are still cosines
        got = _dense(searcher, "B", text=f"查询{probe}")
        assert [doc_id for doc_id, _ in got] == _truth(vectors, causes, vectors[probe], "B", 50)
        for doc_id, score in got:
            assert score == pytest.approx(float(vectors[int(doc_id[1:])] @ vectors[probe]), abs=1e-5)
    assert spy.calls == {"query": 0, "vectors": 1}  # the cause's vectors are fetched once, then held
    top2 = _dense(searcher, "B", n=2, text="再查")
    assert [doc_id for doc_id, _ in top2] == _truth(vectors, causes, vectors[42], "B", 2)


def test_cause_absent_from_the_corpus_asks_chroma_nothing(store: ChromaStore, monkeypatch: pytest.MonkeyPatch) -> None:
    searcher, _, _ = _searcher(store, ["A"] * 40)
    spy = _Spy(store, monkeypatch)
    assert _dense(searcher, "离婚纠纷") == []
    assert searcher.search("查询", k=5, cause="离婚纠纷").hits == []
    assert spy.calls == {"query": 0, "vectors": 0}


def test_common_cause_and_no_filter_still_use_chroma(store: ChromaStore, monkeypatch: pytest.MonkeyPatch) -> None:
    causes = ["A" if i % 3 else "B" for i in range(120)]
    searcher, vectors, embedder = _searcher(store, causes)
    spy = _Spy(store, monkeypatch)
    embedder.vector = vectors[5]
    assert [doc_id for doc_id, _ in _dense(searcher, "B", n=5)] == _truth(vectors, causes, vectors[5], "B", 5)
    assert _dense(searcher, None, n=3, text="不限")[0][0] == "d5"
    assert spy.calls == {"query": 2, "vectors": 0}


def test_held_vectors_are_capped(store: ChromaStore, monkeypatch: pytest.MonkeyPatch) -> None:
    causes = ["A"] * 290 + ["B"] * 4 + ["C"] * 6
    searcher, vectors, embedder = _searcher(store, causes)
    monkeypatch.setattr(retrieval.search, "EXACT_MAX_ROWS", 5)
    spy = _Spy(store, monkeypatch)
    embedder.vector = vectors[0]
    assert len(_dense(searcher, "B")) == 4  # held: 4 rows
    got = _dense(searcher, "C")  # 4 + 6 > 5: served by Chroma instead
    assert sorted(doc_id for doc_id, _ in got) == [f"d{i}" for i in range(294, 300)]
    assert spy.calls == {"query": 1, "vectors": 1}
