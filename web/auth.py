"""Sign-in and sign-out pages (argon2-checked passwords, lock-out after repeated failures, CSRF on both)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from app.deps import runtime_of
from casework.errors import AuthenticationFailed
from casework.staff import authenticate
from core.db import unit_of_work
from prompts import load as say
from web.deps import checked_form, factory, render, sign_in, sign_out

log = logging.getLogger(__name__)

router = APIRouter()
HOME_BY_ROLE = {
    "mediator": "/workbench/queue",
    "clerk": "/workbench/queue",
    "operator": "/workbench/queue",
    "manager": "/workbench/dashboard",
    "admin": "/workbench/staff",
}


def safe_next(target: str | None) -> str | None:
    """Only local workbench paths (no scheme, no host, no protocol-relative ``//``)."""
    if target and target.startswith("/workbench/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", {"title": "登录", "next": safe_next(next) or "", "error": None})


@router.post("/login")
def login(request: Request, form: Annotated[FormData, Depends(checked_form)]) -> Response:
    username = str(form.get("username") or "")
    password = str(form.get("password") or "")
    target = safe_next(str(form.get("next") or ""))
    address = request.client.host if request.client else "unknown"
    limits = runtime_of(request).limits
    who = f"{username.strip().lower()}|{address}"
    if limits.login_address.blocked(address) or limits.login_user.blocked(who):
        log.warning("sign-in refused: too many failures")
        ctx = {"title": "登录", "next": target or "", "error": say("login_rate_limited"), "username": username}
        return render(request, "login.html", ctx, status=429)
    error = None
    with unit_of_work(factory(request)) as db:
        try:
            user = authenticate(db, username, password)
        except AuthenticationFailed as exc:
            error = exc.user_message
            limits.login_address.allow(address)  # failures are counted, successes are not
            limits.login_user.allow(who)
        else:
            sign_in(request, user)
            home = HOME_BY_ROLE.get(user.role, "/workbench/queue")
    if error is not None:
        ctx = {"title": "登录", "next": target or "", "error": error, "username": username}
        return render(request, "login.html", ctx, status=401)
    return RedirectResponse(target or home, status_code=303)


@router.post("/logout")
def logout(request: Request, form: Annotated[FormData, Depends(checked_form)]) -> Response:
    del form
    with unit_of_work(factory(request)) as db:
        sign_out(request, db)
    return RedirectResponse("/workbench/login", status_code=303)
