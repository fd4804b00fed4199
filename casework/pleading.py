"""The words of the complaint (民事起诉状) built from structured facts: 诉讼请求, 事实与理由, the evidence list and
the court it is addressed to.

:func:`compose` takes what the conversation established — the confirmed cause, the facts (the slot values and
what the story extractor read: amounts, dates with their precision, evidence held), the assessment the person was
shown (its limitation events: part payments, demands, refusals; its guarantee; its jurisdiction) and the
filing form's answers (the defendants' names, the claims the person asked for) — and writes them in the neutral,
third-person language of a complaint, from the sentences of ``casework/data/complaint.yaml``:

- 诉讼请求: the principal in figures and in capital numerals (人民币50,000元（大写：伍万元整）); interest when the
  person asks for it — at the agreed rate from the day the loan was made, or at the one-year LPR from the day after
  the agreed due date (else from the last demand, else from the day of filing), "至实际清偿之日止"; a guarantor's
  joint liability when the assessment found a joint-liability guarantee; the costs;
- 事实与理由: who, when, what was agreed, what was paid out, what was repaid, the demands, what is owed, and the
  articles the claim rests on (cited by full title and article number);
- the evidence list: each piece the person holds, named as a court lists it, with what it proves.

A fact that is missing becomes a visible （待补充：…） placeholder; the person's chat text never enters the
document (the non-money claim the person typed into the form's 诉讼请求 field is the one exception: it is their
answer to that very question, tidied into a claim). :func:`addressee` is the court named by the assessment as
competent, and whether it is another court than this one.

Pure: data in, text out; no database, no PII (names only).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from string import Template
from typing import Any

from pydantic import BaseModel, ConfigDict

from casework.parties import EvidenceItem
from knowledge.cn_numbers import find_amounts
from knowledge.yamlload import load_yaml

DATA_PATH = Path(__file__).resolve().parent / "data" / "complaint.yaml"
TBD = "（待补充：{}）"


# ------------------------------------------------------------------------------------------------ the data


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CauseWords(_Data):
    owed: str
    pay: str
    interest_what: str
    story: str
    delivered: str = ""
    delivered_if: str | None = None
    owed_line: str = ""
    reason: str
    liability: str
    articles: list[tuple[str, int]]
    interest_articles: list[tuple[str, int]] = []
    claims: list[str] = []


class EvidenceWords(_Data):
    name: str
    proves: str


class ComplaintWords(_Data):
    laws: dict[str, str]
    common: dict[str, str]
    causes: dict[str, CauseWords]
    evidence: dict[str, EvidenceWords]

    def cause(self, name: str | None, money: bool) -> CauseWords:
        if name and name in self.causes:
            return self.causes[name]
        return self.causes["default" if money else "non_money"]

    def cite(self, articles: Sequence[tuple[str, int]]) -> str:
        """《中华人民共和国民法典》第六百七十五条、第六百七十六条 — articles of one law grouped under its title."""
        groups: dict[str, list[int]] = {}
        for law, number in articles:
            groups.setdefault(law, []).append(number)
        cited = [
            (self.laws[law], "、".join(f"第{cn_ordinal(n)}条" for n in numbers)) for law, numbers in groups.items()
        ]
        return "、".join(f"《{title}》{numbers}" for title, numbers in cited)


@functools.cache
def words(path: Path = DATA_PATH) -> ComplaintWords:
    data = ComplaintWords.model_validate(load_yaml(path))
    for name, cause in data.causes.items():
        for law, _ in (*cause.articles, *cause.interest_articles):
            if law not in data.laws:
                raise ValueError(f"{path.name}: cause {name} cites {law!r}, which 'laws' does not name")
        for text in (cause.story, cause.delivered, cause.owed_line, cause.reason, cause.liability, *cause.claims):
            Template(text).substitute(_PROBE)  # an unknown ${name} fails at load, not in front of a clerk
    for key, text in data.common.items():
        try:
            Template(text).substitute(_PROBE)
        except KeyError as exc:
            raise ValueError(f"{path.name}: common.{key} uses an unknown placeholder {exc}") from exc
    return data


_PLACEHOLDERS = (
    "defendants amount owed due rate delivered loan_date incident_date cause date reason articles liability "
    "guarantor base start what"
)
_PROBE = dict.fromkeys(_PLACEHOLDERS.split(), "")


# -------------------------------------------------------------------------------------------- numbers


_CN_DIGITS = "零一二三四五六七八九"


def cn_ordinal(n: int) -> str:
    """An article number as statutes write it: 667 → 六百六十七, 1079 → 一千零七十九, 15 → 十五."""
    if not 0 < n < 10000:
        raise ValueError(f"article number out of range: {n}")
    units = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
    out, zero = "", False
    for value, unit in units:
        digit = n // value % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += ("" if (value == 10 and not out and digit == 1) else _CN_DIGITS[digit]) + unit
    return out


_CAPITAL = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿", "万亿")


def _four(group: int) -> str:
    """One group of four digits in capitals, zeros inside said once (1005 → 壹仟零伍)."""
    out, zero = "", False
    for pos in range(3, -1, -1):
        digit = group // 10**pos % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _CAPITAL[digit] + _SMALL_UNITS[pos]
    return out


def yuan_in_words(amount: Decimal) -> str:
    """A sum in capital numerals as courts and banks write it: 50000 → 伍万元整, 10500 → 壹万零伍佰元整,
    100000 → 壹拾万元整, 3.05 → 叁元零伍分, 1234.5 → 壹仟贰佰叁拾肆元伍角."""
    cents = int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if cents < 0:
        raise ValueError("negative amount")
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    groups: list[int] = []
    rest = yuan
    while rest:
        groups.append(rest % 10000)
        rest //= 10000
    text, pending_zero = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(text)
            continue
        if text and (pending_zero or group < 1000):
            text += "零"
        text += _four(group) + _BIG_UNITS[index]
        pending_zero = False
    if text:
        text += "元"
    if jiao == 0 and fen == 0:
        return (text or "零元") + "整"
    if jiao:
        text += _CAPITAL[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += _CAPITAL[fen] + "分"
    return text


def yuan_in_figures(amount: Decimal) -> str:
    """50,000元 / 1,234.50元: thousands grouped, cents only when there are any."""
    cents = (amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if cents % 100 == 0:
        return f"{int(cents // 100):,}元"
    return f"{cents / 100:,.2f}元"


def money(amount: Decimal) -> str:
    """人民币50,000元（大写：伍万元整）"""
    return f"人民币{yuan_in_figures(amount)}（大写：{yuan_in_words(amount)}）"


# ---------------------------------------------------------------------------------------------- dates


def _parse(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def say_date(day: date, precision: str = "day") -> str:
    """A date to the precision the story gave it; a day the person did not say is a placeholder."""
    if precision == "day":
        return f"{day.year}年{day.month}月{day.day}日"
    if precision == "month":
        return f"{day.year}年{day.month}月" + TBD.format("具体日期")
    return f"{day.year}年" + TBD.format("具体月日")


def fact_date(facts: Mapping[str, Any], name: str) -> str | None:
    day = _parse(facts.get(name))
    if day is None:
        return None
    precision = (facts.get("date_precision") or {}).get(name, "day")
    return say_date(day, precision if precision in ("day", "month", "year") else "month")


def _event_date(on: Any) -> str | None:
    """A limitation event's date: a day, or {"from", "to"} (a month, or a season) said by its first month."""
    if isinstance(on, Mapping):
        lo, hi = _parse(on.get("from")), _parse(on.get("to"))
        if lo is None:
            return None
        same_month = hi is not None and (hi.year, hi.month) == (lo.year, lo.month)
        return say_date(lo, "month" if same_month else "year")
    day = _parse(on)
    return say_date(day) if day else None


