"""Money amounts written the way people write them: 5万, 五万元, 50000块, 伍万, 3.5万, 一万五, 1万2, 两千.

:func:`parse_number` turns one numeral (Arabic, Chinese, capital-form or mixed) into a Decimal;
:func:`find_amounts` finds money-like amounts in free text with their position: a range ("五六百", "三四万") is
one mention from its low to its high end, and a rough figure ("五千多", "十来万", "两万左右", "万把块") is marked
approximate; :func:`identifier_spans` finds the digits that are never money (phone, ID, bank-card, case and
contract numbers, house numbers and room numbers, percentages). Which of the amounts is the claim is decided in
:mod:`knowledge.money`.
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
    value: Decimal  # the figure, or the low end of a range
    start: int
    end: int
    text: str
    approximate: bool  # a range or a rough figure: not a figure to compute with
    has_unit: bool  # 元/块 or 万/千 present: clearly money or a magnitude
    high: Decimal | None = None  # the high end of a range ("五六百": 500 … 600); None when one figure
    currency: bool = False  # 元/块/块钱 said

    @property
    def is_range(self) -> bool:
        return self.high is not None


# After a numeral's last digit, these characters show the digit starts a word instead: "3万一直不还" is 30,000
# and then 一直 ("all along"), not 31,000; "四万六一直没付" is 46,000.
_WORD_AFTER_TAIL = set("直起下共点个次样天些般定边旦切半层岁月日号年周位名件辆台只头套间家")

_MAG = r"(?:[十拾百佰千仟]?[万萬]|亿|[十拾百佰千仟])"
_APPROX_IN = r"多|来|余|几"
# 四块五, 十二块五毛: the tenths after 块 (角/毛), when no larger figure or another number follows (四块五一斤 is 4.5
# and then "one jin")
_JIAO = (
    r"(?P<jiao>(?<=块)[一二两三四五六七八九]"
    r"(?=$|[^\u4e00-\u9fff\d]|[的了呢吧啊呀嘛钱给还也就都是每左上多]"
    r"|[一二两三四五六七八九](?=[斤个件只瓶袋箱桶车吨米包盒条张本份]))"
    r"|(?<=块)[一二两三四五六七八九](?:毛|角))?"
)
AMOUNT_RE = re.compile(
    rf"(?P<num>{_NUM})(?P<approx>{_APPROX_IN})?(?P<mag>{_MAG})?(?P<ones>块多|块)?(?P<unit>{_UNIT}){_JIAO}"
)
# "万把块", "千把块钱", "好几万", "几千块", "上万": a magnitude alone, always rough
ROUGH_RE = re.compile(r"(?P<pre>好几|几|上)?(?P<mag>十万|百万|千万|万|千|百)(?P<ba>把)?(?P<unit>块钱|块|元)?")
# 约 alone is "about", but not inside 违约金, 合约, 预约, 约定 (an agreed penalty or term is an exact figure)
_APPROX_BEFORE = re.compile(
    r"(大概|大约|约莫|(?<![违合预签契制履公节])约(?!定|好)|差不多|将近|接近|估计|可能|好像|少说|至少|起码|最少|大几|小)\S{0,2}$"
)
_APPROX_AFTER = re.compile(r"^(左右|上下|出头|多块|来块|多点|多一点|开外|不到|以上|以下|还多)")
# 五六百, 三四万, 一两万, 十五六万, 二三十万: two neighbouring digits are a range, not 5,600
_CN_RANGE = re.compile(
    r"^(?P<ten>十)?(?P<a>[一二两三四五六七八九])(?P<b>[两二三四五六七八九])(?P<u>[十百千])?(?P<wan>[万萬])?$"
)
# 三千四五, 一万五六: a tail range after a unit
_CN_TAIL_RANGE = re.compile(r"^(?P<head>.*[十百千万萬])(?P<a>[一二两三四五六七八九])(?P<b>[二三四五六七八九])$")
_ARABIC_RANGE = re.compile(
    r"(?<![\d.])(?P<lo>\d+(?:\.\d+)?)\s*(?P<lomag>[万千wWkK])?\s*(?:到|至|-|~|～|—|或)\s*"
    r"(?P<hi>\d+(?:\.\d+)?)\s*(?P<mag>[万千wWkK])(?P<unit>块钱|块|元)?"
)
# What a number is when a measure word follows it: a date, an age, a count, a size — not money.
_MEASURE_ANY = re.compile(
    r"(?:个?月(?!底|初|中|末)|年(?!底|初|前|末|中)|[日号天岁次期周层楼点分秒](?!转)|小时|公里|公斤|平方|"
    r"[斤米平亩人户辆台套间张本条头只件瓶袋箱棵株吨位名字步倍%％])"
)
_MEASURE_OBJECT = re.compile(r"(?:公里|公斤|平方|[斤米平亩人户辆台套间张本条头只件瓶袋箱棵株吨位名字步倍%％])")


def _digit(ch: str) -> int:
    return DIGITS[ch]


def _range_of(raw: str) -> tuple[Decimal, Decimal] | None:
    """(low, high) when ``raw`` is a spoken range: 五六百 → (500, 600), 十五六万, 三千四五 → (3400, 3500)."""
    m = _CN_RANGE.match(raw)
    if m is not None:
        a, b = _digit(m.group("a")), _digit(m.group("b"))
        if b != a + 1 and not (a == 1 and m.group("b") == "两"):
            return None
        unit = SMALL_UNITS[m.group("u")] if m.group("u") else 1
        if m.group("ten"):
            if m.group("u"):
                return None
            a, b = 10 + a, 10 + b
        scale = Decimal(unit) * (10_000 if m.group("wan") else 1)
        if not m.group("u") and not m.group("wan") and not m.group("ten"):
            return None  # "五六" alone is no figure
        return Decimal(a) * scale, Decimal(b) * scale
    m = _CN_TAIL_RANGE.match(raw)
    if m is not None:
        a, b = _digit(m.group("a")), _digit(m.group("b"))
        head = parse_number(m.group("head"))
        last = m.group("head")[-1]
        unit = BIG_UNITS.get(last) or SMALL_UNITS.get(last) or 1
        if head is None or b != a + 1 or unit < 100:
            return None
        step = Decimal(unit) / 10
        return head + a * step, head + b * step
    return None


def _piece_count(text: str, end: int, value: Decimal, unit: str) -> bool:
    """块 after a small figure and before a noun counts pieces (一块玻璃, 两块砖), not yuan (五十块的, 三块钱)."""
    after = text[end : end + 1]
    return unit == "块" and value < 100 and "\u4e00" <= after <= "\u9fff" and after not in "钱的了啊呢吧左上多也都就还"


def _measure_follows(text: str, end: int, strong: bool) -> bool:
    after = text[end : end + 2]
    return bool((_MEASURE_OBJECT if strong else _MEASURE_ANY).match(after))


def _rough_amounts(text: str, taken: list[tuple[int, int]]) -> list[AmountMention]:
    """ "万把块", "好几万", "几千块", "上万块": a magnitude alone, always approximate."""
    found: list[AmountMention] = []
    for m in ROUGH_RE.finditer(text):
        if not (m.group("pre") or m.group("ba")) or any(m.start() < e and s < m.end() for s, e in taken):
            continue
        if m.start() > 0 and text[m.start() - 1] in _CN + "0123456789":
            continue
        lone_shang = m.group("pre") == "上" and not m.group("ba")
        if (_measure_follows(text, m.end(), strong=True) or lone_shang) and not (lone_shang and m.group("unit")):
            continue
        value = parse_number(m.group("mag"))
        if value is not None:
            found.append(AmountMention(value, m.start(), m.end(), m.group(0), True, True, None, bool(m.group("unit"))))
    return found


_PER_ONE = re.compile(r"一(?:箱|斤|个|件|袋|桶|瓶|车|头|只|台|套|吨|方|米|棵|株|亩|盒|包|条|张)$")


def _together(text: str, start: int, raw: str) -> bool:
    """A numeral ending in 一 followed by 块还/块给 …: 一块 means "together" ("五千四一块还")."""
    after = text[start + len(raw) :]
    return raw.endswith("一") and len(raw) > 1 and bool(re.match(r"块(?:儿)?[还给付算要交结拿走去来]", after))


def _tenths(said: str | None, value: Decimal, high: Decimal | None) -> Decimal:
    """The 角 after 块 (四块五 → 0.5), for a small figure or when 毛/角 is said (三万…块五毛); 0 when none."""
    if not said or high is not None or not (value < 100 or said.endswith(("毛", "角"))):
        return Decimal(0)
    return Decimal(DIGITS[said[0]]) / 10


def _arabic_ranges(text: str) -> list[AmountMention]:
    """"3-5万", "2000到3000元": a range written in digits."""
    found: list[AmountMention] = []
    for m in _ARABIC_RANGE.finditer(text):
        lo, hi = Decimal(m.group("lo")), Decimal(m.group("hi"))
        scale = BIG_UNITS.get(m.group("mag")) or SMALL_UNITS[m.group("mag")]
        low = lo * (BIG_UNITS.get(m.group("lomag") or "") or SMALL_UNITS.get(m.group("lomag") or "") or scale)
        if low >= hi * scale or _measure_follows(text, m.end(), strong=True):
            continue
        found.append(AmountMention(low, m.start(), m.end(), m.group(0), True, True, hi * scale, bool(m.group("unit"))))
    return found


def find_amounts(text: str) -> list[AmountMention]:
    """Money-like amounts in ``text``. Bare small numbers without a unit (ages, counts) are left out."""
    found = _arabic_ranges(text)
    taken = [(a.start, a.end) for a in found]
    for m in AMOUNT_RE.finditer(text):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        raw = m.group("num").rstrip(".,，")
        end = m.end()
        if _together(text, m.start(), raw):
            raw = raw[:-1]  # "五千四一块还": 一块 is "together", not one yuan
            end = m.start() + len(raw)
        approx = bool(m.group("approx")) or m.group("ones") == "块多"
        if (
            len(raw) >= 2
            and raw[-1] in DIGITS
            and not (m.group("approx") or m.group("mag") or m.group("ones") or m.group("unit"))
            and text[m.start() + len(raw) : m.start() + len(raw) + 1] in _WORD_AFTER_TAIL
        ):
            raw = raw[:-1]
            end = m.start() + len(raw)
        if m.group("approx") == "几" and not m.group("mag"):
            continue  # "三十几岁", "两个几"
        span = _range_of(raw)
        value: Decimal | None = span[0] if span else parse_number(raw)
        if value is None or value <= 0:
            continue
        high = span[1] if span else None
        mag = m.group("mag") or ""
        if mag:
            times = parse_number(mag) or Decimal(1)
            value, high = value * times, (high * times if high is not None else None)
        currency = bool(m.group("unit") or m.group("ones"))
        jiao = _tenths(m.group("jiao"), value, high)
        if jiao:
            value += jiao
            end = m.end()
        if not jiao and _piece_count(text, end, value, m.group("ones") or m.group("unit") or ""):
            continue  # "换一块玻璃": a count of pieces, not one yuan
        magnitude = any(c in raw + mag for c in "万萬亿千仟百佰wWkK")
        if _measure_follows(text, end, strong=currency or any(c in raw + mag for c in "万萬亿")):
            continue  # a date, age, count or measure, not money
        has_unit = currency or magnitude
        if not has_unit and value < 100 and not _PER_ONE.search(text, 0, m.start()):
            continue  # an age or a count; but 一箱五十八 is the price of one, though no 元 is said
        approx = approx or high is not None
        approx = approx or bool(_APPROX_BEFORE.search(text[max(0, m.start() - 4) : m.start()]))
        approx = approx or bool(_APPROX_AFTER.match(text[end : end + 4]))
        found.append(AmountMention(value, m.start(), end, text[m.start() : end], approx, has_unit, high, currency))
        taken.append((m.start(), end))
    found.extend(_rough_amounts(text, taken))
    return sorted(found, key=lambda a: a.start)


# ------------------------------------------------------------------------ digits that are never money

_IDENTIFIERS = [
    re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])"),  # 居民身份证号码
    re.compile(r"(?<!\d)\d{11,}(?!\d)"),  # mobile numbers, bank cards, account numbers: runs of 11 digits or more
    re.compile(r"(?<![\d\-])0\d{2,3}[-－—\s]?\d{7,8}(?!\d)"),  # landlines with their area code
    re.compile(r"(?<!\d)\d{3,4}[-－—]\d{3,4}[-－—]\d{3,4}(?!\d)"),  # 400-123-4567 and other grouped numbers
    re.compile(r"\d+[xX*＊]{2,}[\dxX*＊]*|[xX*＊]{2,}\d+"),  # masked numbers: 139xxxxxxxx, 4108****2517
    re.compile(r"(?<![A-Za-z0-9])(?!RMB|rmb)[A-Za-z]+[-_/]?\d[\w\-/]*"),  # codes: HT-2021-0356, GC20240517
    re.compile(r"[（(]\d{4}[）)][\u4e00-\u9fff\d]{1,15}?号"),  # case numbers: （2024）豫0811民初123号
    re.compile(
        r"(?:电话|手机|号码|微信号|微信|QQ|qq|身份证|证件|卡号|账号|帐号|银行卡|编号|合同号|案号|车牌|单号|工号|房号|门牌)"
        r"(?:号码|号)?(?:是|为|:|：)?\s*[\dA-Za-z][\dA-Za-z\-xX*＊]{2,}"
    ),
    # house, building and room numbers: 建设路118号, 18号楼2单元501, 3栋, 5层
    re.compile(r"\d+(?:号楼|号院|号门|栋|幢|单元|室|层|楼|排|组|巷|弄|户)"),
    re.compile(r"(?<=单元|号楼|号院)\d+|(?<=[栋幢室])\d+"),
    re.compile(r"(?<=[路街巷弄道])\d+号?"),
    # rates and multiples: 30%, 百分之三十, 两分利, 月息2分, 双倍
    re.compile(r"\d+(?:\.\d+)?\s*[%％]"),
    re.compile(r"百分之[\d一二两三四五六七八九十百点.]+"),
    # a rate, not interest money: 利息六千 and 利息1200元 are money (a magnitude or 元/块 follows the figure)
    re.compile(
        r"(?:月息|年息|利息|利率|年利率|月利率)[^，。,；;]{0,3}?[\d一二两三四五六七八九十.]+(?:分|厘|%|％)?"
        r"(?![\d一二两三四五六七八九十.]|[百千万元块])"
    ),
    re.compile(r"[\d一二两三四五六七八九十.]+(?:分利|分息|厘息|倍)"),
]


def identifier_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds digits that are never an amount or a date: phone, ID, bank-card and account numbers,
    case and contract numbers, codes, house and room numbers, interest rates and percentages."""
    spans = sorted((m.start(), m.end()) for pattern in _IDENTIFIERS for m in pattern.finditer(text))
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)
