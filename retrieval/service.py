"""Wiring for the server: build the searcher from the settings, and ingest the default corpus once.

The lifespan calls ``ensure_corpus(settings)`` first (it ingests ``CORPUS_PATH`` into an empty collection
when ``AUTO_INGEST`` is on) and then ``build_searcher(settings)``. Both share one embedder instance per
model name, so the model loads once per process.
"""

from __future__ import annotations

import functools
import logging

from core.settings import Settings
from retrieval.bm25 import Bm25Index
from retrieval.embedder import Embedder, make_embedder
from retrieval.errors import IndexMissingError
from retrieval.ingest import IndexPaths, Ingestor
from retrieval.search import SimilarCaseSearch
from retrieval.store import ChromaStore, make_client

log = logging.getLogger(__name__)


@functools.cache
def shared_embedder(name: str, threads: int | None = None) -> Embedder:
    """One embedder per model name per process (the real model takes a second and ~150 MB to load)."""
    return make_embedder(name, threads)


def open_store(settings: Settings) -> ChromaStore:
    client = make_client(settings.chroma_path, settings.chroma_host, settings.chroma_port)
    return ChromaStore(client, settings.chroma_collection)


def _ingestor(settings: Settings, store: ChromaStore) -> Ingestor:
    embedder = shared_embedder(settings.embedding_model, settings.embedding_threads)
    # No worker processes inside the server: forking a process that holds the event loop, database pools
    # and sockets is not worth the risk for a one-off start-up ingest (`python -m retrieval.ingest` forks).
    return Ingestor(store, embedder, settings.bm25_path / settings.chroma_collection, workers=0)


def ensure_corpus(settings: Settings) -> int:
    """Judgments in the collection, after ingesting ``settings.corpus_path`` if it was empty.

    Does nothing but count when ``settings.auto_ingest`` is off or the collection already has judgments.
    Raises :class:`~retrieval.errors.IngestError` when the corpus path is missing or holds nothing usable.
    """
    store = open_store(settings)
    count = store.count()
    if count or not settings.auto_ingest:
        return count
    log.info("collection %r is empty: ingesting %s", settings.chroma_collection, settings.corpus_path)
    report = _ingestor(settings, store).ingest(settings.corpus_path)
    for line in report.lines():
        log.info("%s", line)
    return report.total


def build_searcher(settings: Settings) -> SimilarCaseSearch:
    """The searcher over the configured collection; rebuilds a lost BM25 index from Chroma's texts."""
    store = open_store(settings)
    paths = IndexPaths(settings.bm25_path / settings.chroma_collection)
    try:
        bm25 = Bm25Index.load(paths.index)
    except IndexMissingError:
        if store.count():
            log.warning("BM25 index missing at %s: rebuilding it from the stored judgments", paths.index)
            bm25 = _ingestor(settings, store).rebuild_bm25()
        else:
            log.warning("collection %r is empty: similar-case search returns nothing", settings.chroma_collection)
            bm25 = Bm25Index.empty()
    return SimilarCaseSearch(store, bm25, shared_embedder(settings.embedding_model, settings.embedding_threads))