# -------------------------------------------------------------------------------------------- interest


_NUM = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十半]+(?:点[一二三四五六七八九])?)"
_MONTHLY = re.compile(rf"(?:月息|月利率|月利|每月利息|利息每月|每个月)\s*(?:按|是|为)?\s*{_NUM}\s*(分|%|厘)")
_MONTHLY_BARE = re.compile(rf"(?<![年月日\d]){_NUM}\s*分(?:利|息|的利息|利息)")
_ANNUAL = re.compile(rf"(?:年息|年利率|年利|年化|一年利息|利息一年)\s*(?:按|是|为)?\s*{_NUM}\s*(%|厘)")
_NO_AGREEMENT = re.compile(
    r"(没|未|不曾)(有)?(约定|说|讲|提|谈)[^，。；]{0,3}利息|(没有|无|不要|不算|不收)利息|利息[^，。；]{0,3}没(约定|说|讲)"
)
_INTEREST_WANTED = re.compile(r"利息|利钱")
_INTEREST_REFUSED = re.compile(
    r"(不要|不用|不算|不收|免除|放弃|不主张|不要求|不追究)[^，。；]{0,3}(利息|利钱)"
    r"|(利息|利钱)[^，。；]{0,3}(不要|算了|免了|就不)"
)
_CN_SMALL = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "半": 0.5}


