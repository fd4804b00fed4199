"""Which items of the SPC litigation risk notice (knowledge/data/risk_notices.yaml) apply to a case."""

from __future__ import annotations

import functools
from collections.abc import Set
from pathlib import Path
from typing import Literal

from knowledge._base import DATA_DIR, DataModel, Tag, load_model

Condition = Literal[
    "always",
    "never",
    "jurisdiction_risk",
    "limitation_risk",
    "evidence_gap",
    "money_claim",
    "urgency",
    "needs_appraisal",
]


class RiskItem(DataModel):
    item: int
    title: str
    before_filing: bool
    when: Condition
    text: str


class RiskNotice(DataModel):
    source: str
    tag: Tag
    items: list[RiskItem]


@functools.cache
def load_risk_notice(path: Path = DATA_DIR / "risk_notices.yaml") -> RiskNotice:
    return load_model(RiskNotice, path)


def applicable_risks(conditions: Set[str], notice: RiskNotice) -> list[RiskItem]:
    """Items to show before filing whose condition holds (``always`` always holds, ``never`` never does).

    Items not marked ``before_filing`` are added too when their specific condition holds (e.g. item 7 on
    preservation when assets may be moved), since they then concern this case directly.
    """
    held = set(conditions) | {"always"}
    return [item for item in notice.items if item.when in held and (item.before_filing or item.when != "always")]
