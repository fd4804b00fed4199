"""How a civil case ended, read from its result (判决/裁定主文), and what was granted against what was claimed.

``read_outcome(result, claims, doc_type)`` answers an :class:`OutcomeReading`:

- ``code``: one of :data:`OUTCOME_CODES` (``None`` when there is no result text to read);
- ``claimed_yuan``: the fixed yuan amounts the plaintiff asked for in the 诉讼请求, summed;
- ``granted_yuan``: the fixed yuan amounts the result orders paid or returned to the plaintiff, summed
  (0 when the money claims were rejected; ``None`` for procedural endings, where nothing was decided).

Both sums leave out court costs (案件受理费, 保全费, 公告费, 诉讼费 …), interest given as a rate
(按年利率…计算, 以…为基数), periodic amounts (每月…元, …元/月), and amounts written inside a calculation.

Rules for the code, in order (the result is read without its cost sentence and appeal notice):

1. 准许撤诉 / 按撤诉处理 → ``withdrawn``; 调解协议 / 主持调解 → ``mediated``;
2. 不予受理 → ``not_accepted``; 移送…法院 → ``transferred``; 驳回…起诉 → ``dismissed``;
   驳回…管辖异议 (a ruling on jurisdiction, the case goes on here) → ``other``;
3. 不准(予/许)…离婚 / 离婚…不予准许 / 驳回…离婚…请求 → ``divorce_refused``; 准予/准许…离婚 → ``divorce_granted``;
   a plain 驳回…诉讼请求 on a claim for divorce (the 诉讼请求 ask for 离婚) → ``divorce_refused``;
4. something ordered and a 驳回…请求 sentence (其他/其余, 对被告某, 要求…的) → ``partly``;
   a 驳回…请求 sentence and nothing ordered → ``rejected``;
5. something ordered and nothing rejected: ``partly`` when the result visibly gives less than was asked — a
   smaller fixed amount, no money where money was asked, interest asked and none ordered, a lower interest rate
   or a lower periodic sum (support, rent), a payment or hand-over asked and nothing handed over — else
   ``supported``;
6. anything else → ``other``.

``claims`` may be the 诉讼请求 alone or a judgment's whole claims-and-facts text: the request is found in it
(诉讼请求：…, 请求判令…, the request at the end of a 诉称 paragraph) and read up to 事实与理由 / 辩称 / 查明.
A request changed in court (变更诉讼请求为…, 变更第1项诉讼请求为…) replaces the first or the item when it names an
amount; an increase is added; a claim given up (原告放弃第2项诉讼请求 / 放弃利息 / 放弃押金1250元) is left out.

:func:`legacy_code` maps a code to the five outcomes ``retrieval.text`` stores (``None`` where none fits).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, Literal, get_args

from retrieval.text import Outcome

OutcomeCode = Literal[
    "supported",
    "partly",
    "rejected",
    "divorce_granted",
    "divorce_refused",
    "dismissed",
    "not_accepted",
    "transferred",
    "withdrawn",
    "mediated",
    "other",
]
OUTCOME_CODES: Final[tuple[OutcomeCode, ...]] = get_args(OutcomeCode)

# Endings where the court decided nothing on the claims: no granted amount is read.
_PROCEDURAL: Final[frozenset[OutcomeCode]] = frozenset(
    {"dismissed", "not_accepted", "transferred", "withdrawn", "other"}
)

_LEGACY: Final[dict[OutcomeCode, Outcome]] = {
    "supported": "supported",
    "partly": "partly",
    "rejected": "rejected",
    "withdrawn": "withdrawn",
    "mediated": "mediated",
    "divorce_granted": "supported",
    "divorce_refused": "rejected",
}


@dataclass(frozen=True, slots=True)
class OutcomeReading:
    code: OutcomeCode | None  # None when there is no result text to read
    claimed_yuan: int | None  # fixed yuan amounts asked in the 诉讼请求 (no costs, rate interest, periodic sums)
    granted_yuan: int | None  # fixed yuan amounts ordered to the plaintiff; 0 when the money claims were rejected


def legacy_code(code: OutcomeCode | None) -> Outcome | None:
    """The outcome ``retrieval.text`` stores for a code: divorce granted/refused read as supported/rejected;
    procedural endings (dismissed, not accepted, transferred) and ``other`` have none."""
    return _LEGACY.get(code) if code is not None else None


# --- amounts -------------------------------------------------------------------------------------------

_CN_DIGITS: Final = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
    "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
_CN_SMALL_UNITS: Final = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG_UNITS: Final = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_CN_CHARS: Final = "".join([*_CN_DIGITS, *_CN_SMALL_UNITS, *_CN_BIG_UNITS])

# An amount in yuan: 127290元, 50,000元, 12.5万元, 人民币伍万元整, 二十四万一千六百六十六元, 3万余元.
AMOUNT_RE: Final = re.compile(
    r"(?:(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:余|多)?(?P<unit>[万亿])?"
    rf"|(?P<cn>[{_CN_CHARS}]+))(?:余|多)?元"
    r"(?:(?P<jiao>[零〇一二三四五六七八九壹贰叁肆伍陆柒捌玖])角)?(?:(?P<fen>[零〇一二三四五六七八九壹贰叁肆伍陆柒捌玖])分)?(?!/)"
)
_FOREIGN = re.compile(r"(?:美|港|欧|日)元")


def parse_chinese_number(text: str) -> int | None:
    """伍万 → 50000, 二十四万一千六百六十六 → 241666, 一亿零五十万 → 100500000; ``None`` when it is not a number."""
    total = 0  # what the 亿 and 万 units have closed
    section = 0  # below 万: the thousands, hundreds and tens read so far
    digit: int | None = None
    seen_digit = False
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
            seen_digit = True
        elif ch in _CN_SMALL_UNITS:
            section += (1 if digit is None else digit) * _CN_SMALL_UNITS[ch]
            digit = None
            seen_digit = True
        elif ch in _CN_BIG_UNITS:
            if not seen_digit:
                return None
            if _CN_BIG_UNITS[ch] == 10_000:
                total += (section + (digit or 0)) * 10_000
            else:
                total = (total + section + (digit or 0)) * _CN_BIG_UNITS[ch]
            section, digit = 0, None
        else:
            return None
    if not seen_digit:
        return None
    return total + section + (digit or 0)


def _amount_value(m: re.Match[str]) -> Decimal | None:
    if m.group("num") is not None:
        value = Decimal(m.group("num").replace(",", ""))
        unit = m.group("unit")
        if unit == "万":
            value *= 10_000
        elif unit == "亿":
            value *= 100_000_000
        return value
    parsed = parse_chinese_number(m.group("cn"))
    if not parsed:
        return None
    value = Decimal(parsed)
    for group, unit in (("jiao", Decimal("0.1")), ("fen", Decimal("0.01"))):
        if m.group(group):
            value += _CN_DIGITS[m.group(group)] * unit
    return value


_CLAUSE_BREAK = re.compile(r"[,;。:、\n]")
_COST_WORDS = re.compile(
    r"受理费|诉讼费|保全费|公告费|邮寄费|申请费|执行费|鉴定申请费|诉讼费用|担保费|保函费|保险费用"
)
_PERIODIC_BEFORE = re.compile(r"每[^,;。]{0,10}$|月均[^,;。]{0,4}$")
_PERIODIC_AFTER = re.compile(r"^(?:/|每|一个月|一年|整?/)")
_BASE_AFTER = re.compile(
    r"^(?:作)?(?:为|的)(?:计算)?(?:基数|本金)|^资金(?:占用)?期间|^(?:的)?(?:资金占用)?(?:期间)?的利息"
)
_RATE_BEFORE = re.compile(r"按[^,;。]{0,6}$")
_DEDUCTED_BEFORE = re.compile(
    r"(?:扣除|扣减|减去|抵扣|抵销|已付|已支付|已偿还|已还|已归还|已退还|已给付)[^,;。]{0,12}$"
)
_BARE_TOTAL = re.compile(r"(?:^|元|\))(?:计|共|总计|即)$")
_TOTAL_BEFORE = re.compile(r"(?:合计|共计|总计|总额|累计|小计|计为|本息|共(?!同))[^,;。]{0,10}$")
_REFERENCE_BEFORE = re.compile(r"(?:上述|前述|上列|该)[^,;。]{0,4}$|(?:至|以|按|在)$")
# A periodic payment named earlier in the sentence (每月/按月/每年 …) makes its amounts periodic, unless the
# clause names arrears or a lump sum.
_PERIODIC_SENTENCE = re.compile(r"每(?:个)?(?:月|年|日|天|周|季|期|学期|人)|按(?:月|年|季)|逐月|月付|年付")
_LUMP_CLAUSE = re.compile(r"共计|合计|总计|一次性|拖欠|欠付|尚欠|之前|以前|至\d{4}年\d{1,2}月(?:\d{1,2}日)?(?:止|的)")
_SENTENCE_BREAK = re.compile(r"[;。\n]")
# A value or a share named in a clause that asks for no payment (分割夫妻共同存款50000元, 房产价值17万元).
_NOT_ASKED = re.compile(
    r"价值|分割|平分|各分得|各享有|各承担|各得|共同(?:存款|财产|债权|债务)|标的额|总价|单价|继承|遗留|遗产"
)
_PAY_WORD = re.compile(r"支付|给付|偿还|归还|返还|退还|赔偿|清偿|补偿|付给|赔付|偿付|退回")
_PLAINTIFF_PAYS = re.compile(
    r"原告[^,;。]{0,10}(?:给予|支付|给付|补偿|偿还|返还)(?:给)?[^,;。]{0,4}被告"
    r"|(?:给予|支付|给付|补偿|偿还|返还|赔偿)(?:给)?(?:各|两|二|三|四)?被告"
)
_PAREN_KEEP = re.compile(r"暂计|暂算|截至|截止|计算至\d|计至\d|之前|以前")
_PAREN_DROP = re.compile(r"基数|利率|利息按|[×x*÷=]|每|合计|共计|本金")
_CORRECTED = re.compile(r"(?:变更|调整|明确|减少|增加|更正)(?:为|至)[^,;。]{0,6}$")
# 本金19971.47元从2018年11月9日起…计算所得的利息: the base of interest asked after it.
_BASE_OF_LATER_INTEREST = re.compile(r"(?:从|自)\d{4}年[^,;。]{0,60}?的(?:利息|违约金|滞纳金|资金占用)")
_PAREN_TOTAL = re.compile(r"(?:合计|共计|总计|两项合计|以上合计)")
# An amount a co-defendant answers for (被告乙对借款50000元承担连带责任): the same money again.
_LIABILITY_FOR = re.compile(r"对[^,;。]{0,20}\d[^,;。]*责任")
_SHARE_BEFORE = re.compile(r"(?:%|成|分之[一二三四五六七八九十])[^,;。]{0,3}(?:即|为|计|计为)$")
_REMAINDER_BEFORE = re.compile(r"(?:余款|余下|剩余|尚余|下余|还应|尚应|实际应|应再)[^,;。]{0,10}$")
_WAIVED_BEFORE = re.compile(r"放弃[^,;。]{0,20}$")
_RATE_SPEC_AFTER = re.compile(r"(?:的)?(?:标准|计算|计)")


def _paren_spans(text: str) -> list[tuple[int, int, str]]:
    """Outermost (…) spans as (start, end, inner text)."""
    spans: list[tuple[int, int, str]] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch in "(（[【":
            if depth == 0:
                start = i
            depth += 1
        elif ch in ")）]】" and depth > 0:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1, text[start + 1 : i]))
    if depth > 0:  # unclosed: treat the rest as inside
        spans.append((start, len(text), text[start + 1 :]))
    return spans


@dataclass(frozen=True, slots=True)
class _Place:
    """Where an amount stands: the clause and sentence around it, and the bracket it is in."""

    pos: int
    end: int
    before: str  # the clause up to the amount
    clause: str
    sentence_start: int
    paren_start: int | None  # the opening bracket the amount is inside, if any


def _place(text: str, m: re.Match[str], spans: list[tuple[int, int, str]]) -> _Place:
    pos = m.start()
    clause_start = max((b.end() for b in _CLAUSE_BREAK.finditer(text, 0, pos)), default=0)
    paren_start = next((s for s, e, _ in spans if s < pos < e), None)
    if paren_start is not None:
        clause_start = max(clause_start, paren_start + 1)
    clause_end = _CLAUSE_BREAK.search(text, m.end())
    return _Place(
        pos=pos,
        end=m.end(),
        before=text[clause_start:pos],
        clause=text[clause_start : clause_end.start() if clause_end else len(text)],
        sentence_start=max((b.end() for b in _SENTENCE_BREAK.finditer(text, 0, pos)), default=0),
        paren_start=paren_start,
    )


def _not_a_fixed_sum(text: str, at: _Place, spans: list[tuple[int, int, str]]) -> bool:
    """Periodic amounts, bases of interest, amounts referred to again, values, shares, the plaintiff's payments."""
    after = text[at.end : at.end + 12]
    return bool(
        _periodic(text, at.sentence_start, at.pos, at.clause, spans)
        or _PERIODIC_BEFORE.search(at.before)
        or _REFERENCE_BEFORE.search(at.before)
        or _PERIODIC_AFTER.match(after)
        or _BASE_AFTER.match(after)
        or _BASE_OF_LATER_INTEREST.match(text, at.end)
        or _RATE_BEFORE.search(at.before)
        or (_NOT_ASKED.search(at.clause) and not _PAY_WORD.search(at.clause))
        or _PLAINTIFF_PAYS.search(at.clause)
        or _LIABILITY_FOR.search(at.clause)
    )


