"""The Chroma side: one collection per corpus, embeddings always passed in by us.

Embedded ``PersistentClient`` by default; a Chroma server (``chroma run``) when ``chroma_host`` is set.
Telemetry is off and no embedding function is attached (Chroma's default one downloads a model).
Metadata kept per judgment (:data:`META_FIELDS`, then content_hash, source, model and schema, the
``retrieval.sources.SCHEMA_VERSION`` it was built with): keys whose value is unknown are left out, as Chroma
accepts no nulls, and the cited laws are one string joined by :data:`LAWS_SEP`, as Chroma keeps only scalars.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import chromadb
import httpx
import numpy as np
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError

from retrieval.embedder import Vectors
from retrieval.errors import StoreError

log = logging.getLogger(__name__)

Metadata = dict[str, str | int | float | bool]
META_FIELDS: Final = (
    "cause", "court", "year", "outcome", "case_number", "title", "summary", "region", "doc_type", "claims",
    "decision", "reason", "laws", "claimed_yuan", "granted_yuan", "layout",
)
LAWS_SEP: Final = "\n"


def _chroma_settings() -> ChromaSettings:
    # A fresh object per client: chromadb writes the client's mode (HTTP host, persistent path) into the
    # settings it is given, so a shared one would turn a later embedded client into an HTTP one.
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


# A Chroma server that cannot be reached raises httpx's errors, not ChromaError: both mean "store unavailable".
_FAILED: Final = (ChromaError, httpx.HTTPError)


OPEN_ATTEMPTS: Final = 4


def _open_embedded(path: Path) -> Any:
    """The embedded client. Two processes opening a new store at once race in Chroma's own schema set-up ("table
    collections already exists" for the loser): the loser opens it again once the winner has created it."""
    for attempt in range(1, OPEN_ATTEMPTS + 1):
        try:
            return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())
        except ChromaError as exc:
            if "already exists" not in str(exc) or attempt == OPEN_ATTEMPTS:
                raise
            log.info("the Chroma store at %s was being created by another process; opening it again", path)
            time.sleep(0.2 * attempt)
    raise AssertionError("unreachable")


