"""Litigation fee calculators (诉讼费用交纳办法), driven by knowledge/data/fees.yaml.

All money is :class:`~decimal.Decimal` in yuan, computed to the fen. Public functions:

- :func:`property_fee` — 案件受理费 of a property case (cumulative bands, 办法第十三条第（一）项).
- :func:`halved` — the one-time halving (simplified procedure, mediation or withdrawal; 办法第十五、十六条).
- :func:`preservation_fee` — 保全申请费 (办法第十四条第（二）项, capped).
- :func:`read_fee_kind` — what the claim is, so which fee rule applies: the cause gives a default, the story can
  show a claim of another kind (a money claim under any cause is a property case; 名誉、肖像、隐私 are personality
  cases; custody without money is another non-property case; a processing fee is not a wage).
- :func:`estimate_fee` — the acceptance fee of a kind: a point figure where the law fixes one, otherwise the
  statutory range (the province's figure is not known), with a plain Chinese ``basis``.
- :func:`read_preservation` / :func:`estimate_preservation` — whether the story asks for (or needs) preservation,
  on what amount, and its fee.

Each takes the loaded :class:`FeeRules` (:func:`load_fee_rules`; the server's ``Knowledge.fees``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

from pydantic import Field

from knowledge._base import DATA_DIR, DataModel, Tag, load_model
from knowledge.cn_numbers import AmountMention, find_amounts
from knowledge.cues import CueSet
from knowledge.errors import AmountError

CENT = Decimal("0.01")
# Far above any real claim (the largest band starts at 20 million); a guard against typos and overflow.
MAX_AMOUNT = Decimal("1e12")

# The fee rule a case falls under (办法第十三条): the vocabulary of the assessment's ``fee.kind``.
FeeKind = Literal["property", "divorce", "personality", "other_non_property", "labour", "ip"]
# Fee relief the law grants a kind of claim on application (办法第四十五条、第四十七条).
Relief = Literal["support_waiver", "injury_deferral", "labour_deferral"]
RangedKind = Literal["divorce", "personality", "other_non_property", "ip"]


class Band(DataModel):
    above: Decimal
    up_to: Decimal | None
    rate: Decimal


class BandedTable(DataModel):
    source: str
    tag: Tag
    flat_up_to: Decimal
    flat_fee: Decimal
    bands: list[Band]
    rounding_note: str = ""
    cap: Decimal | None = None


class PreservationTable(BandedTable):
    asked: CueSet
    conduct: CueSet
    back_reference: list[str]


class RangedFee(DataModel):
    source: str
    tag: Tag
    label: str
    min: Decimal
    max: Decimal
    province_amount: Decimal | None = None
    province_tag: Tag
    extra_label: str = ""
    extra_free_up_to: Decimal | None = None
    extra_bands: list[Band] = Field(default_factory=list)


class LabourFee(DataModel):
    source: str
    tag: Tag
    amount: Decimal
    no_prepay_note: str


class Halving(DataModel):
    source: str
    tag: Tag
    grounds: list[str]
    once_only: bool


class Note(DataModel):
    source: str
    tag: Tag
    note: str


class ReliefNotes(DataModel):
    source: str
    tag: Tag
    support_waiver: str
    injury_deferral: str
    labour_deferral: str


class ClaimKindRule(DataModel):
    """A claim the story shows, which decides the fee rule whatever the recognised cause (see fees.yaml)."""

    rule: Literal["ip", "personality", "custody", "marriage_money", "adoption", "ownership", "not_wages"]
    label: str
    source: str
    tag: Tag
    kind: FeeKind
    with_money: FeeKind
    money_payment: bool
    overrides: list[FeeKind]
    also_overrides: dict[FeeKind, CueSet] = Field(default_factory=dict)
    when: list[list[CueSet]]

    def applies_to(self, cause_kind: FeeKind, text: str) -> bool:
        extra = self.also_overrides.get(cause_kind)
        return cause_kind in self.overrides or (extra is not None and extra.hits(text))

    def fires(self, text: str) -> bool:
        return any(all(cues.hits(text) for cues in alternative) for alternative in self.when)


class FeeRules(DataModel):
    property: BandedTable
    divorce: RangedFee
    personality: RangedFee
    other_non_property: RangedFee
    ip: RangedFee
    labour: LabourFee
    claim_kinds: list[ClaimKindRule]
    money_words: CueSet
    halving: Halving
    preservation: PreservationTable
    payment: Note
    relief: ReliefNotes

    def ranged(self, kind: RangedKind) -> RangedFee:
        return {
            "divorce": self.divorce,
            "personality": self.personality,
            "other_non_property": self.other_non_property,
            "ip": self.ip,
        }[kind]


@functools.cache
def load_fee_rules(path: Path = DATA_DIR / "fees.yaml") -> FeeRules:
    return load_model(FeeRules, path)


def to_amount(value: Decimal | float | int | str) -> Decimal:
    """Validate a money amount: a finite number, not negative, below :data:`MAX_AMOUNT`."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise AmountError(f"not a number: {value!r}", "金额格式不对，请只写数字，比如 50000 或 5万。") from exc
    if not amount.is_finite():
        raise AmountError(f"not finite: {value!r}", "金额格式不对，请只写数字，比如 50000 或 5万。")
    if amount < 0:
        raise AmountError(f"negative amount: {value!r}", "金额不能是负数，请再确认一下。")
    if amount > MAX_AMOUNT:
        raise AmountError(f"amount too large: {value!r}", "金额过大，请再确认一下是否多写了几位。")
    return amount


