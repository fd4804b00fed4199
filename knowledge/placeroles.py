"""Whose or what place each place of a story is (words in knowledge/data/place_roles.yaml).

:func:`read_places` finds the places of a story — the gazetteer's (knowledge.places), this court's streets and
neighbours (court.yaml), and village-like names (…村, …镇, …街道: kept so that the bot asks where they are) —
skipping the names of people and companies ("刘解放", "焦作山阳便民商贸有限公司") and the court a person asks
about ("能在山阳区法院告他吗"). Each place gets its roles from its clause: the plaintiff's or the other side's
(registered domicile, residence and how long, a company's office), or a thing's and an event's (the property,
the accident, the delivery address, an agreed place of performance or court, where a leased machine is used).

:func:`place_facts` turns them into the flat facts the intake and jurisdiction read: ``plaintiff_place``,
``defendant_place`` (the domicile that counts: a residence of a year or more over the 户籍, 民诉解释第四条; a
company's office over its registration, 民诉解释第三条), ``defendant_places`` (several defendants),
``incident_place``, ``property_place``, ``delivery_place``, ``agreed_performance_place``, ``use_place``,
``transaction_place``, ``agreed_court_place`` …
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from knowledge._base import DATA_DIR, DataModel, load_model
from knowledge.court import Court
from knowledge.places import load_gazetteer


class RoleWords(DataModel):
    plaintiff_cues: list[str]
    other_cues: list[str]
    both_cues: list[str]
    registered_cues: list[str]
    office_cues: list[str]
    residence_cues: list[str]
    origin_after: list[str]
    property_cues: list[str]
    property_verbs: list[str]
    land_cues: list[str]
    land_verbs: list[str]
    death_words: list[str]
    death_at_home: list[str]
    negation_before: list[str]
    delivery_cues: list[str]
    performance_cues: list[str]
    agreement_cues: list[str]
    use_cues: list[str]
    visit_after: list[str]
    work_cues: list[str]
    shop_cues: list[str]
    incident_cues: list[str]
    business_after: list[str]
    at_business: list[str]
    deceased_cues: list[str]
    estate_cues: list[str]
    court_after: list[str]
    sue_after: list[str]
    anaphora: list[str]
    time_words: list[str]
    stay_cues: list[str]


@functools.cache
def load_role_words(path: Path = DATA_DIR / "place_roles.yaml") -> RoleWords:
    return load_model(RoleWords, path)


@dataclass(frozen=True, slots=True)
class PlaceRole:
    text: str
    start: int
    end: int
    roles: frozenset[str] = field(default_factory=frozenset)
    months: int | None = None  # how long the party has stayed there (residence)


_SENTENCE = re.compile(r"[。！？!?\n；;]")
_CLAUSE = re.compile(r"[，,。！？!?\n；;\s]")
_VILLAGE = re.compile(
    r"(?:(?![在住是到去从的和跟与他她我俺就也都还了个])[\u4e00-\u9fff]){2,4}?(?:村|镇|乡|街道|社区|办事处)(?![区县市])"
)
_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_MASK = "\u25a1"  # □: a name, never a place
# other-side cues that are no person: "借给孟州的表哥" names someone, "在博爱县的工地上" does not
_NOT_PEOPLE = frozenset({"公司", "单位", "商家", "店", "超市", "厂", "他", "她", "他家", "她家"})


def _cn_number(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    if len(s) == 1:
        return _CN.get(s)
    if len(s) == 2 and s[0] == "十":
        return 10 + _CN.get(s[1], 0)
    if len(s) == 2 and s[1] == "十":
        return _CN.get(s[0], 0) * 10
    if len(s) == 3 and s[1] == "十":
        return _CN.get(s[0], 0) * 10 + _CN.get(s[2], 0)
    if len(s) == 2 and s[0] in _CN and s[1] in _CN and _CN[s[1]] == _CN[s[0]] + 1:
        return _CN[s[0]]  # 三四年: a spoken range, its lower end (the length it surely lasted)
    return None


_DURATION = re.compile(r"([0-9]+|[一二两三四五六七八九十]{1,3}|半)(?:个)?(多)?(年|月)(半|多)?")
_SINCE = re.compile(r"(今年|去年|前年)([0-9]{1,2}|[一二三四五六七八九十]{1,3})月")
_SEASON = re.compile(r"(去年|前年)(春天|年初|上半年|夏天|秋天|下半年|冬天|年底)")
_SEASON_MONTH = {"春天": 3, "年初": 1, "上半年": 3, "夏天": 6, "秋天": 9, "下半年": 9, "冬天": 12, "年底": 12}


def _months(text: str, today: date) -> int | None:
    """A length of stay said in ``text``: 这三年 → 36, 一年半 → 18, 五个月 → 5, 今年七月去 → months since."""
    for m in _DURATION.finditer(text):
        n = 0.5 if m.group(1) == "半" else _cn_number(m.group(1))
        if n is None or (m.group(3) == "月" and "个" not in m.group(0) and m.group(1) != "半"):
            continue  # "七月" is a month of the year, not a length
        months = n * 12 if m.group(3) == "年" else n
        if m.group(4) == "半" and m.group(3) == "年":
            months += 6
        if m.group(2) or m.group(4) == "多":
            months += 1
        return int(months)
    m2 = _SINCE.search(text)
    if m2:
        month = _cn_number(m2.group(2))
        if month and 1 <= month <= 12:
            back = {"今年": 0, "去年": 12, "前年": 24}[m2.group(1)]
            return back + today.month - month
    m3 = _SEASON.search(text)
    if m3:
        back = {"去年": 12, "前年": 24}[m3.group(1)]
        return back + today.month - _SEASON_MONTH[m3.group(2)]
    return None


def place_spans(text: str, court: Court) -> list[tuple[int, int]]:
    """Spans of the places in ``text`` (names already masked), adjacent ones merged."""
    found: list[tuple[int, int]] = [(m.start, m.end) for m in load_gazetteer(home_province=court.province).find(text)]
    aliases = list(court.district_aliases) + [a for u in court.area for a in u.aliases]
    aliases += [a for n in court.neighbours for a in n.aliases] + list(court.city_aliases)
    for alias in sorted(set(aliases), key=len, reverse=True):
        for m in re.finditer(re.escape(alias), text):
            found.append((m.start(), m.end()))
    bare = court.district.removesuffix("区")
    for m in re.finditer(re.escape(bare) + r"(?![县])", text):  # "在山阳告", never 陕西山阳县
        found.append((m.start(), m.end()))
    known = list(found)
    for m in _VILLAGE.finditer(text):
        if not any(m.start() < e and s < m.end() for s, e in known):  # a known place wins over a look-alike
            found.append((m.start(), m.end()))
    found.sort()
    merged: list[tuple[int, int]] = []
    for s, e in found:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    # a place name inside a village-like name is the village's ("新城街道" already covers "新城")
    return merged


def mask_names(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with the given spans blanked out (same length, so offsets hold)."""
    chars = list(text)
    for s, e in spans:
        for i in range(s, e):
            chars[i] = _MASK
    return "".join(chars)


