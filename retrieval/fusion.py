"""Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): score(d) = Σ 1 / (k + rank_i(d)).

Ranks are 1-based. A document missing from a list contributes nothing for that list. Ties in the fused
score keep the order of first appearance (dense list first, then BM25), so results are deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

RRF_K: Final = 60


@dataclass(frozen=True, slots=True)
class Fused:
    id: str
    score: float
    ranks: dict[str, int] = field(default_factory=dict)  # list name -> 1-based rank in that list
    scores: dict[str, float] = field(default_factory=dict)  # list name -> that list's own score


def reciprocal_rank_fusion(
    ranked: Mapping[str, Sequence[tuple[str, float]]], k: int = RRF_K, limit: int | None = None
) -> list[Fused]:
    """Fuse named ranked lists of (id, score), best first, into one list ordered by RRF score.

    ``ranked`` maps a list name (``"dense"``, ``"bm25"``) to its hits; duplicate ids inside one list count
    at their best (first) rank only.
    """
    if k <= 0:
        raise ValueError("the RRF constant k must be positive")
    fused: dict[str, float] = {}
    ranks: dict[str, dict[str, int]] = {}
    scores: dict[str, dict[str, float]] = {}
    for list_name, hits in ranked.items():
        seen: set[str] = set()
        rank = 0
        for doc_id, score in hits:
            if doc_id in seen:
                continue
            seen.add(doc_id)
            rank += 1
            fused[doc_id] = fused.get(doc_id, 0.0) + 1.0 / (k + rank)
            ranks.setdefault(doc_id, {})[list_name] = rank
            scores.setdefault(doc_id, {})[list_name] = score
    order = sorted(fused, key=lambda d: -fused[d])  # sorted() is stable: ties keep first appearance
    if limit is not None:
        order = order[:limit]
    return [Fused(d, fused[d], ranks[d], scores[d]) for d in order]
