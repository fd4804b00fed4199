"""Which courts may hear the case, and is this court one of them? Connecting points held as data
(knowledge/data/jurisdiction.yaml), places read by :meth:`knowledge.court.Court.locate`.

:func:`check_jurisdiction` takes the cause's rule key and the facts (places as free text, a few flags) and
answers with a :class:`JurisdictionResult`:

- ``competent``: True when any connecting point lies in this court's district (the plaintiff may choose among
  competent courts, 民事诉讼法第三十六条), False when every point is known and lies elsewhere, None when a
  needed place is unknown or too vague (a 小区, a village, "焦作" alone: ``missing`` lists what to ask) or
  labour arbitration comes first;
- ``rule``: the rule that names the court (defendant_domicile, contract_performance_place, loan_receiving_party,
  tort_place, traffic_accident_place, real_estate_exclusive, agreement_clause, …; must_ask_place when undecided);
- ``court``: a court named only from data — this court, a neighbour's court from court.yaml, or the basic court
  of a county-level place the gazetteer knows (``courts`` lists every one that can be named);
- ``place``: a connecting point outside this city, by its full name ("郑州市", "陕西省商洛市山阳县"), so that
  "请向新乡市有管辖权的基层人民法院起诉" can be said where no court's name is known — never an invented name.

The contract rule's points give way to the place of performance the law fixes for the kind of contract the
story tells (a lease of a machine: where it is used; an online sale: the delivery address; a sale paid on the
spot: where it was made; a house sale: the receiving party's place for the price), and to a written choice of
court — unless the dispute is an exclusive one (a house lease, real property, inheritance).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field

from knowledge._base import DATA_DIR, DataModel, Tag, load_model
from knowledge.court import Court, PlaceMatch
from knowledge.errors import DataFileError


class Point(DataModel):
    fact: str
    label: str
    rule: str
    source: str
    tag: Tag
    only_if: str | None = None
    unless: list[str] = Field(default_factory=list)
    optional: bool = False  # counts only when the story gives it (an agreed place; other defendants)


class Rule(DataModel):
    points: list[str]
    exclusive: bool = False
    agreement_allowed: bool = False
    note: str | None = None
    note_staff: str | None = None
    arbitration_first: bool = False
    arbitration_note: str | None = None
    exceptions: list[str] = Field(default_factory=list)
    exception_note: str | None = None


class ContractKind(DataModel):
    key: str
    words: list[str]
    also: list[str] = Field(default_factory=list)
    unless: list[str] = Field(default_factory=list)
    exclusive: bool = False
    points: list[str]
    source: str
    rules: list[str] = Field(default_factory=list)  # the cause rules it applies under (empty: the contract ones)


class JurisdictionRules(DataModel):
    points: dict[str, Point]
    rules: dict[str, Rule]
    kinds: list[ContractKind]
    owed_money_words: list[str]
    payment_order_words: list[str]
    missing_person_words: list[str]
    imprisoned_words: list[str] = Field(default_factory=list)
    personal_insurance_words: list[str] = Field(default_factory=list)
    party_terms: list[str]

    def model_post_init(self, __context: Any) -> None:
        named = [p for r in self.rules.values() for p in r.points] + [p for k in self.kinds for p in k.points]
        unknown = sorted(set(named) - set(self.points))
        if unknown:
            raise ValueError(f"unknown connecting points {unknown}")


@functools.cache
def load_jurisdiction_rules(path: Path = DATA_DIR / "jurisdiction.yaml") -> JurisdictionRules:
    try:
        return load_model(JurisdictionRules, path)
    except ValueError as exc:  # pragma: no cover - the shipped file is checked by the tests
        raise DataFileError(f"{path}: {exc}") from exc


# rule keys whose points a kind of contract told by the story replaces
_KIND_APPLIES = {
    "contract": None,
    "general": None,
    "service_at_property": None,
    "real_property": {"movable_lease", "house_sale"},  # a "lease" of a machine, a house sold: not exclusive
}


def agreed_court_party(text: str, terms: Sequence[str]) -> str | None:
    """Whose place a written choice of court names ("争议由甲方所在地人民法院管辖"): 'plaintiff' or 'defendant' by
    the side the teller says they are ("我是甲方"), or 'signed' (合同签订地, 民事诉讼法第三十五条); None when no clause
    names a party or the side is not said.
    Such a clause is valid when the place can be fixed at filing (民事诉讼法第三十五条；民诉解释第三十条)."""
    if re.search(r"(?:合同)?(?:签订|签约|签署)地(?:的)?(?:人民)?法院", text):
        return "signed"  # "由合同签订地人民法院管辖": the place the story says it was signed
    alt = "|".join(sorted(map(re.escape, terms), key=len, reverse=True))
    clause = re.search(rf"({alt})(?:的)?(?:所在地|住所地|住地|所在)(?:的)?(?:人民)?法院", text)
    if clause is None:
        return None
    named = clause.group(1)
    if named in ("原告", "被告"):
        return "plaintiff" if named == "原告" else "defendant"
    side = rf"(?:是|为|作为|属于|就是|算)(?:合同里的|合同上的)?({alt})"
    mine = re.search(r"(?:我|俺|咱|本人)(?:们|家)?" + side, text)
    theirs = re.search(r"(?:他|她|对方|他们|她们)(?:家)?" + side, text)
    if mine is not None:
        return "plaintiff" if mine.group(1) == named else "defendant"
    if theirs is not None:
        return "defendant" if theirs.group(1) == named else "plaintiff"
    return None


def story_flags(text: str, rules: JurisdictionRules) -> dict[str, Any]:
    """What the story's words tell jurisdiction: the kind of contract, money owed to the teller, a payment order,
    a missing other side, a choice of court naming a party's place."""
    flags: dict[str, Any] = {}
    for kind in rules.kinds:
        told = any(w in text for w in kind.words) and (not kind.also or any(w in text for w in kind.also))
        if told and not any(w in text for w in kind.unless):
            flags["contract_kind"] = kind.key
            break
    if any(w in text for w in rules.owed_money_words):
        flags["owed_money"] = True
    if any(w in text for w in rules.payment_order_words):
        flags["payment_order"] = True
    if any(w in text for w in rules.missing_person_words):
        flags["defendant_missing"] = True
    if any(w in text for w in rules.imprisoned_words):
        flags["defendant_imprisoned"] = True
    if any(w in text for w in rules.personal_insurance_words):
        flags["personal_insurance"] = True
    party = agreed_court_party(text, rules.party_terms)
    if party is not None:
        flags["agreed_court_party"] = party
    return flags


