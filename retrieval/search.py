"""Similar-judgment search: dense (Chroma) and BM25 (jieba) ranked lists fused by RRF, with a trace.

``SimilarCaseSearch`` implements :class:`retrieval.types.Searcher`. Each list is cut at ``depth``
candidates (default 50) before fusion; the cause filter applies to both lists, so a filtered search never
returns a judgment of another cause. The trace holds, for each returned judgment, its rank and score in
each list (``None`` where that list did not find it) and the fused score.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from typing import Final, Literal

import numpy as np

from retrieval.bm25 import Bm25Index, top_indices
from retrieval.embedder import Embedder, Vectors
from retrieval.errors import QueryError
from retrieval.fusion import RRF_K, Fused, reciprocal_rank_fusion
from retrieval.outcomes import OUTCOME_CODES, OutcomeCode
from retrieval.store import LAWS_SEP, ChromaStore, StoredDoc
from retrieval.text import JudgmentTokenizer, default_tokenizer, normalize
from retrieval.types import CauseFilter, Hit, SearchResult, TraceEntry, cause_names

log = logging.getLogger(__name__)

Mode = Literal["hybrid", "dense", "bm25"]
DEFAULT_DEPTH: Final = 50
MAX_QUERY_CHARS: Final = 2000
MAX_K: Final = 100


MEMO_SIZE = 128
# A cause filter that keeps fewer than this share of the collection is served by exact cosine scoring over that
# cause's vectors (held in memory once asked for), not by Chroma: its filtered HNSW query returns fewer than the
# judgments that match when they are few (`python -m bench.retrieval --chroma-filter`: short dense lists for a
# 1% cause at 100k), and the unfiltered over-fetch (retrieval/store.py) rarely fills the list for such a cause.
EXACT_SHARE: Final = 1 / 16
EXACT_MAX_ROWS: Final = 50_000  # vectors held for exact scoring, all causes together (~100 MiB at 512 dims)


class SimilarCaseSearch:
    def __init__(
        self,
        store: ChromaStore,
        bm25: Bm25Index,
        embedder: Embedder,
        tokenizer: JudgmentTokenizer | None = None,
        *,
        depth: int = DEFAULT_DEPTH,
        rrf_k: int = RRF_K,
        exact_share: float = EXACT_SHARE,
    ) -> None:
        self.store = store
        self.bm25 = bm25
        self.embedder = embedder
        self.tokenizer = tokenizer or default_tokenizer()
        self.depth = depth
        # Recent queries' ranked lists (oldest dropped first). A searcher serves one loaded index; a
        # re-ingested corpus gets a new searcher (server start), so the memo never outlives its index.
        self._memo: dict[tuple[str, int, frozenset[str] | None, str], dict[str, list[tuple[str, float]]]] = {}
        self._memo_lock = threading.Lock()
        self.rrf_k = rrf_k
        self.exact_share = exact_share  # 0: every cause filter goes to Chroma (the bench's comparison)
        self._exact: dict[frozenset[str], tuple[list[str], Vectors]] = {}
        self._exact_lock = threading.Lock()

    def _clean(self, query: str) -> str:
        text = normalize(query)
        if not text:
            raise QueryError("the query is empty")
        return text[:MAX_QUERY_CHARS]  # longer texts are cut, never refused

    def ranked_lists(
        self, query: str, depth: int | None = None, cause: CauseFilter = None, mode: Mode = "hybrid"
    ) -> dict[str, list[tuple[str, float]]]:
        """The raw ranked lists, best first: ``{"dense": [(id, cosine)], "bm25": [(id, score)]}``. ``cause`` is
        one name or a set of names (a cause with its sub-causes and older names)."""
        text = self._clean(query)
        n = depth or self.depth
        names = cause_names(cause)
        key = (text, n, names, mode)
        with self._memo_lock:
            cached = self._memo.get(key)
        if cached is not None:  # the assessment asks twice (top cases, then the outcome distribution)
            return {name: list(ranked) for name, ranked in cached.items()}
        lists: dict[str, list[tuple[str, float]]] = {}
        if mode in ("hybrid", "dense"):
            lists["dense"] = self._dense(self.embedder.embed_query(text), n, names)
        if mode in ("hybrid", "bm25"):
            lists["bm25"] = self.bm25.search(self.tokenizer.tokenize(text), n, names)
        with self._memo_lock:
            self._memo[key] = lists
            while len(self._memo) > MEMO_SIZE:
                self._memo.pop(next(iter(self._memo)))
        return {name: list(ranked) for name, ranked in lists.items()}

    def _dense(self, vector: Vectors, n: int, cause: frozenset[str] | None) -> list[tuple[str, float]]:
        """The dense list: Chroma's HNSW, or exact scoring for a cause too rare for it (see EXACT_SHARE).
        Without a BM25 index there is nothing to know the causes by, so Chroma serves every filter."""
        held = self._exact_vectors(cause) if cause is not None and len(self.bm25) else None
        if held is None:
            return self.store.query(vector, n, _single(cause))
        ids, matrix = held
        if not ids:
            return []  # no judgment of this cause in the corpus
        q = np.asarray(vector, dtype=np.float32).ravel()
        scores = matrix @ (q / (float(np.linalg.norm(q)) or 1.0))
        return [(ids[i], float(scores[i])) for i in top_indices(scores, min(n, len(ids)))]

    def _exact_vectors(self, cause: frozenset[str]) -> tuple[list[str], Vectors] | None:
        """The causes' ids and unit vectors when they are rare enough to score exactly, else ``None``."""
        with self._exact_lock:
            held = self._exact.get(cause)
            if held is not None:
                return held
            wanted = [doc_id for name in sorted(cause) for doc_id in self.bm25.ids_of_cause(name)]
            rows_held = sum(len(ids) for ids, _ in self._exact.values())
            if len(wanted) >= len(self.bm25) * self.exact_share or rows_held + len(wanted) > EXACT_MAX_ROWS:
                return None
            ids, matrix = self.store.vectors(wanted) if wanted else ([], np.zeros((0, 0), dtype=np.float32))
            if ids:
                norms = np.linalg.norm(matrix, axis=1, keepdims=True)
                matrix = (matrix / np.where(norms > 0, norms, 1.0)).astype(np.float32)
            self._exact[cause] = (ids, matrix)
            return ids, matrix

    def search(self, query: str, k: int = 5, cause: CauseFilter = None, mode: Mode = "hybrid") -> SearchResult:
        if not 1 <= k <= MAX_K:
            raise QueryError(f"k must be between 1 and {MAX_K}")
        text = self._clean(query)
        lists = self.ranked_lists(text, max(self.depth, k), cause, mode)
        fused = reciprocal_rank_fusion(lists, k=self.rrf_k, limit=k)
        stored = self.store.get([f.id for f in fused])
        hits: list[Hit] = []
        trace: list[TraceEntry] = []
        for f in fused:
            doc = stored.get(f.id)
            if doc is None:  # in BM25 but deleted from Chroma since the index was loaded
                log.warning("judgment %s is in the BM25 index but not in Chroma; skipped", f.id)
                continue
            hits.append(_hit(f, doc))
            trace.append(
                TraceEntry(
                    id=f.id,
                    dense_rank=f.ranks.get("dense"),
                    dense_score=f.scores.get("dense"),
                    bm25_rank=f.ranks.get("bm25"),
                    bm25_score=f.scores.get("bm25"),
                    fused_score=f.score,
                )
            )
        return SearchResult(query=text, hits=hits, trace=trace, cause_filter=cause)

    def outcome_distribution(self, query: str, n: int = 20, cause: CauseFilter = None) -> dict[str, int]:
        """Counts of outcome codes (retrieval.outcomes.OUTCOME_CODES) among the ``n`` nearest judgments that
        carry one; judgments without a result to read (fact sections only) are not counted."""
        result = self.search(query, k=min(n, MAX_K), cause=cause)
        return dict(Counter(h.outcome for h in result.hits if h.outcome))


