"""Types shared by retrieval and its callers (the assessment, the chat, the API)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from retrieval.outcomes import OutcomeCode


@dataclass(frozen=True, slots=True)
class Hit:
    """One similar judgment, with what a litigant needs to read it like one. Every text is masked at ingest
    (party names, ID and phone numbers); a part the judgment does not carry is ``None`` (``()`` for laws)."""

    id: str
    score: float  # fused (RRF) score; higher is closer
    cause: str | None
    # How it ended (retrieval.outcomes): supported | partly | rejected | divorce_granted | divorce_refused |
    # dismissed | not_accepted | transferred | withdrawn | mediated | other; None without a result to read
    outcome: OutcomeCode | None
    summary: str  # a short excerpt of the facts for people
    case_number: str | None = None
    court: str | None = None
    year: int | None = None
    title: str | None = None  # e.g. 苗某与闫某离婚纠纷一审民事判决书
    doc_type: str | None = None  # 判决书 / 裁定书 / 调解书
    region: str | None = None  # the court's place: 浙江省杭州市, 濮阳市 (from the court or the appeal court)
    claims: str | None = None  # what the plaintiff asked (诉讼请求), ≤ about 120 characters
    decision: str | None = None  # the operative sentences of the result, no fee or appeal notice, ≤ about 160
    reason: str | None = None  # the one sentence of the reasoning that decided it, ≤ about 160
    laws: tuple[str, ...] = ()  # up to 3 cited articles, as cited: 《合同法》第二百零六条
    claimed_yuan: int | None = None  # fixed yuan amounts asked (no costs, rate interest or periodic sums)
    granted_yuan: int | None = None  # fixed yuan amounts ordered to the plaintiff; 0: money claims rejected


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
    cause_filter: CauseFilter = None


CauseFilter = str | frozenset[str] | None
"""One cause name, a set of names (a cause with its sub-causes and older names), or no filter."""


def cause_names(cause: CauseFilter) -> frozenset[str] | None:
    """The filter as a set of names (``None``: no filter)."""
    if cause is None:
        return None
    return frozenset((cause,)) if isinstance(cause, str) else cause


class Searcher(Protocol):
    """What the assessment needs from retrieval. ``retrieval.search.SimilarCaseSearch`` implements it."""

    def search(self, query: str, k: int = 5, cause: CauseFilter = None) -> SearchResult: ...

    def outcome_distribution(self, query: str, n: int = 20, cause: CauseFilter = None) -> dict[str, int]:
        """Counts of outcome codes (see :attr:`Hit.outcome`) among the ``n`` nearest judgments that carry one."""
        ...
