"""Litigation fee calculators (诉讼费用交纳办法), driven by knowledge/data/fees.yaml.

All money is :class:`~decimal.Decimal` in yuan, computed to the fen. Public functions:

- :func:`property_fee` — 案件受理费 of a property case (cumulative bands, 办法第十三条第（一）项).
- :func:`halved` — the one-time halving (simplified procedure, mediation or withdrawal).
- :func:`preservation_fee` — 保全申请费 (办法第十四条, capped).
- :func:`estimate_fee` — the fee for a cause of action: a point figure where the law fixes one, otherwise the
  statutory range, with a Chinese ``basis`` that says which rule was used and what is not known.

Each takes the loaded :class:`FeeRules` (:func:`load_fee_rules`; the server's ``Knowledge.fees``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

from pydantic import Field

from knowledge._base import DATA_DIR, DataModel, Tag, load_model
from knowledge.errors import AmountError

CENT = Decimal("0.01")
# Far above any real claim (the largest band starts at 20 million); a guard against typos and overflow.
MAX_AMOUNT = Decimal("1e12")

FeeKind = Literal["property", "divorce", "personality", "personality_injury", "labour", "support", "non_property"]


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


class RangedFee(DataModel):
    source: str
    tag: Tag
    min: Decimal
    max: Decimal
    province_amount: Decimal | None = None
    province_tag: Tag
    property_free_up_to: Decimal | None = None
    property_rate: Decimal | None = None
    damages_free_up_to: Decimal | None = None
    damages_bands: list[Band] = Field(default_factory=list)


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
    small_claims_note: str


class Note(DataModel):
    source: str
    tag: Tag
    note: str


class Relief(DataModel):
    source: str
    tag: Tag
    support_waiver: str
    injury_deferral: str
    labour_deferral: str


class FeeRules(DataModel):
    property: BandedTable
    divorce: RangedFee
    personality: RangedFee
    other_non_property: RangedFee
    labour: LabourFee
    halving: Halving
    preservation: BandedTable
    payment: Note
    relief: Relief


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


def _fmt(value: Decimal) -> str:
    text = f"{value:,.2f}"
    return text[:-3] if text.endswith(".00") else text


def estimate_fee(kind: FeeKind, amount: Decimal | float | int | None, rules: FeeRules) -> FeeEstimate:
    """Estimate the acceptance fee for a case of ``kind`` with claim ``amount`` (None: unknown).

    ``amount`` means the property claimed (property cases), the property to divide (divorce) or the damages
    claimed (personality rights).
    """
    value = None if amount is None else to_amount(amount)
    halving = "简易程序、调解结案或撤诉的减半收取（只减半一次）"
    if kind in ("property", "personality_injury"):
        table = rules.property
        notes: list[str] = [table.rounding_note]
        if kind == "personality_injury":
            notes.append(
                "人身损害赔偿一般按财产案件标准计费；个别法院可能按人格权案件标准（每件100–500元另加赔偿部分）计收"
                " [U]，以法院交费通知为准。"
            )
            notes.append(rules.relief.injury_deferral)
        if value is None:
            return FeeEstimate(
                kind, None, None, None, None, "还不知道请求金额，暂时算不出受理费。", table.source, tuple(notes)
            )
        fee = _banded(value, table)
        basis = f"按请求金额{_fmt(value)}元分段累计计算，受理费约{_fmt(fee)}元；{halving}为{_fmt(halved(fee))}元。"
        return FeeEstimate(kind, fee, halved(fee), fee, fee, basis, table.source, tuple(notes))
    if kind == "labour":
        lab = rules.labour
        basis = f"劳动争议案件每件交纳{_fmt(lab.amount)}元；{halving}为{_fmt(halved(lab.amount))}元。"
        return FeeEstimate(
            kind,
            lab.amount,
            halved(lab.amount),
            lab.amount,
            lab.amount,
            basis,
            lab.source,
            (lab.no_prepay_note, rules.relief.labour_deferral),
        )
    if kind == "support":
        basis = "追索抚养费、赡养费的案件可申请免交诉讼费用，法院应当准予。"
        return FeeEstimate(
            kind, None, None, Decimal(0), None, basis, rules.relief.source, (rules.relief.support_waiver,)
        )
    ranged = {"divorce": rules.divorce, "personality": rules.personality, "non_property": rules.other_non_property}[
        kind
    ]
    low, high = ranged.min, ranged.max
    extra = Decimal(0)
    free, rate = ranged.property_free_up_to, ranged.property_rate
    if kind == "divorce" and value is not None and free is not None and rate is not None and value > free:
        extra = ((value - free) * rate).quantize(CENT)
    if kind == "personality" and value is not None and ranged.damages_free_up_to is not None:
        extra = _extra_over(value, ranged.damages_free_up_to, ranged.damages_bands)
    low, high = low + extra, high + extra
    label = {"divorce": "离婚案件", "personality": "人格权案件"}.get(kind, "非财产案件")
    basis = (
        f"{label}每件{_fmt(ranged.min)}–{_fmt(ranged.max)}元，具体数额由省里确定，河南的标准暂未核实，请以法院通知为准"
    )
    if extra and kind == "divorce":
        basis += f"；分割财产超过{_fmt(ranged.property_free_up_to or Decimal(0))}元的部分另按0.5%交纳{_fmt(extra)}元"
    elif extra:
        basis += f"；赔偿金额超过{_fmt(ranged.damages_free_up_to or Decimal(0))}元的部分另行交纳{_fmt(extra)}元"
    basis += f"。合计约{_fmt(low)}–{_fmt(high)}元，{halving}。"
    if ranged.province_amount is not None:
        fee = ranged.province_amount + extra
        return FeeEstimate(kind, fee, halved(fee), fee, fee, basis, ranged.source)
    return FeeEstimate(kind, None, None, low, high, basis, ranged.source)
