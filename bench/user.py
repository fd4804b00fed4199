"""A simulated litigant: reads each reply of the bot and decides what to send next.

The user has a plan (a story, the route they will take, their personal details) and no script of the bot's
questions: ``SimUser.next_message(reply)`` looks at what the reply asks for (a confirmation, a numbered
choice, an amount, a date, evidence, a place, the filing form's fields, the read-back) and answers it, or says
"不知道" to a question it does not recognise. A conversation is over when the hand-off reply gives a
reference number; a conversation longer than ``MAX_TURNS`` is stuck (counted as an error by the bench).

Stages, for the latency tables: ``greet`` (subscribe event), ``story``, ``confirm``, ``answer`` (intake
questions), ``assess`` (the message whose reply is the assessment: it runs the similar-case search),
``route`` (choosing 1/2/3 and the route's own questions), ``handoff`` (the message that creates the record),
``page`` (asking for the next page of a long answer).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from knowledge.validate import check_char

Route = Literal["mediation", "filing", "ticket"]
Stage = Literal["greet", "story", "confirm", "answer", "assess", "route", "handoff", "page"]
STAGES: tuple[Stage, ...] = ("greet", "story", "confirm", "answer", "assess", "route", "handoff", "page")
MAX_TURNS = 40
REFERENCE = re.compile(r"编号\s*([A-Z]{2}-\d{4}-\d{4})")  # casework's reference numbers (TJ-/LA-/RX-yymm-nnnn)

# (story, amount answer) — lay descriptions of common disputes at a basic-level court.
STORIES: tuple[str, ...] = (
    "朋友借我三万块钱一直不还，有借条",
    "去年三月朋友借了我5万元，写了借条，到期一直不还",
    "同事找我借了八千块钱说下个月还，到现在半年了也不还，有微信转账记录",
    "房东不退我押金两千元，租房合同已经到期了，房子也交还了",
    "公司拖欠我三个月工资，一共一万五千元，老板一直推",
    "我在店里买的冰箱用了一个月就坏了，商家不给退也不给换，花了四千多",
    "开车在路口被人追尾了，交警认定对方全责，医药费花了八千块",
    "邻居装修把我家的墙弄裂了，找他赔偿他不理",
)
ROUTE_DIGIT: dict[Route, str] = {"mediation": "1", "filing": "2", "ticket": "3"}
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = ("伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰")


def make_id_number(rng: random.Random, today: date | None = None) -> str:
    """A well-formed 18-character ID number of 焦作市山阳区 (410811) with a valid check character."""
    today = today or date.today()
    born = date(rng.randrange(1950, today.year - 20), rng.randrange(1, 13), rng.randrange(1, 29))
    body = f"410811{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + check_char(body)


def make_phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


@dataclass
class Persona:
    story: str
    route: Route
    name: str
    id_number: str
    phone: str

    @classmethod
    def random(cls, rng: random.Random) -> Persona:
        route: Route = rng.choices(("mediation", "filing", "ticket"), weights=(3, 5, 2))[0]
        return cls(
            story=rng.choice(STORIES),
            route=route,
            name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            id_number=make_id_number(rng),
            phone=make_phone(rng),
        )


# What an intake question asks, recognised by its words (first match wins), and the answer given.
ANSWERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"愿意.{0,12}调解"), "愿意"),
    (re.compile(r"转移|变卖|跑路"), "没有"),
    (re.compile(r"还在这个单位"), "不在了"),
    (re.compile(r"仲裁"), "没有"),
    (re.compile(r"超过一年"), "没有"),
    (re.compile(r"鉴定"), "不需要"),
    (re.compile(r"证据|材料"), "有借条和微信转账记录"),
    (re.compile(r"多少钱|金额|多少|欠款|赔偿"), "3万元"),
    (re.compile(r"对方是谁"), "同事张某"),
    (re.compile(r"什么时候|哪一天|哪天|年月"), "2024年3月"),
    (re.compile(r"在哪里|什么地方|哪个区县|住在"), "山阳区太行街道"),
)


@dataclass
class SimUser:
    openid: str
    persona: Persona
    turns: int = 0
    done: bool = False
    reference: str | None = None
    transcript: list[tuple[str, str]] = field(default_factory=list)

    def first(self) -> tuple[Stage, str | None]:
        """The opening move: the subscribe event (None = send the event, not a text)."""
        return "greet", None

    def next_message(self, reply: str) -> tuple[Stage, str] | None:
        """What to send after ``reply`` (None when the conversation is over)."""
        self.turns += 1
        p = self.persona
        found = REFERENCE.search(reply)
        if found:
            self.reference = found.group(1)
            self.done = True
            return None
        if "回复 1 继续" in reply or "回复1继续" in reply:
            return "page", "1"
        if "请用几句话说说" in reply or "请再多说一点" in reply:
            return "story", p.story
        if "对吗" in reply and "回复“是”" in reply:
            return "confirm", "是"
        if "请回复编号" in reply:
            return "confirm", "1"
        if "请回复数字 1、2 或 3" in reply or "请回复数字选择" in reply:
            return "route", ROUTE_DIGIT[p.route]
        if "回复 3 转人工" in reply or "回复 3 转人工服务" in reply:
            # cause not recognised / mediation declined: filing or the hotline only
            return "route", "2" if p.route == "filing" else "3"
        if "请回复“同意”" in reply or "如同意" in reply:
            return "handoff", "同意"
        if "需要人工帮您做什么" in reply:
            return "handoff", "想问立案需要带什么材料，请工作人员联系我"
        filing = self._filing_answer(reply)
        if filing is not None:
            return filing
        for pattern, answer in ANSWERS:
            if pattern.search(reply):
                return "answer", answer
        return "answer", "不知道"

    def _filing_answer(self, reply: str) -> tuple[Stage, str] | None:
        p = self.persona
        last = reply.strip().splitlines()[-1] if reply.strip() else ""
        if "请核对起诉状" in reply:
            return "handoff", "确认"
        table: tuple[tuple[str, str], ...] = (
            ("您的姓名", p.name),
            ("身份证号码", p.id_number),
            ("手机号码", p.phone),
            ("您的住址", "河南省焦作市山阳区太行街道幸福路8号"),
            ("被告）叫什么", "张某某"),
            ("对方的住址", "焦作市山阳区定和街道"),
            ("要求对方做什么", "归还借款3万元及利息，承担诉讼费"),
        )
        for words, answer in table:
            if words in last:
                return "route", answer
        return None


def classify_reply(reply: str) -> str | None:
    """An error kind when the reply is not a real answer: the polite failure or a holding text."""
    if "系统开小差了" in reply:
        return "generic-error"
    if "系统正在处理较多请求" in reply:
        return "busy"
    if "正在为您查询" in reply or "正在为您整理答复" in reply:
        return "holding"
    if "暂时不可用" in reply:
        return "unavailable"
    return None
