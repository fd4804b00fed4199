"""The cause-of-action table (knowledge/data/causes.yaml) and the evidence vocabulary (evidence.yaml)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import model_validator

from knowledge._base import DATA_DIR, DataModel, Tag, load_model
from knowledge.errors import UnknownCauseError
from knowledge.fees import FeeKind, Relief

OTHER = "其他"


class EvidenceItem(DataModel):
    label: str
    any_of: list[str]
    key: bool
    source: str
    tag: Tag


class CauseSpec(DataModel):
    summary: str
    fee_kind: FeeKind
    fee_relief: Relief | None = None
    money_claim: bool
    status_case: bool = False
    jurisdiction: str
    limitation: str
    mediation: str
    route: Literal["filing", "arbitration", "hotline"]
    evidence: list[EvidenceItem]


class EvidenceVocabulary(DataModel):
    items: dict[str, list[str]]


class CauseTable(DataModel):
    causes: dict[str, CauseSpec]

    @model_validator(mode="after")
    def _has_other(self) -> CauseTable:
        if OTHER not in self.causes:
            raise ValueError(f"the cause table must contain {OTHER!r}")
        return self

    def get(self, name: str) -> CauseSpec:
        try:
            return self.causes[name]
        except KeyError as exc:
            raise UnknownCauseError(name) from exc

    @property
    def names(self) -> list[str]:
        """The deep causes (those causes.yaml lists), 其他 included — not the family-assessed ones added later."""
        return [n for n in self.causes if n not in self.extended]

    extended: frozenset[str] = frozenset()

    def with_causes(self, specs: dict[str, CauseSpec]) -> CauseTable:
        """The table with more causes (assessed by their catalogue family: knowledge.generic), the deep ones kept."""
        clash = sorted(set(specs) & set(self.causes))
        if clash:
            raise ValueError(f"already in the cause table: {clash[:5]}")
        return self.model_copy(
            update={"causes": {**self.causes, **specs}, "extended": frozenset(self.extended | set(specs))}
        )


@functools.cache
def load_causes(path: Path = DATA_DIR / "causes.yaml") -> CauseTable:
    return load_model(CauseTable, path)


@functools.cache
def load_evidence_vocabulary(path: Path = DATA_DIR / "evidence.yaml") -> EvidenceVocabulary:
    return load_model(EvidenceVocabulary, path)
