"""Ingestion with embedding worker processes (retrieval.workers): same result as in-process, crash-safe."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from retrieval import workers as workers_mod
from retrieval.bm25 import Bm25Index
from retrieval.embedder import FakeEmbedder, Vectors
from retrieval.errors import EmbedderError
from retrieval.ingest import Ingestor
from retrieval.store import ChromaStore, make_client
from retrieval.workers import EmbeddingWorkers, ForkableEmbedder, default_workers

from .conftest import DOCS, CountingEmbedder, write_jsonl

TEXTS = [d["text"] for d in DOCS]


class ForkableFake(FakeEmbedder):
    """The fake embedder, declared fork-safe; its vectors say whether single_threaded() ran in this process."""

    def __init__(self) -> None:
        super().__init__()
        self.single = False

    def single_threaded(self) -> None:
        self.single = True

    def embed_documents(self, texts: list[str]) -> Vectors:
        out = super().embed_documents(texts)
        out[:, 0] = 1.0 if self.single else -1.0
        return out


class DyingEmbedder(FakeEmbedder):
    """Kills its own process on the second call, like the kernel's OOM killer would."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def embed_documents(self, texts: list[str]) -> Vectors:
        self.calls += 1
        if self.calls == 2:
            os._exit(3)
        return super().embed_documents(texts)


def test_workers_return_the_in_process_vectors_in_order() -> None:
    fake = FakeEmbedder()
    with EmbeddingWorkers(fake, 2) as pool:
        tickets = [pool.submit(TEXTS[i : i + 2]) for i in range(0, len(TEXTS), 2)]
        got = [pool.result(t) for t in reversed(tickets)][::-1]  # collected out of order on purpose
    np.testing.assert_array_equal(np.concatenate([g.vectors for g in got]), fake.embed_documents(TEXTS))
    assert all(g.tokens is None for g in got)  # no tokeniser given


def test_the_workers_tokenise_like_the_main_process(tokenizer) -> None:
    texts = [*TEXTS, "原告张三诉称：２０１９年３月被告向其借款ＲＭＢ５万元，约定月息2%，至今未还。"]
    with EmbeddingWorkers(FakeEmbedder(), 2, tokenizer) as pool:
        tickets = [pool.submit(texts[i : i + 3]) for i in range(0, len(texts), 3)]
        tokens = [tok for t in tickets for tok in (pool.result(t).tokens or [])]
    assert tokens == [tokenizer.tokenize(t) for t in texts]
    assert "借款" in tokens[-1]


def test_workers_call_single_threaded_in_the_child_only() -> None:
    emb = ForkableFake()
    assert isinstance(emb, ForkableEmbedder)
    with EmbeddingWorkers(emb, 1) as pool:
        vectors = pool.result(pool.submit(TEXTS[:2])).vectors
    assert (vectors[:, 0] == 1.0).all()  # the child ran single_threaded() before embedding
    assert not emb.single  # ... and the parent's copy was not touched


def test_a_model_error_in_a_worker_is_raised_in_the_main_process() -> None:
    with EmbeddingWorkers(CountingEmbedder(fail_on_call=1), 1) as pool, pytest.raises(KeyboardInterrupt):
        pool.result(pool.submit(TEXTS[:1]))


def test_a_dead_worker_is_reported_not_waited_for() -> None:
    with EmbeddingWorkers(DyingEmbedder(), 1) as pool:
        pool.result(pool.submit(TEXTS[:1]))
        with pytest.raises(EmbedderError, match="exit code 3"):
            pool.result(pool.submit(TEXTS[1:2]))


def test_default_workers(monkeypatch) -> None:
    monkeypatch.setattr(workers_mod.sys, "platform", "linux")
    assert default_workers(FakeEmbedder()) == 0  # cheap: not worth a process
    monkeypatch.setattr(workers_mod, "usable_cores", lambda: 2)
    assert default_workers(ForkableFake()) == 2
    monkeypatch.setattr(workers_mod, "usable_cores", lambda: 1)
    assert default_workers(ForkableFake()) == 0
    monkeypatch.setattr(workers_mod, "usable_cores", lambda: 64)
    assert default_workers(ForkableFake()) == workers_mod.MAX_WORKERS
    monkeypatch.setattr(workers_mod.sys, "platform", "darwin")  # Accelerate's BLAS does not survive a fork
    assert default_workers(ForkableFake()) == 0


def _state(store: ChromaStore, ing: Ingestor) -> tuple[list, list, list, np.ndarray]:
    got = store._col.get(include=["embeddings", "metadatas", "documents"])
    order = np.argsort(got["ids"])
    index = Bm25Index.load(ing.paths.index)
    rows = {doc_id: i for i, doc_id in enumerate(index.ids)}
    tf = [sorted(zip(index.tf[rows[got["ids"][i]]].indices.tolist(), index.tf[rows[got["ids"][i]]].data.tolist(),
                     strict=True)) for i in order]
    return ([got["ids"][i] for i in order], [got["metadatas"][i] for i in order], tf,
            np.asarray(got["embeddings"])[order])


def test_ingest_with_workers_equals_ingest_without(tmp_path: Path) -> None:
    rows = [*DOCS, *({"id": f"copy-{i}", "text": d["text"] + "另查明。"} for i, d in enumerate(DOCS))]
    corpus = write_jsonl(tmp_path / "c.jsonl", rows)
    states = []
    for n in (0, 2):
        store = ChromaStore(make_client(tmp_path / f"chroma-{n}"), "judgments")
        ing = Ingestor(store, FakeEmbedder(), tmp_path / f"bm25-{n}", batch_size=3, workers=n)
        report = ing.ingest(corpus)
        assert (report.added, report.total) == (12, 12)
        states.append(_state(store, ing))
    (ids0, meta0, tf0, emb0), (ids2, meta2, tf2, emb2) = states
    assert ids0 == ids2 and tf0 == tf2
    assert [{k: v for k, v in m.items() if k != "source"} for m in meta0] == [
        {k: v for k, v in m.items() if k != "source"} for m in meta2
    ]
    np.testing.assert_array_equal(emb0, emb2)


def test_a_crash_with_workers_resumes_without_duplicates(make_ingestor, store, corpus: Path) -> None:
    crashing = make_ingestor(CountingEmbedder(fail_on_call=2))  # batches of 2: the second batch dies in a worker
    crashing.workers = 1
    with pytest.raises(KeyboardInterrupt):
        crashing.ingest(corpus)
    assert store.count() == 2  # the first batch only; the second and third never reached Chroma
    assert crashing.paths.checkpoint.exists()

    ing = make_ingestor(CountingEmbedder())
    ing.workers = 1
    report = ing.ingest(corpus)
    assert report.resumed_from == 2 and report.added == 4
    index = Bm25Index.load(ing.paths.index)
    assert sorted(index.ids) == sorted(d.id for d in store.iter_metadata()) == sorted(d["id"] for d in DOCS)
    assert not ing.paths.checkpoint.exists()


def test_a_killed_worker_fails_the_run_and_the_next_run_completes(make_ingestor, store, corpus: Path) -> None:
    dying = make_ingestor(DyingEmbedder())
    dying.workers = 1
    with pytest.raises(EmbedderError, match="died"):
        dying.ingest(corpus)
    # The first batch is stored unless its vectors were still in the dead worker's send buffer (os._exit
    # drops them): either way the checkpoint covers exactly what Chroma holds.
    stored = store.count()
    assert stored in (0, 2)
    ing = make_ingestor()
    report = ing.ingest(corpus)
    assert report.total == 6 and report.resumed_from == stored and report.added == 6 - stored
