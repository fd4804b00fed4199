"""Small-claims eligibility (小额诉讼) with a dated threshold held in knowledge/data/small_claims.yaml.

:func:`check_small_claims` applies 民事诉讼法第一百六十五条 (a simple money-payment case within the threshold
in force on the day; by agreement up to twice the base wage) and the exclusions of 第一百六十六条 and
民诉解释第二百五十七条, each read from the facts (flags, answers) or from its cue words in the story
(:func:`read_exclusions`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import model_validator

from knowledge._base import DATA_DIR, DataModel, Tag, load_model
from knowledge.cues import CueSet
from knowledge.errors import DataFileError


class Threshold(DataModel):
    province: str
    effective_from: date
    mandatory_max: Decimal
    agreement_max: Decimal
    source: str
    tag: Tag
    note: str

    @model_validator(mode="after")
    def _agreement_is_four_times_mandatory(self) -> Threshold:
        # 50% of the base wage and 2× it: the second is four times the first (to within the rounding of the notice)
        if abs(self.agreement_max - 4 * self.mandatory_max) > 4:
            raise ValueError(f"agreement_max {self.agreement_max} is not 4 × mandatory_max {self.mandatory_max}")
        return self


class Exclusion(DataModel):
    fact: str
    label: str
    source: str
    cues: CueSet | None = None
    no_simplified: bool = False


class NotMoney(DataModel):
    label: str
    source: str
    cues: CueSet


class SmallClaimsRules(DataModel):
    source: str
    tag: Tag
    thresholds: list[Threshold]
    exclusions: list[Exclusion]
    not_money: NotMoney
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
    exclusions: tuple[str, ...] = ()  # the facts of the exclusions that apply
    simplified_excluded: bool = False  # 民诉解释第二百五十七条: no simplified procedure either


def _fmt(value: Decimal) -> str:
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def read_exclusions(text: str, facts: Mapping[str, Any], rules: SmallClaimsRules) -> list[Exclusion]:
    """The exclusions that apply: their fact is true, or their cues are in the story."""
    return [e for e in rules.exclusions if facts.get(e.fact) is True or (e.cues is not None and e.cues.hits(text))]


def check_small_claims(
    amount: Decimal | float | int | None,
    facts: Mapping[str, Any],
    *,
    money_claim: bool,
    today: date,
    rules: SmallClaimsRules,
    province: str = "河南省",
    text: str = "",
    non_money_reason: str | None = None,
    amount_range: tuple[Decimal, Decimal] | None = None,
) -> SmallClaimsResult:
    """Whether a case can go by small-claims procedure.

    ``money_claim``: the claim is a simple money payment (False for status cases, custody, personality rights,
    removal of an obstruction, labour cases before arbitration and so on; ``non_money_reason`` says what it is in
    plain words). Exclusions come from boolean ``facts`` and from the cue words of ``text`` (the story).
    ``amount_range``: the person gave only a range ("三四万"); decided when both ends fall the same way.
    """
    t = rules.threshold_on(today, province)
    dated = f"（{t.source}；{t.note}）"
    hit = read_exclusions(text, facts, rules)
    no_simplified = any(e.no_simplified for e in hit)
    facts_hit = tuple(e.fact for e in hit)

    def refused(basis: str) -> SmallClaimsResult:
        return SmallClaimsResult(
            False, "not_eligible", t.mandatory_max, t.agreement_max, basis, facts_hit, no_simplified
        )

    if hit:
        reasons = "；".join(f"{e.label}（{e.source}）" for e in hit)
        return refused(f"{reasons}，不适用小额诉讼。")
    if not money_claim:
        what = f"{non_money_reason}，" if non_money_reason else "这类纠纷"
        return refused(f"小额诉讼只适用于简单的金钱给付案件，{what}不适用（{rules.source}）。")
    if rules.not_money.cues.hits(text):
        nm = rules.not_money
        return refused(f"{nm.label}，不是单纯的金钱给付案件，不适用小额诉讼（{nm.source}）。")
    if amount is None and amount_range is not None:
        lo, hi = sorted(amount_range)
        ends = [
            check_small_claims(v, facts, money_claim=True, today=today, rules=rules, province=province)
            for v in (lo, hi)
        ]
        if ends[0].mode == ends[1].mode:
            said = f"金额说的是{_fmt(lo)}–{_fmt(hi)}元，不论具体是多少，结论一样："
            return SmallClaimsResult(
                ends[0].eligible, ends[0].mode, t.mandatory_max, t.agreement_max, said + ends[0].basis
            )
        basis = (
            f"金额说的是{_fmt(lo)}–{_fmt(hi)}元，跨过了小额诉讼的标准（{_fmt(t.mandatory_max)}元以下应当适用，"
            f"{_fmt(t.agreement_max)}元以下可以约定适用）{dated}，要先确定具体金额才能判断。"
        )
        return SmallClaimsResult(None, "unknown", t.mandatory_max, t.agreement_max, basis)
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
    return refused(f"请求金额{_fmt(value)}元，超过{_fmt(t.agreement_max)}元，不适用小额诉讼{dated}。")