def _last(words: Sequence[str], text: str) -> tuple[int, str] | None:
    """The cue of ``words`` that ends nearest the end of ``text`` (longest first at the same place)."""
    best: tuple[int, str] | None = None
    for w in words:
        at = text.rfind(w)
        if at >= 0 and (best is None or at + len(w) > best[0] or (at + len(w) == best[0] and len(w) > len(best[1]))):
            best = (at + len(w), w)
    return best


def _positions(words: Sequence[str], text: str) -> list[int]:
    return [m.start() for w in words for m in re.finditer(re.escape(w), text)]


# the other side named as the driver or rider (开货车的是中站区的, 骑摩托的那个人)
_DRIVER = re.compile(r"(?:开|骑|驾驶)[\u4e00-\u9fff]{0,3}?(?:车|三轮|摩托)的")


def _subject(before: str, words: RoleWords) -> str | None:
    """'plaintiff', 'other' or 'both' for the words of a clause before a place (None: no subject said)."""
    before = _DRIVER.sub("对方", before)
    if any(w in before for w in words.both_cues):
        return "both"
    me = _last(words.plaintiff_cues, before)
    other = _last(words.other_cues, before)
    masked = before.rfind(_MASK)
    if masked >= 0 and (other is None or masked + 1 > other[0]):
        other = (masked + 1, _MASK)
    if me is None and other is None:
        return None
    if other is None:
        return "plaintiff"
    if me is None:
        return "other"
    # 俺跟俺男人户口都在…, 男方户口跟我在一个户口本上: a conjunction between the two sides joins them
    mine = _positions(words.plaintiff_cues, before)
    theirs = _positions(words.other_cues, before) + [i for i, ch in enumerate(before) if ch == _MASK]
    for k in (m.start() for m in re.finditer(r"跟|和|与", before)):
        if (any(p < k for p in mine) and any(p > k for p in theirs)) or (
            any(p < k for p in theirs) and any(p > k for p in mine)
        ):
            return "both"
    return "plaintiff" if me[0] > other[0] else "other"