def make_client(path: Path | None = None, host: str | None = None, port: int = 8001) -> Any:
    """A Chroma client: an HTTP client when ``host`` is given, else an embedded one at ``path``."""
    try:
        if host:
            return chromadb.HttpClient(host=host, port=port, settings=_chroma_settings())
        if path is None:
            raise StoreError("an embedded Chroma store needs a path (CHROMA_PATH)")
        Path(path).mkdir(parents=True, exist_ok=True)
        return _open_embedded(Path(path))
    except (ChromaError, ValueError, OSError) as exc:  # HttpClient raises ValueError when nothing listens
        where = f"{host}:{port}" if host else str(path)
        raise StoreError(f"cannot open the Chroma store at {where}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class StoredDoc:
    id: str
    metadata: Metadata
    document: str | None = None


class ChromaStore:
    """A thin typed wrapper over one Chroma collection (cosine space)."""

    def __init__(self, client: Any, collection: str) -> None:
        self._client = client
        self.name = collection
        self._open()

    def _open(self) -> None:
        try:
            self._col = self._client.get_or_create_collection(
                self.name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )
            self._max_batch = int(self._client.get_max_batch_size())
        except (ChromaError, ValueError) as exc:
            raise StoreError(f"cannot open the Chroma collection {self.name!r}: {exc}") from exc

    def clear(self) -> None:
        """Drop every judgment: the collection is deleted and created again, empty."""
        try:
            self._client.delete_collection(self.name)
        except (*_FAILED, ValueError) as exc:
            raise StoreError(f"cannot delete the Chroma collection {self.name!r}: {exc}") from exc
        self._open()

    def schema_of_one(self) -> int | None:
        """The ``schema`` stamped on one stored judgment (``None``: none stored, or built before schemas)."""
        try:
            got = self._col.get(limit=1, include=["metadatas"])
        except _FAILED as exc:
            raise StoreError(f"Chroma get failed: {exc}") from exc
        metas = got.get("metadatas") or []
        value = (metas[0] or {}).get("schema") if metas else None
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def count(self) -> int:
        try:
            return int(self._col.count())
        except _FAILED as exc:
            raise StoreError(f"Chroma count failed: {exc}") from exc

    def upsert(
        self, ids: Sequence[str], embeddings: Vectors, metadatas: Sequence[Metadata], documents: Sequence[str]
    ) -> None:
        if not ids:
            return
        emb = np.asarray(embeddings, dtype=np.float32)
        for lo in range(0, len(ids), self._max_batch):
            hi = lo + self._max_batch
            try:
                self._col.upsert(
                    ids=list(ids[lo:hi]),
                    embeddings=emb[lo:hi],
                    metadatas=list(metadatas[lo:hi]),
                    documents=list(documents[lo:hi]),
                )
            except (*_FAILED, ValueError) as exc:
                raise StoreError(f"Chroma upsert failed: {exc}") from exc

    def delete(self, ids: Sequence[str]) -> None:
        for lo in range(0, len(ids), self._max_batch):
            try:
                self._col.delete(ids=list(ids[lo : lo + self._max_batch]))
            except _FAILED as exc:
                raise StoreError(f"Chroma delete failed: {exc}") from exc

    def get(self, ids: Sequence[str], with_documents: bool = False) -> dict[str, StoredDoc]:
        """Stored metadata (and text) for the ids that exist; unknown ids are simply absent."""
        if not ids:
            return {}
        include = ["metadatas", "documents"] if with_documents else ["metadatas"]
        out: dict[str, StoredDoc] = {}
        for lo in range(0, len(ids), self._max_batch):
            try:
                got = self._col.get(ids=list(ids[lo : lo + self._max_batch]), include=include)
            except _FAILED as exc:
                raise StoreError(f"Chroma get failed: {exc}") from exc
            docs = got.get("documents") or [None] * len(got["ids"])
            for doc_id, meta, doc in zip(got["ids"], got["metadatas"] or [], docs, strict=False):
                out[doc_id] = StoredDoc(doc_id, dict(meta or {}), doc)
        return out

    def vectors(self, ids: Sequence[str]) -> tuple[list[str], Vectors]:
        """The stored embeddings of the ids that exist, as (ids, matrix with one row per id)."""
        found: list[str] = []
        rows: list[Vectors] = []
        for lo in range(0, len(ids), self._max_batch):
            try:
                got = self._col.get(ids=list(ids[lo : lo + self._max_batch]), include=["embeddings"])
            except _FAILED as exc:
                raise StoreError(f"Chroma get failed: {exc}") from exc
            embeddings = got.get("embeddings")
            if embeddings is None or not len(got["ids"]):
                continue
            found.extend(got["ids"])
            rows.append(np.asarray(embeddings, dtype=np.float32).reshape(len(got["ids"]), -1))
        matrix = np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32)
        return found, matrix

    def iter_metadata(self, where: Mapping[str, Any] | None = None, page: int = 1000) -> Iterator[StoredDoc]:
        """Every stored judgment's id and metadata, a page at a time."""
        offset = 0
        while True:
            try:
                got = self._col.get(
                    where=dict(where) if where else None, include=["metadatas"], limit=page, offset=offset
                )
            except _FAILED as exc:
                raise StoreError(f"Chroma get failed: {exc}") from exc
            if not got["ids"]:
                return
            for doc_id, meta in zip(got["ids"], got["metadatas"] or [], strict=False):
                yield StoredDoc(doc_id, dict(meta or {}))
            offset += len(got["ids"])

    def query(
        self, embedding: Vectors, n: int, cause: str | frozenset[str] | None = None
    ) -> list[tuple[str, float]]:
        """The ``n`` nearest (id, cosine similarity), best first, optionally within one cause (or a set of names)."""
        if n <= 0:
            return []
        vector = np.asarray(embedding, dtype=np.float32)[None, :]
        if cause:
            # Chroma's metadata pre-filter costs time linear in the collection (128 ms at 100k against 2 ms
            # unfiltered, docs/performance.md): over-fetch unfiltered and filter here; fall back to the
            # pre-filtered query only when the cause is too rare to fill half of ``n`` from the over-fetch.
            fetched = self._query(vector, n * OVERFETCH, None, with_metadata=True)
            wanted = {cause} if isinstance(cause, str) else cause
            kept = [(doc_id, score) for doc_id, score, meta in fetched if meta.get("cause") in wanted][:n]
            # Half the depth is plenty for rank fusion; the whole collection seen means nothing is missing.
            if len(kept) >= max(1, n // 2) or len(fetched) < n * OVERFETCH:
                return kept
        return [(doc_id, score) for doc_id, score, _ in self._query(vector, n, cause, with_metadata=False)]

    def _query(
        self, vector: Vectors, n: int, cause: str | frozenset[str] | None, *, with_metadata: bool
    ) -> list[tuple[str, float, Mapping[str, object]]]:
        where: dict[str, Any] | None = None
        if isinstance(cause, str):
            where = {"cause": cause}
        elif cause:
            where = {"cause": {"$in": sorted(cause)}}
        try:
            got = self._col.query(
                query_embeddings=vector,
                n_results=n,
                where=where,
                include=["distances", "metadatas"] if with_metadata else ["distances"],
            )
        except _FAILED as exc:
            raise StoreError(f"Chroma query failed: {exc}") from exc
        ids = got["ids"][0]
        dists = (got.get("distances") or [[]])[0]
        metas = (got.get("metadatas") or [[]])[0] if with_metadata else [{}] * len(ids)
        return [(doc_id, 1.0 - float(d), meta or {}) for doc_id, d, meta in zip(ids, dists, metas, strict=True)]


OVERFETCH = 8  # unfiltered candidates per wanted result when a cause filter is asked for


def clean_metadata(values: Mapping[str, object]) -> Metadata:
    """Drop unknown (None/empty) values; Chroma stores only str, int, float and bool."""
    out: Metadata = {}
    for key, value in values.items():
        if value is None or value == "":
            continue
        if not isinstance(value, str | int | float | bool):
            raise TypeError(f"metadata {key!r} has unsupported type {type(value).__name__}")
        out[key] = value
    return out
