"""Reading a litigant's own words into facts: amounts, dates, places, the other party, evidence, flags.

- :func:`extract_facts` reads a whole story (the first message) into a facts dict.
- :func:`extract_slot_answer` reads the reply to one question (a slot) — short answers like "三万", "不知道",
  "中", "修武县".

Facts are JSON-friendly: dates as ISO strings, amounts as float yuan, places as the text given. Cue words live
in knowledge/data/extract.yaml. Nothing here logs the text (it may hold personal data).
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from knowledge._base import DATA_DIR, DataModel, load_model
from knowledge.causes import load_evidence_vocabulary
from knowledge.cn_numbers import find_amounts
from knowledge.court import Court
from knowledge.dates import find_dates


class FlagCues(DataModel):
    positive: list[str] = Field(default_factory=list)
    negative: list[str] = Field(default_factory=list)


class AnswerCues(DataModel):
    unknown: list[str]
    none: list[str]
    positive: list[str]
    negative: list[str]


class ExtractCues(DataModel):
    date_roles: dict[str, list[str]]
    place_roles: dict[str, list[str]]
    bare_places: list[str]
    place_stop_chars: str
    company_words: list[str]
    relation_words: list[str]
    flags: dict[str, FlagCues]
    answers: AnswerCues
    evidence_negations: list[str]
    correction_cues: list[str]


@functools.cache
def load_cues(path: Path = DATA_DIR / "extract.yaml") -> ExtractCues:
    return load_model(ExtractCues, path)


_CLAUSE_BREAK = re.compile(r"[，,。.；;！!？?\n]")
_OWED = re.compile(r"(还欠|还差|剩下|剩|下欠|尚欠|还剩|一共欠|总共欠|共欠|欠我|欠俺|欠了我|欠了俺|欠款|欠)$")
_REPAID = re.compile(r"(还了|还过|已还|已经还了|已经还|先还了|陆续还了|只还了|还回来)$")
_MONTHLY = re.compile(r"(每月|每个月|一个月|月租|月工资|每年|一年)$")


def _clause(text: str, start: int, end: int) -> tuple[str, str]:
    """The clause text before ``start`` and after ``end`` (up to punctuation)."""
    left = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    right_match = _CLAUSE_BREAK.search(text, end)
    right = right_match.start() if right_match else len(text)
    return text[left:start], text[end:right]


def extract_amount(text: str) -> Decimal | None:
    """The claim amount in a story: an explicit 'still owed' figure, else the largest figure less repayments."""
    mentions = find_amounts(text)
    if not mentions:
        return None
    owed: list[Decimal] = []
    repaid: list[Decimal] = []
    other: list[Decimal] = []
    monthly: list[Decimal] = []
    for m in mentions:
        before = text[max(0, m.start - 6) : m.start]
        if _REPAID.search(before):
            repaid.append(m.value)
        elif _OWED.search(before) and re.search(r"(还|剩|下|尚|共)", before):
            owed.append(m.value)
        elif _MONTHLY.search(before):
            monthly.append(m.value)
        else:
            other.append(m.value)
    if owed:
        return owed[-1]
    pool = other or monthly or owed
    if not pool:
        return None
    top = max(pool)
    paid = sum(repaid, Decimal(0))
    if 0 < paid < top:
        return top - paid
    return top


def extract_dates(text: str, today: date, default_role: str) -> tuple[dict[str, str], dict[str, str]]:
    """Dates by role ({role: ISO date}) and their precision. Later mentions of a role do not overwrite."""
    cues = load_cues()
    found: dict[str, str] = {}
    precision: dict[str, str] = {}
    for mention in find_dates(text, today):
        if mention.value > today and not _is_future_ok(text, mention.end):
            continue
        before, after = _clause(text, mention.start, mention.end)
        role = _date_role(before, after, cues) or default_role
        if role not in found:
            found[role] = mention.value.isoformat()
            precision[role] = mention.precision
    if "due_date" not in found and "loan_date" in found:
        term = _TERM.search(text)
        if term is not None:  # "说好一年还" / "约定半年后还": the due date is the loan date plus the term
            months = _term_months(term.group("n"), term.group("unit"))
            if months:
                loan = date.fromisoformat(found["loan_date"])
                found["due_date"] = _add_months(loan, months).isoformat()
                precision["due_date"] = precision["loan_date"]
    return found, precision


_TERM = re.compile(
    r"(?:说好|约定|答应|讲好|定好)?(?P<n>半|[一二两三四五六七八九十\d]{1,3})(?:个)?(?P<unit>年|月)(?:后|以后|之后|内|以内|之内)?(?:就)?(?:还|归还|还清|还钱)"
)
_CN_SMALL = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _term_months(n: str, unit: str) -> int:
    if n == "半":
        value = 0.5
    elif n.isdigit():
        value = int(n)
    elif n in _CN_SMALL:
        value = _CN_SMALL[n]
    elif n.startswith("十") and len(n) == 2 and n[1] in _CN_SMALL:
        value = 10 + _CN_SMALL[n[1]]
    else:
        return 0
    months = value * 12 if unit == "年" else value
    return int(months) if months >= 1 and months == int(months) else 0


def _add_months(d: date, months: int) -> date:
    total = d.month - 1 + months
    year, month = d.year + total // 12, total % 12 + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def _is_future_ok(text: str, end: int) -> bool:
    return bool(re.match(r".{0,3}(还|到期|付|给)", text[end : end + 5]))


def _date_role(before: str, after: str, cues: ExtractCues) -> str | None:
    after_short = after[:15]
    if re.match(r"^\s*(?:之前|以前|前)?(?:还|给|付)(?!了|过)", after_short):
        return "due_date"
    # The cue nearest after the date decides ("2024年1月借的，说好年底还": 借的, not 说好).
    nearest: tuple[int, str] | None = None
    for role, words in cues.date_roles.items():
        for w in words:
            at = after_short.find(w)
            if at >= 0 and (nearest is None or at < nearest[0]):
                nearest = (at, role)
    if nearest is not None:
        return nearest[1]
    for role, words in cues.date_roles.items():
        if any(w in before[-8:] for w in words):
            return role
    return None


_SUFFIX = re.compile(r"(?:省|市(?!场|民|里|面)|区(?!别)|县(?!城)|镇(?!上)|乡(?!下|亲)|街道|办事处|村|社区)")


def find_places(text: str, court: Court | None = None) -> list[tuple[int, int, str]]:
    """Place names in ``text``: administrative names ending in 省/市/区/县/镇/乡/街道/村 (merged when adjacent),
    plus bare names the court data or the city list knows (修武, 郑州)."""
    cues = load_cues()
    stop = set(cues.place_stop_chars)
    spans: list[tuple[int, int]] = []
    for m in _SUFFIX.finditer(text):
        left = m.start()
        while (
            left > 0 and left > m.start() - 5 and "\u4e00" <= text[left - 1] <= "\u9fff" and text[left - 1] not in stop
        ):
            left -= 1
        if left < m.start():
            spans.append((left, m.end()))
    bare = list(cues.bare_places)
    if court is not None:
        bare += court.district_aliases + [a for u in court.area for a in u.aliases]
        bare += [a for n in court.neighbours for a in n.aliases] + court.city_aliases
    for name in sorted(set(bare), key=len, reverse=True):
        for m in re.finditer(re.escape(name), text):
            if not any(s <= m.start() < e for s, e in spans):
                spans.append((m.start(), m.end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return [(s, e, text[s:e]) for s, e in merged]


def extract_places(text: str, default_role: str, court: Court | None = None) -> dict[str, str]:
    cues = load_cues()
    found: dict[str, str] = {}
    for start, end, name in find_places(text, court):
        before, after = _clause(text, start, end)
        window = before[-10:] + "|" + after[:10]
        role = next((r for r, words in cues.place_roles.items() if any(w in window for w in words)), default_role)
        found.setdefault(role, name)
    return found


def extract_evidence(text: str) -> tuple[list[str], list[str]]:
    """(held, denied) canonical evidence names. "没有借条" denies 借条; "借条丢了" too.

    Longer words win over shorter ones inside them ("劳动合同" is not also "合同").
    """
    cues = load_cues()
    vocab = load_evidence_vocabulary()
    words = sorted(((w, name) for name, ws in vocab.items.items() for w in ws), key=lambda p: len(p[0]), reverse=True)
    taken: list[tuple[int, int]] = []
    status: dict[str, bool] = {}
    for word, name in words:
        for m in re.finditer(re.escape(word), text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            before = text[max(0, m.start() - 3) : m.start()]
            after = text[m.end() : m.end() + 3]
            negated = any(n in before for n in cues.evidence_negations) or bool(
                re.match(r"(丢了|没了|找不到|没写|没打|没有)", after)
            )
            status[name] = status.get(name, False) or not negated
    held = [name for name in vocab.items if status.get(name) is True]
    denied = [name for name in vocab.items if status.get(name) is False]
    return held, denied


def extract_party(text: str) -> dict[str, str]:
    cues = load_cues()
    facts: dict[str, str] = {}
    relation = next((w for w in cues.relation_words if w in text), None)
    if relation:
        facts["defendant"] = relation
    company = re.search(r"([一-龥]{2,12}(?:公司|厂|集团|银行|物业))", text)
    if company:
        facts["defendant"] = company.group(1)
        facts["other_party_name"] = company.group(1)
    named = re.search(r"(?:叫|名叫|名字是)([一-龥]{2,3}?)(?=[，,。、的借欠他她在\s]|$)", text) or re.search(
        r"([^某\W\d]某某?)", text
    )
    if named and "other_party_name" not in facts:
        facts["other_party_name"] = named.group(1)
    if company or any(w in text for w in cues.company_words):
        facts["defendant_kind"] = "company"
    elif relation or re.search(r"[他她]", text):
        facts["defendant_kind"] = "person"
    return facts


def extract_flags(text: str) -> dict[str, bool]:
    cues = load_cues()
    flags: dict[str, bool] = {}
    for name, fc in cues.flags.items():
        if any(w in text for w in fc.negative):
            flags[name] = False
        if any(w in text for w in fc.positive):
            flags[name] = True
    return flags


def default_roles(jurisdiction_rule: str, default_date_role: str) -> tuple[str, str]:
    place = {
        "real_property": "property_place",
        "service_at_property": "property_place",
        "tort": "incident_place",
        "traffic": "incident_place",
        "inheritance": "deceased_place",
        "labour": "employer_place",
    }.get(jurisdiction_rule, "defendant_place")
    return place, default_date_role


def extract_facts(
    text: str,
    today: date,
    *,
    place_role: str = "defendant_place",
    date_role: str = "known_date",
    court: Court | None = None,
    labour: bool = False,
) -> dict[str, Any]:
    """Everything the story itself says. Keys absent when not mentioned."""
    facts: dict[str, Any] = {}
    amount = extract_amount(text)
    if amount is not None:
        facts["claim_amount_yuan"] = float(amount)
    dates, precision = extract_dates(text, today, date_role)
    facts.update(dates)
    if precision:
        facts["date_precision"] = precision
    places = extract_places(text, place_role, court)
    if not labour and "employer_place" in places:
        places.setdefault("defendant_place", places.pop("employer_place"))
    facts.update(places)
    held, denied = extract_evidence(text)
    if held:
        facts["evidence"] = held
    if denied:
        facts["evidence_denied"] = denied
    facts.update(extract_party(text))
    facts.update(extract_flags(text))
    if labour and "欠条" in held:
        facts["has_wage_iou"] = True
    return facts


AnswerKind = Literal["value", "unknown", "none", "unclear"]


@dataclass(frozen=True, slots=True)
class SlotAnswer:
    kind: AnswerKind
    value: Any = None


def _has_any(text: str, words: Iterable[str]) -> bool:
    return any(w in text for w in words)


def parse_yes_no(text: str) -> bool | None:
    cues = load_cues()
    t = text.strip()
    if _has_any(t, cues.answers.negative):
        return False
    if re.match(r"^(不|别)", t):
        return False
    if _has_any(t, cues.answers.positive):
        return True
    return None


def extract_slot_answer(
    slot_name: str, slot_type: str, text: str, today: date, court: Court | None = None
) -> SlotAnswer:
    """Read the reply to the question for one slot."""
    cues = load_cues()
    t = text.strip()
    if not t:
        return SlotAnswer("unclear")
    if _has_any(t, cues.answers.unknown):
        return SlotAnswer("unknown")
    if slot_type == "amount":
        amount = extract_amount(t)
        if amount is not None:
            return SlotAnswer("value", float(amount))
        if re.fullmatch(r"(没有|没|不分|不要|不用)[。.！!]?", t):
            return SlotAnswer("none")
        return SlotAnswer("unclear")
    if slot_type == "date":
        mentions = [m for m in find_dates(t, today) if m.value <= today or _is_future_ok(t, m.end)]
        if mentions:
            return SlotAnswer("value", mentions[0].value.isoformat())
        if _has_any(t, ["没约定", "没有约定", "没说", "没定"]):
            return SlotAnswer("none")
        if slot_name == "employment_end_date" and _has_any(t, ["还在", "在职", "没走"]):
            return SlotAnswer("none")
        return SlotAnswer("unclear")
    if slot_type == "evidence":
        held, denied = extract_evidence(t)
        if held:
            return SlotAnswer("value", held)
        if denied or re.fullmatch(r"(都)?(没有|没|啥也没有|什么都没有)[。.！!]?", t):
            return SlotAnswer("none", [])
        return SlotAnswer("unclear")
    if slot_type == "place":
        places = find_places(t, court)
        if places:
            return SlotAnswer("value", "".join(p[2] for p in places))
        if len(t) <= 20 and not re.search(r"没|不|无", t) and re.search(r"[一-龥]{2}", t):
            return SlotAnswer("value", t.rstrip("。.！!"))
        return SlotAnswer("unclear")
    if slot_type == "bool":
        flag = extract_flags(t).get(slot_name)
        value = flag if flag is not None else parse_yes_no(t)
        return SlotAnswer("unclear") if value is None else SlotAnswer("value", value)
    if slot_type == "party":
        party = extract_party(t)
        return SlotAnswer("value", party.get("defendant") or t[:30])
    return SlotAnswer("value", t)


def is_correction(text: str) -> bool:
    return any(cue in text[:6] for cue in load_cues().correction_cues)