@dataclass(frozen=True, slots=True)
class _Where:
    """A place's surroundings: its clause before and after it, the whole clause and sentence, who it is about."""

    before: str
    after: str
    clause: str
    sentence: str
    subject: str | None
    inherited_kind: str | None


def _where(masked: str, start: int, end: int, words: RoleWords) -> tuple[_Where, int, int]:
    sent_start = max((m.end() for m in _SENTENCE.finditer(masked, 0, start)), default=0)
    sent_end_m = _SENTENCE.search(masked, end)
    sent_end = sent_end_m.start() if sent_end_m else len(masked)
    clause_start = max((m.end() for m in _CLAUSE.finditer(masked, 0, start)), default=0)
    clause_end_m = _CLAUSE.search(masked, end)
    clause_end = clause_end_m.start() if clause_end_m else len(masked)
    before = masked[clause_start:start]
    subject = _subject(before, words)
    inherited_kind: str | None = None
    if subject is None:  # the subject of the nearest earlier clause of the sentence
        for part in reversed(_CLAUSE.split(masked[sent_start:clause_start])):
            subject = _subject(part, words) if part else None
            if subject is not None:
                cue = _last(words.registered_cues, part)
                inherited_kind = "registered" if cue and not before else None
                break
    where = _Where(
        before,
        masked[end:clause_end],
        masked[clause_start:clause_end],
        masked[sent_start:sent_end],
        subject,
        inherited_kind,
    )
    return where, clause_end, sent_end


def _thing_roles(w: _Where, words: RoleWords) -> set[str]:
    """Roles of a place that is about a thing or an event: delivery, agreed performance, property, the deceased's
    home, an event's place (with its kind: where a machine is used, where goods were bought, an incident)."""
    roles: set[str] = set()
    if any(c in w.before for c in words.delivery_cues):
        roles.add("delivery")
        if w.subject in ("plaintiff", "both") or re.search(r"[我俺].{0,3}$|家", w.before + w.after[:4]):
            roles.add("plaintiff")
    if any(c in w.clause for c in words.agreement_cues) and any(
        c in w.after[:6] or c in w.before for c in words.performance_cues
    ):
        roles.add("agreed_performance")
    signed_after = re.search(r"^[^，。；！？]{0,12}签(?:的|了|订|下)", w.after)
    if re.search(r"(?:合同|协议|借条|字)?(?:是)?在$", w.before) and signed_after:
        roles.add("signed")  # 合同是在山阳区光亚街道一个茶楼里签的: where the contract was signed
    residence_after = re.match(r"(?:租房|租房子)(?:住|上班|做生意)", w.after)
    cues = "|".join(words.property_cues)
    property_before = re.search(r"(?:" + cues + r")(?:就|也|都)?(?:在|位于)$", w.before)
    verbs = "|".join(words.property_verbs)
    property_after = re.match(
        r"^(?:的)?(?:" + verbs + r")?"
        r"(?:一套|一处|一间|一栋|一座|一个|那套|这套|有套|有一套|有间|有处|有个|套|间|处|栋|座|个"
        r"|[两三四五六七八九十几0-9]+(?:套|间|处|栋|座|个|层))?"
        # 一套经济适用房, 一处临街门面: a short qualifier before the kind of property
        r"(?:二手|老)?(?:(?<=[套间处栋座个层])[\u4e00-\u9fff]{0,4}?)?(?:" + cues + ")",
        # 在马村区老家有处宅子, 博爱县城的一间门面, 在山阳区焦东路买了个门面, 在武陟县詹店镇有个仓库
        re.sub(
            r"^(?:老家|县城|城里|城区|市区|城|镇上|街上|市里|大街|大道|路|街|[\u4e00-\u9fff]{1,4}?(?:镇|乡|村|街道|社区))"
            r"(?:\d+号)?",
            "",
            w.after,
        ),
    )
    land = any(c in w.after for c in words.land_cues) and any(v in w.after for v in words.land_verbs)
    if not residence_after and (property_before or property_after or land):
        roles.add("property")
        if any(c in w.sentence for c in words.estate_cues):
            roles.add("estate")
    if any(c in w.before for c in words.deceased_cues):
        roles.add("deceased")
    elif w.after.startswith(tuple(words.death_at_home)) and any(d in w.after for d in words.death_words):
        roles.add("deceased")  # 俺爹在山阳区…的家里老了: died at home, so that was his domicile
    lead = w.before
    if any(c in w.clause for c in words.use_cues):  # 三个月都在山阳区这片跑: a thing used there for a while
        lead = _DURATION_SAID.sub("", lead)
    for t in sorted(words.time_words, key=len, reverse=True):
        lead = lead.replace(t, "")
    event = bool(re.fullmatch(r"(?:[这那]个)?(?:在|到)", lead)) or w.after.startswith(("出的事", "出事", "发生"))
    visit = "|".join(map(re.escape, words.visit_after))
    if re.search(r"(?:去|到|上)(?:了)?$", w.before) and re.match(
        rf"(?:的)?(?:一个|一家|个|那个|那家)?[\u4e00-\u9fff]{{0,5}}?(?:{visit})", w.after
    ):
        event = True  # 俺去修武县走亲戚, 去辉县一个景区玩: the visit's place, not the plaintiff's home
    if w.before.endswith("在") and any(c in w.after for c in words.incident_cues):
        event = True  # 俺骑电动车在武陟县…叫一辆小轿车撞了: where it happened, whoever is the clause's subject
    if event and not roles:
        roles.add("event")
        for role, found in (
            ("use", words.use_cues),
            ("shop", words.shop_cues),
        ):
            if any(c in w.clause for c in found):
                roles.add(role)
        if any(c in w.sentence for c in words.incident_cues):
            roles.add("incident")
        if re.match(r"(?:的)?(?:他|她)家", w.after):
            roles.add("other")
    return roles


