"""Staff accounts: creation, password hashing (argon2id via argon2-cffi), sign-in with a lock-out.

Roles: mediator (needs ``group`` = a committee id from the mediation directory), clerk, operator, manager,
admin. After :data:`MAX_FAILURES` wrong passwords an account is locked for :data:`LOCK_MINUTES`; sign-in errors
never say whether the user name exists.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.directory import default_directory
from casework.errors import AuthenticationFailed, StaffError
from casework.machine import ROLES
from casework.models import StaffUser
from core.audit import audit
from core.db import utcnow

HASHER = PasswordHasher()  # argon2id with the library's recommended parameters
MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 10
ROLE_LABELS = {
    "mediator": "调解员",
    "clerk": "立案庭",
    "operator": "12368话务员",
    "manager": "院庭长（管理）",
    "admin": "系统管理员",
}
_USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")
_DUMMY = HASHER.hash("not-a-real-password")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise StaffError("password too short", f"密码至少需要{MIN_PASSWORD}个字符。")
    return HASHER.hash(password)


def create_staff(
    session: Session,
    username: str,
    name: str,
    role: str,
    password: str,
    *,
    group: str | None = None,
    actor: str = "system",
) -> StaffUser:
    """Add a staff account (the caller commits). Raises StaffError for a bad or taken user name, role or group."""
    username = username.strip()
    if not _USERNAME.match(username):
        raise StaffError("bad username", "用户名只能包含字母、数字、点、下划线和连字符，长度3–64。")
    if role not in ROLES:
        raise StaffError(f"unknown role {role!r}", "岗位无效。")
    if not name.strip():
        raise StaffError("empty name", "请填写姓名。")
    group = (group or "").strip() or None
    if role == "mediator" and (group is None or default_directory().get(group) is None):
        raise StaffError(f"mediator needs a committee id, got {group!r}", "调解员必须选择所属的调解委员会。")
    if session.scalar(select(StaffUser.id).where(StaffUser.username == username)) is not None:
        raise StaffError(f"username {username!r} taken", "该用户名已被使用。")
    user = StaffUser(
        username=username, name=name.strip(), role=role, group_id=group, password_hash=hash_password(password)
    )
    session.add(user)
    session.flush()
    audit(session, actor, "staff.create", f"staff:{user.id}", username=username, role=role, group=group)
    return user


def end_sessions(user: StaffUser) -> None:
    """Every workbench session of ``user`` signed in so far is refused from now on (the caller commits)."""
    user.session_epoch = (user.session_epoch or 0) + 1


def set_password(session: Session, user: StaffUser, password: str, *, actor: str) -> None:
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    end_sessions(user)
    audit(session, actor, "staff.password", f"staff:{user.id}")


def set_active(session: Session, user: StaffUser, active: bool, *, actor: str) -> None:
    user.active = active
    end_sessions(user)  # a deactivated account's sessions stay ended when it is activated again
    audit(session, actor, "staff.activate" if active else "staff.deactivate", f"staff:{user.id}")


def authenticate(session: Session, username: str, password: str, *, now: datetime | None = None) -> StaffUser:
    """The active account with this user name and password; AuthenticationFailed otherwise (the caller commits,
    so failed attempts and the lock are recorded)."""
    now = now or utcnow()
    user = session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    if user is None:
        _verify(_DUMMY, password)  # same work whether or not the name exists
        audit(session, "anonymous", "staff.login_failed", "", reason="unknown user")
        raise AuthenticationFailed("unknown user")
    if user.locked_until is not None and user.locked_until > now:
        audit(session, user.actor, "staff.login_failed", user.actor, reason="locked")
        raise AuthenticationFailed("account locked", f"连续登录失败次数过多，请{LOCK_MINUTES}分钟后再试。")
    if not _verify(user.password_hash, password) or not user.active:
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0
        audit(session, user.actor, "staff.login_failed", user.actor, reason="password" if user.active else "inactive")
        raise AuthenticationFailed("bad password or inactive account")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    audit(session, user.actor, "staff.login", user.actor)
    return user


def _verify(hashed: str, password: str) -> bool:
    try:
        return HASHER.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def committee_choices() -> list[tuple[str, str]]:
    return [(c.id, c.name) for c in default_directory().committees]
