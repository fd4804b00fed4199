"""Money amounts written the way people write them: 5万, 五万元, 50000块, 伍万, 3.5万, 一万五, 1万2, 两千.

:func:`parse_number` turns one numeral (Arabic, Chinese, capital-form or mixed) into a Decimal;
:func:`find_amounts` finds money amounts in free text with their position and the words just before them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "贰": 2,
    "三": 3,
    "叁": 3,
    "仨": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "k": 1000, "K": 1000}
BIG_UNITS = {"万": 10_000, "萬": 10_000, "w": 10_000, "W": 10_000, "亿": 100_000_000}

_CN = "零〇一壹二两俩贰三叁仨四肆五伍六陆七柒八捌九玖十拾百佰千仟万萬亿"
_START = "零〇一壹二两俩贰三叁仨四肆五伍六陆七柒八捌九玖十拾"  # a numeral never starts with 百/千/万 (千万别, 万一)
_NUM = rf"(?:\d+(?:[.,，]\d+)*(?:\.\d+)?|[{_START}])(?:[\d.,{_CN}]|(?<=\d)[wWkK])*"
_UNIT = r"(?:块钱|块|元|圆|RMB|rmb)?"
AMOUNT_RE = re.compile(rf"(?P<num>{_NUM})(?P<approx>多|来|余)?(?P<unit>{_UNIT})")

_TOKEN = re.compile(rf"\d+(?:\.\d+)?|[{_CN}]|[wWkK]")


def parse_number(text: str) -> Decimal | None:
    """Parse one numeral; None if it is not one. ``一万五`` = 15000, ``1万2`` = 12000, ``三千五`` = 3500."""
    text = re.sub(r"(?<=\d)[,，](?=\d{3})", "", text.strip())
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        pass
    tokens = _TOKEN.findall(text)
    if "".join(tokens) != text:
        return None
    total = Decimal(0)
    section = Decimal(0)
    number: Decimal | None = None
    last_unit = 0
    for tok in tokens:
        if tok in DIGITS or tok[0].isdigit():
            value = Decimal(DIGITS[tok]) if tok in DIGITS else Decimal(tok)
            # 一五 → 15 (digit by digit); otherwise a new number starts
            number = number * 10 + value if number is not None and tok in DIGITS and number < 10 else value
        elif tok in SMALL_UNITS:
            unit = SMALL_UNITS[tok]
            section += (number if number is not None else Decimal(1)) * unit
            number, last_unit = None, unit
        else:
            unit = BIG_UNITS[tok]
            section += number if number is not None else Decimal(0)
            if section == 0:
                section = Decimal(1)
            total += section * unit
            section, number, last_unit = Decimal(0), None, unit
    if number is not None:
        # abbreviated tail: 一万五 → 5 × 1000, 三千五 → 5 × 100, 1万2 → 2 × 1000
        section += number * (Decimal(last_unit) / 10) if last_unit >= 100 else number
    return total + section


@dataclass(frozen=True, slots=True)
class AmountMention:
    value: Decimal
    start: int
    end: int
    text: str
    approximate: bool
    has_unit: bool  # 元/块 or 万/千 present: clearly money or a magnitude


# After an abbreviated tail digit (一万五), these characters show the digit starts a word instead:
# "3万一直不还" is 30,000 and then 一直 ("all along"), not 31,000.
_WORD_AFTER_TAIL = set("直起下共点个次样天些般定边旦切半层岁月日号年周位名件辆台只头套间家")


def find_amounts(text: str) -> list[AmountMention]:
    """Money-like amounts in ``text``. Bare small numbers without a unit (ages, counts) are left out."""
    found: list[AmountMention] = []
    for m in AMOUNT_RE.finditer(text):
        raw = m.group("num").rstrip(".,，")
        if (
            len(raw) >= 2
            and raw[-1] in DIGITS
            and (raw[-2] in BIG_UNITS or raw[-2] in SMALL_UNITS)
            and not m.group("unit")
            and text[m.start() + len(raw) : m.start() + len(raw) + 1] in _WORD_AFTER_TAIL
        ):
            raw = raw[:-1]
        value = parse_number(raw)
        if value is None or value <= 0:
            continue
        after = text[m.end() : m.end() + 2]
        if re.match(r"[年月日号天岁个次期周层楼点分秒斤米平亩人户辆%]|个?月|小时|公里", after) and not m.group("unit"):
            continue  # a date, age, count or measure, not money
        magnitude = any(c in raw for c in "万萬亿千仟wWkK")
        has_unit = bool(m.group("unit")) or magnitude
        if not has_unit and value < 100:
            continue
        found.append(AmountMention(value, m.start(), m.end(), m.group(0), bool(m.group("approx")), has_unit))
    return found
