"""Which money in a story is the claim: money spans read with their roles, and the claim computed from them.

A number is money only with a money unit (元/块/万/千) or a money cue around it (借给他4500, 月租1500); digits
that belong to a phone, ID, bank-card, case or contract number, a date, a house or room number or a rate are
never money (:func:`knowledge.cn_numbers.identifier_spans`, :func:`knowledge.dates.find_dates`). Each span gets
a role from the cue words nearest to it (knowledge/data/extract.yaml, ``money``):

- ``claimed`` (赔俺三万, 告他还三十万), ``owed`` (还欠, 还差, 一直欠着, 也没给), ``lent`` (借给, 拿了俺),
  ``deposit`` (押金, 保证金), ``worth`` (车值十五万), ``spent`` (修好花了3000), ``item`` (一张一万五),
  ``price`` (总价, 转让价, 买了个899的), ``total`` (一共, 总共), ``repaid`` (还了2万), ``deducted``
  (押金3000抵了), a ``rate`` per month/year/day (月租1500, 一年1980), an ``addon`` claimed beside the debt
  (违约金三十万, 利息两千: 民法典第五百八十五条; the fee is on all the claims together, 诉讼费用交纳办法第十三条)
  and ``other``. Where the story divides property (离婚, 共同财产), savings and cash (存款二十万) are property
  worth dividing (``worth``: the divorce fee is on the total, 诉讼费用交纳办法第十三条第（二）项第1目).

:func:`read_claim` computes the claim, in this order: what the person says they claim; else what is still owed
(including a rate times a stated count: 欠了八个月房租，一个月三千 = 24,000), less what was set off against it;
else the sum of the distinct items (lent, deposits, property's worth, costs; a price only when nothing else),
less what was repaid; else a stated total; else a single figure. Add-ons (违约金, 利息) are added to the debt or
the items, unless the person waives them (利息不要了). A range (五六百, 三四万), a rough figure
(十来万, 万把块, 两万左右) or a repayment or set-off without a figure in the figures used makes the claim
uncertain: no amount is guessed, and the conversation asks (``ClaimReading.low``/``high`` keep a stated range).
A monthly or yearly figure is never the claim unless multiplied by a stated count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pydantic import Field

from knowledge._base import DataModel
from knowledge.cn_numbers import AmountMention, find_amounts, identifier_spans, overlaps, parse_number

Role = Literal[
    "claimed",
    "owed",
    "lent",
    "deposit",
    "worth",
    "spent",
    "item",
    "price",
    "total",
    "repaid",
    "deducted",
    "rate",
    "addon",
    "other",
]


class MoneyCues(DataModel):
    """Cue words for money roles (extract.yaml, ``money``)."""

    before: dict[str, list[str]]  # role → words before the figure (the nearest word decides)
    rate: dict[str, list[str]]  # unit (月/年/天/期) → words before a per-unit figure
    hearsay: list[str]  # the other side's words: a figure after these is not the person's own
    owed_after: list[str]  # after the figure: it is still unpaid (货款一百三十五万一直欠着)
    deducted_after: list[str]  # after the figure: it was set off (押金3000抵了)
    arrears: list[str]  # words that make "八个月" a count of unpaid periods
    worked: list[str] = Field(default_factory=list)  # words that make "四十五天" a count of days worked (gross)
    classifiers: list[str] = Field(default_factory=list)  # 一头一万三 (per unit), 三头三万九 (all of them)
    arrears_after: list[str] = Field(default_factory=list)  # the same said after the count (八个月房租都没交)
    paid_rounds: str = r"(?!)"  # payments told as rounds (给过三回钱): each figure of the list that follows …
    round_words: list[str] = Field(default_factory=list)  # … led by one of these (一回三千) is a repayment
    unquantified_minus: list[str]  # a repayment without a figure (还了一部分)
    net_owed: list[str] = Field(default_factory=list)  # owed cues that already net repayments (还欠, 剩下)
    waived_after: list[str] = Field(default_factory=list)  # after an add-on: the person does not ask it (不要了)
    division: list[str] = Field(default_factory=list)  # the story divides property (离婚, 共同财产)
    assets: list[str] = Field(default_factory=list)  # cues of savings, cash … : property to divide in a division


@dataclass(frozen=True, slots=True)
class MoneySpan:
    mention: AmountMention
    role: Role
    cue: str  # the word that gave the role ("" when none)
    unit: str | None = None  # for a rate: 月/年/天/期

    @property
    def value(self) -> Decimal:
        return self.mention.value


@dataclass(frozen=True, slots=True)
class ClaimReading:
    amount: Decimal | None  # the claim, when the story states it exactly
    uncertain: bool  # the story speaks of money but not exactly enough to compute the claim
    low: Decimal | None = None  # a stated range for the claim (五六百 → 500 … 600)
    high: Decimal | None = None
    spans: tuple[MoneySpan, ...] = ()

    @property
    def range(self) -> tuple[Decimal, Decimal] | None:
        return (self.low, self.high) if self.low is not None and self.high is not None else None


_CLAUSE_BREAK = re.compile(r"[，,。；;！!？?\n]|\.(?!\d)")
_COUNT = re.compile(
    r"(?P<n>\d{1,3}|[一二两俩三四五六七八九十半]{1,3})(?P<more>多)?个?(?P<more2>多)?(?P<unit>月|年|季度|期|天)"
)


def _clause(text: str, start: int, end: int) -> tuple[str, str]:
    left = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    right_match = _CLAUSE_BREAK.search(text, end)
    right = right_match.start() if right_match else len(text)
    return text[left:start], text[end:right]


def _nearest(before: str, words: dict[str, list[str]]) -> tuple[str, str] | None:
    """(role, word) of the cue ending nearest to the end of ``before`` (the longer word on a tie)."""
    best: tuple[int, int, str, str] | None = None
    for role, ws in words.items():
        for w in ws:
            at = before.rfind(w)
            if at < 0:
                continue
            key = (at + len(w), len(w))
            if best is None or key > best[:2]:
                best = (key[0], key[1], role, w)
    return (best[2], best[3]) if best else None


def _is_money(m: AmountMention, role: Role) -> bool:
    """Bare digits (no 元/块, no 万/千) are money only with a cue that gives them a role."""
    return m.has_unit or role != "other"


def money_spans(text: str, cues: MoneyCues, blocked: list[tuple[int, int]] | None = None) -> list[MoneySpan]:
    """The story's money, each with its role. ``blocked``: spans that are no money (dates; identifiers are
    always blocked)."""
    blocked = sorted([*identifier_spans(text), *(blocked or [])])
    spans: list[MoneySpan] = []
    for m in find_amounts(text):
        if overlaps(m.start, m.end, blocked):
            continue
        before, after = _clause(text, m.start, m.end)
        window = before[-12:]
        role: Role = "other"
        cue = ""
        unit: str | None = None
        rate = _nearest(window[-8:], cues.rate)
        if rate is not None and _duration(window[-8:], rate[1]):
            rate = None  # 一年多赊的: how long, not how much a year
        if rate is not None:
            at = m.start - len(window) + window.rfind(rate[1])
            if overlaps(at, at + len(rate[1]), blocked):
                rate = None  # 今年一月一万: 一月 is a date here, not "a month"
        found = _nearest(window, cues.before)
        if found is not None:
            role, cue = found[0], found[1]  # type: ignore[assignment]
        if rate is not None and (found is None or window.rfind(rate[1]) + len(rate[1]) >= window.rfind(cue) + len(cue)):
            role, cue, unit = "rate", rate[1], rate[0]
        if _hearsay(window, cues):
            role = "other"
        tail = after[:10]
        if role == "addon" and any(w in tail for w in cues.waived_after):
            role = "other"
        elif role == "other" and any(w in window[-6:] or w in after[:6] for w in cues.assets) and any(
            w in text for w in cues.division
        ):
            role = "worth"  # 俺俩有…，还有八万块钱存款: savings to divide
        if role in ("deposit", "lent", "other", "owed") and any(w in tail for w in cues.deducted_after):
            role = "deducted"
        elif role in ("other", "price") and any(w in tail for w in cues.owed_after) and not _hearsay(window, cues):
            role = "owed"
        if role == "other" and _paid_round(text, m.start, window, cues):
            role, cue = "repaid", window
        if role == "rate" and _OVERPAID.search(window[: window.rfind(cue)] if cue else ""):
            role, cue, unit = "item", window, None  # 多交的一个月房租一千八: a sum overpaid, not a monthly rate
        if role in ("other", "total") and _OTHER_SIDE_PAID.search(window):
            role, cue = "repaid", window  # 提车那天他交了一万八, 开发商到现在付了六百五十五万
        elif role in ("other", "lent") and _AGAIN_PAID.search(window) and any(s.role == "repaid" for s in spans):
            role, cue = "repaid", window  # 他先打了三万，后来又转了两万五: a second payment of the same payer
        if role == "other" and _lent_round(text, m.start):
            role, cue = "lent", window  # 前后从俺这拿过三回钱：前年腊月五千，去年六月一万二
        counted = _counted_units(window, cues)
        if counted is not None and role in ("other", "price", "item"):
            # 一头一万三: the price of one (never the claim); 三头三万九: the price of them all
            role, cue, unit = ("rate", window, counted[1]) if counted[0] == 1 else ("total", window, None)
        if not _is_money(m, role):
            continue
        spans.append(MoneySpan(m, role, cue, unit))
    return spans


# the other side as the payer of the figure that follows: 他交了, 开发商到现在付了, 老板前前后后给了
_OTHER_SIDE_PAID = re.compile(
    r"(?:他|她|对方|人家|他们|老板|开发商|公司|厂里|厂家|买家|买主|租户|房东)(?:们)?[^，。；！？俺我咱]{0,8}?"
    r"(?:交了|付了|给了|转了|打了|还了|结了|交过|付过|给过|转过|打过)$"
)
_OVERPAID = re.compile(r"多(?:交|付|给|缴)(?:了)?的(?:那)?$")
_AGAIN_PAID = re.compile(r"(?:又|再|后来又|接着又|过后又)(?:转|打|给|付|还|交)了$")
# money taken in rounds, then listed: 前后从俺这拿过三回钱：…, 借过俺三次钱，…
_LENT_ROUNDS = re.compile(
    r"(?:拿|借|支)(?:过|了|走)(?:俺|我)?(?:[一二两三四五六七八九十几]|\d)+(?:回|次|笔)(?:钱)?"
)


def _lent_round(text: str, start: int) -> bool:
    said = list(_LENT_ROUNDS.finditer(text[:start]))
    return bool(said) and start - said[-1].end() <= 40 and not re.search(r"[还给付]", text[said[-1].end() : start])


def _duration(window: str, word: str) -> bool:
    """A rate word followed by 多/来/半 (一年多, 一个多月) says how long, not a rate."""
    at = window.rfind(word) + len(word)
    return window[at : at + 1] in ("多", "来", "半") and at < len(window)


def _counted_units(window: str, cues: MoneyCues) -> tuple[Decimal, str] | None:
    """(count, classifier) when the figure follows a count of things right away (一头 → 1, 三头 → 3)."""
    if not cues.classifiers:
        return None
    units = "|".join(sorted(map(re.escape, cues.classifiers), key=len, reverse=True))
    m = re.search(rf"(?P<n>\d{{1,3}}|[一二两俩三四五六七八九十]{{1,3}})(?P<unit>{units})$", window)
    if m is None:
        return None
    n = _count_value(m.group("n"))
    return (n, m.group("unit")) if n is not None and n > 0 else None


def _paid_round(text: str, start: int, window: str, cues: MoneyCues) -> bool:
    """A figure of a list of payments told as rounds ("前后给过三回钱，一回三千，一回五千")."""
    if not any(window.endswith(w) for w in cues.round_words):
        return False
    said = list(re.finditer(cues.paid_rounds, text[:start]))
    return bool(said) and start - said[-1].end() <= 30


def _hearsay(window: str, cues: MoneyCues) -> bool:
    """The other side's words ("他非说只借了六千多"), not an agreement ("他说好每个月还五百")."""
    window = re.sub(r"说好|说定|说了算", "", window)
    return any(w in window for w in cues.hearsay)