class _Tally:
    """The running sum: the items counted since the last total, and the costs left out since then."""

    __slots__ = ("counted_end", "items", "skipped", "total")

    def __init__(self) -> None:
        self.total: Decimal | None = None
        self.items: list[Decimal] = []
        self.skipped = Decimal(0)
        self.counted_end = 0  # where the last counted amount ended

    def add(self, value: Decimal, end: int) -> None:
        self.total = (self.total or Decimal(0)) + value
        self.items.append(value)
        self.counted_end = end
        for k in range(len(self.items) - 4, -1, -1):  # 付给原告33180元: 1.房费7200元;2.物业费720元;…
            if abs(self.items[k] - sum(self.items[k + 1 :])) < 1:
                self.total -= sum(self.items[k + 1 :])
                self.items = self.items[: k + 1]
                break

    def replace_last(self, value: Decimal, end: int) -> bool:
        if self.total is None or not self.items:
            return False
        self.total += value - self.items[-1]
        self.items[-1] = value
        self.counted_end = end
        return True

    def replace_items(self, value: Decimal, end: int) -> bool:
        if self.total is None or not self.items:
            return False
        self.total += value - sum(self.items)
        self.items = [value]
        self.counted_end = end
        return True

    def take_total(self, value: Decimal, end: int, exact: bool = False) -> bool:
        """A total (合计X元): not added when it sums the last items (costs among them or not); it replaces
        the items when larger (items listed partly with amounts). ``False``: not a total of these items."""
        if self.total is None or not self.items:
            return False
        suffix = Decimal(0)
        for item in reversed(self.items):
            suffix += item
            if abs(suffix - value) < 1 or (self.skipped and abs(suffix + self.skipped - value) < 1):
                if abs(suffix - value) < 1:
                    self.total += value - suffix
                self.items, self.skipped, self.counted_end = [value], Decimal(0), end
                return True
        if value > sum(self.items) and not self.skipped and not exact:
            return self.replace_items(value, end)
        return False

    def waive(self, value: Decimal) -> None:
        if self.total is not None and self.total >= value:
            self.total -= value


