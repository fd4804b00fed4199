"""Types shared by retrieval and its callers (the assessment, the chat, the API)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    score: float  # fused (RRF) score; higher is closer
    cause: str | None
    outcome: str | None  # supported | partly | rejected | withdrawn | mediated | None
    summary: str  # a short excerpt for people
    case_number: str | None = None
    court: str | None = None
    year: int | None = None


@dataclass(frozen=True, slots=True)
class TraceEntry:
    id: str
    dense_rank: int | None
    dense_score: float | None
    bm25_rank: int | None
    bm25_score: float | None
    fused_score: float


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    hits: list[Hit]
    trace: list[TraceEntry] = field(default_factory=list)
    cause_filter: str | None = None


class Searcher(Protocol):
    """What the assessment needs from retrieval. ``retrieval.search.SimilarCaseSearch`` implements it."""

    def search(self, query: str, k: int = 5, cause: str | None = None) -> SearchResult: ...

    def outcome_distribution(self, query: str, n: int = 20, cause: str | None = None) -> dict[str, int]:
        """Counts of outcomes among the ``n`` nearest judgments that carry an outcome."""
        ...