def _count_value(raw: str) -> Decimal | None:
    if raw == "半":
        return Decimal("0.5")
    if raw in ("俩",):
        return Decimal(2)
    return parse_number(raw)


def _arrears(
    text: str, cues: MoneyCues, blocked: list[tuple[int, int]], *, worked: bool = False
) -> list[tuple[Decimal, str, bool, int]]:
    """Counts of unpaid periods: (count, unit, rough?, position) — 拖了7个月房租, 欠了三年物业费, 还欠俩月.
    ``worked``: counts of periods worked instead (干了整四十五天), the pay earned before what was paid of it."""
    out: list[tuple[Decimal, str, bool, int]] = []
    for m in _COUNT.finditer(text):
        if overlaps(m.start(), m.end(), blocked):
            continue
        before, after = _clause(text, m.start(), m.end())
        if worked:
            if not any(w in before[-4:] for w in cues.worked):
                continue
        elif not any(w in before[-6:] for w in cues.arrears) and not any(w in after[:8] for w in cues.arrears_after):
            continue
        if m.start() > 0 and text[m.start() - 1] in "第每":
            continue
        n = _count_value(m.group("n"))
        if n is None or n <= 0:
            continue
        unit = "月" if m.group("unit") in ("月",) else m.group("unit")
        if m.group("unit") == "季度":
            n, unit = n * 3, "月"
        out.append((n, unit, bool(m.group("more") or m.group("more2")), m.start()))
    return out


