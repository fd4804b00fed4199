"""Wiring for the server: build the searcher from the settings, and ingest the default corpus once.

The lifespan calls ``ensure_corpus(settings)`` first (when ``AUTO_INGEST`` is on it ingests ``CORPUS_PATH``
into an empty collection, and rebuilds one stored by an older judgment schema) and then
``build_searcher(settings)``. Both share one embedder instance per model name, so the model loads once per
process.
"""

from __future__ import annotations

import functools
import logging
import shutil
from pathlib import Path

from core.settings import Settings
from retrieval.bm25 import Bm25Index
from retrieval.embedder import Embedder, make_embedder
from retrieval.errors import IndexMissingError
from retrieval.ingest import IndexPaths, Ingestor
from retrieval.search import SimilarCaseSearch
from retrieval.sources import SCHEMA_VERSION, source_files
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
    """Judgments in the collection, after ingesting ``settings.corpus_path`` if it was empty or stale.

    Stale: its judgments were stored by another version of what a judgment holds (``schema`` in their metadata
    is not :data:`~retrieval.sources.SCHEMA_VERSION`, or is missing: built before masking and the judgment's
    parts). Then the collection and its BM25 folder are dropped and rebuilt from every source the old
    judgments came from that still exists (a court's own corpus ingested by the CLI included) and from
    ``corpus_path``. A first ingest that died half-way (its checkpoint is still there) is resumed.
    Does nothing but count when ``settings.auto_ingest`` is off or the collection is current and complete.
    Raises :class:`~retrieval.errors.IngestError` when the corpus path is missing or holds nothing usable.
    """
    store = open_store(settings)
    count = store.count()
    if not settings.auto_ingest:
        return count
    paths = IndexPaths(settings.bm25_path / settings.chroma_collection)
    sources = [settings.corpus_path]
    if count:
        schema = store.schema_of_one()
        if schema == SCHEMA_VERSION and not paths.checkpoint.exists():
            return count
        if schema != SCHEMA_VERSION:
            source_files(settings.corpus_path)  # raises IngestError before anything is dropped
            sources = _rebuild_sources(store, settings.corpus_path)
            log.warning(
                "collection %r was built with judgment schema %s, this version stores %d: rebuilding it from %s",
                settings.chroma_collection, schema, SCHEMA_VERSION, ", ".join(map(str, sources)),
            )
            store.clear()
            shutil.rmtree(paths.root, ignore_errors=True)
    log.info("ingesting %s into collection %r", ", ".join(map(str, sources)), settings.chroma_collection)
    ingestor = _ingestor(settings, store)
    total = 0
    for source in sources:
        report = ingestor.ingest(source)
        for line in report.lines():
            log.info("%s", line)
        total = report.total
    return total


def _rebuild_sources(store: ChromaStore, corpus_path: Path) -> list[Path]:
    """The default corpus, then every other source the stored judgments came from that still exists."""
    found = {str(d.metadata.get("source")) for d in store.iter_metadata() if d.metadata.get("source")}
    default = corpus_path.resolve()
    others = sorted(Path(s) for s in found if Path(s).exists() and Path(s) != default)
    for gone in sorted(s for s in found if not Path(s).exists()):
        log.warning("judgments from %s are dropped with the stale index: the source is gone", gone)
    return [corpus_path, *others]


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