@dataclass(frozen=True, slots=True)
class PointResult:
    key: str
    label: str
    rule: str
    source: str
    tag: str
    fact: str
    match: PlaceMatch | None  # None: the place is not known


@dataclass(frozen=True, slots=True)
class JurisdictionResult:
    competent: bool | None
    court: str | None
    basis: str
    missing: list[str] = field(default_factory=list)
    arbitration_first: bool = False
    matches: list[tuple[str, PlaceMatch]] = field(default_factory=list)
    rule: str | None = None
    place: str | None = None
    courts: list[str] = field(default_factory=list)
    points: list[PointResult] = field(default_factory=list)
    staff_notes: list[str] = field(default_factory=list)


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _several_places(facts: Mapping[str, Any], court: Court) -> bool:
    places = facts.get("defendant_places")
    if not isinstance(places, list):
        return False
    keys = {court.locate(p).canonical or p for p in places if isinstance(p, str)}
    return len(keys) > 1


def _domicile(facts: Mapping[str, Any], court: Court) -> tuple[list[PlaceMatch], str | None]:
    """The defendant's domicile: the places that count and, when undecidable, the fact to ask.

    A residence of a year or more replaces the 户籍 (民诉解释第四条); a company's office replaces its
    registration (第三条). When the story gives a 户籍 and a residence without saying how long, the answer is
    the same either way or the length of stay is asked — naming two places never flips it.
    """
    place = _text(facts.get("defendant_place"))
    registered = _text(facts.get("defendant_registered_place"))
    residence = _text(facts.get("defendant_residence_place"))
    months = facts.get("defendant_residence_months")
    if _text(facts.get("defendant_office_place")):
        return [court.locate(place)], None
    if registered and residence and registered != residence and not isinstance(months, int):
        a, b = court.locate(registered), court.locate(residence)
        if a.decided and b.decided and (a.kind == "local") != (b.kind == "local"):
            return [a, b], "defendant_residence_months"
    return ([court.locate(place)] if place else []), None