def _repaid_counts(text: str, cues: MoneyCues) -> list[tuple[Decimal, str, int]]:
    """ "他就还了3期", "还了三回": payments made, as (count, unit, position); unit 月 (期, 个月) or 回 (回, 次, 笔)."""
    out: list[tuple[Decimal, str, int]] = []
    paid = r"(?:还|给|付|交|转)(?:了|过)(?P<n>\d{1,3}|[一二两俩三四五六七八九十]{1,3})(?:个)?(?P<u>期|个月|回|次|笔|趟)"
    for m in re.finditer(paid, text):
        n = _count_value(m.group("n"))
        if n is not None:
            out.append((n, "回" if m.group("u") in ("回", "次", "笔", "趟") else "月", m.start()))
    return out


def _arrears_total(
    text: str, cues: MoneyCues, blocked: list[tuple[int, int]], rates: list[MoneySpan]
) -> tuple[Decimal, Decimal | None, bool]:
    """A rate times each stated count of unpaid periods: (low total, high total when only the rate is a spoken
    range such as 五六百 a month — None otherwise —, whether any part is rough)."""
    low, high, rough_any = Decimal(0), Decimal(0), False
    high_known = True
    for count, unit, rough, _pos in _arrears(text, cues, [*identifier_spans(text), *blocked]):
        rate = next((r for r in rates if r.unit == unit or "期" in (r.unit, unit)), None)
        if rate is None:
            continue
        low += rate.value * count
        rough_any = rough_any or rough or rate.mention.approximate
        high_known = high_known and not rough and (not rate.mention.approximate or rate.mention.high is not None)
        high += (rate.mention.high or rate.value) * count
    return low, (high if high_known else None), rough_any


