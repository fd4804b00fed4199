from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.routes.similar import router
from app.runtime import Runtime
from core.settings import Settings
from retrieval.bm25 import Bm25Index
from retrieval.embedder import FakeEmbedder
from retrieval.errors import QueryError, StoreError
from retrieval.lc import SimilarCaseRetriever
from retrieval.search import SimilarCaseSearch
from retrieval.types import Searcher

from .conftest import LEASE, LOAN


@pytest.fixture
def searcher(make_ingestor, store, corpus: Path) -> SimilarCaseSearch:
    ing = make_ingestor()
    ing.ingest(corpus)
    return SimilarCaseSearch(store, Bm25Index.load(ing.paths.index), FakeEmbedder())


def test_lay_query_finds_the_loan_with_a_trace(searcher: SimilarCaseSearch) -> None:
    as_protocol: Searcher = searcher  # checked by mypy in the callers; here: the methods exist
    assert callable(as_protocol.search) and callable(as_protocol.outcome_distribution)
    result = searcher.search("朋友借了我五万块钱写了借条一直不还", k=3)
    assert result.hits[0].id == "loan-1"
    assert result.hits[0].cause == LOAN and result.hits[0].outcome == "supported"
    assert result.hits[0].summary.startswith("被告向原告借款五万元")
    assert [t.id for t in result.trace] == [h.id for h in result.hits]
    top = result.trace[0]
    assert top.dense_rank == 1 and top.bm25_rank == 1
    assert top.fused_score == pytest.approx(2 / 61)
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)


def test_modes_use_one_list_each(searcher: SimilarCaseSearch) -> None:
    dense = searcher.search("押金不退", k=2, mode="dense")
    assert all(t.bm25_rank is None and t.dense_rank is not None for t in dense.trace)
    bm25 = searcher.search("押金不退", k=2, mode="bm25")
    assert all(t.dense_rank is None for t in bm25.trace)
    assert bm25.hits[0].id == "lease-2"


def test_cause_filter_applies_to_both_lists(searcher: SimilarCaseSearch) -> None:
    result = searcher.search("借条 借款 押金 房租", k=10, cause=LEASE)
    assert {h.id for h in result.hits} == {"lease-1", "lease-2"}
    assert result.cause_filter == LEASE
    assert searcher.search("借款", cause="没有这个案由").hits == []


def test_outcome_distribution_counts_known_outcomes(searcher: SimilarCaseSearch) -> None:
    assert searcher.outcome_distribution("借款 借条", n=20, cause=LOAN) == {"supported": 1, "partly": 1, "rejected": 1}
    everything = searcher.outcome_distribution("纠纷", n=20)
    assert sum(everything.values()) <= 5  # labour-1 has no outcome and is not counted


def test_bad_queries(searcher: SimilarCaseSearch) -> None:
    with pytest.raises(QueryError):
        searcher.search("   ")
    with pytest.raises(QueryError):
        searcher.search("借款", k=0)
    long = searcher.search("借款" * 5000, k=1)
    assert len(long.query) == 2000


def test_langchain_retriever(searcher: SimilarCaseSearch) -> None:
    docs = SimilarCaseRetriever(searcher=searcher, k=2).invoke("房东不退押金")
    assert len(docs) == 2
    assert docs[0].metadata["id"] == "lease-2"
    assert docs[0].page_content.startswith("租赁期满后")


def _client(searcher: object) -> TestClient:
    app = FastAPI()
    app.include_router(router)
    runtime = Runtime(settings=Settings())
    if searcher is not None:
        runtime.publish_searcher(searcher)  # type: ignore[arg-type]
    app.state.runtime = runtime
    return TestClient(app)


def test_api_returns_results_and_trace(searcher: SimilarCaseSearch) -> None:
    res = _client(searcher).get("/api/similar", params={"q": "朋友借了我五万块钱写了借条一直不还", "k": 2})
    assert res.status_code == 200
    body = res.json()
    assert body["query"] == "朋友借了我五万块钱写了借条一直不还"
    assert body["results"][0]["id"] == "loan-1"
    assert set(body["results"][0]) == {"id", "score", "cause", "outcome", "summary", "case_number", "court", "year"}
    assert body["trace"][0]["id"] == "loan-1" and body["trace"][0]["bm25_rank"] == 1
    filtered = _client(searcher).get("/api/similar", params={"q": "押金", "cause": LEASE}).json()
    assert {r["cause"] for r in filtered["results"]} == {LEASE}


BAD_PARAMS = [{}, {"q": ""}, {"q": "借款", "k": 0}, {"q": "借款", "k": 101}, {"q": "借款", "k": "x"}]


@pytest.mark.parametrize("params", BAD_PARAMS)
def test_api_rejects_bad_params_with_422(searcher: SimilarCaseSearch, params: dict) -> None:
    assert _client(searcher).get("/api/similar", params=params).status_code == 422


def test_api_blank_query_is_a_polite_422(searcher: SimilarCaseSearch) -> None:
    res = _client(searcher).get("/api/similar", params={"q": "   "})
    assert res.status_code == 422 and res.json()["detail"] == "请输入要查询的纠纷描述。"


def test_api_without_searcher_is_503() -> None:
    res = _client(None).get("/api/similar", params={"q": "借款"})
    assert res.status_code == 503
    assert res.json() == {"error": "retrieval_unavailable", "detail": "相似案例检索暂时不可用，请稍后再试。"}
    app = FastAPI()
    app.include_router(router)  # state never set at all
    assert TestClient(app).get("/api/similar", params={"q": "借款"}).status_code == 503


def test_api_hides_store_failures(caplog) -> None:
    class Broken:
        def search(self, query: str, k: int = 5, cause: str | None = None):
            raise StoreError("connection refused to 10.0.0.1:8001")

    res = _client(Broken()).get("/api/similar", params={"q": "借款"})
    assert res.status_code == 503 and "10.0.0.1" not in res.text