_BUSINESSES = (
    "公司|厂|店|超市|商行|门市|饭店|酒店|医院|诊所|学校|开发商|物业|驾校|旅行社|合作社|养殖场|工地|商场|银行|网吧|KTV|宾馆|景区"
)

# 解放区一家农机公司, 温县一个开发商, 辉县一家旅游公司: a business of that place
_BUSINESS = r"(?:的)?(?:一家|一个|这家|那家|有家)[\u4e00-\u9fff]{0,6}?(?:" + _BUSINESSES + r")"
_business_after = re.compile("^" + _BUSINESS)

_DURATION_SAID = re.compile(r"(?:这|那)?(?:[0-9]+|[一二两三四五六七八九十半]{1,3})个?多?(?:月|年|天|星期)[多来]?")


def _party_roles(w: _Where, words: RoleWords) -> set[str]:
    """Roles of a place said of a party: whose (plaintiff, other, both) and what kind (registered domicile,
    residence, a company's office)."""
    roles: set[str] = set()
    if any(c in w.before for c in ("门市", "门店", "店面", "店铺")):
        roles.add("shop")
    if w.subject in ("plaintiff", "both"):
        roles.add("plaintiff")
    if w.subject in ("other", "both"):
        roles.add("other")
    if roles & {"other", "plaintiff"}:
        kind = _last(words.registered_cues + words.office_cues + words.residence_cues, w.before)
        if kind is None and w.inherited_kind:
            roles.add(w.inherited_kind)
        elif kind is None and any(w.after.startswith(c) for c in words.origin_after):
            roles.add("registered")
        elif kind is not None:
            cue = kind[1]
            registered = cue in words.registered_cues
            roles.add("registered" if registered else "office" if cue in words.office_cues else "residence")
        if any(c in w.after for c in ("住", "租房", "上班", "打工", "生活", "办公")):
            roles.add("office" if "办公" in w.after else "residence")
    if "registered" in roles and re.search(r"户口和家|户口.{0,2}家都", w.before):
        roles.add("residence")
    if w.subject == "plaintiff" and any(w.after.startswith(c) or w.before.endswith(c) for c in words.work_cues):
        roles.add("work")
    return roles


_WORKPLACE = r"^(?:的)?(?:分厂|厂区|厂|分公司|公司|工地|车间|门店|店|项目部)?(?:里|上)?(?:"


def _works_there(w: _Where, words: RoleWords) -> bool:
    """The teller works at the other side's place ("俺一直在他们山阳区的分厂上班"): where the labour contract is
    performed (劳动争议解释（一）第三条), not the employer's seat nor anybody's home."""
    work = _WORKPLACE + "|".join(map(re.escape, words.work_cues)) + ")"
    return re.match(work, w.after) is not None and _last(words.plaintiff_cues, w.before) is not None