def _evaluate(
    keys: Sequence[str], facts: Mapping[str, Any], court: Court, rules: JurisdictionRules
) -> tuple[list[PointResult], list[str]]:
    results: list[PointResult] = []
    missing: list[str] = []
    flags = {
        **facts,
        "defendants_in_several_places": _several_places(facts, court) or facts.get("defendants_in_several_places"),
    }
    for key in keys:
        point = rules.points[key]
        if point.only_if and not flags.get(point.only_if):
            continue
        if any(flags.get(name) for name in point.unless):
            continue
        if point.fact == "defendant_place" and point.rule == "defendant_domicile":
            matches, ask = _domicile(facts, court)
            if ask:  # undecided until the length of stay is known: neither place decides yet
                missing.append(ask)
                results.append(PointResult(key, point.label, point.rule, point.source, point.tag, point.fact, None))
                continue
        else:
            value = facts.get(point.fact)
            values = value if isinstance(value, list) else [value]
            matches = [court.locate(v) for v in values if _text(v)]
            if point.optional and not matches:
                continue
        if not matches:
            missing.append(point.fact)
            results.append(PointResult(key, point.label, point.rule, point.source, point.tag, point.fact, None))
            continue
        for m in matches:
            results.append(PointResult(key, point.label, point.rule, point.source, point.tag, point.fact, m))
            if not m.decided:
                missing.append(point.fact)
    return results, list(dict.fromkeys(missing))


@dataclass(frozen=True, slots=True)
class _Plan:
    keys: list[str]
    exclusive: bool
    prefix: str  # said before the answer (a wage IOU's exception, a choice of court that cannot apply)
    kind_note: str  # the article fixing the place of performance of the story's kind of contract
    agreed: str | None = None  # the place a written choice of court names (its own words or a party's place)


def _plan(rule_key: str, rule: Rule, facts: Mapping[str, Any], rules: JurisdictionRules, prefix: str) -> _Plan:
    """The connecting points that count: the cause's, or those of the kind of contract the story tells, or the
    court a written clause chose (never against an exclusive rule, 民事诉讼法第三十五条)."""
    keys, exclusive, kind_note = list(rule.points), rule.exclusive, ""
    allowed = _KIND_APPLIES.get(rule_key, set())
    kind = next((k for k in rules.kinds if k.key == facts.get("contract_kind")), None)
    if kind is not None and kind.rules:
        applies = rule_key in kind.rules
    else:
        applies = kind is not None and rule_key in _KIND_APPLIES and (allowed is None or kind.key in allowed)
    if kind is not None and applies:
        keys, exclusive, kind_note = list(kind.points), kind.exclusive, f"（{kind.source}）"
    agreed = _text(facts.get("agreed_court_place"))
    party = facts.get("agreed_court_party")
    if agreed is None and party in ("plaintiff", "defendant", "signed"):  # "由甲方所在地人民法院管辖" (the teller
        agreed = _text(facts.get(f"{party}_place"))  # being 甲方), "由合同签订地人民法院管辖"
    if agreed and not exclusive and (rule.agreement_allowed or (kind is not None and applies)):
        return _Plan(["agreed_court"], exclusive, prefix, kind_note, agreed)
    if agreed and exclusive:
        prefix += "合同里约定的管辖法院不能改变专属管辖，约定的这一条不适用（民事诉讼法第三十五条）。"
    return _Plan(keys, exclusive, prefix, kind_note)