def sum_fixed_amounts(text: str) -> Decimal | None:
    """The fixed yuan amounts in ``text``, summed; ``None`` when there is none.

    Left out: costs, base amounts of rate interest, periodic amounts, deductions, amounts referred to again
    (上述…元), amounts inside a calculation in brackets (a bracket's 暂计至…为X元 counts). A total (合计/共计 …)
    of the items just listed is not added again; a total larger than the listed items replaces them; an amount
    after a deduction (余款…元), a share (…的70%即X元) or a correction (变更为X元) replaces what it corrects;
    a waived amount (放弃…X元) is taken off.
    """
    spans = _paren_spans(text)
    tally = _Tally()
    deducted_at = -1  # where the last deduction in the text was
    for m in AMOUNT_RE.finditer(text):
        value = _amount_value(m)
        if value is None or _FOREIGN.match(text, m.end() - 2):
            continue
        at = _place(text, m, spans)
        if at.paren_start is not None:
            restated = _CORRECTED.search(at.before) or _PAREN_TOTAL.match(text, at.paren_start + 1)
            gap = text[tally.counted_end : at.paren_start]
            if restated and len(gap) <= 6 and not _CLAUSE_BREAK.search(gap) and tally.replace_last(value, at.end):
                continue  # 29600元(当庭明确金额变更为24465元), 各…X元(合计Y元), 150万元的定金(合计为300万元)
            if tally.counted_end and at.paren_start == tally.counted_end:
                continue  # 共计68690元(截至…本金41015元,利息23700元…): the parts of the amount just counted
            if not _PAREN_KEEP.search(text, at.paren_start + 1, at.pos) or _PAREN_DROP.search(at.clause):
                continue
        if _DEDUCTED_BEFORE.search(at.before):
            deducted_at = at.pos
            continue
        part_of = text.find("其中", max(tally.counted_end, at.sentence_start), at.pos)
        if (
            at.paren_start is None
            and part_of >= 0
            and tally.counted_end > at.sentence_start
            and not any(s < part_of < e for s, e, _ in spans)
        ):
            continue  # 共计X元, 其中本金Y元、利息Z元: the parts of what was just counted
        if _COST_WORDS.search(at.before):
            tally.skipped += value
            continue
        if _not_a_fixed_sum(text, at, spans):
            continue
        if _WAIVED_BEFORE.search(at.before):
            tally.waive(value)
            continue
        if _CORRECTED.search(at.before) and tally.replace_last(value, at.end):
            continue
        replaces = _SHARE_BEFORE.search(at.before) or (
            deducted_at >= at.sentence_start and _REMAINDER_BEFORE.search(at.before)
        )
        if replaces and tally.replace_items(value, at.end):
            continue
        if _TOTAL_BEFORE.search(text, max(0, at.pos - 12), at.pos) and tally.take_total(value, at.end):
            continue
        if _BARE_TOTAL.search(at.before) and tally.take_total(value, at.end, exact=True):
            continue  # …交通费100元,计7407.4元
        tally.add(value, at.end)
    return tally.total


