"""Dashboard figures from recorded events; the SVG chart; the CSV/XLSX export."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from casework import kpi
from casework.charts import bar_chart
from casework.export import HEADER, to_csv, to_xlsx
from casework.service import Applicant, create_handoff, transition

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
NOV, DEC = "2026-11", "2026-12"


def _fig(figs: list[kpi.Figure], key: str, month: str = NOV, cause: str = kpi.ALL) -> kpi.Figure:
    return next(f for f in figs if (f.key, f.month, f.cause) == (key, month, cause))


@pytest.fixture
def act(session, notifier, settings, staff):  # type: ignore[no-untyped-def]
    def _act(role: str, record_id: int, action: str, when: datetime, **form: object) -> None:
        transition(session, staff[role], record_id, action, notifier, form=form, settings=settings, now=when)

    return _act


@pytest.fixture
def create(session, notifier, settings, build):  # type: ignore[no-untyped-def]
    counter = iter(range(1000))

    def _create(kind: str, when: datetime = NOW, **over: object) -> int:
        over.setdefault("dedupe_key", f"k{next(counter)}")
        return create_handoff(session, build(kind, **over), notifier, settings=settings, now=when).id

    return _create


def test_filing_figures(session, create, act) -> None:  # type: ignore[no-untyped-def]
    a = create("filing")  # reviewed in time, registered online
    act("clerk", a, "review", NOW + timedelta(days=1))
    act("clerk", a, "register", NOW + timedelta(days=2), channel="online")
    b = create("filing", applicant=Applicant(name="赵六"))  # no ID/phone; registered at the window, late
    act("clerk", b, "review", NOW + timedelta(days=6))
    act("clerk", b, "register", NOW + timedelta(days=8), channel="window")
    c = create("filing", cause="买卖合同纠纷")  # correction in time, then resubmitted and still undecided
    act("clerk", c, "review", NOW)
    act("clerk", c, "request_correction", NOW + timedelta(days=1), items=["被告住址"])
    act("clerk", c, "resubmit", NOW + timedelta(days=2))
    figs = kpi.compute(kpi.load_events(session), NOW + timedelta(days=30), [NOV, DEC])
    share = _fig(figs, "online_filing_share")
    assert (share.numerator, share.denominator, share.value, share.meets_target) == (1, 2, 0.5, True)
    review = _fig(figs, "review_on_time")
    # on time: a, and c's correction notice; late: b (decided on day 8), and c's second period, which fell due on
    # Nov 29 (resubmitted Nov 22 + 7 days) and is still undecided on Dec 20
    assert (review.numerator, review.denominator, review.meets_target) == (2, 4, False)
    entry = _fig(figs, "id_phone_entry")
    assert (entry.numerator, entry.denominator) == (2, 3)
    per_cause = _fig(figs, "id_phone_entry", cause="买卖合同纠纷")
    assert (per_cause.numerator, per_cause.denominator) == (1, 1)
    assert _fig(figs, "online_filing_share", month=DEC).value is None


def test_undecided_review_counts_late_in_the_month_it_fell_due(session, create) -> None:  # type: ignore[no-untyped-def]
    create("filing", when=datetime(2026, 11, 28, 2, tzinfo=UTC))  # due Dec 5
    before = kpi.compute(kpi.load_events(session), datetime(2026, 12, 1, tzinfo=UTC), [NOV, DEC])
    assert _fig(before, "review_on_time", month=DEC).denominator == 0  # not due yet: not counted
    after = kpi.compute(kpi.load_events(session), datetime(2026, 12, 10, tzinfo=UTC), [NOV, DEC])
    late = _fig(after, "review_on_time", month=DEC)
    assert (late.numerator, late.denominator) == (0, 1)


def test_ticket_and_petition_figures(session, create, act) -> None:  # type: ignore[no-untyped-def]
    t1 = create("ticket", category="petition")
    act("operator", t1, "assign", NOW + timedelta(hours=2), department="立案庭")
    act("operator", t1, "answer", NOW + timedelta(days=2), answer="已答复")
    t2 = create("ticket")  # assigned late (after the 1-day 接听 due)
    act("operator", t2, "assign", NOW + timedelta(days=2), department="民一庭")
    create("ticket", category="petition")  # never picked up; its due has passed
    create("ticket", when=NOW + timedelta(days=9, hours=20))  # picked up? not yet, and not yet due
    figs = kpi.compute(kpi.load_events(session), NOW + timedelta(days=10), [NOV])
    conn = _fig(figs, "hotline_connection")
    assert (conn.numerator, conn.denominator) == (1, 3)
    done = _fig(figs, "ticket_completion")
    assert (done.numerator, done.denominator) == (1, 4)
    assert _fig(figs, "petition_registered").value == 2.0
    assigned = _fig(figs, "petition_assigned")
    answered = _fig(figs, "petition_answered")
    assert (assigned.numerator, assigned.denominator, answered.numerator) == (1, 2, 1)
    assert assigned.meets_target is False


def test_referral_figures(session, create, act) -> None:  # type: ignore[no-untyped-def]
    ok = create("referral")
    for action in ("accept", "start", "agree"):
        act("mediator", ok, action, NOW + timedelta(days=1))
    bad = create("referral")
    act("mediator", bad, "accept", NOW)
    act("mediator", bad, "fail", NOW + timedelta(days=1), reason="对方拒绝")
    create("referral")  # still new
    create("referral", cause="机动车交通事故责任纠纷")
    figs = kpi.compute(kpi.load_events(session), NOW + timedelta(days=2), [NOV])
    assert _fig(figs, "referrals").value == 4.0
    assert _fig(figs, "referrals", cause="机动车交通事故责任纠纷").value == 1.0
    success = _fig(figs, "mediation_success")
    assert (success.numerator, success.denominator, success.value) == (1, 2, 0.5)
    assert success.meets_target is None  # the standard sets no target


def test_no_events_no_figures() -> None:
    figs = kpi.compute([], NOW, [NOV])
    assert {f.cause for f in figs} == {kpi.ALL}
    assert all(f.value is None or f.value == 0 for f in figs)
    assert kpi.fmt_value(_fig(figs, "online_filing_share")) == "—"


def test_recent_months_cross_the_year() -> None:
    assert kpi.recent_months(datetime(2026, 1, 31, 17, tzinfo=UTC), 3) == ["2025-12", "2026-01", "2026-02"]
    assert kpi.recent_months(datetime(2026, 2, 10, tzinfo=UTC), 3) == ["2025-12", "2026-01", "2026-02"]


def test_chart_is_valid_svg_with_escaped_text() -> None:
    svg = bar_chart("<脚本>&测试", [("2026-10", 0.4), ("2026-11", None), ("2026-12", 0.95)], target=0.9)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "<脚本>" not in svg and "&lt;脚本&gt;&amp;测试" in svg
    fills = [el.get("fill") for el in root.iter() if el.tag.endswith("rect")]
    assert fills == ["#c62828", "#2e7d32"]  # below target red, above green
    assert "目标 90%" in svg and "style=" not in svg


def test_exports_carry_numerators_and_denominators(session, create, act) -> None:  # type: ignore[no-untyped-def]
    a = create("filing")
    act("clerk", a, "review", NOW)
    act("clerk", a, "register", NOW, channel="online")
    figs = kpi.compute(kpi.load_events(session), NOW, [NOV])
    text = to_csv(figs).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == HEADER
    row = next(r for r in table if r[3] == "online_filing_share" and r[1] == kpi.ALL)
    assert row[4:9] == ["1", "1", "1.0", "0.5", "是"]
    wb = load_workbook(io.BytesIO(to_xlsx(figs)))
    ws = wb["月度指标"]
    assert [c.value for c in ws[1]] == HEADER
    assert ws.max_row == len(table)
