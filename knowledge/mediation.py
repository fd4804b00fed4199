"""Mediation suitability as explainable rules (knowledge/data/mediation.yaml).

:func:`assess_mediation` returns whether offering people's mediation suits this case, every reason with its
source, and ``required_before_filing`` which is always False: mediation is offered, never a condition of filing
(SPC opinion of 2024-12-27, in force 2025-01-01).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from knowledge._base import DATA_DIR, DataModel, Tag, load_model
from knowledge.errors import DataFileError

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


class MediationRules(DataModel):
    always_text: str
    always_source: str
    always_tag: Tag
    confirmation_text: str
    confirmation_source: str
    classes: dict[str, MediationClass]
    blockers: list[Blocker]


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


def assess_mediation(class_key: str, facts: Mapping[str, Any], rules: MediationRules) -> MediationResult:
    try:
        cls = rules.classes[class_key]
    except KeyError as exc:
        raise DataFileError(f"no mediation class {class_key!r}") from exc
    reasons = [cls.reason]
    sources = [cls.source]
    suitable = cls.suitable
    for blocker in rules.blockers:
        if blocker.fact in facts and facts[blocker.fact] is blocker.when:
            suitable = False
            reasons.append(blocker.reason)
            sources.append(blocker.source)
    note = rules.always_text
    if suitable:
        note += rules.confirmation_text
    sources.append(rules.always_source)
    return MediationResult(suitable, cls.route, reasons, sources, note)