def _distinct(spans: list[MoneySpan]) -> list[MoneySpan]:
    """The same figure said twice is one item (这5万他一直不还), unless the words count items (第二笔, 一张)."""
    out: list[MoneySpan] = []
    seen: set[Decimal] = set()
    for s in spans:
        if s.value in seen and s.role != "item":
            continue
        seen.add(s.value)
        out.append(s)
    return out


def _total(spans: list[MoneySpan]) -> tuple[Decimal, Decimal | None]:
    low = sum((s.mention.value for s in spans), Decimal(0))
    if all(not s.mention.approximate or s.mention.high is not None for s in spans):
        high = sum((s.mention.high or s.mention.value for s in spans), Decimal(0))
        return low, high
    return low, None


def _reading(
    used: list[MoneySpan], minus: list[MoneySpan], extra: Decimal, unsure: bool, all_spans: list[MoneySpan]
) -> ClaimReading:
    low, high = _total(used)
    m_low, m_high = _total(minus) if minus else (Decimal(0), Decimal(0))
    low += extra
    rough = unsure or any(s.mention.approximate for s in [*used, *minus])
    if rough:
        if high is None or m_high is None or any(s.mention.approximate and s.mention.high is None for s in minus):
            return ClaimReading(None, True, spans=tuple(all_spans))
        lo, hi = low - m_high, high + extra - m_low
        if unsure or lo <= 0:
            return ClaimReading(None, True, spans=tuple(all_spans))
        return ClaimReading(None, True, lo, hi, tuple(all_spans))
    amount = low - m_low
    if amount <= 0:
        return ClaimReading(None, True, spans=tuple(all_spans))
    return ClaimReading(amount, False, spans=tuple(all_spans))


