"""Staff accounts (admin only) and changing one's own password (everyone)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from casework import access
from casework.errors import AuthenticationFailed, RecordNotFound, StaffError
from casework.models import StaffUser
from casework.staff import ROLE_LABELS, authenticate, committee_choices, create_staff, set_active, set_password
from core.db import unit_of_work
from web.deps import checked_form, current_staff, factory, flash, render, sign_in

router = APIRouter()


def _staff_page(request: Request, error: str | None = None, status: int = 200) -> Response:
    with unit_of_work(factory(request)) as db:
        me = current_staff(request, db)
        access.require(me, access.STAFF_ADMIN_ROLES, "staff administration")
        people = [
            {
                "id": u.id,
                "username": u.username,
                "name": u.name,
                "role": ROLE_LABELS.get(u.role, u.role),
                "group": u.group_id or "",
                "active": u.active,
                "last_login_at": u.last_login_at,
            }
            for u in db.scalars(select(StaffUser).order_by(StaffUser.id))
        ]
    ctx = {
        "title": "人员管理",
        "people": people,
        "roles": list(ROLE_LABELS.items()),
        "committees": committee_choices(),
        "error": error,
    }
    return render(request, "staff.html", ctx, status=status)


@router.get("/staff", response_class=HTMLResponse)
def staff_page(request: Request) -> Response:
    return _staff_page(request)


@router.post("/staff")
def staff_create(request: Request, form: Annotated[FormData, Depends(checked_form)]) -> Response:
    error = None
    with unit_of_work(factory(request)) as db:
        me = current_staff(request, db)
        access.require(me, access.STAFF_ADMIN_ROLES, "staff administration")
        try:
            with db.begin_nested():
                user = create_staff(
                    db,
                    str(form.get("username") or ""),
                    str(form.get("name") or ""),
                    str(form.get("role") or ""),
                    str(form.get("password") or ""),
                    group=str(form.get("group") or "") or None,
                    actor=me.actor,
                )
                username = user.username
        except StaffError as exc:
            error = exc.user_message
    if error:
        return _staff_page(request, error, status=400)
    flash(request, f"已创建账号 {username}。")
    return RedirectResponse("/workbench/staff", status_code=303)


def _target(db: Session, user_id: int) -> StaffUser:
    user = db.get(StaffUser, user_id)
    if user is None:
        raise RecordNotFound(f"no staff {user_id}", "没有这个账号。")
    return user


@router.post("/staff/{user_id}/active")
def staff_active(request: Request, user_id: int, form: Annotated[FormData, Depends(checked_form)]) -> Response:
    with unit_of_work(factory(request)) as db:
        me = current_staff(request, db)
        access.require(me, access.STAFF_ADMIN_ROLES, "staff administration")
        user = _target(db, user_id)
        if user.id == me.id:
            raise StaffError("admin tried to deactivate themself", "不能停用自己的账号。")
        active = form.get("active") == "1"
        set_active(db, user, active, actor=me.actor)
        name = user.username
    flash(request, f"{name} 已{'启用' if active else '停用'}。")
    return RedirectResponse("/workbench/staff", status_code=303)


@router.post("/staff/{user_id}/password")
def staff_password(request: Request, user_id: int, form: Annotated[FormData, Depends(checked_form)]) -> Response:
    error = None
    with unit_of_work(factory(request)) as db:
        me = current_staff(request, db)
        access.require(me, access.STAFF_ADMIN_ROLES, "staff administration")
        user = _target(db, user_id)
        try:
            set_password(db, user, str(form.get("password") or ""), actor=me.actor)
            if user.id == me.id:
                sign_in(request, me)  # an admin resetting their own password stays signed in here
        except StaffError as exc:
            error = exc.user_message
        name = user.username
    if error:
        return _staff_page(request, error, status=400)
    flash(request, f"已重置 {name} 的密码。")
    return RedirectResponse("/workbench/staff", status_code=303)


@router.get("/password", response_class=HTMLResponse)
def password_page(request: Request) -> Response:
    with unit_of_work(factory(request)) as db:
        current_staff(request, db)
    return render(request, "password.html", {"title": "修改密码", "error": None})


@router.post("/password")
def password_change(request: Request, form: Annotated[FormData, Depends(checked_form)]) -> Response:
    error = None
    with unit_of_work(factory(request)) as db:
        me = current_staff(request, db)
        try:
            if form.get("new") != form.get("repeat"):
                raise StaffError("passwords differ", "两次输入的新密码不一致。")
            authenticate(db, me.username, str(form.get("old") or ""))
            set_password(db, me, str(form.get("new") or ""), actor=me.actor)
            sign_in(request, me)  # set_password ended every session of the account; this one goes on
        except (StaffError, AuthenticationFailed) as exc:
            error = exc.user_message if isinstance(exc, StaffError) else "原密码不正确。"
    if error:
        return render(request, "password.html", {"title": "修改密码", "error": error}, status=400)
    flash(request, "密码已修改。")
    return RedirectResponse("/workbench/", status_code=303)
