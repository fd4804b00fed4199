"""Mediation suitability as explainable rules (knowledge/data/mediation.yaml).

:func:`assess_mediation` returns whether offering people's mediation suits this case, every reason with its
source, and ``required_before_filing`` which is always False: mediation is offered, never a condition of filing
(SPC opinion of 2024-12-27, in force 2025-01-01). It is not offered for a status or validity matter
(民诉解释第一百四十三条), against a party nobody can name or reach, where there is domestic violence (never
pushed), when the person refuses, or when the matter is not a civil suit here (the routing stage's route:
police, administrative review, a protection order, a payment order, an appeal, retrial or enforcement).

:func:`story_matters` reads the story's own signs the rules use (a status matter; assets being moved now), and
:func:`preservation_first` says whether preservation comes before mediation or a suit.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from knowledge._base import DATA_DIR, DataModel, Tag, load_model
from knowledge.errors import DataFileError
from knowledge.routing import Cues

Route = Literal["people_mediation", "court_mediation_in_suit", "labour_mediation_or_arbitration", "hotline"]


class MediationClass(DataModel):
    suitable: bool
    route: Route
    reason: str
    source: str
    tag: Tag


class Blocker(DataModel):
    fact: str
    when: bool
    reason: str
    source: str
    tag: Tag


class RouteBlocker(DataModel):
    reason: str
    source: str
    tag: Tag


class Preservation(DataModel):
    any: list[str]
    reason: str
    none: str
    source: str
    tag: Tag

    @property
    def cues(self) -> Cues:
        return Cues(any=self.any)


class MediationRules(DataModel):
    always_text: str
    always_source: str
    always_tag: Tag
    confirmation_text: str
    confirmation_source: str
    classes: dict[str, MediationClass]
    blockers: list[Blocker]
    route_blockers: dict[str, RouteBlocker]
    status_matter: Cues
    special_matter: Cues
    preservation: Preservation


@functools.cache
def load_mediation_rules(path: Path = DATA_DIR / "mediation.yaml") -> MediationRules:
    return load_model(MediationRules, path)


@dataclass(frozen=True, slots=True)
class MediationResult:
    suitable: bool
    route: Route
    reasons: list[str]
    sources: list[str]
    note: str  # free, voluntary, never a condition of filing
    required_before_filing: Literal[False] = False
    blocked_by: tuple[str, ...] = ()  # the facts (or "route") that rule mediation out


def assess_mediation(
    class_key: str, facts: Mapping[str, Any], rules: MediationRules, route: str = "civil_suit"
) -> MediationResult:
    """Whether to offer people's mediation. ``route`` is the routing stage's route (``civil_suit`` by default)."""
    try:
        cls = rules.classes[class_key]
    except KeyError as exc:
        raise DataFileError(f"no mediation class {class_key!r}") from exc
    reasons = [cls.reason]
    sources = [cls.source]
    suitable = cls.suitable
    blocked: list[str] = []
    route_blocker = rules.route_blockers.get(route)
    if route_blocker is not None:
        suitable = False
        reasons.append(route_blocker.reason)
        sources.append(route_blocker.source)
        blocked.append("route")
    for blocker in rules.blockers:
        if blocker.fact in facts and facts[blocker.fact] is blocker.when:
            suitable = False
            reasons.append(blocker.reason)
            sources.append(blocker.source)
            blocked.append(blocker.fact)
    if blocked and cls.suitable:
        # the class's own "适宜调解" would contradict the blocker: only the reasons it is not offered are said
        reasons, sources = reasons[1:], sources[1:]
    note = rules.always_text
    if suitable:
        note += rules.confirmation_text
    sources.append(rules.always_source)
    return MediationResult(suitable, cls.route, reasons, sources, note, blocked_by=tuple(blocked))


def story_matters(text: str, rules: MediationRules) -> dict[str, bool]:
    """What the story itself shows that the rules read: ``status_confirmation`` (a status or validity matter) and
    ``urgency`` (assets being moved now). Only the signs found are returned (True)."""
    found: dict[str, bool] = {}
    if rules.status_matter.hits(text or ""):
        found["status_confirmation"] = True
    if rules.special_matter.hits(text or ""):
        found["special_procedure"] = True
    if rules.preservation.cues.hits(text or ""):
        found["urgency"] = True
    return found


@dataclass(frozen=True, slots=True)
class PreservationAdvice:
    first: bool
    reason: str
    source: str


def preservation_first(facts: Mapping[str, Any], rules: MediationRules) -> PreservationAdvice:
    """Preservation before mediation or a suit when assets are being moved now (民事诉讼法第一百零三条、一百零四条)."""
    p = rules.preservation
    if facts.get("urgency") is True:
        return PreservationAdvice(True, p.reason, p.source)
    return PreservationAdvice(False, p.none, p.source)
