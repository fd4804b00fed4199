"""Blocking helpers to talk to ``POST /wechat`` with a simulated litigant (the fault and bad-input tests use
them with an ``httpx.Client`` on a server subprocess, or with FastAPI's ``TestClient`` in process).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx

from bench.user import MAX_TURNS, SimUser
from bench.wxclient import Mode, WeChatClient


class DriveError(Exception):
    """The conversation did not reach the expected point."""


@dataclass(frozen=True)
class Exchange:
    status: int
    reply: str  # decoded text ('' for "success" or an error status)
    raw: str


def send(http: httpx.Client, client: WeChatClient, openid: str, text: str | None, mode: Mode = "plain", *,
         msg_id: str | None = None, create_time: int | None = None, timestamp: int | None = None) -> Exchange:
    """One message (``text`` None: the subscribe event). ``msg_id`` fixed = a WeChat retry of the same message."""
    if text is None:
        req = client.event(openid, "subscribe", mode, create_time=create_time)
    else:
        req = client.text(openid, text, mode, msg_id=msg_id, create_time=create_time, timestamp=timestamp)
    resp = http.post("/wechat", params=req.params, content=req.body, headers={"Content-Type": "text/xml"})
    reply = client.read_reply(resp.text, mode, openid) if resp.status_code == 200 else ""
    return Exchange(resp.status_code, reply, resp.text)


def talk_until(http: httpx.Client, client: WeChatClient, user: SimUser, stop: Callable[[str], bool],
               mode: Mode = "plain", *, greet: bool = True) -> str:
    """Answer the bot as ``user`` would until a reply satisfies ``stop``; that reply is returned (not answered).

    Raises ``DriveError`` on an HTTP error, an empty reply or a conversation that runs past ``MAX_TURNS``.
    """
    text: str | None = None if greet else user.persona.story
    seen: list[str] = []
    for _ in range(MAX_TURNS):
        ex = send(http, client, user.openid, text, mode)
        seen.append(f"> {text}\n< {ex.reply[:120]}")
        if ex.status != 200 or not ex.reply:
            raise DriveError(f"status {ex.status}, reply {ex.reply!r} after {text!r}")
        if stop(ex.reply):
            return ex.reply
        nxt = user.next_message(ex.reply)
        if nxt is None:
            raise DriveError(f"the conversation ended before the stop condition: {ex.reply[:200]!r}")
        text = nxt[1]
    raise DriveError("no stop condition after MAX_TURNS messages:\n" + "\n".join(seen[-6:]))
