"""§9: far dates and huge page numbers answer a clear 422, never a 500 (an unreadable or low page is still page 1)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

STORY = "俺去年三月借给同事5万块，说好年底还，打了借条。"


@pytest.mark.parametrize("today", ["9999-12-31", "0001-01-01", "1990-01-01", "2022-01-08", "2101-01-01"])
def test_assess_refuses_a_far_today(product: TestClient, today: str) -> None:
    r = product.post("/api/assess", json={"text": STORY, "today": today})
    assert r.status_code == 422, (today, r.status_code, r.text[:200])
    assert any(e["field"].endswith("today") for e in r.json()["errors"]), r.text[:300]


@pytest.mark.parametrize("today", ["2022-01-09", "2100-12-31"])
def test_assess_accepts_the_bounds(product: TestClient, today: str) -> None:
    r = product.post("/api/assess", json={"text": STORY, "today": today})
    assert r.status_code == 200, (today, r.status_code, r.text[:200])


@pytest.mark.parametrize("page", ["10001", "99999999999999999999", "9" * 5000])
@pytest.mark.parametrize(("user", "url"), [("clerk1", "/workbench/queue"), ("mgr1", "/workbench/audit")])
def test_list_pages_refuse_a_huge_page(product: TestClient, bx: SimpleNamespace, user: str, url: str,
                                              page: str) -> None:
    staff = bx.Staff(product, user)
    r = staff.get(f"{url}?page={page}")
    assert r.status_code == 422, (url, page, r.status_code, r.text[:200])


@pytest.mark.parametrize(("user", "url"), [("clerk1", "/workbench/queue"), ("mgr1", "/workbench/audit")])
def test_list_pages_accept_the_largest_page(product: TestClient, bx: SimpleNamespace, user: str, url: str) -> None:
    staff = bx.Staff(product, user)
    for query in ("?page=10000", "?page=0010000", "", "?page=", "?page=abc", "?page=0", "?page=-1", "?page=%C2%B2"):
        assert staff.get(f"{url}{query}").status_code == 200, query


def test_the_earliest_today_is_covered_by_the_small_claims_table() -> None:
    import yaml

    from app.routes.assess import EARLIEST_TODAY
    from core.settings import REPO_ROOT

    table = yaml.safe_load((REPO_ROOT / "knowledge/data/small_claims.yaml").read_text(encoding="utf-8"))
    assert min(t["effective_from"] for t in table["thresholds"]) <= EARLIEST_TODAY