def _number(raw: str) -> Decimal | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", raw):
        return Decimal(raw)
    whole, _, frac = raw.partition("点")
    total = Decimal(0)
    if whole == "十":
        total = Decimal(10)
    elif whole.startswith("十"):
        total = Decimal(10 + _CN_SMALL.get(whole[1:], 0))
    elif len(whole) == 1 and whole in _CN_SMALL:
        total = Decimal(str(_CN_SMALL[whole]))
    else:
        return None
    if frac:
        total += Decimal(_CN_SMALL[frac]) / 10
    return total


@dataclass(frozen=True)
class AgreedRate:
    """An interest rate the parties agreed, as a court writes it."""

    monthly: Decimal | None = None  # percent per month
    annual: Decimal | None = None  # percent per year

    @property
    def text(self) -> str:
        if self.monthly is not None:
            return f"月利率{_pct(self.monthly)}（年利率{_pct(self.monthly * 12)}）"
        return f"年利率{_pct(self.annual or Decimal(0))}"


def _pct(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return f"{text}%"


def read_rate(text: str) -> AgreedRate | None:
    """The agreed rate in the person's words: 月息1分 / 2分利 → 1% / 2% a month; 年利率6% → 6% a year; 月息8厘 →
    0.8% a month. None when the text says none was agreed or names no rate it can read."""
    if not text or _NO_AGREEMENT.search(text):
        return None
    for pattern, monthly in ((_MONTHLY, True), (_ANNUAL, False)):
        found = pattern.search(text)
        if found:
            value, unit = _number(found.group(1)), found.group(2)
            if value is None or value <= 0:
                return None
            if unit == "厘":
                value = value / 10
            return AgreedRate(monthly=value) if monthly else AgreedRate(annual=value)
    bare = _MONTHLY_BARE.search(text)
    if bare:
        value = _number(bare.group(1))
        if value is not None and 0 < value <= 10:
            return AgreedRate(monthly=value)
    return None


def wants_interest(claims_text: str) -> bool:
    """Whether the person's own claims ask for interest ("还钱和利息"), and do not give it up ("利息不要了")."""
    return bool(_INTEREST_WANTED.search(claims_text)) and not _INTEREST_REFUSED.search(claims_text)


# --------------------------------------------------------------------------------------------- composing


@dataclass(frozen=True)
class Pleading:
    claims: list[str]
    facts_and_reasons: str
    evidence: list[EvidenceItem]
    notes: list[str] = field(default_factory=list)  # for the person and the clerk (see :func:`notes`)


def _defendants_phrase(names: Sequence[str]) -> str:
    if not names:
        return "被告" + TBD.format("被告的姓名或名称")
    return "、".join(f"被告{n}" for n in names)


def _principal(facts: Mapping[str, Any], claims_text: str) -> Decimal | None:
    """The sum claimed: the one figure the person's own claims name, else the amount the intake established."""
    found = [m for m in find_amounts(claims_text or "") if not m.approximate and m.has_unit]
    if len(found) == 1 and found[0].value > 0:
        return Decimal(found[0].value)
    value = facts.get("claim_amount_yuan")
    if isinstance(value, int | float) and value > 0:
        return Decimal(str(value))
    return None


def _events(assessment: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    limitation = (assessment or {}).get("limitation") or {}
    return [e for e in limitation.get("events") or [] if isinstance(e, Mapping)]


def _money_claim(cause: str | None, assessment: Mapping[str, Any] | None, data: ComplaintWords) -> bool:
    if cause and cause in data.causes:
        return bool(data.causes[cause].pay)
    fee = (assessment or {}).get("fee") or {}
    return fee.get("kind") == "property"


def _tidy_claim(text: str, fixed: Sequence[str] = ()) -> str:
    """The person's answer to "您要求对方做什么" as one claim: no "我要/希望" in front, 对方 → 被告, 我 → 原告,
    判令 first; a clause a fixed claim of the cause already makes ("离婚") is left out."""
    claim = re.sub(r"\s+", "", text).strip("，。；,.;")
    claim = re.sub(r"^(我(想|要|希望|就想)?|想|希望|就是|要求|请求|请法院|法院)+", "", claim)
    claim = re.sub(r"对方|他们|他|她", "被告", claim)
    claim = re.sub(r"我们?", "原告", claim)
    clauses = [c for c in re.split(r"[，,；;]", claim) if c and not any(c.removeprefix("判令") in f for f in fixed)]
    claim = "，".join(clauses)
    if not claim:
        return ""
    if not claim.startswith(("判令", "请求", "确认", "准予", "依法")):
        claim = "判令" + claim
    return claim + "。"


@dataclass(frozen=True)
class _Case:
    """What one composition reads, worked out once."""

    data: ComplaintWords
    words: CauseWords
    cause: str | None
    facts: Mapping[str, Any]
    assessment: Mapping[str, Any]
    defendants: tuple[str, ...]
    money_claim: bool
    principal: Decimal | None
    rate: AgreedRate | None
    interest: bool
    events: tuple[Mapping[str, Any], ...]

    @property
    def who(self) -> str:
        return _defendants_phrase(self.defendants)

    @property
    def repaid(self) -> bool:
        return any(e.get("kind") == "part_payment" for e in self.events) or bool(self.facts.get("instalments"))

    @property
    def evidence_held(self) -> list[str]:
        return [str(e) for e in self.facts.get("evidence") or [] if str(e).strip()]

    def say(self, key: str, **values: str) -> str:
        return Template(self.data.common[key]).substitute(_PROBE, **values)


def _interest_claim(case: _Case, base: str) -> str:
    facts = case.facts
    if case.rate is not None:
        start = fact_date(facts, "loan_date") or TBD.format("借款之日")
        return case.say("interest_agreed", defendants=case.who, base=base, start=start, rate=case.rate.text)
    due = _parse(facts.get("due_date"))
    if due is not None:
        precision = (facts.get("date_precision") or {}).get("due_date", "day")
        start = say_date(due + timedelta(days=1)) if precision == "day" else say_date(due, precision) + "的次日"
    else:
        start = fact_date(facts, "last_demand_date") or case.data.common["start_filing"]
    what = case.words.interest_what or "利息"
    return case.say("interest_lpr", defendants=case.who, base=base, start=start, what=what)


def _claims(case: _Case, claims_text: str) -> list[str]:
    """诉讼请求: the sum (or the cause's fixed claims and the person's own), interest, a guarantor, the costs."""
    w, claims = case.words, []
    if case.money_claim:
        principal = case.principal
        amount = money(principal) if principal is not None else TBD.format("金额") + "元"
        claims.append(f"判令{case.who}{w.pay}原告{w.owed}{amount}。")
        if case.interest:
            claims.append(_interest_claim(case, yuan_in_figures(principal) if principal else TBD.format("本金")))
        guarantee = case.assessment.get("guarantee") or {}
        guarantor = guarantee.get("guarantor")
        several = len(case.defendants) > 1
        if several and guarantor in case.defendants and guarantee.get("kind") == "连带责任保证":
            debtors = _defendants_phrase([d for d in case.defendants if d != guarantor])
            claims[0] = claims[0].replace(case.who, debtors)
            claims.append(case.say("claim_guarantee", guarantor=str(guarantor)))
        elif several:
            claims.append(case.data.common["several"])
    else:
        claims.extend(w.claims)
        own = _tidy_claim(claims_text, w.claims)
        if own:
            claims.append(own)
        if not claims:
            claims.append(case.data.common["claim_other"])
    claims.append(case.data.common["claim_costs"])
    return claims


def _due_phrase(case: _Case) -> str:
    if case.cause not in ("民间借贷纠纷", "金融借款合同纠纷"):
        return ""
    due = fact_date(case.facts, "due_date")
    if due:
        return f"，约定于{due}前归还"
    if "due_date" in (case.facts.get("none") or []):
        return "，未约定还款期限"
    return "，" + TBD.format("约定的还款期限")


def _story(case: _Case) -> list[str]:
    """Who, when, what was agreed and paid out; then what happened since (repaid, demanded, refused), in order."""
    w, facts, principal = case.words, case.facts, case.principal
    lent = money(principal) if principal is not None and not case.repaid else "人民币" + TBD.format("借款的金额") + "元"
    values = dict(
        _PROBE,
        defendants=case.who,
        cause=case.cause or "纠纷",
        amount=lent,
        due=_due_phrase(case),
        rate=f"，约定{case.rate.text}" if case.rate is not None else "",
        loan_date=fact_date(facts, "loan_date") or TBD.format("借款日期"),
        incident_date=fact_date(facts, "incident_date") or TBD.format("事发日期"),
        delivered=w.delivered if w.delivered_if and w.delivered_if in case.evidence_held else "",
    )
    lines = [Template(w.story).substitute(values)]
    event_keys = {"part_payment": "part_payment", "acknowledgement": "acknowledged", "promise": "acknowledged"}
    event_keys |= {"refusal": "refusal", "demand": "demand"}
    for event in sorted(case.events, key=lambda e: str(e.get("on"))):
        key, when = event_keys.get(str(event.get("kind"))), _event_date(event.get("on"))
        if key and when:
            lines.append(case.say(key, date=when))
    return lines


def _owed(case: _Case) -> list[str]:
    """What is owed now (a debt), or the damage suffered (a tort), and that it is still unpaid."""
    principal, w = case.principal, case.words
    if w.owed_line:
        amount = money(principal) if principal is not None else "人民币" + TBD.format("损失的金额") + "元"
        return [Template(w.owed_line).substitute(_PROBE, amount=amount)]
    lines = []
    if not any(e.get("kind") == "demand" for e in case.events):
        last_demand = fact_date(case.facts, "last_demand_date")
        if last_demand:
            lines.append(case.say("demand", date=last_demand))
        else:
            lines.append(case.data.common["demands_undated" if "催款记录" in case.evidence_held else "unpaid"])
    if principal is not None:
        lines.append(case.say("owed", defendants=case.who, owed=w.owed, amount=money(principal)))
    else:
        lines.append(case.say("owed_unknown", defendants=case.who, owed=w.owed))
    return lines


def compose(
    *,
    cause: str | None,
    facts: Mapping[str, Any],
    assessment: Mapping[str, Any] | None,
    claims_text: str,
    story: str,
    defendants: Sequence[str],
) -> Pleading:
    """The complaint's claims, facts and reasons and evidence list for one filing (see the module docstring)."""
    data = words()
    money_claim = _money_claim(cause, assessment, data)
    case = _Case(
        data=data,
        words=data.cause(cause, money_claim),
        cause=cause,
        facts=facts,
        assessment=assessment or {},
        defendants=tuple(defendants),
        money_claim=money_claim,
        principal=_principal(facts, claims_text) if money_claim else None,
        rate=read_rate(claims_text) or read_rate(story),
        interest=money_claim and wants_interest(claims_text),
        events=tuple(_events(assessment)),
    )
    claims = _claims(case, claims_text)
    paragraph = _story(case) + (_owed(case) if money_claim else [])
    w = case.words
    articles = [*w.articles, *(w.interest_articles if case.interest else [])]
    reason_key = "reason" if articles else "reason_no_articles"
    reason = case.say(reason_key, reason=w.reason, articles=data.cite(articles), liability=w.liability)
    evidence = []
    for name in case.evidence_held:
        known = data.evidence.get(name)
        evidence.append(
            EvidenceItem(name=known.name if known else name, source="原告持有", note=known.proves if known else None)
        )
    return Pleading(claims, "".join(paragraph) + "\n" + reason, evidence, notes(cause, claims, assessment, facts))


def notes(
    cause: str | None, claims: Sequence[str], assessment: Mapping[str, Any] | None, facts: Mapping[str, Any]
) -> list[str]:
    """What the person and the clerk should check before filing, read off the claims as stored (so a record's
    complaint says the same whenever it is drawn): an agreed rate above the legal cap is not protected, and
    interest on a debt partly repaid runs on each period's principal."""
    common = words().common
    agreed = any("按照月利率" in c or "按照年利率" in c for c in claims)
    out = []
    if agreed and cause == "民间借贷纠纷":
        out.append(common["interest_cap_note"])
    repaid = any(e.get("kind") == "part_payment" for e in _events(assessment)) or bool(facts.get("instalments"))
    if agreed and repaid:
        out.append(common["interest_repaid_note"])
    return out


# --------------------------------------------------------------------------------------------- the court


@dataclass(frozen=True)
class Addressee:
    court: str  # the name after 此致 (a placeholder when only the place is known)
    elsewhere: bool  # the assessment found this court not competent: the person files at ``court``
    where: str | None = None  # the place whose court is competent, when its court has no name in the tables


def addressee(assessment: Mapping[str, Any] | None, this_court: str) -> Addressee:
    """The court the complaint is addressed to: the one the assessment named as competent. This court when it is
    competent (or when the assessment could not tell, which the clerk checks); another named court when this one
    is not; a placeholder naming the place when the competent court's name is not in the tables."""
    j = (assessment or {}).get("jurisdiction") or {}
    if j.get("competent") is not False:
        return Addressee(this_court, elsewhere=False)
    named = j.get("court")
    if isinstance(named, str) and named and named != this_court:
        return Addressee(named, elsewhere=True)
    place = j.get("place")
    if isinstance(place, str) and place:
        return Addressee(TBD.format(f"{place}有管辖权的基层人民法院的名称"), elsewhere=True, where=place)
    return Addressee(this_court, elsewhere=False)
