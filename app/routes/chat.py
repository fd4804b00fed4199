"""The local chat page (``/chat``) and its JSON endpoint (``POST /api/chat``): the same dialog engine as
WeChat, for trying the bot without an official account.

The browser keeps a random chat id in a cookie (``chat_id``, HttpOnly, SameSite=Lax); the person is
``web-<id>`` to the engine. Each message carries a client-made id, so a double tap or a resend is answered
from the engine's dedupe store and creates nothing twice. The dedupe key is ``<chat id>:<message id>``: a
message id is only the client's, and another person who sends the same one must neither get this person's
answer nor have their own message taken for a resend.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Cookie, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from app.deps import EngineDep
from bot.messages import Channel, EventKind, IncomingEvent, IncomingText

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


@router.get("/chat", response_class=HTMLResponse, include_in_schema=False)
def chat_page() -> HTMLResponse:
    return HTMLResponse(_PAGE.read_text(encoding="utf-8"))


@router.post("/api/chat", response_model=ChatOut, tags=["chat"])
def chat(
    body: ChatIn,
    response: Response,
    engine: EngineDep,
    chat_id: Annotated[str | None, Cookie()] = None,
) -> ChatOut:
    if not chat_id or len(chat_id) > 64 or not chat_id.replace("-", "").replace("_", "").isalnum():
        chat_id = secrets.token_urlsafe(16)
        response.set_cookie(COOKIE, chat_id, httponly=True, samesite="lax", max_age=30 * 24 * 3600)
    user = f"web-{chat_id}"
    if body.event == "open":
        msg: IncomingText | IncomingEvent = IncomingEvent(user_id=user, channel=Channel.WEB, event=EventKind.SUBSCRIBE)
    else:
        key = f"{chat_id}:{body.message_id}" if body.message_id else None
        msg = IncomingText(user_id=user, channel=Channel.WEB, dedupe_key=key, text=body.text)
    out = engine.handle(msg)
    return ChatOut(parts=list(out.parts), quick_replies=list(out.quick_replies))
