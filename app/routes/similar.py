"""``GET /api/similar?q=…&k=…&cause=…``: similar judgments with the retrieval trace, as JSON.

The searcher comes from :mod:`app.deps` (published by the runtime when the index is ready). Until then the
route answers 503 with a polite message; invalid parameters get FastAPI's 422. Internal
errors never reach the client: retrieval failures are logged and answered with 503.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.deps import SearcherDep
from retrieval.errors import QueryError, RetrievalError
from retrieval.search import MAX_K

log = logging.getLogger(__name__)

router = APIRouter(tags=["retrieval"])

UNAVAILABLE = "相似案例检索暂时不可用，请稍后再试。"
EMPTY_QUERY = "请输入要查询的纠纷描述。"


class HitOut(BaseModel):
    id: str
    score: float
    cause: str | None
    outcome: str | None
    summary: str
    case_number: str | None
    court: str | None
    year: int | None
    title: str | None
    doc_type: str | None
    region: str | None
    claims: str | None
    decision: str | None
    reason: str | None
    laws: list[str]
    claimed_yuan: int | None
    granted_yuan: int | None


class TraceOut(BaseModel):
    id: str
    dense_rank: int | None
    dense_score: float | None
    bm25_rank: int | None
    bm25_score: float | None
    fused_score: float


class SimilarOut(BaseModel):
    query: str
    cause: str | None
    results: list[HitOut]
    trace: list[TraceOut]


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": code, "detail": message})


@router.get("/api/similar", response_model=SimilarOut, responses={503: {}, 422: {}})
def similar(
    searcher: SearcherDep,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="纠纷描述")],
    k: Annotated[int, Query(ge=1, le=MAX_K)] = 5,
    cause: Annotated[str | None, Query(min_length=1, max_length=60)] = None,
) -> Any:
    if searcher is None:
        return _error(503, "retrieval_unavailable", UNAVAILABLE)
    try:
        result = searcher.search(q, k=k, cause=cause)
    except QueryError:
        return _error(422, "empty_query", EMPTY_QUERY)
    except RetrievalError:
        log.exception("similar-case search failed")
        return _error(503, "retrieval_unavailable", UNAVAILABLE)
    return SimilarOut(
        query=result.query,
        cause=cause,
        results=[HitOut(**asdict(h)) for h in result.hits],
        trace=[TraceOut(**asdict(t)) for t in result.trace],
    )
