"""Each common cause, told as a litigant would tell it, carried through a whole guidance conversation over the two
channels a litigant uses: ``POST /wechat`` (safe mode, signed and encrypted as WeChat sends it, pages followed
with "1") and the chat page's ``POST /api/chat`` — both on the project's own app (``server.create_app``: real
knowledge tables, SQLite, the casework hand-off; the fake embedder, so no model load).

For every story: the cause offered for confirmation is the right one (or, when the bot is unsure, it is among
the closest offered and the person picks it by number); at most six intake questions; the assessment names the
cause and says mediation is voluntary; the route choice is offered.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # bench/ is a folder of the repository, not an installed package
    sys.path.insert(0, str(REPO))

from bench.wxclient import Account, WeChatClient  # noqa: E402
from core.settings import Settings  # noqa: E402
from server import create_app  # noqa: E402

STORIES: dict[str, str] = json.loads((REPO / "tests" / "fixtures" / "cause_stories.json").read_text("utf-8"))[
    "stories"
]
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"  # from Tencent's sample code (shared/wechat)
ACCOUNT = Account(token="causes-token", aes_key=AES_KEY, appid="wxcauses000000000")
ROUTES = ("请回复数字 1、2 或 3", "请回复数字选择")
VOLUNTARY = ("不是起诉的前提条件", "不是立案的前置条件")
_ids = itertools.count(1)


@pytest.fixture(scope="module")
def client(
    tmp_path_factory: pytest.TempPathFactory, product_settings: Callable[..., Settings]
) -> Iterator[TestClient]:
    settings = product_settings(
        tmp_path_factory.mktemp("causes"),
        wechat_token=ACCOUNT.token,
        wechat_encoding_aes_key=ACCOUNT.aes_key,
        wechat_appid=ACCOUNT.appid,
        wechat_appsecret="change-me",
    )
    with TestClient(create_app(settings)) as c:
        yield c


def _converse(say: Callable[[str], str], cause: str, story: str) -> str:
    """Drive one conversation with ``say`` (one message in, the whole reply text out); returns the assessment."""
    reply = say(story)
    if "请回复编号" in reply:  # unsure: the right cause must be among those offered
        offered = dict(re.findall(r"(\d)\. (\S+纠纷|其他)", reply))
        number = next((n for n, name in offered.items() if name == cause), None)
        assert number, (cause, reply)
        reply = say(number)
    else:
        assert f"【{cause}】" in reply, (cause, reply)
        reply = say("是")
    asked = 0
    while not any(r in reply for r in ROUTES):
        asked += 1
        assert asked <= 6, f"{cause}: more than 6 questions; last reply {reply!r}"
        reply = say("不知道")
    return reply


def _wechat(client: TestClient, openid: str) -> Callable[[str], str]:
    wx = WeChatClient(ACCOUNT)

    def say(text: str) -> str:
        pages = []
        while True:
            req = wx.text(openid, text, "aes", msg_id=str(next(_ids)))
            resp = client.post("/wechat", params=req.params, content=req.body, headers={"Content-Type": "text/xml"})
            assert resp.status_code == 200, resp.text
            page = wx.read_reply(resp.text, "aes", openid)
            assert page and len(page.encode("utf-8")) <= 2048
            pages.append(page)
            if "回复 1 继续" not in page:
                return "\n".join(pages)
            text = "1"

    return say


def _chat(client: TestClient) -> Callable[[str], str]:
    client.cookies.clear()
    assert client.post("/api/chat", json={"event": "open"}).status_code == 200  # sets this person's chat cookie
    cookie = dict(client.cookies)

    def say(text: str) -> str:
        client.cookies.clear()
        client.cookies.update(cookie)
        resp = client.post("/api/chat", json={"text": text, "message_id": f"m{next(_ids)}"})
        assert resp.status_code == 200, resp.text
        return "\n".join(resp.json()["parts"])

    return say


@pytest.mark.parametrize("channel", ["wechat", "chat"])
@pytest.mark.parametrize("cause", list(STORIES), ids=list(STORIES))
def test_each_common_cause_over_each_channel(client: TestClient, channel: str, cause: str) -> None:
    idx = list(STORIES).index(cause)
    say = _wechat(client, f"o-causes-{idx:02d}") if channel == "wechat" else _chat(client)
    assessment = _converse(say, cause, STORIES[cause])
    assert cause in assessment
    assert any(v in assessment for v in VOLUNTARY), assessment
    assert "Traceback" not in assessment