_DOUBLE = re.compile(r"(?:双倍|两倍|翻倍|加倍|翻一番)(?:地)?(?:退|返还|返|还|赔)")
_SHARE = re.compile(
    r"(?:要|分|占|得|拿)(?:回)?(?:俺|我)?(?:那|的|应得的)?(?P<f>(?P<d>[二三四五六七八九十])分之(?P<n>[一二三四五六七八九])|一半)"
)


def read_claim(text: str, cues: MoneyCues, blocked: list[tuple[int, int]] | None = None) -> ClaimReading:
    """The claim the story states (see the module docstring for the order and the uncertain cases), then two
    rules of law on it: a deposit (定金) returned double by the side that received it and broke the contract
    (民法典第五百八十七条), counted only up to 20% of the price (第五百八十六条第二款); and a share asked of a sum
    (俺要俺那三分之一, 分一半)."""
    reading = _read_claim(text, cues, blocked)
    spans = list(reading.spans)
    if reading.amount is None or any(s.role == "claimed" for s in spans):
        return reading
    deposits = [s for s in spans if s.role == "deposit" or (s.role == "other" and _called_deposit(text, s))]
    if "定金" in text and _DOUBLE.search(text) and len(deposits) == 1:
        price = next((s.value for s in spans if s.role in ("price", "total")), None)
        d = deposits[0].value
        kept = min(d, price * Decimal("0.2")) if price else d
        return ClaimReading(d + kept, False, spans=reading.spans)
    share = _SHARE.search(text)
    bases = {s.value for s in spans if s.role not in ("repaid", "deducted")}
    # a share asked of a sum (not in a division of property: a divorce's fee is on the whole, 办法第十三条第（二）项)
    if share is not None and not any(w in text for w in cues.division) and len(bases) == 1:
        half = share.group("f") == "一半"
        num = Decimal(1) if half else _count_value(share.group("n"))
        den = Decimal(2) if half else _count_value(share.group("d"))
        if num is None or not den:
            return reading
        fraction = num / den
        return ClaimReading((reading.amount * fraction).quantize(Decimal("0.01")), False, spans=reading.spans)
    return reading