def check_jurisdiction(
    rule_key: str, facts: Mapping[str, Any], court: Court, rules: JurisdictionRules
) -> JurisdictionResult:
    if facts.get("payment_order"):
        rule_key = "payment_order"
    try:
        rule = rules.rules[rule_key]
    except KeyError as exc:
        raise DataFileError(f"no jurisdiction rule {rule_key!r}") from exc
    prefix = ""
    if rule.arbitration_first:
        if not any(facts.get(name) for name in rule.exceptions):
            employer = court.locate(_text(facts.get("employer_place")) or _text(facts.get("defendant_place")))
            where = f"（{employer.place}）" if employer.decided else "所在地"
            basis = f"{rule.arbitration_note} 请先向用人单位{where}的劳动人事争议仲裁委员会申请仲裁。"
            return JurisdictionResult(None, None, basis, [], True, rule="labour_arbitration")
        prefix = (rule.exception_note or "") + " "
        if not _text(facts.get("employer_place")) and _text(facts.get("defendant_place")):
            facts = {**facts, "employer_place": facts.get("defendant_place")}
    if _unconnected_court(facts, court):
        facts = {k: v for k, v in facts.items() if k != "agreed_court_place"}
        prefix += (
            "合同约定的管辖法院与双方住所地、履行地等都没有实际联系，这一约定无效，按法定管辖确定"
            "（民事诉讼法第三十五条；如果合同是在那里签订的或者标的物在那里，约定仍然有效）。"
        )
    plan = _plan(rule_key, rule, facts, rules, prefix)
    if plan.agreed is not None:
        facts = {**facts, "agreed_court_place": plan.agreed}
    points, missing = _evaluate(plan.keys, facts, court, rules)
    staff = [rule.note_staff] if rule.note_staff else []
    if any(p.match is not None and p.match.derived for p in points):
        staff.append(
            "外地法院名称按“市辖区、县、不设区的市设基层人民法院”（人民法院组织法第二十四条）由区县名推出 [S]，"
            "以法院公布为准。"
        )
    staff.extend(f"{p.label}：{p.source} [{p.tag}]" for p in points if p.tag != "V")
    local = next((p for p in points if p.match is not None and p.match.kind == "local"), None)
    if local is not None:
        return _here(local, points, court, rule, plan=plan, staff=staff)
    if not missing and points:
        return _elsewhere(points, court, plan, staff)
    return _undecided(points, missing, court, rules, plan=plan, staff=staff)


# the places a written choice of court may name (民事诉讼法第三十五条: 被告住所地、合同履行地、合同签订地、原告住所地、
# 标的物所在地等与争议有实际联系的地点), as the story gives them
_CONNECTED = (
    "plaintiff_place",
    "defendant_place",
    "defendant_registered_place",
    "defendant_residence_place",
    "agreed_performance_place",
    "delivery_place",
    "transaction_place",
    "property_place",
    "use_place",
)


def _unconnected_court(facts: Mapping[str, Any], court: Court) -> bool:
    """A court named by a written clause whose place is none of the places the story gives, though both parties'
    places are given: no actual connection with the dispute, so the clause is void (民事诉讼法第三十五条)."""
    agreed = _text(facts.get("agreed_court_place"))
    if agreed is None or not (_text(facts.get("plaintiff_place")) and _text(facts.get("defendant_place"))):
        return False
    target = court.locate(agreed)
    if not target.decided or target.court is None:
        return False
    told = [court.locate(v) for k in _CONNECTED if (v := _text(facts.get(k)))]
    return all(m.decided and m.court != target.court for m in told)


def _place(points: Sequence[PointResult]) -> str | None:
    """The first connecting point outside this city, by its full name (郑州市, 陕西省商洛市山阳县)."""
    elsewhere = [p.match for p in points if p.match is not None and p.match.kind == "elsewhere"]
    return next((m.canonical or m.area or m.place for m in elsewhere), None)


def _sources(points: Sequence[PointResult]) -> str:
    return "；".join(dict.fromkeys(p.source for p in points))


def _short(label: str) -> str:
    return label.split("（", maxsplit=1)[0]


def _here(
    local: PointResult, points: list[PointResult], court: Court, rule: Rule, *, plan: _Plan, staff: list[str]
) -> JurisdictionResult:
    place = _place(points)
    others = [c for c in _courts(points, court) if c != court.name]
    also = f"也可以向{'、'.join(others)}起诉（原告可以选择，民事诉讼法第三十六条）。" if others else ""
    if place and not others:
        also = f"{place}有管辖权的基层人民法院也可以管辖（原告可以选择，民事诉讼法第三十六条）。"
    where = local.match.place if local.match is not None else court.district
    basis = (
        f"{plan.prefix}{_short(local.label)}在{court.district}（{where}），本院有管辖权"
        f"（{local.source}）{plan.kind_note}。{also}{rule.note or ''}"
    )
    matches = [(p.fact, p.match) for p in points if p.match is not None]
    # the rule the answer turns on: the special connecting point the story gives (a house handed over where it
    # lies, 民诉解释第十八条第二款), even where this court is competent through the general one as well (the
    # defendant's domicile, 民事诉讼法第二十二条)
    special = (p for p in points if p.match is not None and p.match.decided and p.rule != "defendant_domicile")
    lead = local if local.rule != "defendant_domicile" else next(special, local)
    return JurisdictionResult(
        True, court.name, basis, [], False, matches, lead.rule, place, [court.name, *others], points, staff
    )


