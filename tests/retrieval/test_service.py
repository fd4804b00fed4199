"""Start-up ingest: an empty index is filled, a current one is left alone, one stored by an older judgment schema
(before masking and the judgment's parts) is rebuilt from its sources."""

from pathlib import Path

import numpy as np

from core.settings import Settings
from retrieval.bm25 import Bm25Doc, Bm25Index
from retrieval.embedder import FakeEmbedder
from retrieval.ingest import IndexPaths
from retrieval.service import build_searcher, ensure_corpus, open_store
from retrieval.sources import SCHEMA_VERSION

from .conftest import DOCS, write_jsonl


def _settings(tmp_path: Path, corpus: Path) -> Settings:
    return Settings(
        app_env="test",
        chroma_path=tmp_path / "chroma",
        bm25_path=tmp_path / "bm25",
        embedding_model="fake",
        auto_ingest=True,
        corpus_path=corpus,
    )


def _old_index(settings: Settings) -> None:
    """What the previous code left: judgments without a schema stamp, among them a statute article."""
    store = open_store(settings)
    old = {"law-1": "为了保护民事主体的合法权益，调整民事关系。", "loan-1": DOCS[0]["text"]}
    ids = list(old)
    store.upsert(ids, FakeEmbedder().embed_documents(list(old.values())),
                 [{"cause": "民间借贷纠纷", "summary": "x", "content_hash": "0" * 64, "source": "/gone"} for _ in ids],
                 list(old.values()))
    Bm25Index.build(Bm25Doc(i, ["借款"], None) for i in ids).save(
        IndexPaths(settings.bm25_path / settings.chroma_collection).index
    )


def test_an_index_of_an_older_schema_is_rebuilt_from_its_sources(tmp_path: Path, corpus: Path) -> None:
    own = write_jsonl(tmp_path / "own.jsonl", [{"id": "own-1", "cause": "相邻关系纠纷",
                                               "text": "邻居在共用通道上堆放杂物，原告请求排除妨碍。"}])
    settings = _settings(tmp_path, corpus)
    _old_index(settings)
    store = open_store(settings)
    meta = store.get(["loan-1"])["loan-1"].metadata
    store.upsert(["own-1"], FakeEmbedder().embed_documents(["x" * 20]), [{**meta, "source": str(own.resolve())}], ["x"])
    assert store.schema_of_one() is None

    assert ensure_corpus(settings) == len(DOCS) + 1
    store = open_store(settings)
    ids = sorted(d.id for d in store.iter_metadata())
    assert ids == sorted([d["id"] for d in DOCS] + ["own-1"])  # the article is gone, the court's own is back
    assert {d.metadata.get("schema") for d in store.iter_metadata()} == {SCHEMA_VERSION}
    searcher = build_searcher(settings)
    assert sorted(searcher.bm25.ids) == ids


def test_a_current_index_is_left_alone_and_an_empty_one_filled(tmp_path: Path, corpus: Path) -> None:
    settings = _settings(tmp_path, corpus)
    assert ensure_corpus(settings) == len(DOCS)
    store = open_store(settings)
    marker = store.get(["loan-1"])["loan-1"].metadata
    store.upsert(["loan-1"], np.ones((1, FakeEmbedder().dim), dtype=np.float32), [{**marker, "summary": "kept"}],
                 ["kept"])
    write_jsonl(corpus, DOCS[:2])  # the corpus changed, but a current index is not re-ingested on start
    assert ensure_corpus(settings) == len(DOCS)
    assert open_store(settings).get(["loan-1"])["loan-1"].metadata["summary"] == "kept"
    off = Settings(**{**settings.model_dump(), "auto_ingest": False, "chroma_collection": "other"})
    assert ensure_corpus(off) == 0
