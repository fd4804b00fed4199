"""Errors of the workbench's web layer, and the one place every workbench error becomes a response.

Hierarchy (on top of :mod:`casework.errors`, whose ``CaseworkError`` carries ``status`` and ``user_message``)::

    WebError                 base; ``status`` and a Chinese ``user_message`` like CaseworkError
    ├── LoginRequired        no signed-in staff member (pages: redirect to the sign-in page; API: 401)
    └── CsrfFailed           a POST without the session's CSRF token (403)

:func:`install_handlers` registers the handler: pages under /workbench get the error page with the status,
/api/workbench gets ``{"detail": user_message}``; nothing internal is ever shown.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from casework.errors import CaseworkError

log = logging.getLogger(__name__)


class WebError(Exception):
    status = 400
    default_user_message = "请求无法处理。"

    def __init__(self, message: str, user_message: str | None = None) -> None:
        super().__init__(message)
        self.user_message = user_message or self.default_user_message


class LoginRequired(WebError):
    status = 401
    default_user_message = "请先登录。"


class CsrfFailed(WebError):
    status = 403
    default_user_message = "页面已过期或来源不明，请刷新页面后重试。"


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, status: int, message: str) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": message}, status_code=status)
    from web.deps import render  # the templates need the request's staff context

    return render(request, "error.html", {"title": "无法完成", "status": status, "message": message}, status=status)


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.user_message}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/workbench/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(WebError)
    async def _web(request: Request, exc: WebError) -> Response:
        log.info("workbench %s on %s: %s", exc.status, request.url.path, exc)
        return error_response(request, exc.status, exc.user_message)

    @app.exception_handler(CaseworkError)
    async def _casework(request: Request, exc: CaseworkError) -> Response:
        level = logging.ERROR if exc.status >= 500 else logging.INFO
        log.log(level, "casework %s on %s: %s", exc.status, request.url.path, exc)
        return error_response(request, exc.status, exc.user_message)
