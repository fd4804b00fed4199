"""What every workbench route needs: the app's state, the signed-in staff member, CSRF, and page rendering.

The database sessions, the settings and the casework notifier come from the running system through
:mod:`app.deps` (the one typed dependency module; tests build a ``Runtime`` with just these parts).

Sessions are signed cookies (Starlette ``SessionMiddleware``) holding the staff id, the account's session epoch
and the per-session CSRF token that every POST must carry. The epoch is checked against the database on every
request: signing out, a password change and (de)activation raise it, so every cookie issued before — a copy
included — is refused and its bearer is sent to the sign-in page.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BeforeValidator, Field
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import FormData

from app import deps as app_deps
from casework.models import StaffUser
from casework.notify import Notifier
from casework.staff import ROLE_LABELS, end_sessions
from casework.timeutil import fmt_date, fmt_datetime
from core.audit import audit
from core.db import utcnow
from core.settings import Settings
from knowledge.court import Court
from knowledge.errors import KnowledgeError
from web.errors import CsrfFailed, LoginRequired

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent / "templates"
CSRF_FIELD = "csrf_token"
MAX_PAGE = 10000  # list pages beyond this answer 422 (a huge offset is never sent to the database)


def _page_or_first(value: object) -> object:
    """An absent, unreadable or low page is page 1 (links stay forgiving); a number is kept as it is (over
    :data:`MAX_PAGE` it fails the bound); a number too long to read is over the bound."""
    if isinstance(value, int):
        return max(value, 1)
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return 1
    text = text.lstrip("0") or "0"
    if len(text) > len(str(MAX_PAGE)):
        return MAX_PAGE + 1
    return max(int(text), 1)


PageNumber = Annotated[int, BeforeValidator(_page_or_first), Field(ge=1, le=MAX_PAGE)]

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True, default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["date"] = fmt_date
_env.filters["datetime"] = fmt_datetime


@dataclass(frozen=True, slots=True)
class StaffView:
    """The signed-in staff member, detached from the database session (safe to use in templates)."""

    id: int
    username: str
    name: str
    role: str
    group_id: str | None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


def factory(request: Request) -> sessionmaker[Session]:
    return app_deps.sessions_of(app_deps.runtime_of(request))


def app_settings(request: Request) -> Settings:
    return app_deps.runtime_of(request).settings


def notifier(request: Request) -> Notifier:
    """The runtime's one notifier (WeChat outbox + recorder): the dialog's hand-offs and the workbench share it."""
    return app_deps.notifier_of(app_deps.runtime_of(request))


@lru_cache(maxsize=4)
def _court_name(path: Path) -> str:
    try:
        return Court.load(path).name
    except KnowledgeError:
        log.exception("cannot read the court configuration %s", path)
        return "人民法院"


def court_name(request: Request) -> str:
    return _court_name(app_settings(request).court_config)


def sign_in(request: Request, user: StaffUser) -> None:
    request.session.clear()
    request.session.update(
        {"staff_id": user.id, "epoch": user.session_epoch or 0, CSRF_FIELD: secrets.token_urlsafe(32)}
    )


def _session_user(request: Request, db: Session) -> StaffUser | None:
    """The active account this cookie was signed in to, if the account has not ended its sessions since."""
    staff_id = request.session.get("staff_id")
    epoch = request.session.get("epoch")
    if not isinstance(staff_id, int) or not isinstance(epoch, int):
        return None
    user = db.get(StaffUser, staff_id)
    if user is None or not user.active or epoch != (user.session_epoch or 0):
        return None
    return user


def sign_out(request: Request, db: Session) -> None:
    """End this session server-side (the account's epoch is raised, so a copy of this cookie, and every other
    session of the account, is refused from now on) and clear the cookie (the caller commits)."""
    user = _session_user(request, db)
    if user is not None:
        end_sessions(user)
        audit(db, user.actor, "staff.logout", user.actor)
    request.session.clear()


def current_staff(request: Request, db: Session) -> StaffUser:
    """The signed-in, active staff member (loaded in ``db``), or LoginRequired."""
    user = _session_user(request, db)
    if user is None:
        if request.session.pop("staff_id", None) is not None:
            request.session.pop("epoch", None)
            flash(request, "登录已失效（已退出、密码已修改或账号已停用），请重新登录。")
        raise LoginRequired("no valid staff session")
    request.state.staff = StaffView(user.id, user.username, user.name, user.role, user.group_id)
    return user


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


async def checked_form(request: Request) -> FormData:
    """The POSTed form, after checking its CSRF token against the session's (constant-time)."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    expected = request.session.get(CSRF_FIELD)
    if not isinstance(sent, str) or not isinstance(expected, str) or not hmac.compare_digest(sent, expected):
        raise CsrfFailed("CSRF token missing or wrong")
    return form


def flash(request: Request, text: str, kind: str = "ok") -> None:
    request.session.setdefault("flash", []).append({"text": text, "kind": kind})


NAV = {
    "mediator": [("/workbench/queue", "调解转介"), ("/workbench/notifications", "通知")],
    "clerk": [("/workbench/queue", "立案转交"), ("/workbench/notifications", "通知")],
    "operator": [("/workbench/queue", "热线工单"), ("/workbench/notifications", "通知")],
    "manager": [("/workbench/dashboard", "统计"), ("/workbench/queue", "全部记录"), ("/workbench/audit", "审计日志")],
    "admin": [("/workbench/staff", "人员管理")],
}


def render(request: Request, name: str, context: dict[str, Any], *, status: int = 200) -> HTMLResponse:
    staff: StaffView | None = getattr(request.state, "staff", None)
    flashes = request.session.pop("flash", []) if "session" in request.scope else []
    ctx = {
        "request": request,
        "staff": staff,
        "nav": NAV.get(staff.role, []) if staff else [],
        "path": request.url.path,
        "csrf_token": csrf_token(request) if "session" in request.scope else "",
        "court_name": court_name(request),
        "flashes": flashes,
        **context,
    }
    html = _env.get_template(name).render(ctx)
    return HTMLResponse(html, status_code=status)


def now_utc() -> datetime:
    return utcnow()