def _banded(amount: Decimal, table: BandedTable) -> Decimal:
    fee = table.flat_fee
    for band in table.bands:
        if amount <= band.above:
            break
        top = amount if band.up_to is None else min(amount, band.up_to)
        fee += (top - band.above) * band.rate
    if table.cap is not None:
        fee = min(fee, table.cap)
    return fee.quantize(CENT, rounding=ROUND_HALF_UP)


def property_fee(amount: Decimal | float | int | str, rules: FeeRules) -> Decimal:
    """案件受理费 of a property case for a claim of ``amount`` yuan. 0 yuan still pays the flat 50."""
    return _banded(to_amount(amount), rules.property)


def preservation_fee(amount: Decimal | float | int | str, rules: FeeRules) -> Decimal:
    """保全申请费 on the amount to be preserved (≤1,000: 30 yuan; 1%; 0.5%; capped at 5,000)."""
    return _banded(to_amount(amount), rules.preservation)


def halved(fee: Decimal) -> Decimal:
    """Half of a fee, to the fen. Apply it once only, whatever the number of halving grounds."""
    return (fee / 2).quantize(CENT, rounding=ROUND_HALF_UP)


def _extra_over(amount: Decimal, free_up_to: Decimal, bands: list[Band]) -> Decimal:
    extra = Decimal(0)
    for band in bands:
        if amount <= band.above:
            break
        top = amount if band.up_to is None else min(amount, band.up_to)
        extra += (top - max(band.above, free_up_to)) * band.rate
    return extra.quantize(CENT, rounding=ROUND_HALF_UP)


def _fmt(value: Decimal) -> str:
    text = f"{value:,.2f}"
    return text[:-3] if text.endswith(".00") else text


# -- what the claim is ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KindReading:
    """The fee rule of a case. ``rule`` names the story reading that decided it ("money_claim": a money claim
    under a non-property cause; None: the cause's own kind); ``money_payment`` says whether the claim is a simple
    money-payment case (None: as the cause says)."""

    kind: FeeKind
    rule: str | None = None
    label: str | None = None
    money_payment: bool | None = None


def asks_for_money(text: str, amount: Decimal | None, rules: FeeRules) -> bool:
    """Whether money is claimed: an amount is known, or the story asks for money in words."""
    return amount is not None or rules.money_words.hits(text)


def read_fee_kind(cause_kind: FeeKind, text: str, amount: Decimal | None, rules: FeeRules) -> KindReading:
    """The fee rule for a story whose cause has ``cause_kind``: the fee follows the claim, not the cause list."""
    money = asks_for_money(text, amount, rules)
    for rule in rules.claim_kinds:
        if rule.applies_to(cause_kind, text) and rule.fires(text):
            kind = rule.with_money if money else rule.kind
            return KindReading(kind, rule.rule, rule.label, rule.money_payment)
    if cause_kind == "other_non_property" and money:
        # 民诉解释第二百零一条: a money claim makes it a property case, whatever else is asked
        return KindReading("property", "money_claim", "要求对方给钱", True)
    if cause_kind == "ip" and money:
        # 办法第十三条第（三）项: an IP case with an amount in dispute pays as a property case
        return KindReading("property", "ip", "知识产权案件有争议金额，按财产案件标准", False)
    return KindReading(cause_kind)


# -- the acceptance fee --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeeEstimate:
    """A fee estimate. ``acceptance_fee`` is None when only a range is known (then ``low``/``high`` hold it)."""

    kind: FeeKind
    acceptance_fee: Decimal | None
    halved_fee: Decimal | None
    low: Decimal | None
    high: Decimal | None
    basis: str
    source: str
    notes: tuple[str, ...] = ()


HALVING = "适用简易程序、调解结案或撤诉的减半收取（只减半一次）"
HALVING_NO_SIMPLIFIED = "这类案件不适用简易程序（民诉解释第二百五十七条），只有调解结案或撤诉才减半收取（只减半一次）"