def _called_deposit(text: str, span: MoneySpan) -> bool:
    """The figure is called 定金 right after it ("交了一万块，收据上写得明明白白是“定金”")."""
    return "定金" in re.split(r"[。；！？]", text[span.mention.end :])[0][:20]


def _read_claim(text: str, cues: MoneyCues, blocked: list[tuple[int, int]] | None = None) -> ClaimReading:
    blocked = blocked or []
    spans = money_spans(text, cues, blocked)
    by: dict[str, list[MoneySpan]] = {}
    for s in spans:
        by.setdefault(s.role, []).append(s)
    unquantified = any(w in text for w in cues.unquantified_minus)
    deducted = by.get("deducted", [])
    unquantified_setoff = _unquantified_setoff(text, cues, spans)

    claimed = _distinct(by.get("claimed", []))
    if claimed:
        return _reading(claimed, [], Decimal(0), False, spans)

    # what is still owed: stated figures, and a rate times a stated count of unpaid periods
    owed = _distinct(by.get("owed", []))
    rates = by.get("rate", [])
    arrears_extra, arrears_high, arrears_rough = _arrears_total(text, cues, blocked, rates)
    if arrears_rough and arrears_high is not None and not owed and not by.get("deducted") and not unquantified_setoff:
        # 一个月五六百，拖了八个月: 4,000 … 4,800, a range to ask about, not a guess
        return ClaimReading(None, True, arrears_extra, arrears_high, tuple(spans))
    addons = _distinct(by.get("addon", []))
    if not owed and not arrears_extra:
        # the pay for the days worked at a daily rate, less all that was paid of it (干了四十五天, 一天二百二)
        for count, unit, rough, _pos in _arrears(text, cues, [*identifier_spans(text), *blocked], worked=True):
            rate = next((r for r in rates if r.unit == unit), None)
            if rate is not None:
                earned = rate.value * count
                paid = [*by.get("repaid", []), *deducted]
                return _reading([], paid, earned, rough or rate.mention.approximate or unquantified, spans)
    totals_after = [t for t in by.get("total", []) if owed and t.mention.start > max(o.mention.start for o in owed)]
    if owed and totals_after and not by.get("repaid") and totals_after[-1].value > sum(o.value for o in owed):
        # "欠工程款十八万，另外还有材料钱两万三，一共二十万零三千": the total said after the parts is the claim
        return _reading(totals_after[-1:], [], Decimal(0), False, spans)
    if owed or arrears_extra:
        # a plain 欠 said before a repayment is the debt before it ("他欠俺5万，还了2万")
        repaid_after = [
            r
            for r in by.get("repaid", [])
            if any(o.mention.start < r.mention.start and o.cue not in cues.net_owed for o in owed)
        ]
        return _reading(
            _distinct([*owed, *addons]),
            [*deducted, *repaid_after],
            arrears_extra,
            arrears_rough or unquantified_setoff,
            spans,
        )

    items = _distinct([s for s in spans if s.role in ("lent", "deposit", "worth", "spent", "item")])
    if not items:
        items = _distinct(by.get("price", []))
    if items or addons:
        items = _distinct([*items, *addons])
        repaid = list(by.get("repaid", []))
        paid_periods = _repaid_counts(text, cues)
        extra = Decimal(0)
        for count, unit, _pos in paid_periods:
            # the figure per payment said with the same kind of count (每回一万 for 还了三回), else the first rate
            rate = next((r for r in rates if r.unit == unit), None) or next(iter(rates), None)
            if rate is not None:
                extra -= rate.value * count
        return _reading(items, [*repaid, *deducted], extra, unquantified or unquantified_setoff, spans)

    totals = _distinct(by.get("total", []))
    if totals:
        exact = [t for t in totals if not t.mention.approximate]
        total = exact[-1:] or totals[-1:]
        # a total owed, then what was paid of it ("一共六千…当时就给了一千", "一共该给两万六，给过三回钱…")
        paid = [r for r in by.get("repaid", []) if r.mention.start > total[0].mention.start]
        # "一共三万六…每月付六千，他付了两回": the instalments paid, by the figure of each
        counted = sum(
            ((next((r for r in rates if r.unit == u), None) or next(iter(rates), None)) or total[0]).value * n
            for n, u, _p in _repaid_counts(text, cues)
            if rates
        )
        return _reading(total, [*paid, *deducted], -Decimal(counted), unquantified and not paid, spans)

    per_unit = _per_unit_total(text, cues, rates, [*by.get("repaid", []), *deducted], spans)
    if per_unit is not None:
        return per_unit

    others = _distinct(by.get("other", []))
    if len(others) == 1:
        return _reading(others, [], Decimal(0), False, spans)
    if others or rates:
        return ClaimReading(None, True, spans=tuple(spans))
    return ClaimReading(None, False, spans=tuple(spans))


