"""Is this court competent? A decision over connection points held as data (knowledge/data/jurisdiction.yaml).

:func:`check_jurisdiction` takes the cause's rule key and the facts (places as free text, a few booleans)
and answers ``competent`` True (some connection point lies in this court's area), False (all known points lie
elsewhere; ``court`` then names the court instead), or None (a needed place is unknown or only the city is
known; ``missing`` lists the facts to ask). Labour disputes go to labour arbitration first unless an exception
applies.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
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
    source: str
    tag: Tag
    only_if: str | None = None


class Rule(DataModel):
    points: list[Point]
    exclusive: bool = False
    note: str | None = None
    arbitration_first: bool = False
    arbitration_note: str | None = None
    exceptions: list[str] = Field(default_factory=list)
    exception_note: str | None = None


class JurisdictionRules(DataModel):
    rules: dict[str, Rule]


@functools.cache
def load_jurisdiction_rules(path: Path = DATA_DIR / "jurisdiction.yaml") -> JurisdictionRules:
    return load_model(JurisdictionRules, path)


@dataclass(frozen=True, slots=True)
class JurisdictionResult:
    competent: bool | None
    court: str | None
    basis: str
    missing: list[str] = field(default_factory=list)
    arbitration_first: bool = False
    matches: list[tuple[str, PlaceMatch]] = field(default_factory=list)


def check_jurisdiction(
    rule_key: str, facts: Mapping[str, Any], court: Court, rules: JurisdictionRules
) -> JurisdictionResult:
    try:
        rule = rules.rules[rule_key]
    except KeyError as exc:
        raise DataFileError(f"no jurisdiction rule {rule_key!r}") from exc
    prefix = ""
    if rule.arbitration_first:
        if not any(facts.get(name) for name in rule.exceptions):
            employer = court.locate(_text(facts.get("employer_place")) or _text(facts.get("defendant_place")))
            where = "所在地" if employer.kind in ("unknown", "city_only") else f"（{employer.place}）"
            basis = f"{rule.arbitration_note} 请先向用人单位{where}的劳动人事争议仲裁委员会申请仲裁。"
            return JurisdictionResult(None, None, basis, [], True)
        prefix = (rule.exception_note or "") + " "

    applicable = [p for p in rule.points if p.only_if is None or facts.get(p.only_if)]
    matches: list[tuple[str, PlaceMatch]] = []
    missing: list[str] = []
    for point in applicable:
        match = court.locate(_text(facts.get(point.fact)))
        if match.kind == "unknown":
            missing.append(point.fact)
            continue
        matches.append((point.fact, match))
        if match.kind == "local":
            basis = f"{prefix}{point.label}在{court.district}（{match.place}），本院有管辖权（{point.source}）。"
            if rule.note:
                basis += rule.note
            return JurisdictionResult(True, court.name, basis, [], False, matches)
    labels = "、".join(p.label for p in applicable)
    exclusive = "（专属管辖，只能由该地法院管辖）" if rule.exclusive else ""
    sources = "；".join(dict.fromkeys(p.source for p in applicable))
    if any(m.kind == "city_only" for _, m in matches):
        city_only = [fact for fact, m in matches if m.kind == "city_only"]
        basis = (
            f"{prefix}可以起诉的法院：{labels}{exclusive}。已知地点只到焦作市，还需要知道具体在哪个区县（{sources}）。"
        )
        return JurisdictionResult(None, None, basis, city_only + missing, False, matches)
    if missing:
        basis = (
            f"{prefix}可以起诉的法院：{labels}{exclusive}。还需要知道相关地点才能判断本院是否有管辖权（{sources}）。"
        )
        return JurisdictionResult(None, None, basis, missing, False, matches)
    fact, first = matches[0]
    label = next(p.label for p in applicable if p.fact == fact)
    basis = (
        f"{prefix}按{labels}确定管辖{exclusive}，这些地点都不在{court.district}，本院没有管辖权；"
        f"可以向{first.court}起诉（依{label}）（{sources}）。"
    )
    return JurisdictionResult(False, first.court, basis, [], False, matches)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