def _periodic(text: str, sentence_start: int, pos: int, clause: str, spans: list[tuple[int, int, str]]) -> bool:
    """Whether a periodic payment named earlier in the sentence makes this amount periodic."""
    for marker in _PERIODIC_SENTENCE.finditer(text, sentence_start, pos):
        if any(s < marker.start() < e <= pos for s, e, _ in spans):
            continue  # inside a bracket closed before the amount
        if _LUMP_CLAUSE.search(clause) and marker.start() < pos - len(clause):
            continue  # 共计/拖欠 … in a later clause: arrears or a lump sum
        own = AMOUNT_RE.search(text, marker.end(), pos + 1)
        if own is not None and own.start() < pos and _RATE_SPEC_AFTER.match(text, own.end()):
            continue  # 按每月1000元的标准 …: a rate, the amount after it is the sum
        return True
    return False


def _to_yuan(value: Decimal | None) -> int | None:
    return None if value is None else int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- the request ---------------------------------------------------------------------------------------

_REQUEST_START = re.compile(
    r"(?:提出|提起|起诉)的?(?:如下)?诉讼请求(?:为|如下|有)?[:]?|诉讼请求(?:为|如下|有)?[:]|诉讼请求(?=1|一、)|"
    r"^.{0,40}?诉讼请求(?:为|如下|有)?[,\n]|诉请(?:本院|法院|人民法院)?(?:依法)?(?:判令|判决)[:]?|(?:提出|起诉|原告)诉请[:]|(?:请求|要求)(?:本院|法院|人民法院)?(?:依法)?(?:判令|判决)[:]?"
    r"|起诉(?:请求|要求)[:]?"
)
_REQUEST_END = re.compile(
    r"事实(?:与|和|及)?理由|事实如下|辩称|答辩|经审理|审理查明|本院查明|本院认定|本院确认|查明的事实|"
    r"未作答辩|未答辩|未到庭|拒不到庭|未出庭|证据[:如]|为支持其主张|\n(?=[^\d一二三四五六七八九十(（])|"
    r"(?<=。)(?=(?:19|20)\d\d年|原、?被告|被告[^。,]{0,12}(?:系|于|与|向|在))"
)
# The request's last item is usually the costs (诉讼费由被告承担。): the request ends there.
_COSTS_ITEM_END = re.compile(r"(?:诉讼费|受理费)[^。;\n]{0,30}(?:承担|负担)[^。\n]{0,12}。")
_LINE_END = re.compile(r"[。\n]")
_ANSWER = re.compile(r"辩称|答辩|经审理|审理查明|本院查明|本院认定")
_CLAIMED_PARAGRAPH = re.compile(r"诉称[^\n]*")
_ASK = re.compile(r"请求|要求|诉请|诉至")
_SUED = re.compile(r"诉至|诉诸|起诉|提起诉讼|为此|综上")
_CHANGED = re.compile(
    r"(?:变更|调整|增加|减少)(?:其)?(?:第(?P<item>[\d一二三四五六七八九])项)?(?:后的)?(?:诉讼请求|诉请)"
    r"[^。;\n]{0,12}?(?:为|如下|,现(?:要求|请求))[:]?"
    r"|(?:诉讼请求|诉请)(?:第(?P<item2>[\d一二三四五六七八九])项)?[^。;\n]{0,8}?(?:变更|调整|增加|减少)为[:]?"
)
_ITEM_DIGITS: Final = "一二三四五六七八九"


