"""The manager's dashboard, exports, audit log and the JSON API."""

from __future__ import annotations

import csv
import io

from bs4 import BeautifulSoup
from openpyxl import load_workbook

from casework import kpi


def soup(r) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(r.text, "html.parser")


def card(page: BeautifulSoup, key: str):  # type: ignore[no-untyped-def]
    return page.find("section", attrs={"data-key": key})


def test_dashboard_figures_move_with_recorded_events(browser, records) -> None:  # type: ignore[no-untyped-def]
    mgr = browser("mgr1")
    page = soup(mgr.get("/workbench/dashboard"))
    assert len(page.select("section.figure")) == len(kpi.FIGURES)
    assert len(page.select("section.figure svg")) == len(kpi.FIGURES)
    share = card(page, "online_filing_share")
    assert share.select_one(".value").text == "—" and share.select_one(".den").text == "0"
    assert card(page, "referrals").select_one(".value").text == "2件"
    assert card(page, "petition_registered").select_one(".value").text == "1件"
    entry = card(page, "id_phone_entry")
    assert (entry.select_one(".num").text, entry.select_one(".den").text) == ("1", "1")
    assert "meets" in entry["class"]

    clerk = browser("clerk1")
    rid = records["filing"]
    clerk.post(f"/workbench/records/{rid}/act/review", {})
    clerk.post(f"/workbench/records/{rid}/act/register", {"channel": "window"})
    page = soup(mgr.get("/workbench/dashboard"))
    share = card(page, "online_filing_share")
    assert share.select_one(".value").text == "0.0%" and "misses" in share["class"]
    review = card(page, "review_on_time")
    assert (review.select_one(".num").text, review.select_one(".den").text) == ("1", "1")


def test_dashboard_per_cause_and_month_selection(browser, records) -> None:  # type: ignore[no-untyped-def]
    mgr = browser("mgr1")
    page = soup(mgr.get("/workbench/dashboard?cause=机动车交通事故责任纠纷"))
    assert card(page, "referrals").select_one(".value").text == "1件"
    table = page.select_one("table.by-cause")
    assert [th.text for th in table.select("tbody th")] == [kpi.ALL, "机动车交通事故责任纠纷", "民间借贷纠纷"]
    odd = mgr.get("/workbench/dashboard?month=1999-01&cause=<b>")
    assert odd.status_code == 200 and "<b>" not in odd.text.split("<main>")[1].split("</h1>")[0]


def test_exports(browser, records) -> None:  # type: ignore[no-untyped-def]
    mgr = browser("mgr1")
    r = mgr.get("/workbench/dashboard/export.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["月份", "案由", "指标"]
    referrals = [row for row in rows[1:] if row[3] == "referrals" and row[1] == kpi.ALL]
    assert len(referrals) == 12 and referrals[-1][4] == "2"
    x = mgr.get("/workbench/dashboard/export.xlsx")
    ws = load_workbook(io.BytesIO(x.content))["月度指标"]
    assert ws.max_row == len(rows)


def test_audit_log_page(browser, records, staff_ids) -> None:  # type: ignore[no-untyped-def]
    browser("clerk1").post(f"/workbench/records/{records['filing']}/reveal", {"party": "plaintiff", "field": "phone"})
    mgr = browser("mgr1")
    page = soup(mgr.get("/workbench/audit?action=pii"))
    rows = page.select("table.audit tbody tr")
    assert len(rows) == 1 and "pii.reveal" in rows[0].text and "立案员" in rows[0].text
    assert "13800138000" not in mgr.get("/workbench/audit").text
    assert len(soup(mgr.get(f"/workbench/audit?actor=staff:{staff_ids['clerk1']}")).select("table.audit tbody tr")) == 2


def test_api_queue_and_kpis(browser, records) -> None:  # type: ignore[no-untyped-def]
    op = browser("op1")
    data = op.get("/api/workbench/queue").json()
    assert data["total"] == 1 and data["items"][0]["kind"] == "ticket" and data["items"][0]["overdue"] is False
    assert op.get("/api/workbench/kpis").status_code == 403
    assert op.get("/api/workbench/kpis").json() == {"detail": "您的岗位无权查看或办理这项内容。"}
    figures = browser("mgr1").get("/api/workbench/kpis?months=2").json()["figures"]
    months = {f["month"] for f in figures}
    assert len(months) == 2
    ref = next(f for f in figures if f["key"] == "referrals" and f["cause"] == kpi.ALL and f["month"] == max(months))
    assert ref["numerator"] == 2 and ref["denominator"] is None
