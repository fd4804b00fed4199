"""Reading a litigant's own words into facts: amounts, dates, places, the other party, evidence, flags.

- :func:`extract_facts` reads a whole story (the first message) into a facts dict.
- :func:`extract_slot_answer` reads the reply to one question (a slot) — short answers like "三万", "不知道",
  "中", "修武县".

Facts are JSON-friendly: dates as ISO strings, amounts as float yuan, places as the text given. Cue words live
in knowledge/data/extract.yaml. Nothing here logs the text (it may hold personal data).
"""

from __future__ import annotations

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
from knowledge.court import Court
from knowledge.dates import find_dates
from knowledge.jurisdiction import load_jurisdiction_rules, story_flags
from knowledge.money import ClaimReading, MoneyCues, read_claim
from knowledge.parties import name_spans, read_parties
from knowledge.placeroles import mask_names, place_facts, place_spans, read_places
from knowledge.timeline import StoryDates, future_ok, read_story_dates


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
    relation_words: list[str]
    flags: dict[str, FlagCues]
    answers: AnswerCues
    evidence_negations: list[str]
    correction_cues: list[str]
    money: MoneyCues


@functools.cache
def load_cues(path: Path = DATA_DIR / "extract.yaml") -> ExtractCues:
    return load_model(ExtractCues, path)


_CLAUSE_BREAK = re.compile(r"[，,。.；;！!？?\n]")


def _clause(text: str, start: int, end: int) -> tuple[str, str]:
    """The clause text before ``start`` and after ``end`` (up to punctuation)."""
    left = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    right_match = _CLAUSE_BREAK.search(text, end)
    right = right_match.start() if right_match else len(text)
    return text[left:start], text[end:right]


def read_amount(text: str, today: date | None = None) -> ClaimReading:
    """The claim the text states, with the roles of its money (knowledge.money): dates, phone, ID, card and case
    numbers and house numbers are never read as money; a range or a rough figure leaves the amount open."""
    dates = [(d.start, d.end) for d in find_dates(text, today or date.today())]
    return read_claim(text, load_cues().money, dates)


def extract_amount(text: str, today: date | None = None) -> Decimal | None:
    """The claim amount in a story, or None when it states none exactly (see :func:`read_amount`)."""
    return read_amount(text, today).amount


def extract_dates(text: str, today: date, default_role: str) -> StoryDates:
    """Dates by role, their precision and their spans, the due date an agreed term implies and the last
    instalment's date (knowledge.timeline)."""
    return read_story_dates(text, today, default_role, load_cues().date_roles)


def find_places(text: str, court: Court | None = None) -> list[tuple[int, int, str]]:
    """Place names in ``text`` (merged when adjacent): what the gazetteer knows anywhere in China, this court's
    streets and neighbours, and village-like names (…村, …镇, …街道) — never a 小区 or a person's or a
    company's name ("刘解放", "焦作山阳便民商贸有限公司")."""
    court = court or _default_court()
    masked = mask_names(text, name_spans(text))
    return [(s, e, text[s:e]) for s, e in place_spans(masked, court)]


def extract_places(
    text: str, default_role: str, court: Court | None = None, today: date | None = None
) -> dict[str, Any]:
    """Whose or what place each place of the story is (knowledge.placeroles): ``plaintiff_place``,
    ``defendant_place`` (the domicile that counts), ``incident_place``, ``property_place`` …"""
    court = court or _default_court()
    places = read_places(text, court, today or date.today(), skip=name_spans(text))
    return place_facts(places, court, default_role, text)


@functools.cache
def _default_court() -> Court:
    return Court.load(DATA_DIR / "court.yaml")


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
    """The other side: ``other_party_name`` only for a real name (a person's, a company's, a shop's 字号:
    knowledge.parties), ``defendant`` (the name, else the kinship or role word), ``defendant_kind``."""
    cues = load_cues()
    facts: dict[str, str] = {}
    reading = read_parties(text)
    named = next((p for p in reading.parties if p.defendant), None)
    relation = next((w for w in cues.relation_words if w in text), None)
    if named is not None:
        facts["defendant"] = facts["other_party_name"] = named.name
    elif relation:
        facts["defendant"] = relation
    if (named is not None and named.kind != "person") or (named is None and reading.company_mentioned):
        facts["defendant_kind"] = "company"
    elif named is not None or relation or re.search(r"[他她]", text):
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
    claim = read_amount(text, today)
    if claim.amount is not None:
        facts["claim_amount_yuan"] = float(claim.amount)
    elif claim.range is not None:  # "五六百": the person is asked for the figure; the range is kept
        facts["claim_amount_range"] = [float(claim.range[0]), float(claim.range[1])]
    story_dates = extract_dates(text, today, date_role)
    facts.update(story_dates.dates)
    if story_dates.precision:
        facts["date_precision"] = story_dates.precision
    if story_dates.ranges:  # dates the story gives only as a span ("2025年11月", "过年前"): {"from", "to"}
        facts["date_ranges"] = story_dates.ranges
    places = extract_places(text, place_role, court, today)
    if not labour and "employer_place" in places:
        places.setdefault("defendant_place", places.pop("employer_place"))
    facts.update(places)
    facts.update(story_flags(text, load_jurisdiction_rules()))
    held, denied = extract_evidence(text)
    if held:
        facts["evidence"] = held
    if denied:
        facts["evidence_denied"] = denied
    facts.update(extract_party(text))
    facts.update(extract_flags(text))
    if story_dates.instalments:
        facts["instalments"] = True
    if labour and "欠条" in held:
        facts["has_wage_iou"] = True
    return facts


def _one_figure(words: str, is_range: bool) -> bool:
    """One figure, perhaps said with 大概/左右 — not a range (三四万) nor a rough size (十来万, 万把块, 好几千)."""
    return not is_range and not re.search(r"[多来把几余]", words)


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
        claim = read_amount(t, today)
        if claim.amount is not None:
            return SlotAnswer("value", float(claim.amount))
        if len(claim.spans) == 1 and _one_figure(claim.spans[0].mention.text, claim.spans[0].mention.is_range):
            return SlotAnswer("value", float(claim.spans[0].value))  # "大概三万" asked for: their own figure
        if claim.uncertain:  # "三四万", "十来万": ask for the figure again rather than pick one
            return SlotAnswer("unclear")
        if re.fullmatch(r"(没有|没|不分|不要|不用)[。.！!]?", t):
            return SlotAnswer("none")
        return SlotAnswer("unclear")
    if slot_type == "date":
        mentions = [m for m in find_dates(t, today) if m.value <= today or future_ok(t, m.end)]
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