def _item_span(request: str, item: str) -> tuple[int, int] | None:
    """Where item ``item`` (1 or 一) of a numbered request stands, from its number to the next number."""
    n = int(item) if item.isdigit() else _ITEM_DIGITS.index(item) + 1
    marks = [
        m for m in re.finditer(r"(?:^|(?<=[;。,\s|]))(?:(\d)|([一二三四五六七八九]))[、.,]", request)
    ]
    numbered = [(int(m.group(1)) if m.group(1) else _ITEM_DIGITS.index(m.group(2)) + 1, m) for m in marks]
    for i, (k, m) in enumerate(numbered):
        if k == n:
            stop = numbered[i + 1][1].start() if i + 1 < len(numbered) else len(request)
            return m.start(), stop
    return None


def request_text(claims: str) -> str:
    """The plaintiff's request inside ``claims`` (the 诉讼请求 or the ask of a 诉称 paragraph); '' if none.

    A request changed in court (变更诉讼请求为…) replaces the first where it names an amount; an increase
    (增加诉讼请求…) is added.
    """
    text = unicodedata.normalize("NFKC", claims).replace("\\n", "\n")
    answer = _ANSWER.search(text)
    start = _REQUEST_START.search(text, 0, answer.start() if answer else len(text)) or _REQUEST_START.search(text)
    if start is not None:
        begin = start.end()
        end_match = _REQUEST_END.search(text, begin)
        end = end_match.start() if end_match else len(text)
        costs = _COSTS_ITEM_END.search(text, begin, end)
        if costs is not None:
            end = costs.end()
    else:
        para = _CLAIMED_PARAGRAPH.search(text)
        if para is None:
            return ""
        asks = list(_ASK.finditer(text, para.start(), para.end()))
        if not asks:
            return ""
        sued = [m.end() for m in _SUED.finditer(text, para.start(), para.end())]
        after_suing = [a for a in asks if sued and a.start() >= sued[-1]]
        begin, end = (after_suing or asks[-1:])[0].start(), para.end()
    inside = next((c for c in _CHANGED.finditer(text, begin, end)), None)
    if inside is not None:  # the request runs on into a change made in court: stop before it
        end = max(text.rfind("。", begin, inside.start()), text.rfind(";", begin, inside.start())) + 1 or end
    request = text[begin:end]
    for changed in _CHANGED.finditer(text):
        line_end = _LINE_END.search(text, changed.end())
        new = text[changed.end() : line_end.start() if line_end else len(text)]
        item = changed.group("item") or changed.group("item2")
        span = _item_span(request, item) if item else None
        if span is not None and "增加" not in changed.group(0):
            request = request[: span[0]] + new + ";" + request[span[1] :]  # one item restated
        elif not AMOUNT_RE.search(new):
            continue
        elif "增加" in changed.group(0):
            request = request + ";" + new
        else:
            request = new
    return _apply_waivers(request, text, begin, end)


_WAIVER = re.compile(r"[^。;\n]*?放弃[^。;\n]*")
_WAIVED_THING = re.compile(r"诉讼请求|诉请|请求|主张|利息|违约金|滞纳金|罚息|元")
_NOT_A_CLAIM_WAIVER = re.compile(r"视为|质证|答辩|抗辩|举证|辩论|权利")
_WAIVED_NOUN = re.compile(r"[\u4e00-\u9fff]{0,3}?(?:费|金|款|利息)")


def _named_amount(noun: str, request: str) -> re.Match[str] | None:
    """The amount written just after ``noun`` in the request (违约金3774.10元)."""
    return re.search(re.escape(noun) + r"[^,;、。]{0,6}?(" + AMOUNT_RE.pattern + ")", request)


