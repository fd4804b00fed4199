"""Who may see and do what, as tables. Every check the workbench makes goes through this module.

- mediator: referrals of their own committee (staff ``group_id`` = the referral's committee id);
- clerk: filings; operator: 12368 tickets;
- manager: every record (read only, plus ticket supervision as the lifecycle allows), the dashboard and the
  audit log;
- admin: staff accounts only (no records: least privilege).

ID and phone numbers are shown masked; :data:`REVEAL` lists the (role, kind) pairs that may click "show" for a
clear value, and each such view is audited by :func:`casework.service.reveal_pii`.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from sqlalchemy import Select, false

from casework.errors import PermissionDenied
from casework.models import CaseRecord, StaffUser

RECORD_KINDS: dict[str, frozenset[str]] = {
    "mediator": frozenset({"referral"}),
    "clerk": frozenset({"filing"}),
    "operator": frozenset({"ticket"}),
    "manager": frozenset({"referral", "filing", "ticket"}),
    "admin": frozenset(),
}
# (role, record kind) → clear fields that role may reveal: the clerk needs them for the complaint; mediators and
# operators need the person's phone to call back.
REVEAL: dict[tuple[str, str], frozenset[str]] = {
    ("clerk", "filing"): frozenset({"id_number", "phone"}),
    ("mediator", "referral"): frozenset({"phone"}),
    ("operator", "ticket"): frozenset({"phone"}),
}
DASHBOARD_ROLES = frozenset({"manager"})
AUDIT_ROLES = frozenset({"manager"})
STAFF_ADMIN_ROLES = frozenset({"admin"})
COMPLAINT_ROLES = frozenset({("clerk", "filing")})

PiiField = Literal["id_number", "phone"]
_S = TypeVar("_S", bound=Select[Any])


def can_view(staff: StaffUser, record: CaseRecord) -> bool:
    if not staff.active or record.kind not in RECORD_KINDS.get(staff.role, frozenset()):
        return False
    if staff.role == "mediator":
        return staff.group_id is not None and record.group_id == staff.group_id
    return True


def require_view(staff: StaffUser, record: CaseRecord) -> None:
    if not can_view(staff, record):
        raise PermissionDenied(f"staff {staff.id} ({staff.role}) may not view record {record.id}")


def scope(stmt: _S, staff: StaffUser) -> _S:
    """Restrict a query over CaseRecord to what ``staff`` may see."""
    kinds = RECORD_KINDS.get(staff.role, frozenset())
    if not kinds or not staff.active:
        return stmt.where(false())
    stmt = stmt.where(CaseRecord.kind.in_(sorted(kinds)))
    if staff.role == "mediator":
        stmt = stmt.where(CaseRecord.group_id == staff.group_id) if staff.group_id else stmt.where(false())
    return stmt


def can_reveal(staff: StaffUser, record: CaseRecord, field: str) -> bool:
    return can_view(staff, record) and field in REVEAL.get((staff.role, record.kind), frozenset())


def can_download_complaint(staff: StaffUser, record: CaseRecord) -> bool:
    return can_view(staff, record) and (staff.role, record.kind) in COMPLAINT_ROLES


def require(staff: StaffUser, roles: frozenset[str], what: str) -> None:
    if not staff.active or staff.role not in roles:
        raise PermissionDenied(f"staff {staff.id} ({staff.role}) may not use {what}")