_RANGE_COUNT = "(?P<a>\\d{1,3}|[一二两俩三四五六七八九十]{1,3}?)(?P<b>(?<=[一二两三四五六七八九])[二三四五六七八九])?"


def _per_unit_total(
    text: str, cues: MoneyCues, rates: list[MoneySpan], minus: list[MoneySpan], spans: list[MoneySpan]
) -> ClaimReading | None:
    """A price per unit (一车八九百) times the units told elsewhere (送了七八车), less what was paid: exact when
    both are, a range when either is one."""
    for rate in rates:
        if rate.unit not in cues.classifiers:
            continue
        # an exact count with a magnitude (一千二百斤, 1200斤, 三百五十箱) times the price of one
        big = r"(?P<num>\d{2,7}|[一二两俩三四五六七八九十]*[百千万][一二两三四五六七八九十百千万零]*)"
        for m in re.finditer(big + re.escape(rate.unit), text):
            if m.end() == rate.mention.start or text[m.end() : m.end() + 1] in ("钱", "价"):
                continue
            n = parse_number(m.group("num"))
            if n is None or n < 2 or rate.mention.approximate or any(s.mention.approximate for s in minus):
                continue
            paid, _ = _total(minus) if minus else (Decimal(0), Decimal(0))
            amount = rate.value * n - paid
            return ClaimReading(amount, False, spans=tuple(spans)) if amount > 0 else None
        for m in re.finditer(_RANGE_COUNT + re.escape(rate.unit), text):
            if m.end() == rate.mention.start or text[m.end() : m.end() + 1] in ("钱", "价"):
                continue  # the per-unit figure's own 一车, or 一车钱
            low_n, high_n = _count_value(m.group("a")), _count_value(m.group("b") or m.group("a"))
            if low_n is None or high_n is None or low_n < 2 or high_n < low_n:
                continue
            low = rate.value * low_n
            high = (rate.mention.high or rate.value) * high_n
            paid_low, paid_high = _total(minus) if minus else (Decimal(0), Decimal(0))
            rough = rate.mention.approximate or low_n != high_n or any(s.mention.approximate for s in minus)
            if not rough:
                amount = low - paid_low
                return ClaimReading(amount, False, spans=tuple(spans)) if amount > 0 else None
            if paid_high is None or low - paid_high <= 0 or (rate.mention.approximate and rate.mention.high is None):
                return ClaimReading(None, True, spans=tuple(spans))
            return ClaimReading(None, True, low - paid_high, high - paid_low, tuple(spans))
    return None


def _unquantified_setoff(text: str, cues: MoneyCues, spans: list[MoneySpan]) -> bool:
    """A set-off said without its figure (押金他说不要了抵房租): the rest cannot be computed."""
    for m in _CLAUSE_BREAK.split(text):
        if any(w in m for w in cues.deducted_after) and not any(s.mention.text in m for s in spans):
            return True
    return False


__all__ = ["ClaimReading", "MoneyCues", "MoneySpan", "money_spans", "read_claim"]