def _single(names: frozenset[str] | None) -> str | frozenset[str] | None:
    """One name as itself (Chroma's plain equality filter), several as the set."""
    if names is not None and len(names) == 1:
        return next(iter(names))
    return names


def _opt_str(doc: StoredDoc, key: str) -> str | None:
    value = doc.metadata.get(key)
    return value if isinstance(value, str) and value else None


def _opt_int(doc: StoredDoc, key: str) -> int | None:
    value = doc.metadata.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _outcome(doc: StoredDoc) -> OutcomeCode | None:
    value = doc.metadata.get("outcome")
    return next((code for code in OUTCOME_CODES if code == value), None)


def _hit(f: Fused, doc: StoredDoc) -> Hit:
    laws = _opt_str(doc, "laws")
    return Hit(
        id=f.id,
        score=f.score,
        cause=_opt_str(doc, "cause"),
        outcome=_outcome(doc),
        summary=_opt_str(doc, "summary") or "",
        case_number=_opt_str(doc, "case_number"),
        court=_opt_str(doc, "court"),
        year=_opt_int(doc, "year"),
        title=_opt_str(doc, "title"),
        doc_type=_opt_str(doc, "doc_type"),
        region=_opt_str(doc, "region"),
        claims=_opt_str(doc, "claims"),
        decision=_opt_str(doc, "decision"),
        reason=_opt_str(doc, "reason"),
        laws=tuple(laws.split(LAWS_SEP)) if laws else (),
        claimed_yuan=_opt_int(doc, "claimed_yuan"),
        granted_yuan=_opt_int(doc, "granted_yuan"),
    )
