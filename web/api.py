"""JSON for the workbench (same session and role checks as the pages): the queue and the monthly figures."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from casework import access, kpi
from casework.machine import lifecycle
from casework.queries import STATUS_OPEN, QueueFilter, queue
from casework.records import is_overdue
from core.db import unit_of_work
from web.deps import current_staff, factory, now_utc

router = APIRouter()


@router.get("/queue")
def api_queue(
    request: Request, kind: str | None = None, status: str = STATUS_OPEN, overdue: bool = False
) -> dict[str, Any]:
    now = now_utc()
    with unit_of_work(factory(request)) as db:
        staff = current_staff(request, db)
        rows, total = queue(db, staff, QueueFilter(kind=kind, status=status, overdue=overdue), now)
        items = [
            {
                "id": r.id,
                "ref": r.ref,
                "kind": r.kind,
                "state": r.state,
                "state_label": lifecycle(r.kind).state_label(r.state),
                "cause": r.cause,
                "due_at": r.due_at.isoformat() if r.due_at else None,
                "overdue": is_overdue(r, now),
            }
            for r in rows
        ]
    return {"total": total, "items": items}


@router.get("/kpis")
def api_kpis(request: Request, months: int = 12) -> dict[str, Any]:
    months = min(max(months, 1), 36)
    with unit_of_work(factory(request)) as db:
        staff = current_staff(request, db)
        access.require(staff, access.DASHBOARD_ROLES, "the figures")
        events = kpi.load_events(db)
    figures = kpi.compute(events, now_utc(), kpi.recent_months(now_utc(), months))
    return {
        "figures": [
            {
                "month": f.month,
                "cause": f.cause,
                "key": f.key,
                "label": f.definition.label,
                "numerator": f.numerator,
                "denominator": f.denominator,
                "value": f.value,
                "target": f.definition.target,
                "meets_target": f.meets_target,
            }
            for f in figures
        ]
    }
