"""Small-claims eligibility (小额诉讼) with a dated threshold held in knowledge/data/small_claims.yaml."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from knowledge._base import DATA_DIR, DataModel, Tag, load_model
from knowledge.errors import DataFileError


class Threshold(DataModel):
    province: str
    effective_from: date
    mandatory_max: Decimal
    agreement_max: Decimal
    source: str
    tag: Tag
    note: str


class Exclusion(DataModel):
    fact: str
    label: str
    source: str


class SmallClaimsRules(DataModel):
    source: str
    tag: Tag
    thresholds: list[Threshold]
    exclusions: list[Exclusion]
    final_note: str

    def threshold_on(self, day: date, province: str = "河南省") -> Threshold:
        """The threshold in force on ``day``: the latest entry effective on or before it."""
        candidates = [t for t in self.thresholds if t.province == province and t.effective_from <= day]
        if not candidates:
            raise DataFileError(f"no small-claims threshold for {province} in force on {day}")
        return max(candidates, key=lambda t: t.effective_from)


@functools.cache
def load_small_claims_rules(path: Path = DATA_DIR / "small_claims.yaml") -> SmallClaimsRules:
    return load_model(SmallClaimsRules, path)


Mode = Literal["mandatory", "by_agreement", "not_eligible", "unknown"]


@dataclass(frozen=True, slots=True)
class SmallClaimsResult:
    eligible: bool | None
    mode: Mode
    threshold_yuan: Decimal
    agreement_max_yuan: Decimal
    basis: str


def _fmt(value: Decimal) -> str:
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def check_small_claims(
    amount: Decimal | float | int | None,
    facts: Mapping[str, Any],
    *,
    money_claim: bool,
    today: date,
    rules: SmallClaimsRules,
    province: str = "河南省",
) -> SmallClaimsResult:
    """Whether a case can go by small-claims procedure.

    ``money_claim``: the cause is a simple money-payment case (False for status cases, removal of obstruction,
    labour cases before arbitration and so on). Boolean ``facts`` named in the exclusions table knock it out.
    """
    t = rules.threshold_on(today, province)
    dated = f"（{t.source}，{t.effective_from.isoformat()}起执行 [{t.tag}]；{t.note}）"
    if not money_claim:
        basis = f"小额诉讼只适用于简单的金钱给付案件，这类纠纷一般不适用（{rules.source}）。"
        return SmallClaimsResult(False, "not_eligible", t.mandatory_max, t.agreement_max, basis)
    hit = [e for e in rules.exclusions if facts.get(e.fact)]
    if hit:
        reasons = "、".join(f"{e.label}（{e.source}）" for e in hit)
        basis = f"{reasons}，不适用小额诉讼。"
        return SmallClaimsResult(False, "not_eligible", t.mandatory_max, t.agreement_max, basis)
    if amount is None:
        basis = f"河南目前小额诉讼标准为{_fmt(t.mandatory_max)}元以下{dated}，还不知道请求金额，暂时无法判断。"
        return SmallClaimsResult(None, "unknown", t.mandatory_max, t.agreement_max, basis)
    value = Decimal(str(amount))
    if value <= t.mandatory_max:
        basis = (
            f"请求金额{_fmt(value)}元，不超过{_fmt(t.mandatory_max)}元，事实清楚、争议不大的应当适用小额诉讼程序{dated}。"
            f"{rules.final_note}"
        )
        return SmallClaimsResult(True, "mandatory", t.mandatory_max, t.agreement_max, basis)
    if value <= t.agreement_max:
        basis = (
            f"请求金额{_fmt(value)}元，超过{_fmt(t.mandatory_max)}元但不超过{_fmt(t.agreement_max)}元，"
            f"双方都同意的可以适用小额诉讼程序{dated}。{rules.final_note}"
        )
        return SmallClaimsResult(True, "by_agreement", t.mandatory_max, t.agreement_max, basis)
    basis = f"请求金额{_fmt(value)}元，超过{_fmt(t.agreement_max)}元，不适用小额诉讼{dated}。"
    return SmallClaimsResult(False, "not_eligible", t.mandatory_max, t.agreement_max, basis)