def estimate_fee(
    kind: FeeKind,
    amount: Decimal | float | int | None,
    rules: FeeRules,
    *,
    relief: Relief | None = None,
    label: str | None = None,
    simplified_excluded: bool = False,
) -> FeeEstimate:
    """Estimate the acceptance fee of a case of ``kind`` with ``amount`` (None: unknown).

    ``amount`` is the property claimed (property cases), the total property to divide (divorce) or the damages
    claimed (personality rights). ``relief`` adds the fee relief the law grants such a claim; ``label`` says in
    plain words why the story was read as this kind; ``simplified_excluded``: the case cannot go by simplified
    procedure (民诉解释第二百五十七条), so only mediation or withdrawal halve the fee.
    """
    value = None if amount is None else to_amount(amount)
    halving = HALVING_NO_SIMPLIFIED if simplified_excluded else HALVING
    lead = f"{label}，" if label else ""
    relief_notes = () if relief is None else (getattr(rules.relief, relief),)
    if kind == "property":
        table = rules.property
        notes = (table.rounding_note, *relief_notes)
        if value is None:
            basis = f"{lead}按请求金额分段累计计算（{table.source}），还不知道请求金额，暂时算不出受理费。"
            return FeeEstimate(kind, None, None, None, None, basis, table.source, notes)
        fee = _banded(value, table)
        basis = (
            f"{lead}按请求金额{_fmt(value)}元分段累计计算（{table.source}），受理费约{_fmt(fee)}元；"
            f"{halving}为{_fmt(halved(fee))}元。"
        )
        return FeeEstimate(kind, fee, halved(fee), fee, fee, basis, table.source, notes)
    if kind == "labour":
        lab = rules.labour
        basis = (
            f"劳动争议案件不论金额多少，每件交纳{_fmt(lab.amount)}元（{lab.source}）；"
            f"{halving}为{_fmt(halved(lab.amount))}元。"
        )
        notes = (lab.no_prepay_note, *(relief_notes or (rules.relief.labour_deferral,)))
        return FeeEstimate(kind, lab.amount, halved(lab.amount), lab.amount, lab.amount, basis, lab.source, notes)
    spec = rules.ranged(kind)
    extra = Decimal(0)
    parts = [
        f"{lead}{spec.label}每件{_fmt(spec.min)}–{_fmt(spec.max)}元（{spec.source}），河南的具体标准以法院公布为准"
    ]
    if value is not None and spec.extra_free_up_to is not None:
        extra = _extra_over(value, spec.extra_free_up_to, spec.extra_bands)
        if extra:
            parts.append(
                f"{spec.extra_label}{_fmt(value)}元，超过{_fmt(spec.extra_free_up_to)}元的部分另交{_fmt(extra)}元"
            )
        else:
            parts.append(f"{spec.extra_label}{_fmt(value)}元，不超过{_fmt(spec.extra_free_up_to)}元，不另交")
    low, high = spec.min + extra, spec.max + extra
    basis = "；".join(parts) + f"。合计约{_fmt(low)}–{_fmt(high)}元，{halving}。"
    if spec.province_amount is not None:
        fee = spec.province_amount + extra
        return FeeEstimate(kind, fee, halved(fee), fee, fee, basis, spec.source, relief_notes)
    return FeeEstimate(kind, None, None, low, high, basis, spec.source, relief_notes)


def estimate_fee_between(
    kind: FeeKind,
    low: Decimal | float | int,
    high: Decimal | float | int,
    rules: FeeRules,
    *,
    relief: Relief | None = None,
    label: str | None = None,
    simplified_excluded: bool = False,
) -> FeeEstimate:
    """The fee when the person gave only a range for the amount ("五六百", "三四万"): computed at both ends; one
    point figure when both ends pay the same, else the range of the two."""
    lo, hi = sorted((to_amount(low), to_amount(high)))
    at_low, at_high = (
        estimate_fee(kind, v, rules, relief=relief, label=label, simplified_excluded=simplified_excluded)
        for v in (lo, hi)
    )
    if kind == "labour" or at_low.low is None or at_high.high is None:
        return at_high
    halving = HALVING_NO_SIMPLIFIED if simplified_excluded else HALVING
    lead = f"{label}，" if label else ""
    said = f"金额说的是{_fmt(lo)}–{_fmt(hi)}元"
    fee, half = at_low.acceptance_fee, at_low.halved_fee
    if fee is not None and half is not None and fee == at_high.acceptance_fee:
        basis = (
            f"{lead}{said}，不论具体是多少，按分段累计计算（{at_low.source}）受理费都是{_fmt(fee)}元；"
            f"{halving}为{_fmt(half)}元。"
        )
        return FeeEstimate(kind, fee, half, fee, fee, basis, at_low.source, at_low.notes)
    span = f"{_fmt(at_low.low)}–{_fmt(at_high.high)}元"
    if kind == "property":
        basis = f"{lead}{said}，按分段累计计算（{at_low.source}），受理费约{span}，确定金额后才能算准；{halving}。"
    else:
        spec = rules.ranged(kind)
        basis = (
            f"{lead}{spec.label}每件{_fmt(spec.min)}–{_fmt(spec.max)}元（{spec.source}），河南的具体标准以法院公布为准；"
            f"{spec.extra_label or '金额'}说的是{_fmt(lo)}–{_fmt(hi)}元，合计约{span}，确定金额后才能算准；{halving}。"
        )
    return FeeEstimate(kind, None, None, at_low.low, at_high.high, basis, at_low.source, at_low.notes)


