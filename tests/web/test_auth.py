"""Sign-in, sessions, CSRF, security headers."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from core.audit import AuditEvent
from core.settings import Settings


def _soup(r):  # type: ignore[no-untyped-def]
    from bs4 import BeautifulSoup

    return BeautifulSoup(r.text, "html.parser")


def _csrf(r) -> str:  # type: ignore[no-untyped-def]
    return str(_soup(r).find("input", {"name": "csrf_token"})["value"])


def test_pages_need_sign_in(app, staff_ids) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False)
    r = client.get("/workbench/queue?status=all")
    assert r.status_code == 303
    assert r.headers["location"] == "/workbench/login?next=%2Fworkbench%2Fqueue%3Fstatus%3Dall"
    assert client.get("/api/workbench/queue").status_code == 401
    assert client.get("/workbench/records/1").status_code == 303


def test_sign_in_and_out(app, staff_ids, factory) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False)
    page = client.get("/workbench/login?next=/workbench/notifications")
    form = _soup(page).find("form")
    assert form["action"] == "/workbench/login"
    assert _soup(page).find("input", {"name": "next"})["value"] == "/workbench/notifications"
    r = client.post(
        "/workbench/login",
        data={
            "username": "clerk1",
            "password": "pw-clerk-001",
            "csrf_token": _csrf(page),
            "next": "/workbench/notifications",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == "/workbench/notifications"
    cookie = r.headers["set-cookie"]
    assert "workbench_session=" in cookie and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()  # session_cookie_secure is False in these settings
    queue = client.get("/workbench/queue")
    assert queue.status_code == 200
    out = client.post("/workbench/logout", data={"csrf_token": _csrf(queue)})
    assert out.status_code == 303
    assert client.get("/workbench/queue").status_code == 303
    with factory() as s:
        actions = [a.action for a in s.scalars(select(AuditEvent).where(AuditEvent.action.like("staff.login%")))]
    assert actions == ["staff.login"]


def test_open_redirects_are_ignored(app, staff_ids) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False)
    page = client.get("/workbench/login")
    for target in ("https://evil.example/", "//evil.example/workbench/", "/\\evil.example"):
        r = client.post(
            "/workbench/login",
            data={"username": "op1", "password": "pw-operator-1", "csrf_token": _csrf(page), "next": target},
        )
        assert r.status_code == 303 and r.headers["location"] == "/workbench/queue"
        page = client.get("/workbench/login")


def test_wrong_password_is_refused_politely_and_locks(app, staff_ids, factory) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False)
    page = client.get("/workbench/login")
    for _ in range(5):
        r = client.post(
            "/workbench/login", data={"username": "op1", "password": "nope-nope-nope", "csrf_token": _csrf(page)}
        )
        assert r.status_code == 401
        assert "用户名或密码不正确" in _soup(r).find(class_="error").text
    r = client.post(
        "/workbench/login", data={"username": "op1", "password": "pw-operator-1", "csrf_token": _csrf(page)}
    )
    assert r.status_code == 401 and "15分钟" in r.text  # locked even with the right password
    r = client.post("/workbench/login", data={"username": "nobody", "password": "x", "csrf_token": _csrf(page)})
    assert r.status_code == 401 and "用户名或密码不正确" in r.text
    assert "Traceback" not in r.text


def test_post_without_csrf_is_refused(app, staff_ids) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False)
    client.get("/workbench/login")
    r = client.post("/workbench/login", data={"username": "op1", "password": "pw-operator-1"})
    assert r.status_code == 403 and "刷新页面" in r.text
    r = client.post("/workbench/login", data={"username": "op1", "password": "pw-operator-1", "csrf_token": "forged"})
    assert r.status_code == 403


def test_csrf_token_is_per_session(app, staff_ids) -> None:  # type: ignore[no-untyped-def]
    a = TestClient(app, follow_redirects=False)
    b = TestClient(app, follow_redirects=False)
    token_a = _csrf(a.get("/workbench/login"))
    b.get("/workbench/login")
    r = b.post("/workbench/login", data={"username": "op1", "password": "pw-operator-1", "csrf_token": token_a})
    assert r.status_code == 403


def test_security_headers(app, staff_ids) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False)
    r = client.get("/workbench/login")
    assert r.headers["x-frame-options"] == "DENY"
    assert "script-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["cache-control"] == "no-store"
    css = client.get("/workbench/static/workbench.css")
    assert css.status_code == 200 and "no-store" not in css.headers.get("cache-control", "")


def test_secure_cookie_flag_follows_the_setting(settings, factory, notifier, staff_ids) -> None:  # type: ignore[no-untyped-def]
    from fastapi import FastAPI

    import web
    from app.runtime import Runtime

    secure = Settings(**{**settings.model_dump(), "session_cookie_secure": True})
    app = FastAPI()
    app.state.runtime = Runtime(settings=secure, sessions=factory, notifier=notifier)
    web.setup(app, secure)
    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    r = client.get("/workbench/login")
    assert "secure" in r.headers["set-cookie"].lower()


def test_deactivated_staff_lose_their_session(browser, factory, staff_ids) -> None:  # type: ignore[no-untyped-def]
    from casework.models import StaffUser

    b = browser("op1")
    assert b.get("/workbench/queue").status_code == 200
    with factory() as s:
        s.get(StaffUser, staff_ids["op1"]).active = False
        s.commit()
    assert b.get("/workbench/queue").status_code == 303


def test_password_change_ends_other_sessions(browser) -> None:  # type: ignore[no-untyped-def]
    first = browser("clerk1")
    second = browser("clerk1")
    r = first.post(
        "/workbench/password", {"old": "pw-clerk-001", "new": "a-new-password-1", "repeat": "a-new-password-1"}
    )
    assert r.status_code == 303
    assert first.get("/workbench/queue").status_code == 200  # the session that changed it stays signed in
    assert second.get("/workbench/queue").status_code == 303
    first.csrf = _csrf(first.get("/workbench/notifications"))  # a new session, a new token
    bad = first.post("/workbench/password", {"old": "wrong-password", "new": "x" * 12, "repeat": "x" * 12})
    assert bad.status_code == 400 and "原密码不正确" in bad.text
