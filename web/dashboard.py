"""The manager's dashboard (figures against targets, per month and cause, with SVG charts), the CSV/XLSX
export of the monthly figures, and the audit log."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from casework import access, kpi
from casework.charts import bar_chart
from casework.export import to_csv, to_xlsx
from casework.queries import AuditFilter, actor_label, audit_log, staff_names
from core.db import unit_of_work
from web.deps import PageNumber, current_staff, factory, now_utc, render

router = APIRouter()
MONTHS = 12
_MONTH = re.compile(r"^\d{4}-\d{2}$")


def _figures(request: Request, months: list[str]) -> list[kpi.Figure]:
    with unit_of_work(factory(request)) as db:
        staff = current_staff(request, db)
        access.require(staff, access.DASHBOARD_ROLES, "the dashboard")
        since = now_utc() - timedelta(days=31 * (len(months) + 2))
        events = kpi.load_events(db, since=since)
    return kpi.compute(events, now_utc(), months)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, month: str | None = None, cause: str | None = None) -> Response:
    months = kpi.recent_months(now_utc(), MONTHS)
    month = month if month in months else months[-1]
    figures = _figures(request, months)
    causes = sorted({f.cause for f in figures if f.cause != kpi.ALL})
    cause = cause if cause in causes else kpi.ALL
    current = [f for f in figures if f.month == month and f.cause == cause]
    cards = []
    for f in current:
        d = f.definition
        series = [(m, next(x.value for x in figures if (x.month, x.cause, x.key) == (m, cause, f.key))) for m in months]
        chart = bar_chart(f"{d.label}（近{MONTHS}个月）", series, target=d.target, share=d.denominator is not None)
        cards.append(
            {
                "fig": f,
                "def": d,
                "value": kpi.fmt_value(f),
                "target": None if d.target is None else f"≥ {d.target * 100:.0f}%",
                "chart": Markup(chart),  # noqa: S704 - built by casework.charts, every text in it escaped
            }
        )
    by_cause = [
        {
            "cause": c,
            "cells": [kpi.fmt_value(f) for f in figures if f.month == month and f.cause == c],
        }
        for c in (kpi.ALL, *causes)
    ]
    ctx = {
        "title": "统计",
        "month": month,
        "months": months,
        "cause": cause,
        "causes": causes,
        "cards": cards,
        "defs": kpi.FIGURES,
        "by_cause": by_cause,
        "all_label": kpi.ALL,
    }
    return render(request, "dashboard.html", ctx)


@router.get("/dashboard/export.csv")
def export_csv(request: Request) -> Response:
    figures = _figures(request, kpi.recent_months(now_utc(), MONTHS))
    return Response(
        to_csv(figures),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="kpi-monthly.csv"'},
    )


@router.get("/dashboard/export.xlsx")
def export_xlsx(request: Request) -> Response:
    figures = _figures(request, kpi.recent_months(now_utc(), MONTHS))
    return Response(
        to_xlsx(figures),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="kpi-monthly.xlsx"'},
    )


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request, actor: str | None = None, action: str | None = None, subject: str | None = None,
    page: Annotated[PageNumber, Query()] = 1,
) -> Response:
    flt = AuditFilter(actor=actor or None, action=action or None, subject=subject or None, page=page)
    with unit_of_work(factory(request)) as db:
        staff = current_staff(request, db)
        access.require(staff, access.AUDIT_ROLES, "the audit log")
        rows, total = audit_log(db, flt)
        names = staff_names(db)
        items = [
            {
                "at": r.at,
                "actor": actor_label(r.actor, names),
                "actor_raw": r.actor,
                "action": r.action,
                "subject": r.subject,
                "detail": ", ".join(f"{k}={v}" for k, v in json.loads(r.detail or "{}").items()),
            }
            for r in rows
        ]
    ctx = {"title": "审计日志", "items": items, "total": total, "flt": flt, "pages": (total + 49) // 50}
    return render(request, "audit.html", ctx)
