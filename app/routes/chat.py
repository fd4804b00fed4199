"""The local chat page (``/chat``) and its JSON endpoint (``POST /api/chat``): the same dialog engine as
WeChat, for trying the bot without an official account.

The browser keeps a random chat id in a cookie (``chat_id``, HttpOnly, SameSite=Lax); the person is
``web-<id>`` to the engine. Each message carries a client-made id, so a double tap or a resend is answered
from the engine's dedupe store and creates nothing twice. The dedupe key is ``<chat id>:<message id>``: a
message id is only the client's, and another person who sends the same one must neither get this person's
answer nor have their own message taken for a resend.

Each exchange is also written to the chat's transcript (``bot.transcript``: the person's text masked), and the
page asks ``GET /api/chat/history`` on load: a reload shows the conversation again instead of starting over (the
dialog state was never lost; only the page forgot it).
"""

from __future__ import annotations

import logging
import re
import secrets
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Cookie, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError

from app.deps import EngineDep, RuntimeDep
from bot import transcript
from bot.messages import Channel, EventKind, IncomingEvent, IncomingText
from casework.links import PATH_PREFIX
from core.settings import Settings
from prompts import load as say

log = logging.getLogger(__name__)
router = APIRouter()
_PAGE = Path(__file__).resolve().parent.parent / "static" / "chat.html"
COOKIE = "chat_id"


class ChatIn(BaseModel):
    text: str = Field(default="", max_length=20000, description="What the person typed")
    message_id: str | None = Field(
        default=None,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Client-made id; a resend with the same id gets the same answer",
    )
    event: Literal["open"] | None = Field(default=None, description="'open' when the page first loads")


class ChatOut(BaseModel):
    parts: list[str]
    quick_replies: list[str]


class ChatTurn(BaseModel):
    who: Literal["person", "bot"]
    text: str


class ChatHistory(BaseModel):
    messages: list[ChatTurn] = Field(description="The conversation so far, oldest first (the person's text masked)")
    quick_replies: list[str] = Field(description="The quick replies the last answer offered")


# Our own link paths in a reply, not already behind an address: the engine writes them so when PUBLIC_BASE_URL is
# unset, and this edge puts the request's own address in front.
_OWN_PATH = re.compile(rf"(?<![\w/.:-])({re.escape(PATH_PREFIX)}[A-Za-z0-9_.~-]+)")
_HOST = re.compile(r"^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


def public_base(request: Request, settings: Settings) -> str:
    """How the person reached us: PUBLIC_BASE_URL when set; otherwise the request's scheme and Host — the
    proxy's X-Forwarded-Proto / X-Forwarded-Host only when TRUST_PROXY_HEADERS says a proxy sets them."""
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/")
    scheme, host = request.url.scheme, request.headers.get("host", "")
    if settings.trust_proxy_headers:
        proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
        fwd_host = request.headers.get("x-forwarded-host", "").split(",")[0].strip()
        scheme = proto if proto in ("http", "https") else scheme
        host = fwd_host or host
    if not _HOST.match(host):
        host = f"{request.url.hostname or 'localhost'}" + (f":{request.url.port}" if request.url.port else "")
    return f"{scheme}://{host}"


def _absolute(parts: list[str], base: str) -> list[str]:
    return [_OWN_PATH.sub(lambda m: base + m.group(1), part) for part in parts]


def _valid(chat_id: str | None) -> bool:
    return bool(chat_id) and len(chat_id or "") <= 64 and (chat_id or "").replace("-", "").replace("_", "").isalnum()


@router.get("/chat", response_class=HTMLResponse, include_in_schema=False)
def chat_page() -> HTMLResponse:
    return HTMLResponse(_PAGE.read_text(encoding="utf-8"))


@router.get("/api/chat/history", response_model=ChatHistory, tags=["chat"])
def chat_history(
    request: Request, runtime: RuntimeDep, chat_id: Annotated[str | None, Cookie()] = None
) -> ChatHistory:
    """This browser's conversation so far (its ``chat_id`` cookie), for the page to show after a reload."""
    if not _valid(chat_id) or runtime.sessions is None:
        return ChatHistory(messages=[], quick_replies=[])
    with runtime.sessions() as session:
        exchanges = transcript.recent(session, _session_key(f"web-{chat_id}"))
    messages: list[ChatTurn] = []
    base = public_base(request, runtime.settings)
    for ex in exchanges:
        if ex.person:
            messages.append(ChatTurn(who="person", text=ex.person))
        messages.extend(ChatTurn(who="bot", text=part) for part in _absolute(list(ex.parts), base))
    quick = list(exchanges[-1].quick_replies) if exchanges else []
    return ChatHistory(messages=messages, quick_replies=quick)


def _session_key(user: str) -> str:
    return f"{Channel.WEB.value}:{user}"


@router.post("/api/chat", response_model=ChatOut, tags=["chat"])
def chat(
    body: ChatIn,
    *,
    request: Request,
    response: Response,
    engine: EngineDep,
    runtime: RuntimeDep,
    chat_id: Annotated[str | None, Cookie()] = None,
) -> ChatOut:
    if not chat_id or not _valid(chat_id):
        chat_id = secrets.token_urlsafe(16)
        response.set_cookie(COOKIE, chat_id, httponly=True, samesite="lax", max_age=30 * 24 * 3600)
    user = f"web-{chat_id}"
    address = request.client.host if request.client else "unknown"
    limits = runtime.limits
    if body.event is None and not (limits.chat_session.allow(chat_id) and limits.chat_address.allow(address)):
        log.warning("chat rate limit reached")  # neither the id nor the address: they identify a person
        response.status_code = 429
        return ChatOut(parts=[say("chat_rate_limited")], quick_replies=[])
    if body.event == "open":
        msg: IncomingText | IncomingEvent = IncomingEvent(user_id=user, channel=Channel.WEB, event=EventKind.SUBSCRIBE)
    else:
        key = f"{chat_id}:{body.message_id}" if body.message_id else None
        msg = IncomingText(user_id=user, channel=Channel.WEB, dedupe_key=key, text=body.text)
    out = engine.handle(msg)
    parts, quick = list(out.parts), list(out.quick_replies)
    if runtime.sessions is not None:
        key = f"{chat_id}:{body.message_id}" if body.message_id and body.event is None else None
        try:
            with runtime.sessions.begin() as session:
                transcript.record(
                    session, _session_key(user), message_key=key, person=body.text if body.event is None else "",
                    parts=parts, quick=quick,
                )
        except SQLAlchemyError:  # the answer matters more than its copy for a reload: answer, log the failure
            log.exception("could not write the chat transcript")
    return ChatOut(parts=_absolute(parts, public_base(request, runtime.settings)), quick_replies=quick)
