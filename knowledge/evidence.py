"""Evidence gaps: a cause's checklist (causes.yaml) against the evidence a person said they hold."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.causes import CauseSpec, EvidenceItem


@dataclass(frozen=True, slots=True)
class EvidenceCheck:
    held: list[EvidenceItem]
    missing_key: list[EvidenceItem]  # key items not held: the gaps that matter most
    missing_other: list[EvidenceItem]

    @property
    def gap_labels(self) -> list[str]:
        return [item.label for item in self.missing_key]


def check_evidence(cause: CauseSpec, held: Iterable[str]) -> EvidenceCheck:
    have = set(held)
    got: list[EvidenceItem] = []
    key: list[EvidenceItem] = []
    other: list[EvidenceItem] = []
    for item in cause.evidence:
        if have.intersection(item.any_of):
            got.append(item)
        elif item.key:
            key.append(item)
        else:
            other.append(item)
    return EvidenceCheck(got, key, other)
