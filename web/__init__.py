"""The staff workbench: server-rendered pages (Jinja2, no front-end build, no script) under /workbench and a
little JSON under /api/workbench.

:func:`setup` is what the server calls: session middleware (signed cookie, ``SESSION_SECRET``, secure flag from
``SESSION_COOKIE_SECURE``), security headers for workbench responses, the static files, the routers, and the
error handlers (:mod:`web.errors`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import Response

from core.settings import Settings

STATIC = Path(__file__).resolve().parent / "static"
SESSION_COOKIE = "workbench_session"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def setup(app: FastAPI, settings: Settings) -> None:
    from web import admin, api, auth, dashboard, pages
    from web.errors import install_handlers

    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret,
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.session_cookie_secure,
    )

    @app.middleware("http")
    async def _workbench_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        if request.url.path.startswith(("/workbench", "/api/workbench")):
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            if not request.url.path.startswith("/workbench/static"):
                response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.mount("/workbench/static", StaticFiles(directory=STATIC), name="workbench_static")
    app.include_router(auth.router, prefix="/workbench")
    app.include_router(pages.router, prefix="/workbench")
    app.include_router(dashboard.router, prefix="/workbench")
    app.include_router(admin.router, prefix="/workbench")
    app.include_router(api.router, prefix="/api/workbench")
    install_handlers(app)