def _elsewhere(points: list[PointResult], court: Court, plan: _Plan, staff: list[str]) -> JurisdictionResult:
    place = _place(points)
    named = next((p for p in points if p.match is not None and p.match.court and not p.match.derived), None)
    named = named or next((p for p in points if p.match is not None and p.match.court), None)
    chosen = named or points[0]
    target = chosen.match.court if chosen.match is not None and chosen.match.court else None
    where = target or (f"{place}有管辖权的基层人民法院" if place else "有管辖权的法院")
    caveat = "（法院名称以法院公布为准）" if chosen.match is not None and chosen.match.derived else ""
    labels = "、".join(dict.fromkeys(_short(p.label) for p in points))
    only = "（专属管辖，只能由该地法院管辖）" if plan.exclusive else ""
    basis = (
        f"{plan.prefix}按{labels}确定管辖{only}，这些地点都不在{court.district}，本院没有管辖权；"
        f"请向{where}起诉{caveat}（依{_short(chosen.label)}；{_sources(points)}）{plan.kind_note}。"
    )
    matches = [(p.fact, p.match) for p in points if p.match is not None]
    courts = _courts(points, court)
    return JurisdictionResult(False, target, basis, [], False, matches, chosen.rule, place, courts, points, staff)


def _undecided(
    points: list[PointResult],
    missing: list[str],
    court: Court,
    rules: JurisdictionRules,
    *,
    plan: _Plan,
    staff: list[str],
) -> JurisdictionResult:
    vague = [p.match for p in points if p.match is not None and p.match.kind == "vague"]
    city_only = [p.match for p in points if p.match is not None and p.match.kind == "city_only"]
    if vague:
        why = f"您说的“{vague[0].place}”不能确定在哪个区县，请说明到区县（乡镇、街道）。"
    elif city_only:
        why = f"已知地点只到{city_only[0].canonical or court.city}，还需要知道具体在哪个区县。"
    elif "defendant_residence_months" in missing:
        why = (
            "对方户籍地和现住地不在同一个区县：离开户籍地连续居住满一年的，以现住地为经常居住地"
            "（民诉解释第四条），请说明对方在现住地住了多久。"
        )
    else:
        why = "还需要知道相关地点才能判断本院是否有管辖权。"
    if not points:
        missing = list(dict.fromkeys(rules.points[k].fact for k in plan.keys)) or ["defendant_place"]
    labels = "、".join(dict.fromkeys(_short(p.label) for p in points)) or "、".join(
        dict.fromkeys(_short(rules.points[k].label) for k in plan.keys)
    )
    only = "（专属管辖，只能由该地法院管辖）" if plan.exclusive else ""
    sources = _sources(points)
    basis = f"{plan.prefix}可以起诉的法院：{labels}{only}。{why}" + (f"（{sources}）" if sources else "")
    matches = [(p.fact, p.match) for p in points if p.match is not None]
    courts = _courts(points, court)
    return JurisdictionResult(
        None, None, basis, missing, False, matches, "must_ask_place", _place(points), courts, points, staff
    )


def _courts(points: Sequence[PointResult], court: Court) -> list[str]:
    """Every court the points name (this court first), each once."""
    out: list[str] = []
    if any(p.match is not None and p.match.kind == "local" for p in points):
        out.append(court.name)
    for p in points:
        if p.match is not None and p.match.court and p.match.court not in out and p.match.kind != "local":
            out.append(p.match.court)
    return out


__all__ = [
    "JurisdictionResult",
    "JurisdictionRules",
    "PointResult",
    "check_jurisdiction",
    "load_jurisdiction_rules",
    "story_flags",
]