def _apply_waivers(request: str, text: str, begin: int, end: int) -> str:
    """Claims given up in court outside the request (原告放弃第2项诉讼请求 / 放弃利息 / 放弃押金1250元)."""
    for w in _WAIVER.finditer(text):
        if begin <= w.start() < end or _NOT_A_CLAIM_WAIVER.search(w.group(0)):
            continue
        waived = w.group(0)[w.group(0).index("放弃") + 2 :]
        if not _WAIVED_THING.search(waived):
            continue
        items = re.findall(r"第([\d一二三四五六七八九])项", waived)
        if items and not re.search(r"项[^,;。]{0,6}中的", waived):
            for item in items:
                span = _item_span(request, item)
                if span is not None:
                    request = request[: span[0]] + request[span[1] :]
        elif AMOUNT_RE.search(waived):
            request += ";放弃" + ";放弃".join(m.group(0) for m in AMOUNT_RE.finditer(waived))
        else:
            interest = _INTEREST_ASKED.search(waived)
            if interest is not None:
                request += ";放弃" + interest.group(0)  # read by _INTEREST_WAIVED
                nouns = {interest.group(0)}  # 放弃押金利息: the interest, not the deposit
            else:
                nouns = {n.group(0)[-2:] for n in _WAIVED_NOUN.finditer(waived)}
            named = {m.group(1) for noun in nouns for m in [_named_amount(noun, request)] if m is not None}
            request += "".join(";放弃" + amount for amount in named)
    return request


def read_claimed(claims: str) -> int | None:
    """The fixed yuan amounts asked in the request, summed; ``None`` when it names none."""
    return _to_yuan(sum_fixed_amounts(request_text(claims)))


# --- the result ----------------------------------------------------------------------------------------

_DECISION = re.compile(r"判决如下|裁定如下|达成如下(?:调解)?协议|调解协议如下")
_TAIL = re.compile(r"如(?:不服|对本)|本(?:判决|裁定)为终审|本裁定一经作出|上诉期内不上诉|逾期不上诉")
_BROKEN_LINE = re.compile(r"(?<![。;:,])\n(?![一二三四五六七八九十\d]+[、.]|如|案件|本案|\n)")
_FULL_SENTENCE = re.compile(r"[^。\n]+")
_COST_SENTENCE = re.compile(
    r"向本院(?:缴纳|交纳|预交|申请退)|本院(?:退还|退回|不另|予以退)|请求金额|"
    r"^[^,;。]{0,10}?(?:受理费|诉讼费|保全费|公告费|邮寄费|申请费)|^(?:本案)?(?:一审)?(?:案件)?(?:受理费|诉讼费)"
)
# Execution terms and the late-payment notice: left out unless the sentence itself orders an amount.
_EXECUTION = re.compile(
    r"如果?(?:被告)?(?:未按|不按)|逾期(?:支付|履行|未|不)|加倍支付|迟延履行|延迟履行|申请执行|强制执行|"
    r"^(?:上述|上列|以上)[^,]{0,12}(?:款项|义务|给付|执行)|限于?(?:本)?判决(?:书)?(?:生效|发生法律效力)|"
    r"^款(?:项)?(?:交|汇|付至)"
)
_WITHDRAWN = re.compile(
    r"准(?:许|予)[^;。]{0,30}?撤(?:回(?:起诉|诉讼|对[^;。]{0,20}的起诉)|诉)|按[^;。]{0,20}?撤(?:回起)?诉处理"
)
_MEDIATED = re.compile(r"调解协议|主持(?:下)?调解|调解书|自愿达成[^;。]{0,6}协议")
_NOT_ACCEPTED = re.compile(r"不予受理")
_TRANSFERRED = re.compile(r"移送[^;。]{0,40}法院|移送[^;。]{0,6}管辖")
_DISMISSED = re.compile(r"驳回[^;。]{0,60}?起诉")
_JURISDICTION = re.compile(r"驳回[^;。]{0,40}?管辖|管辖(?:权)?异议[^;。]{0,10}(?:成立|不成立)")
_DIVORCE_REFUSED = re.compile(
    r"不准(?:予|许)?[^;。]{0,40}?离婚|离婚[^;。]{0,6}不予(?:准许|支持)"
    r"|驳回[^;。]{0,40}?离婚[^;。]{0,10}(?:请求|诉请)"
)
_DIVORCE_GRANTED = re.compile(
    r"(?<!不)准(?:予|许)[^;。]{0,40}?离婚|解除[^;。]{0,30}?婚姻关系|^[^;。]{0,40}?与[^;。]{0,20}离婚$"
)
_REJECT = re.compile(r"驳回[^;。]*?(?:请求|诉请|之诉|主张)")
_DIVORCE_ASKED = re.compile(r"离婚|解除[^;。]{0,20}婚姻关系")
_PAY_VERB = re.compile(
    r"交纳|缴纳|付还|支付|给付|偿还|归还|返还|退还|赔偿|清偿|付清|补偿|退回|付给|支付给|交付|偿付|补发|发放|分配|补足|赔付"
)
_MONEY_WORD = re.compile(r"款|费|金|利息|工资|报酬|租|元|损失")
_RECIPIENT_DEFENDANT = re.compile(r"(?:给付|支付|偿还|归还|返还|退还|赔偿|补偿|付)(?:给)?被告")
_JOINT_LIABILITY = re.compile(
    r"^[^,]{0,40}?对[^;。]{0,60}?(?:承担|负)[^;。]{0,10}(?:连带|补充|共同|保证)[^;。]{0,6}责任"
)


