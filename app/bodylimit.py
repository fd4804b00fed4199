"""One ASGI middleware that refuses a request body over ``MAX_BODY_BYTES`` on every route (413, a short polite
text): at once when Content-Length declares more, and while a chunked body streams past it (the route's answer
is dropped and the 413 goes out instead). ``/wechat`` keeps its own, smaller limit (``WECHAT_MAX_BODY_BYTES``).
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

TOO_LARGE = "请求内容过大，请精简后再试。"


class BodyTooLarge(Exception):
    """Raised from ``receive`` when the streamed body grows past the limit."""


async def _refuse(send: Send) -> None:
    body = TOO_LARGE.encode("utf-8")
    await send({
        "type": "http.response.start",
        "status": 413,
        "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close")],
    })
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.strip().isdigit() and int(value) > limit:
                log.warning("refused a %s-byte body on %s", int(value), scope.get("path", ""))
                await _refuse(send)
                return

        received = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # the route's answer to a cut body; the 413 goes out instead
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLarge:
            if started:
                raise
        if exceeded and not started:
            log.warning("refused a streamed body over %d bytes on %s", limit, scope.get("path", ""))
            await _refuse(send)