def _stay(masked: str, start: int, clause_end: int, sent_end: int, *, today: date, words: RoleWords) -> int | None:
    """How long the party has stayed at the place at ``start``: said in its clause, or in a later clause of the
    sentence about staying ("一年半没回来过"), or before it in the clause."""
    months = _months(masked[start:clause_end], today)
    if months is None:
        for part in _CLAUSE.split(masked[clause_end:sent_end]):
            if any(c in part for c in words.stay_cues):
                months = _months(part, today)
                if months is not None:
                    break
    if months is None:
        clause_start = max((m.end() for m in _CLAUSE.finditer(masked, 0, start)), default=0)
        months = _months(masked[clause_start:start], today)
    return months


def read_places(text: str, court: Court, today: date, *, skip: Sequence[tuple[int, int]] = ()) -> list[PlaceRole]:
    """The places of ``text`` with their roles; ``skip`` spans (names of people and companies) hold no place."""
    words = load_role_words()
    masked = mask_names(text, skip)
    people = [c for c in words.other_cues if c not in _NOT_PEOPLE]
    someone_after = re.compile(
        r"^(?:的(?:那个|那)?人|(?:的)?(?:一个|那个|这个|一位)人|来的|"
        + _BUSINESS
        + r"|"
        r"(?:的)?(?:一个|那个|这个|一位)?(?:"
        + _MASK
        + r"|[\u4e00-\u9fff]某某?|(?:老|小)[\u4e00-\u9fff](?![房宅家院])|"
        + "|".join(sorted(people, key=len, reverse=True))
        + "))"
    )
    spans = place_spans(masked, court)
    # anaphora: "住那儿" points back at the last place named before it
    for m in re.finditer(r"(?:住|在|是)(?:在)?(" + "|".join(words.anaphora) + r")(?:儿)?", masked):
        prior = [s for s in spans if s[1] <= m.start(1)]
        if prior and not any(s <= m.start(1) < e for s, e in spans):
            spans.append((m.start(1), m.end(1)))
    spans.sort()
    real = [s for s in spans if masked[s[0] : s[1]] not in words.anaphora]
    out: list[PlaceRole] = []
    for start, end in spans:
        name = masked[start:end]
        if name in words.anaphora:
            prior = [s for s in real if s[1] <= start]
            name = masked[prior[-1][0] : prior[-1][1]]
        w, clause_end, sent_end = _where(masked, start, end, words)
        stripped_after = w.after.lstrip("的这那边当地本")
        if any(w.after.startswith(c) or stripped_after.startswith(c) for c in words.court_after):
            agreed = any(c in w.clause for c in words.agreement_cues) or "管辖" in w.clause
            out.append(PlaceRole(name, start, end, frozenset({"agreed_court" if agreed else "asked"})))
            continue
        if any(stripped_after.startswith(c) for c in words.sue_after):
            out.append(PlaceRole(name, start, end, frozenset({"asked"})))
            continue
        if w.before.endswith(tuple(words.negation_before)):
            out.append(PlaceRole(name, start, end, frozenset({"negated"})))  # 俺俩谁也不在洛阳: nobody's place
            continue
        roles = _thing_roles(w, words)
        if roles and roles <= {"event", "shop"} and _business_after.match(w.after):
            roles = {"other"}  # 在解放区一家农机公司订了台收割机: the company's place, no event of its own
        if not roles and _works_there(w, words):
            roles = {"work"}
        elif not roles and someone_after.match(w.after):
            roles.add("other")  # 卖给了中站区的李某, 借给孟州的表哥
        elif not roles:
            roles = _party_roles(w, words)
        if "other" in roles and any(stripped_after.startswith(c) for c in words.business_after):
            roles.add("business")  # 他在马村区开饭店: where the other side's business is
        months = None
        if "other" in roles and ("residence" in roles or not roles & {"registered", "office"}):
            months = _stay(masked, start, clause_end, sent_end, today=today, words=words)
        out.append(PlaceRole(name, start, end, frozenset(roles), months))
    return out


def _first(places: Sequence[PlaceRole], *roles: str) -> PlaceRole | None:
    return next((p for p in places if all(r in p.roles for r in roles)), None)