@dataclass(frozen=True, slots=True)
class _Operative:
    sentences: tuple[str, ...]  # the operative sentences (costs, notices and execution terms left out)
    text: str  # the operative part as one string (for the procedural patterns)
    mediated: bool  # the result says the case ended in mediation (经本院主持调解…达成如下协议)


def _operative(result: str) -> _Operative:
    text = unicodedata.normalize("NFKC", result).replace("\\n", "\n")
    text = _BROKEN_LINE.sub("", text)  # a line broken inside a sentence
    ending = _TAIL.search(text)
    mediated = bool(_MEDIATED.search(text, 0, ending.start() if ending else len(text)))
    m = _DECISION.search(text)
    if m is not None:
        text = text[m.end() :].lstrip(": \n")
    tail = _TAIL.search(text)
    if tail is not None:
        text = text[: tail.start()]
    kept: list[str] = []
    for full in _FULL_SENTENCE.findall(text):
        if _COST_SENTENCE.search(_strip_item_number(full.strip(" ,"))):
            continue  # the cost sentence, with every part after its semicolons
        for part in full.split(";"):
            s = part.strip(" ,")
            if s and not _COST_SENTENCE.search(_strip_item_number(s)) and not (
                _EXECUTION.search(s) and not AMOUNT_RE.search(s)
            ):
                kept.append(s)
    return _Operative(sentences=tuple(kept), text="。".join(kept), mediated=mediated)


def _strip_item_number(sentence: str) -> str:
    return re.sub(r"^(?:[一二三四五六七八九十]+|\d+)[、.．]\s*|^[(（][一二三四五六七八九十\d]+[)）]", "", sentence)


def _orders_money(sentence: str) -> bool:
    """Whether this sentence orders money paid to the plaintiff (fixed, periodic or by a formula)."""
    s = _strip_item_number(sentence)
    verb = _PAY_VERB.search(s)
    if verb is None or _JOINT_LIABILITY.search(s) or "本院" in s[verb.start() : verb.end() + 4]:
        return False
    if not AMOUNT_RE.search(s) and not _MONEY_WORD.search(s, verb.end()):
        return False  # 返还土地, 交付房屋: no money
    payer = s[: verb.start()]
    if "原告" in payer and "被告" not in payer.split("原告")[0]:
        return False  # the plaintiff pays (a divorce's property balance, a counterclaim)
    return not (_RECIPIENT_DEFENDANT.search(s) and "原告" not in s)


def _granted_in(sentence: str) -> Decimal | None:
    """Fixed amounts this sentence orders paid to the plaintiff; ``None`` when it orders none."""
    return sum_fixed_amounts(_strip_item_number(sentence)) if _orders_money(sentence) else None


def read_granted(result: str) -> int | None:
    """The fixed yuan amounts the result orders paid to the plaintiff, summed; ``None`` when it orders none."""
    return _to_yuan(_granted_sum(_operative(result)))


def _granted_sum(op: _Operative) -> Decimal | None:
    """The fixed amounts of every order to pay the plaintiff; a closing 以上…共计X元 of them is not added again."""
    total: Decimal | None = None
    running = Decimal(0)
    for s in op.sentences:
        if "驳回" in s:
            continue
        value = _granted_in(s)
        if value is None:
            continue
        first = AMOUNT_RE.search(s)
        if first is not None and _TOTAL_BEFORE.search(s, 0, first.start()) and abs(value - running) < 1 <= running:
            continue
        total = (total or Decimal(0)) + value
        running += value
    return total


def _code(op: _Operative, request: str, claimed: Decimal | None, granted: Decimal | None) -> OutcomeCode:
    text = op.text
    if _WITHDRAWN.search(text):
        return "withdrawn"
    if op.mediated:
        return "mediated"
    if _NOT_ACCEPTED.search(text):
        return "not_accepted"
    if _TRANSFERRED.search(text):
        return "transferred"
    if _DISMISSED.search(text):
        return "dismissed"
    if _JURISDICTION.search(text):
        return "other"
    if any(_DIVORCE_REFUSED.search(s) for s in op.sentences):
        return "divorce_refused"
    if any(_DIVORCE_GRANTED.search(_strip_item_number(s)) for s in op.sentences):
        return "divorce_granted"
    rejections = [s for s in op.sentences if _REJECT.search(s)]
    orders = [s for s in op.sentences if not _REJECT.search(s)]
    if rejections and not orders:
        return "divorce_refused" if _DIVORCE_ASKED.search(request) else "rejected"
    if rejections:
        return "partly"
    if not orders:
        return "other"
    money_ordered = any(_orders_money(s) for s in orders)
    if claimed is not None and claimed > 0:
        if granted is not None and granted < claimed - Decimal("0.5"):
            return "partly"  # a smaller amount
        if granted is None and not money_ordered:
            return "partly"  # the money asked is not answered
    if (
        _interest_unanswered(request, orders)
        or _lower_rate(request, orders)
        or _lower_periodic(request, orders)
        or _payment_unanswered(request, orders)
    ):
        return "partly"
    return "supported"


