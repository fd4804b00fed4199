from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.routes.assess import router
from app.runtime import Runtime
from core.settings import Settings
from knowledge import Knowledge
from retrieval.types import CauseFilter, Hit, SearchResult, cause_names

LOAN_CAUSE = "民间借贷纠纷"


class FakeSearcher:
    def search(self, query: str, k: int = 5, cause: CauseFilter = None) -> SearchResult:
        summary = "被告出具借条借款五万元未还"
        hits = [Hit(id="case-7", score=0.03, cause=LOAN_CAUSE, outcome="supported", summary=summary)]
        if LOAN_CAUSE not in (cause_names(cause) or {LOAN_CAUSE}):
            hits = []  # as the real one: nothing of another cause
        return SearchResult(query=query, hits=hits, cause_filter=cause)

    def outcome_distribution(self, query: str, n: int = 20, cause: CauseFilter = None) -> dict[str, int]:
        return {"supported": 7, "rejected": 2}



@pytest.fixture(scope="module")
def client(knowledge: Knowledge) -> Iterator[TestClient]:
    app = FastAPI()
    app.include_router(router)
    runtime = Runtime(settings=Settings(), knowledge=knowledge)
    runtime.publish_searcher(FakeSearcher())
    app.state.runtime = runtime
    with TestClient(app) as c:
        yield c


def test_assess_returns_the_documented_shape(client: TestClient) -> None:
    body = {
        "text": "俺去年三月借给同事5万块，说好年底还，打了借条。他住在修武县，俺家在山阳区百间房。",
        "today": "2026-11-24",
    }
    r = client.post("/api/assess", json=body)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["cause"]["name"] == "民间借贷纠纷"
    assert isinstance(data["cause"]["confidence"], float) and isinstance(data["cause"]["alternatives"], list)
    assert data["facts"]["claim_amount_yuan"] == 50000
    assert data["fee"] == data["fee"] | {"acceptance_fee_yuan": 1050.0, "halved_yuan": 525.0}
    assert data["limitation"]["status"] == "in_time" and data["limitation"]["deadline"] == "2028-12-31"
    assert data["small_claims"]["eligible"] is True and data["small_claims"]["threshold_yuan"] == 35120
    assert data["jurisdiction"]["competent"] is True
    assert data["mediation"]["required_before_filing"] is False
    assert [c["id"] for c in data["similar_cases"]] == ["case-7"]
    assert set(data["similar_cases"][0]) >= {"id", "score", "cause", "outcome", "summary"}
    assert isinstance(data["risks"], list) and data["risks"]
    assert data["missing"] == ["mediation_willing"]


def test_facts_are_merged(client: TestClient) -> None:
    body = {"text": "借钱不还", "facts": {"cause": "民间借贷纠纷", "claim_amount_yuan": 35120}, "today": "2026-11-24"}
    data = client.post("/api/assess", json=body).json()
    assert data["fee"]["acceptance_fee_yuan"] == 678
    assert data["small_claims"]["eligible"] is True
    assert data["facts"]["claim_amount_yuan"] == 35120


def test_unknown_amount_is_null(client: TestClient) -> None:
    data = client.post("/api/assess", json={"text": "楼上漏水把俺家泡了"}).json()
    assert data["facts"]["claim_amount_yuan"] is None


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"text": ""}, "empty"),
        ({"text": "   "}, "empty"),
        ({"text": "借" * 2001}, "2000"),
        ({"text": "借钱不还", "today": "2026-13-01"}, "date"),
        ({"text": "借钱不还", "today": "昨天"}, "date"),
        ({}, "text"),
        ({"text": "借钱不还", "unexpected": 1}, "unexpected"),
        ({"text": "借钱不还", "facts": {"claim_amount_yuan": -3}}, "负数"),
        ({"text": "借钱不还", "facts": {"evidence": 5}}, "evidence"),
        ({"text": "借钱不还", "facts": {"due_date": "2023-13-01"}}, "YYYY-MM-DD"),
        ({"text": "借钱不还", "facts": {"mediation_willing": "yes"}}, "true"),
        ({"text": "借钱不还", "facts": {"defendant_place": 12}}, "文字"),
    ],
)
def test_invalid_input_is_422_with_a_clear_message(client: TestClient, body: dict[str, object], needle: str) -> None:
    r = client.post("/api/assess", json=body)
    assert r.status_code == 422
    assert needle in r.text
    assert "Traceback" not in r.text


def test_openapi_documents_the_endpoint(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    op = schema["paths"]["/api/assess"]["post"]
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Assessment")
    assert "422" in op["responses"]
    components = schema["components"]["schemas"]
    assert components["AssessRequest"]["examples"][0]["text"]
    fee = components["FeeOut"]["properties"]["acceptance_fee_yuan"]
    assert "受理费" in fee["description"]
    for part in (
        "cause",
        "facts",
        "missing",
        "fee",
        "limitation",
        "small_claims",
        "jurisdiction",
        "mediation",
        "similar_cases",
        "risks",
    ):
        assert part in components["Assessment"]["properties"]


def test_no_knowledge_is_503() -> None:
    app = FastAPI()
    app.include_router(router)
    with TestClient(app) as c:
        r = c.post("/api/assess", json={"text": "借钱不还"})
    assert r.status_code == 503 and "稍后" in r.json()["detail"]