_THING_FACTS = (
    ("plaintiff_place", "plaintiff"),
    ("property_place", "property"),
    ("estate_place", "estate"),
    ("deceased_place", "deceased"),
    ("delivery_place", "delivery"),
    ("agreed_performance_place", "agreed_performance"),
    ("agreed_court_place", "agreed_court"),
    ("use_place", "use"),
    ("transaction_place", "shop"),
    ("incident_place", "incident"),
    ("signed_place", "signed"),
    ("event_place", "event"),
    ("performance_place", "work"),
)


def _defendant_facts(places: Sequence[PlaceRole], court: Court) -> dict[str, Any]:
    """The other side's places: registered, residence (with its length), office, and the domicile that counts
    (民诉解释第三条、第四条); several defendants' places (民事诉讼法第二十二条第三款)."""
    facts: dict[str, Any] = {}
    other = [p for p in places if "other" in p.roles]
    registered = _first(other, "registered")
    office = _first(other, "office")
    residence = next((p for p in other if "residence" in p.roles and "registered" not in p.roles), None)
    plain = [p for p in other if not p.roles & {"registered", "office", "residence"}]
    months = residence.months if residence is not None else None
    if registered is not None:
        facts["defendant_registered_place"] = registered.text
    if office is not None:
        facts["defendant_office_place"] = office.text
    if residence is not None:
        facts["defendant_residence_place"] = residence.text
        if months is not None:
            facts["defendant_residence_months"] = months
            facts["defendant_away_over_year"] = months >= 12
    if months is not None and months < 12 and registered is None and not plain:
        del facts["defendant_away_over_year"]
    chosen: PlaceRole | None = None
    if office is not None:
        chosen = office
    elif residence is not None and months is not None and months >= 12:
        chosen = residence
    elif registered is not None:
        chosen = registered
    elif residence is not None and (months is None or not plain):
        chosen = residence
    elif plain:
        chosen = plain[0]
    if chosen is not None:
        facts["defendant_place"] = chosen.text
    distinct: dict[str, str] = {}
    for p in plain:
        distinct.setdefault(court.locate(p.text).canonical or p.text, p.text)
    if len(distinct) > 1 and registered is None and residence is None and office is None:
        facts["defendant_places"] = list(distinct.values())
    return facts


def _at_their_business(text: str) -> bool:
    """The story tells an incident at the other side's business ("在他店里喝酒，他把我打伤了")."""
    words = load_role_words()
    at = "|".join(map(re.escape, words.at_business))
    for sentence in _SENTENCE.split(text):
        if re.search(r"在(?:他|她|对方)(?:的|家|们)?(?:" + at + ")", sentence) and any(
            c in sentence for c in words.incident_cues
        ):
            return True
    return False


def _at_own_premises(text: str) -> bool:
    """The story tells an incident on the teller's own land or premises ("从俺地里轧过去", "在俺门市门口撞翻了")."""
    words = load_role_words()
    own = (
        r"(?:从|在|进|到|往)(?:俺|我)(?:们)?(?:家)?(?:的)?"
        r"(?:地里|田里|地头|麦地|玉米地|菜地|果园|院里|院子里|家门口|门口|门市|店里|店门口|屋里|家里|厂里|鱼塘)"
    )
    for sentence in _SENTENCE.split(text):
        if re.search(own, sentence) and any(c in sentence for c in words.incident_cues):
            return True
    return False


def place_facts(
    places: Sequence[PlaceRole], court: Court, default_role: str, text: str = ""
) -> dict[str, Any]:
    """The flat facts the intake and jurisdiction read (keys absent when the story does not say)."""
    facts: dict[str, Any] = {}
    for key, role in _THING_FACTS:
        found = _first(places, role)
        if found is not None:
            facts[key] = found.text
    facts.update(_defendant_facts(places, court))
    business = _first(places, "business")
    if "incident_place" not in facts and business is not None and _at_their_business(text):
        facts["incident_place"] = business.text  # 在他店里…把我打伤了: the tort happened at his shop
    if "incident_place" not in facts and "plaintiff_place" in facts and _at_own_premises(text):
        facts["incident_place"] = facts["plaintiff_place"]  # 从俺地里轧过去, 在俺门市门口撞的: the teller's place
    if default_role not in facts:
        fallback = next((p for p in places if "event" in p.roles), None)
        if fallback is None and default_role != "defendant_place":
            fallback = next((p for p in places if not p.roles), None)  # a place said of nobody is no domicile
        if fallback is not None:
            facts[default_role] = fallback.text
    return facts


__all__ = ["PlaceRole", "load_role_words", "mask_names", "place_facts", "place_spans", "read_places"]
