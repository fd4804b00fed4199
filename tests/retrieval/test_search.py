from pathlib import Path

import numpy as np
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

from .conftest import LEASE, LOAN, write_jsonl


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


def test_a_set_of_cause_names_filters_to_any_of_them(searcher: SimilarCaseSearch) -> None:
    """A cause with its sub-causes and older names: both lists (and the exact path for rare causes) keep any of the
    names, and nothing else."""
    both = searcher.search("借条 借款 押金 房租", k=10, cause=frozenset({LEASE, LOAN}))
    assert {h.cause for h in both.hits} == {LEASE, LOAN}
    assert all(t.bm25_rank is not None or t.dense_rank is not None for t in both.trace)
    lease = searcher.search("借条 借款 押金 房租", k=10, cause=frozenset({LEASE, "没有这个案由"}))
    assert {h.id for h in lease.hits} == {"lease-1", "lease-2"}
    assert searcher.search("借款", cause=frozenset({"没有这个案由"})).hits == []
    as_chroma = searcher.store.query(FakeEmbedder().embed_query("押金"), 10, frozenset({LEASE, LOAN}))
    assert as_chroma and all(doc_id.startswith(("loan-", "lease-")) for doc_id, _ in as_chroma)
    prefiltered = searcher.store._query(  # the pre-filtered path a rare cause falls back to: Chroma's $in
        np.asarray([FakeEmbedder().embed_query("押金")], dtype=np.float32), 10, frozenset({LEASE}), with_metadata=True
    )
    assert {meta["cause"] for _, _, meta in prefiltered} == {LEASE}


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
    assert set(body["results"][0]) == {
        *("id", "score", "cause", "outcome", "summary", "case_number", "court", "year", "title", "doc_type"),
        *("region", "claims", "decision", "reason", "laws", "claimed_yuan", "granted_yuan"),
    }
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


# A court's own judgment in the generic format, with every part given: what a hit carries back (masked).
RICH = {
    "id": "rich-1",
    "cause": "民间借贷纠纷",
    "title": "林发武与贵州鼎盛晟贸易有限公司民间借贷纠纷一审民事判决书",
    "text": "原告林发武向本院提出诉讼请求：1.被告偿还借款五万元；2.诉讼费由被告承担。"
            "事实与理由：被告贵州鼎盛晟贸易有限公司（以下简称鼎盛晟公司）向原告借款五万元并出具借条，"
            "到期未还，原告电话13812345678。",
    "reasoning": "本院认为，合法的借贷关系受法律保护。"
                 "鼎盛晟公司向林发武借款五万元有借条为证，原告要求偿还借款，本院予以支持。"
                 "依照《中华人民共和国合同法》第二百零六条之规定，判决如下",
    "result": "被告贵州鼎盛晟贸易有限公司于本判决生效之日起十日内偿还原告林发武借款50000元。"
              "\n案件受理费1050元，由被告负担。\n如不服本判决，可在判决书送达之日起十五日内上诉于贵州省贵阳市中级人民法院",
    "laws": [{"terms": "第二百零六条", "law": "《中华人民共和国合同法》"}],
    "parties": [
        {"Name": "林发武", "LegalEntity": "Person"},
        {"Name": "贵州鼎盛晟贸易有限公司", "LegalEntity": "Corporation"},
    ],
    "appeal_court": "贵州省贵阳市中级人民法院",
    "doc_type": "判决书",
    "year": 2019,
}
DISMISSED = {
    "id": "rich-2",
    "cause": "民间借贷纠纷",
    "text": "原告诉称，被告借款三万元未还，请求判令被告偿还借款。经审查，被告下落不明且无法确定。",
    "reasoning": "本院经审查认为，原告不能提供明确的被告，不符合起诉条件。"
                 "依照《中华人民共和国民事诉讼法》第一百一十九条之规定，裁定如下",
    "result": "驳回原告的起诉。",
}


@pytest.fixture
def rich_searcher(make_ingestor, store, tmp_path: Path) -> SimilarCaseSearch:
    ing = make_ingestor()
    ing.ingest(write_jsonl(tmp_path / "rich.jsonl", [RICH, DISMISSED]))
    return SimilarCaseSearch(store, Bm25Index.load(ing.paths.index), FakeEmbedder())


def test_a_hit_reads_like_a_judgment_and_names_nobody(rich_searcher: SimilarCaseSearch) -> None:
    hit = next(h for h in rich_searcher.search("借款五万元借条到期未还", k=2).hits if h.id == "rich-1")
    assert hit.title == "林某与某贸易有限公司民间借贷纠纷一审民事判决书"
    assert (hit.doc_type, hit.region, hit.year, hit.outcome) == ("判决书", "贵州省贵阳市", 2019, "supported")
    assert hit.claims == "1.被告偿还借款五万元；2.诉讼费由被告承担"
    assert hit.decision == "被告某贸易有限公司于本判决生效之日起十日内偿还原告林某借款50000元。"
    assert hit.reason == "某公司向林某借款五万元有借条为证，原告要求偿还借款，本院予以支持。"
    assert hit.laws == ("《合同法》第二百零六条",)
    assert (hit.claimed_yuan, hit.granted_yuan) == (50000, 50000)
    shown = " ".join(str(v) for v in (hit.title, hit.summary, hit.claims, hit.decision, hit.reason))
    assert "林发武" not in shown and "鼎盛晟" not in shown and "13812345678" not in shown


def test_outcome_distribution_counts_the_new_codes(rich_searcher: SimilarCaseSearch) -> None:
    assert rich_searcher.outcome_distribution("借款", n=20, cause="民间借贷纠纷") == {"supported": 1, "dismissed": 1}
    dismissed = next(h for h in rich_searcher.search("借款 被告下落不明", k=2).hits if h.id == "rich-2")
    assert (dismissed.outcome, dismissed.granted_yuan, dismissed.laws) == ("dismissed", None, ())
    assert dismissed.reason == "本院经审查认为，原告不能提供明确的被告，不符合起诉条件。"