_INTEREST_ASKED = re.compile(r"利息|违约金|滞纳金|罚息|资金占用|占用费|逾期付款损失|利息损失")
_INTEREST_WAIVED = re.compile(r"放弃[^。;]{0,12}(?:利息|违约金|滞纳金|罚息|资金占用)")
_RATE_PATTERNS: Final = (
    (re.compile(r"年(?:利率|息|利息)?(?:为|按)?(\d+(?:\.\d+)?)%"), Decimal(1)),
    (re.compile(r"(\d+(?:\.\d+)?)%/年"), Decimal(1)),
    (re.compile(r"月(?:利率|息|利息)(?:为|按)?(\d+(?:\.\d+)?)%"), Decimal(12)),
    (re.compile(r"月(?:利率|息|利息)?(?:为|按)?(\d+(?:\.\d+)?)‰"), Decimal("1.2")),
    (re.compile(r"月息(\d+(?:\.\d+)?)分"), Decimal(12)),
    (re.compile(r"日(?:利率)?(?:为|按)?(\d+(?:\.\d+)?)‰"), Decimal("36.5")),
    (re.compile(r"日(?:利率)?(?:为|按)?(?:的)?千分之(\d+(?:\.\d+)?)"), Decimal("36.5")),
    (re.compile(r"日(?:利率)?(?:为|按)?(?:的)?万分之(\d+(?:\.\d+)?)"), Decimal("3.65")),
)


def _annual_rates(text: str) -> list[Decimal]:
    """The interest rates written as figures in ``text``, as yearly percentages (月利率2% → 24)."""
    text = text.translate(str.maketrans("一二三四五六七八九", "123456789"))
    return [Decimal(m.group(1)) * factor for pattern, factor in _RATE_PATTERNS for m in pattern.finditer(text)]


def _interest_unanswered(request: str, orders: list[str]) -> bool:
    """The request asks for interest (or a penalty) and no order grants any, with no rejection written."""
    asked = _INTEREST_ASKED.search(_without_costs(request))
    if asked is None or _INTEREST_WAIVED.search(request):
        return False
    return not any(_INTEREST_ASKED.search(s) for s in orders)


_PERIODIC_SUM = re.compile(
    r"每(?:个)?(?P<per>月|年|日|天|周|季)[^;。]{0,25}?(?P<num>\d+(?:\.\d+)?)(?P<wan>万)?元(?!/)"
    r"|(?P<num2>\d+(?:\.\d+)?)元/(?P<per2>月|年|日|天)"
)
_PER_YEAR: Final = {"月": 12, "年": 1, "日": 365, "天": 365, "周": 52, "季": 4}
_HANDOVER = re.compile(r"腾退|腾空|搬离|搬出|交付|交还|归还|返还|退还|拆除")


def _periodic_sums(text: str) -> list[Decimal]:
    """Periodic amounts written in ``text`` (每月1000元, 2200元/月), as yearly sums."""
    out: list[Decimal] = []
    for m in _PERIODIC_SUM.finditer(text):
        num, per = (m.group("num"), m.group("per")) if m.group("num") else (m.group("num2"), m.group("per2"))
        value = Decimal(num) * (10_000 if m.group("wan") else 1)
        out.append(value * _PER_YEAR[per])
    return out


def _lower_periodic(request: str, orders: list[str]) -> bool:
    """The request asks a periodic sum (support, rent) and the orders give only a lower one."""
    asked, given = _periodic_sums(_without_costs(request)), _periodic_sums("。".join(orders))
    return bool(asked and given) and max(given) < max(asked) - Decimal("0.5")


def _payment_unanswered(request: str, orders: list[str]) -> bool:
    """The request asks for money or a thing to be handed over and no order hands over anything."""
    asked = _without_costs(request)
    if not (_PAY_WORD.search(asked) or _HANDOVER.search(asked)):
        return False
    return not any(_PAY_VERB.search(s) or _HANDOVER.search(s) for s in orders)


def _without_costs(request: str) -> str:
    return re.sub(r"[^;。]*(?:诉讼费|受理费)[^;。]*", "", request)


def _lower_rate(request: str, orders: list[str]) -> bool:
    """The request names an interest rate and the orders name only lower ones."""
    asked, given = _annual_rates(request), _annual_rates("。".join(orders))
    return bool(asked and given) and max(given) < max(asked) - Decimal("0.01")


def read_outcome(result: str, claims: str = "", doc_type: str | None = None) -> OutcomeReading:
    """How the case ended and what was granted against what was claimed (see the module docstring).

    ``doc_type`` (判决书/裁定书/调解书) is a hint: a 调解书 is read as mediated.
    """
    request = request_text(claims)
    claimed = sum_fixed_amounts(request) if request else None
    if not result.strip():
        return OutcomeReading(code=None, claimed_yuan=_to_yuan(claimed), granted_yuan=None)
    op = _operative(result)
    granted = _granted_sum(op)
    code = _code(op, request, claimed, granted)
    if doc_type is not None and "调解" in doc_type and code in ("supported", "other"):
        code = "mediated"
    if code in _PROCEDURAL:
        granted_yuan = None
    elif granted is None:
        # 0 when the money asked is refused; None when only periodic or formula money is ordered
        money_ordered = any(_orders_money(s) for s in op.sentences if not _REJECT.search(s))
        granted_yuan = 0 if claimed is not None and not money_ordered else None
    else:
        granted_yuan = _to_yuan(granted)
    return OutcomeReading(code=code, claimed_yuan=_to_yuan(claimed), granted_yuan=granted_yuan)
