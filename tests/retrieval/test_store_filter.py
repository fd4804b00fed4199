"""The cause filter: over-fetched unfiltered and filtered in Python, with the pre-filtered query as fallback —
both paths give exactly the judgments of that cause, nearest first."""

from __future__ import annotations

import numpy as np

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