# -- preservation (保全) ---------------------------------------------------------------------------------------

_CLAUSE_BREAK = re.compile(r"[，,。；;！!？?\n]")


@dataclass(frozen=True, slots=True)
class PreservationNeed:
    """Preservation the story asks for (``asked``: property; ``conduct``: an act stopped or ordered) or needs
    (``urgency``: assets may be moved). ``amount``: the amount the story names for it, else the claim amount."""

    why: Literal["asked", "conduct", "urgency"]
    amount: Decimal | None
    named: bool


def _money_mentions(clause: str) -> list[AmountMention]:
    out = []
    for m in find_amounts(clause):
        if "费" in clause[: m.start]:  # "保全费是不是要500": the fee asked about, not the amount preserved
            continue
        digits = m.text.strip("元块钱圆")
        plain = digits.isdigit() and not m.has_unit
        if plain and (len(digits) > 9 or (m.start and re.match(r"[A-Za-z·\-#号]", clause[m.start - 1]))):
            continue  # an account, card or plate number
        out.append(m)
    return out


def read_preservation(
    text: str, *, urgent: bool, claim_amount: Decimal | None, rules: FeeRules
) -> PreservationNeed | None:
    """What preservation the story asks for or needs, and on what amount (None: none)."""
    table = rules.preservation
    clauses = [c for c in _CLAUSE_BREAK.split(text) if c]
    asked = False
    named: Decimal | None = None
    for i, clause in enumerate(clauses):
        if not table.asked.hits(clause):
            continue
        asked = True
        mentions = _money_mentions(clause)
        if mentions:
            named = mentions[-1].value  # the latest figure wins: what was actually frozen over what was hoped
        elif any(word in clause for word in table.back_reference):
            for earlier in reversed(clauses[:i]):
                previous = _money_mentions(earlier)
                if previous:
                    named = previous[-1].value
                    break
    if asked:
        return PreservationNeed("asked", named if named is not None else claim_amount, named is not None)
    if table.conduct.hits(text):
        return PreservationNeed("conduct", None, False)
    if urgent:
        return PreservationNeed("urgency", claim_amount, False)
    return None


def estimate_preservation(need: PreservationNeed, rules: FeeRules) -> tuple[Decimal | None, str]:
    """The preservation fee and its plain basis (办法第十四条第（二）项; 民事诉讼法第一百零三条、第一百零四条)."""
    table = rules.preservation
    rate = (
        f"不超过{_fmt(table.flat_up_to)}元或不涉及财产数额的每件{_fmt(table.flat_fee)}元，"
        "超过1,000元至10万元的部分按1%，超过10万元的部分按0.5%"
        f"，最多不超过{_fmt(table.cap or Decimal(0))}元（{table.source}）"
    )
    pay = "保全申请费由申请人预交，起诉时可以列入诉讼请求要求对方负担（诉讼费用交纳办法第三十八条）。"
    if need.why == "conduct":
        fee = table.flat_fee
        basis = (
            f"请求法院责令或禁止对方作出一定行为（行为保全），不涉及财产数额，每件{_fmt(fee)}元（{table.source}）。"
            "法院可以要求提供担保（民事诉讼法第一百零三条）。"
        )
        return fee, basis
    lead = (
        ""
        if need.why == "asked"
        else "对方可能转移财产的，可以申请诉前或诉讼中财产保全（民事诉讼法第一百零三条、第一百零四条）。"
    )
    if need.amount is None:
        return None, f"{lead}保全申请费按实际保全的财产数额计算：{rate}。还不知道要保全多少，暂时算不出。{pay}"
    fee = _banded(to_amount(need.amount), table)
    what = "实际保全的财产数额" if need.named else "请求金额（按实际保全的财产数额计）"
    capped = "，已到上限" if table.cap is not None and fee == table.cap else ""
    basis = f"{lead}按{what}{_fmt(need.amount)}元计算，保全申请费约{_fmt(fee)}元{capped}：{rate}。{pay}"
    return fee, basis
