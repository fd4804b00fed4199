"""The bench's own parts that figures depend on: the simulated litigant's choices, its ID and phone numbers, the
WeChat requests it builds (read by the product's own edge), and the reply reader's refusals."""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.growth import fit_line, project  # noqa: E402
from bench.traffic import Pacer  # noqa: E402
from bench.user import Persona, SimUser, classify_reply, make_id_number, make_phone  # noqa: E402
from bench.wxclient import Account, ReplyError, WeChatClient  # noqa: E402
from bot.messages import IncomingText  # noqa: E402
from bot.wechat.edge import WeChatEdge  # noqa: E402
from core.settings import Settings  # noqa: E402
from knowledge.validate import is_valid_id_number, is_valid_mobile  # noqa: E402

ACCOUNT = Account(token="t-bench", aes_key="jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", appid="wxbenchtest000000")


def test_generated_numbers_are_valid() -> None:
    rng = random.Random(1)
    for _ in range(200):
        assert is_valid_id_number(make_id_number(rng))
        assert is_valid_mobile(make_phone(rng))


def _user(route: str = "filing") -> SimUser:
    persona = Persona("朋友借我三万块钱一直不还，有借条", route, "张三", "11010519491231002X", "13812345678")  # type: ignore[arg-type]
    return SimUser("o-unit", persona)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("请用几句话说说您遇到的事：和谁、因为什么", ("story", "朋友借我三万块钱一直不还，有借条")),
        ("听起来您遇到的是【民间借贷纠纷】（…）。对吗？\n回复“是”继续；不是请回复“不是”。", ("confirm", "是")),
        ("不太确定…\n1. 民间借贷纠纷\n请回复编号；都不是请回复 0。", ("confirm", "1")),
        ("对方现在还欠您多少钱？（本金，大概数也可以）", ("answer", "3万元")),
        ("您手里有哪些证据？比如借条、欠条", ("answer", "有借条和微信转账记录")),
        ("【下一步】…\n请回复数字 1、2 或 3。", ("route", "2")),
        ("（内容较长，回复 1 继续查看）", ("page", "1")),
        ("好的…\n请输入您的18位身份证号码。", ("route", "11010519491231002X")),
        ("请核对起诉状的基本信息：…", ("handoff", "确认")),
        ("一个它不认识的问题？", ("answer", "不知道")),
    ],
)
def test_the_user_answers_what_the_reply_asks(reply: str, expected: tuple[str, str]) -> None:
    assert _user().next_message(reply) == expected


def test_the_user_stops_at_the_reference_number() -> None:
    user = _user()
    assert user.next_message("您的起诉材料已转交立案庭预审，编号LA-2611-0007。请注意…") is None
    assert user.done and user.reference == "LA-2611-0007"


def test_error_replies_are_recognised() -> None:
    assert classify_reply("系统开小差了，您的内容没有丢失，请稍后再试") == "generic-error"
    assert classify_reply("收到，正在为您查询，结果稍后发给您，请稍候。") == "holding"
    assert classify_reply("请回复数字 1、2 或 3。") is None


@pytest.mark.parametrize("mode", ["plain", "aes"])
def test_requests_are_read_by_the_product_edge(mode: str) -> None:
    settings = Settings(app_env="test", wechat_token=ACCOUNT.token, wechat_encoding_aes_key=ACCOUNT.aes_key,
                        wechat_appid=ACCOUNT.appid, wechat_message_mode="plain")
    edge = WeChatEdge(settings, engine=None)  # type: ignore[arg-type]
    client = WeChatClient(ACCOUNT)
    req = client.text("o-unit", "你好]]><xml>", mode, msg_id="42")  # type: ignore[arg-type]
    opened = edge.open(req.params, req.body)
    assert isinstance(opened.inbound.incoming, IncomingText)
    assert opened.inbound.incoming.text == "你好]]><xml>"
    reply = edge.render(opened, "答复")
    assert client.read_reply(reply.body, mode, "o-unit") == "答复"  # type: ignore[arg-type]
    with pytest.raises(ReplyError):
        client.read_reply(reply.body, mode, "o-someone-else")  # type: ignore[arg-type]
    edge.close()


def test_a_forged_reply_signature_is_caught() -> None:
    client = WeChatClient(ACCOUNT)
    body = client.crypto.encrypt_reply("<xml><ToUserName>o</ToUserName></xml>", timestamp="1", nonce="2")
    with pytest.raises(ReplyError):
        client.read_reply(body.replace("<TimeStamp>1</TimeStamp>", "<TimeStamp>3</TimeStamp>"), "aes", "o")


def test_the_pacer_spaces_sends_at_the_rate() -> None:
    import asyncio

    async def run() -> float:
        pacer = Pacer(200.0, random.Random(3))
        started = time.perf_counter()
        for _ in range(100):
            await pacer.wait()
        return time.perf_counter() - started

    elapsed = asyncio.run(run())
    assert 0.3 < elapsed < 1.0  # 100 sends at 200/s: about half a second


def test_projection_is_a_least_squares_line() -> None:
    assert project([1000, 10000, 100000], [1.0, 10.0, 100.0], at=1_000_000) == pytest.approx(1000.0)
    assert fit_line([5], [3.0]) == (3.0, 0.0)
