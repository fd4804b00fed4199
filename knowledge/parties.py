"""Who the story names: the defendants a complaint can name, the others, and who the law adds beside them.

:func:`read_parties` finds the names in a story (knowledge/data/parties.yaml holds the words):

- companies ("焦作市鑫恒源建材有限公司") and quoted shop names ("“老张家烩面馆”", a 字号: 民诉解释第五十九条) — an
  industry word alone ("一家装修材料公司") names nobody;
- people: a surname and a one- or two-character given name, standing where a name can stand (after a cue or a
  punctuation mark, before a verb or a particle) — never a kinship word ("大伯子"), a nickname ("老李", "王老三"),
  a placeholder ("李某") or a fragment of a sentence ("还让他媳妇把银行");
- each with a role: a defendant, or someone named who is not to be sued (the deceased, an introducer, a company's
  boss, a witness, the person themselves), with the reason.

:func:`suggest_defendants` names who the law adds as a defendant (the general contractor when a 包工头 owes
wages, the compulsory-insurance insurer in a traffic accident, the heirs of a deceased debtor …), each with the
article. :func:`name_spans` gives the spans of every name so that place reading can skip them ("刘解放" is no
解放区, "焦作山阳便民商贸有限公司" is no address).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field

from knowledge._base import DATA_DIR, DataModel, Tag, load_model
from knowledge.places import load_gazetteer


class RoleCue(DataModel):
    words: list[str]
    why: str


class SuggestionRule(DataModel):
    key: str
    when: list[str]
    also: list[str] = Field(default_factory=list)
    name_from: list[str] = Field(default_factory=list)
    default_name: str
    why: str
    source: str
    tag: Tag
    only_without_named_company: bool = False


class PartyWords(DataModel):
    surnames: str
    compound_surnames: list[str]
    risky_surnames: str
    stop_chars: str
    name_lead_chars: str
    not_names: list[str]
    kin_and_roles: list[str]
    company_suffixes: list[str]
    shop_endings: str
    generic_company_words: list[str]
    not_defendant_cues: dict[str, RoleCue]
    co_defendant_cues: dict[str, RoleCue]
    suggestions: list[SuggestionRule]


@functools.cache
def load_party_words(path: Path = DATA_DIR / "parties.yaml") -> PartyWords:
    return load_model(PartyWords, path)


PartyKind = Literal["person", "company", "shop"]


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    kind: PartyKind
    start: int
    end: int
    defendant: bool = True
    why: str = ""  # why a named party is not sued (or is sued beside another)


@dataclass(frozen=True, slots=True)
class Suggestion:
    name: str
    why: str
    source: str
    tag: str


@dataclass(frozen=True, slots=True)
class PartyReading:
    parties: list[Party] = field(default_factory=list)
    company_mentioned: bool = False

    @property
    def defendants(self) -> list[str]:
        return list(dict.fromkeys(p.name for p in self.parties if p.defendant))

    @property
    def others(self) -> list[Party]:
        return [p for p in self.parties if not p.defendant]


_HAN = re.compile(r"[\u4e00-\u9fff]")
_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,30})[”\"」』]")
_SENTENCE = re.compile(r"[。！？!?\n；;]")
_CLAUSE = re.compile(r"[，,。！？!?\n；;\s]")
_RISKY_LEAD = frozenset("叫给被告跟和与找向让")


def _is_han(ch: str) -> bool:
    return bool(_HAN.match(ch))


def _companies(text: str, words: PartyWords, taken: list[tuple[int, int]]) -> list[Party]:
    found: list[Party] = []
    for m in _QUOTED.finditer(text):
        inner = m.group(1).strip()
        if inner and inner[-1] in words.shop_endings:
            kind: PartyKind = "company" if inner.endswith(("公司", "厂", "集团")) else "shop"
            found.append(Party(inner, kind, m.start(1), m.end(1)))
            taken.append((m.start(), m.end()))
    stop = set(words.stop_chars) - set("家一二三四五六七八九十中上下内外百千万")  # 家, numbers may sit in a 字号
    stop |= set("我他她俺你在给和跟与把被欠借是叫说的了")
    suffix = re.compile("|".join(re.escape(s) for s in sorted(words.company_suffixes, key=len, reverse=True)))
    generic = sorted(words.generic_company_words, key=len, reverse=True)
    ends: list[int] = []
    longer = re.compile(r"^[\u4e00-\u9fff]{0,8}?(?:有限责任公司|股份有限公司|有限公司|公司|集团)")
    for m in suffix.finditer(text):
        inner = m.group(0) not in ("公司", "集团") and not m.group(0).endswith("市")  # 超市 could read as a place
        if inner and longer.match(text[m.end() :]):
            continue  # 安居物业服务有限公司: 物业 inside the name, the name ends at 有限公司
        ends.append(m.end())
        if any(s <= m.start() < e for s, e in taken):
            continue
        if re.match(r"[卡账号流水转]", text[m.end() : m.end() + 1]):  # 银行卡, 银行账号
            continue
        left = m.start()
        while left > 0 and m.start() - left < 20 and _is_han(text[left - 1]) and text[left - 1] not in stop:
            if any(s < left <= e for s, e in taken) or left in ends[:-1]:
                break
            left -= 1
        name = text[left : m.end()]
        core = text[left : m.start()]
        for g in generic:
            core = core.replace(g, "")
        core = re.sub(r"^(?:[\u4e00-\u9fff]{1,3}(?:省|市|县|区))+", "", core)  # a leading place is no 字号
        if len(core) < 2:
            continue
        found.append(Party(name, "company", left, m.end()))
        taken.append((left, m.end()))
    return found


def _surname_at(text: str, i: int, words: PartyWords) -> int:
    """Length of the surname starting at ``i`` (0: none)."""
    for compound in words.compound_surnames:
        if text.startswith(compound, i):
            return len(compound)
    return 1 if text[i] in words.surnames or text[i] in words.risky_surnames else 0


def _people(text: str, words: PartyWords, taken: list[tuple[int, int]]) -> list[Party]:
    stop = set(words.stop_chars)
    lead = set(words.name_lead_chars)
    kin = sorted(words.kin_and_roles, key=len, reverse=True)
    found: list[Party] = []
    i = 0
    while i < len(text):
        if any(s <= i < e for s, e in taken):
            i += 1
            continue
        size = _surname_at(text, i, words)
        if not size:
            i += 1
            continue
        before = text[i - 1] if i > 0 else ""
        risky = size == 1 and text[i] in words.risky_surnames
        starts_word = before == "" or not _is_han(before) or before in lead
        after_role = any(text.endswith(k, 0, i) for k in kin)  # 邻居高建国, 司机马强
        if risky and _is_han(before) and before not in _RISKY_LEAD and not after_role:
            i += 1
            continue
        if not starts_word and not after_role:
            i += 1
            continue
        given = ""
        j = i + size
        called = text.endswith(("叫", "名叫", "名字是", "姓名是"), 0, i)  # 叫张三: a name, numbers and all
        allowed = stop - set("一二三四五六七八九十") if called else stop
        while j < len(text) and len(given) < 2 and _is_han(text[j]) and (
            text[j] not in allowed or _name_char(text, j, given, allowed)
        ):
            given += text[j]
            j += 1
        name = text[i : i + size] + given
        after = text[j : j + 1]
        # a name followed by 合伙, 俩人, 一块 … ends there too (杨大柱跟吴二虎合伙拉石头)
        ends_word = after == "" or not _is_han(after) or after in stop or text[j : j + 2] in _AFTER_NAME
        if (
            not given
            or not ends_word
            or name in words.not_names
            or name[:2] in words.not_names
            or any(name.startswith(k) or k.startswith(name) for k in kin)
            or re.match(r"^(?:老|小)", name)
            or re.match(r"[村庄镇乡屯寨营店湾沟坡岭街]", after)  # 王庄村, 李家店: a place
            or (before == "是" and after == "的")  # 都是王庄的: where they are from
        ):
            i += 1
            continue
        if any(
            m.start == 0 and (m.end >= len(name) or name[m.end : m.end + 1] in _AFTER_PLACE)
            for m in load_gazetteer().find(text[i : j + 1])
        ):  # 郑州, 孟州, 武陟, 温县人: places; 李万福 is a name though 李万 is a street
            i += 1
            continue
        found.append(Party(name, "person", i, j))
        taken.append((i, j))
        i = j
    return found


_AFTER_PLACE = set("人的这那市县区街乡镇村里")
_AFTER_HE = ("家", "的", "说", "欠", "借", "在", "是", "，", "。", "")
_AFTER_NAME = ("合伙", "俩人", "两人", "一块", "一起", "夫妻", "两口", "吵架", "打架", "闹矛")


def _name_char(text: str, j: int, given: str, stop: set[str]) -> bool:
    """万, 千, 太 and a numeral as the first character of a given name (李万福, 王太行, 孙二虎): a name goes on after
    them with a character that is no stop word, while an amount does not (李四万元, 借了两万)."""
    nxt = text[j + 1 : j + 2]
    if len(given) == 1 and text[j] == "和" and nxt in _AFTER_HE:
        # 周定和家的牛, 李春和说: the name ends with 和 ("张三和李四", "王强和他": 和 is "and")
        return nxt not in load_party_words().surnames
    if not given and text[j] in "二三四五六七八九" and _is_han(nxt) and nxt not in stop:
        return nxt not in "万千百十块元毛角个月年天岁号回次斤"  # 孙二虎, 刘三娃: a numeral in a rural given name
    return not given and text[j] in "万千太" and _is_han(nxt) and nxt not in stop and nxt not in "元块"


def _clause_of(text: str, start: int, end: int) -> tuple[str, str]:
    left = max((m.end() for m in _CLAUSE.finditer(text, 0, start)), default=0)
    right = _CLAUSE.search(text, end)
    return text[left:start], text[end : right.start() if right else len(text)]


def _sentence_of(text: str, start: int) -> str:
    left = max((m.end() for m in _SENTENCE.finditer(text, 0, start)), default=0)
    right = _SENTENCE.search(text, start)
    return text[left : right.start() if right else len(text)]


_CONTRACTOR = re.compile(r"(?:总包|总承包|发包|上家)(?:的|公司|单位|方)?$")


def _role(text: str, party: Party, words: PartyWords, has_company: bool) -> Party:
    if party.kind != "person":
        if _CONTRACTOR.search(text[max(0, party.start - 8) : party.start]):
            # the general contractor behind a foreman: added beside him (suggest_defendants), not the debtor
            return Party(party.name, party.kind, party.start, party.end, False, "")
        return party
    before, after = _clause_of(text, party.start, party.end)
    near = before[-6:] + "|" + after[:8]
    sentence = _sentence_of(text, party.start)
    for cue in words.co_defendant_cues.values():
        if any(w in before[-6:] for w in cue.words):
            return Party(party.name, party.kind, party.start, party.end, True, cue.why)
    for key, cue in words.not_defendant_cues.items():
        if key == "deceased":
            rest = text[party.end : party.end + 40]
            clause_end = _SENTENCE.search(rest)
            if any(w in rest[: clause_end.start() if clause_end else len(rest)] for w in cue.words):
                return Party(party.name, party.kind, party.start, party.end, False, cue.why)
            continue
        if key == "introducer":
            if any(w in near for w in cue.words) or re.search(re.escape(party.name) + r".{0,8}介绍人", text):
                return Party(party.name, party.kind, party.start, party.end, False, cue.why)
            if re.search(r"经" + re.escape(party.name) + r"介绍", sentence):
                return Party(party.name, party.kind, party.start, party.end, False, cue.why)
            continue
        if key == "representative":
            if has_company and any(before.endswith(w) or before[-4:].find(w) >= 0 for w in cue.words):
                return Party(party.name, party.kind, party.start, party.end, False, cue.why)
            continue
        if any(before.endswith(w) for w in cue.words):
            return Party(party.name, party.kind, party.start, party.end, False, cue.why)
    return party


def read_parties(text: str) -> PartyReading:
    """The parties named in ``text``, in order of first mention (each name once)."""
    words = load_party_words()
    taken: list[tuple[int, int]] = []
    companies = _companies(text, words, taken)
    people = _people(text, words, taken)
    has_company = any(c.kind in ("company", "shop") for c in companies)
    decided: dict[str, Party] = {}
    for party in sorted([*companies, *people], key=lambda p: p.start):
        judged = _role(text, party, words, has_company)
        earlier = decided.get(judged.name)
        if earlier is None:
            decided[judged.name] = judged
        elif earlier.defendant and not judged.defendant:
            decided[judged.name] = judged  # any mention that rules a person out rules them out
    mentioned = has_company or bool(re.search(r"公司|厂|商家|超市|店", text))
    return PartyReading(list(decided.values()), mentioned)


def name_spans(text: str) -> list[tuple[int, int]]:
    """Every span of ``text`` that holds a person's or an organisation's name (every mention)."""
    reading = read_parties(text)
    spans: list[tuple[int, int]] = []
    for party in reading.parties:
        # "解放区一家农机公司" describes a company by its place: the place stays readable (it is the company's)
        place = re.match(r"[\u4e00-\u9fff]{1,8}?(?:的)?(?=一家|一个|这家|那家|有家)", party.name)
        skip = place.end() if place else 0
        for m in re.finditer(re.escape(party.name), text):
            spans.append((m.start() + skip, m.end()))
    return sorted(spans)


def suggest_defendants(text: str, reading: PartyReading, *, traffic: bool = False) -> list[Suggestion]:
    """Who the law adds as a defendant in this story (knowledge/data/parties.yaml ``suggestions``)."""
    words = load_party_words()
    out: list[Suggestion] = []
    named = [p for p in reading.parties if p.kind in ("company", "shop")]
    for rule in words.suggestions:
        hit = any(w in text for w in rule.when) or (rule.key == "compulsory_insurer" and traffic)
        if not hit or (rule.also and not any(w in text for w in rule.also)):
            continue
        if rule.only_without_named_company and any(p.defendant for p in named):
            continue
        name = rule.default_name
        for party in named:
            context = text[max(0, party.start - 8) : party.end]
            if rule.name_from and any(w in context for w in rule.name_from):
                name = party.name
                break
        out.append(Suggestion(name, rule.why, rule.source, rule.tag))
    return out


__all__ = [
    "Party",
    "PartyReading",
    "Suggestion",
    "load_party_words",
    "name_spans",
    "read_parties",
    "suggest_defendants",
]
