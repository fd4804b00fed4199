"""Dates as people say them, resolved against a given ``today`` and against the story's own timeline.

Absolute (2023年5月1日, 2023.5.1, 2023-05-01, 23年5月), relative years (去年三月, 前年年底, 今年5月10号), relative
months (上个月15号, 上个月底), weekdays (上周五), offsets (三年前, 两个月前, 半年前, 10天前), named days (昨天,
前天), festivals (今年中秋, 去年端午节, 大年初三, 过年前, 五一, 国庆; knowledge/data/calendar.yaml) and dates
without a year (8月份, 10月底, 15号, 中秋节那天, 第二年4月1号).

A date without a year belongs to the story's own timeline: it takes the year (for a day alone, the month) of the
date said before it in the story, moved on a year (a month) when it would fall before that date ("2025年11月借的，
说好3月份还" is March 2026; "第二年" is the year after). With no date before it, it is the most recent such day
up to ``today``.

A mention carries its precision and, when the words name a span of days, the span: ``value`` is its first day
and ``latest`` its last ("上个月" is the whole month; "年初"/"上旬"/"过年前" are ranges: 过年前 runs from 腊月初一
to 除夕). "月底", "年底" and "上个月15号" are single days (the month's last day, 31 December, the 15th).
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from knowledge._base import DATA_DIR, DataModel, load_model
from knowledge.cn_numbers import identifier_spans, overlaps, parse_number

Precision = Literal["day", "month", "year", "range"]


class LunarYear(DataModel):
    la_yue_start: date  # 腊月初一 before this year's 春节
    spring_festival: date  # 正月初一
    dragon_boat: date  # 五月初五
    mid_autumn: date  # 八月十五
    longtaitou: date  # 二月初二 (龙抬头)
    qixi: date  # 七月初七 (七夕)
    chongyang: date  # 九月初九 (重阳)
    qingming: date  # 清明 (solar term)
    lidong: date  # 立冬 (solar term)
    dongzhi: date  # 冬至 (solar term)


class CalendarData(DataModel):
    lunar: dict[int, LunarYear]
    fixed: dict[str, tuple[int, int]]


@functools.cache
def load_calendar(path: Path = DATA_DIR / "calendar.yaml") -> CalendarData:
    return load_model(CalendarData, path)


@dataclass(frozen=True, slots=True)
class DateMention:
    value: date  # the day, or the first day of the span the words name
    precision: Precision
    start: int
    end: int
    text: str
    latest: date | None = None  # the last day of that span (None: a single day)

    @property
    def last(self) -> date:
        return self.latest or self.value

    def as_range(self) -> dict[str, str] | None:
        """{"from", "to"} (ISO) when the words name more than one day, else None."""
        if self.latest is None or self.latest == self.value:
            return None
        return {"from": self.value.isoformat(), "to": self.latest.isoformat()}


Span = tuple[date, date, Precision]  # first day, last day, precision

_CN_DIGIT = "一二三四五六七八九十"
_N = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_MPART = r"(?P<mpart>底|末|初|中旬|上旬|下旬|中(?!间|午|国))"
_YPART = r"(?P<part>年初|年底|年末|年中|初|底|末)"
_YEAR_WORDS = {"今年": 0, "去年": -1, "前年": -2, "大前年": -3, "明年": 1, "后年": 2}
_REL_YEAR = r"(?P<w>大前年|前年|去年|今年|明年|后年)"
_NEXT = r"(?P<nx>第二年|次年|转年|来年)?的?"
# A festival word after a surname is a given name (孙国庆, 王元旦, 李端午), not the day.
_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴"
    "夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
_FEST = (
    r"(?P<fest>过年前|春节前|过年(?:的时候|那会儿?|期间|时)?|春节|除夕|大年三十|年三十|大年初[一二三四五六七八九十]"
    r"|正月初[一二三四五六七八九十]|正月十五|元宵节?|腊八节?|小年(?!轻)|端午节|(?<!{surname})端午|中秋节|(?<!{surname})中秋|八月十五|五月初五|(?<!{surname})元旦"
    r"|七夕节?|七月初七|重阳节?|九月初九|(?<!{surname})清明节?|立冬|(?<!{surname})冬至|二月二(?!十)|二月初二|龙抬头"
    r"|腊月(?:初[一二三四五六七八九十]|二十[一二三四五六七八九]?|廿[一二三四五六七八九]|十[一二三四五六七八九]|三十)?"
    r"|(?<![一二三四五六七八九十百千万\d])五一(?![万千百十块元路号\d])|劳动节|国庆节|(?<!{surname})国庆"
    r"|(?<![一二三四五六七八九十\d])十一(?=假期|长假|放假|那天|前后|期间))"
).replace("{surname}", f"[{_SURNAMES}]")
_DAY_AFTER_BLOCK = "楼院线门床房桌口地街路"

_EXPLICIT: list[tuple[str, re.Pattern[str]]] = [
    (
        "ymd",
        re.compile(
            r"(?<![\d.])(?P<y>(?:19|20)\d{2}|\d{2})\s*[年./\-]\s*(?P<m>\d{1,2})\s*[月./\-]\s*(?P<d>\d{1,2})\s*[日号]?(?![\d.])"
        ),
    ),
    ("ym", re.compile(rf"(?<!\d)(?P<y>(?:19|20)\d{{2}}|\d{{2}})年(?P<m>{_N})月份?(?:(?P<d>{_N})[日号]|{_MPART})?")),
    ("festival_y", re.compile(rf"(?:(?P<y>(?:19|20)\d{{2}})年|{_REL_YEAR})的?{_FEST}")),
    ("y", re.compile(rf"(?<!\d)(?P<y>(?:19|20)\d{{2}})年{_YPART}?")),
    (
        "rel_year",
        re.compile(rf"{_REL_YEAR}(?:{_YPART}|(?P<m>{_N})月份?(?:(?P<d>{_N})[日号]|{_MPART})?)?"),
    ),
    # 上个月头一个礼拜六, 这个月第二个星期天: an ordinal weekday of a month said relative to this one
    (
        "month_weekday",
        re.compile(
            r"(?P<rm>上上个?月|上个月|上月|这个月|本月|下个月|下月)的?(?P<ord>头一个|第一个|头个|第二个|第三个|第四个|最后一个)"
            r"(?:礼拜|星期|周)(?P<wd>[一二三四五六日天])"
        ),
    ),
    (
        "rel_month",
        re.compile(
            rf"(?P<rm>上上个?月|上个月|上月|这个月|本月|下下个?月|下个月|下月)(?:(?P<d>{_N})[日号]|(?P<mpart>底|末|初|中旬|上旬|下旬))?"
        ),
    ),
    ("weekday", re.compile(r"(?P<wk>上上|上|这|本|下下|下)?个?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])")),
    (
        "ago",
        re.compile(
            r"(?P<n>\d+|[一二两三四五六七八九十几半]{1,3})(?P<u>年|个月|个多月|天|周|个星期|星期)多?(?:前|以前|之前)"
        ),
    ),
    (
        "named",
        re.compile(
            r"上上个?(?:周|星期|礼拜)|上个?周|上个?星期|上个?礼拜|这周|本周"
            r"|大前天|昨天|前天|今天|大后天|(?<!今)明天|(?<![大前])后天|前儿个|前儿|昨儿个|昨儿|今儿个|今儿|明儿个|明儿"
        ),
    ),
]
_YEARLESS: list[tuple[str, re.Pattern[str]]] = [
    ("festival", re.compile(rf"{_NEXT}{_FEST}")),
    ("md", re.compile(rf"{_NEXT}(?P<m>{_N})月份?(?:(?P<d>{_N})[日号]|{_MPART})?")),
    ("month_part", re.compile(r"(?<![\d一二三四五六七八九十个])月(?P<mpart>底|末|初|中旬|上旬|下旬)")),
    ("day", re.compile(rf"(?<![\d月])(?P<d>{_N})[日号]")),
    # "当月14号", "同月20日": a day of the month of the date said before it (the story's own month)
    ("same_month_day", re.compile(rf"(?:当|同|该)月的?(?P<d>{_N})[日号]")),
    ("year_part", re.compile(r"年底|年末|年初|(?<![去今明前后])年中")),
]
# A mention followed by these is the story's "now", not an event: "今年中秋都过去俩月了", "元旦都过了".
_PASSED = re.compile(r"^(?:(?:都|已经|早就|早)过|过(?:去|完)?了)")


def _num(text: str | None) -> int | None:
    if not text:
        return None
    value = parse_number(text)
    return int(value) if value is not None else None


def _year(raw: str) -> int:
    year = int(raw)
    return year + 2000 if year < 100 else year


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _ok(year: int, month: int, day: int = 1) -> bool:
    return 1 <= month <= 12 and 1900 <= year <= 2100 and 1 <= day <= _last_day(year, month)


def _month_span(year: int, month: int, day: int | None, mpart: str | None) -> Span | None:
    if not _ok(year, month, day or 1):
        return None
    last = _last_day(year, month)
    if day is not None:
        d = date(year, month, day)
        return d, d, "day"
    if mpart in ("底", "末"):
        d = date(year, month, last)
        return d, d, "day"
    if mpart in ("初", "上旬"):
        return date(year, month, 1), date(year, month, 10), "range"
    if mpart in ("中", "中旬"):
        return date(year, month, 11), date(year, month, 20), "range"
    if mpart == "下旬":
        return date(year, month, 21), date(year, month, last), "range"
    return date(year, month, 1), date(year, month, last), "month"


def _year_span(year: int, part: str | None) -> Span | None:
    if not 1900 <= year <= 2100:
        return None
    if part in ("年底", "年末", "底", "末"):
        return date(year, 12, 31), date(year, 12, 31), "day"
    if part in ("年初", "初"):
        return date(year, 1, 1), date(year, 3, 31), "range"
    if part == "年中":
        return date(year, 6, 1), date(year, 7, 31), "range"
    return date(year, 1, 1), date(year, 12, 31), "year"


def _festival_span(fest: str, year: int) -> Span | None:
    cal = load_calendar()
    if fest in cal.fixed or fest == "十一":
        month, day = cal.fixed.get(fest, (10, 1))
        return _month_span(year, month, day, None)
    if fest in ("国庆节",):
        return _month_span(year, 10, 1, None)
    if fest.startswith(("腊", "小年")):
        # 腊月 of the lunar year ``year``: it ends on the 除夕 before the next 春节
        ahead = cal.lunar.get(year + 1)
        if ahead is None:
            return None
        la, eve = ahead.la_yue_start, ahead.spring_festival - timedelta(days=1)
        if fest == "腊月":
            return la, eve, "range"
        day = 8 if fest.startswith("腊八") else 23 if fest == "小年" else _lunar_day(fest[2:])
        la_day = la + timedelta(days=day - 1)
        return (la_day, la_day, "day") if la_day <= eve else None
    lunar = cal.lunar.get(year)
    if lunar is None:
        return None  # outside the table: not read
    sf = lunar.spring_festival
    if fest in ("过年前", "春节前"):
        return lunar.la_yue_start, sf - timedelta(days=1), "range"
    if fest.startswith("过年"):
        return sf - timedelta(days=1), sf + timedelta(days=14), "range"
    one: date
    if fest == "春节":
        one = sf
    elif fest in ("除夕", "大年三十", "年三十"):
        one = sf - timedelta(days=1)
    elif fest.startswith(("大年初", "正月初")):
        one = sf + timedelta(days=_CN_DIGIT.index(fest[-1]))
    elif fest.startswith(("正月十五", "元宵")):
        one = sf + timedelta(days=14)
    elif fest.startswith("端午") or fest == "五月初五":
        one = lunar.dragon_boat
    elif fest.startswith("中秋") or fest == "八月十五":
        one = lunar.mid_autumn
    elif fest in ("二月二", "二月初二", "龙抬头"):
        one = lunar.longtaitou
    elif fest.startswith("七夕") or fest == "七月初七":
        one = lunar.qixi
    elif fest.startswith("重阳") or fest == "九月初九":
        one = lunar.chongyang
    elif fest.startswith("清明"):
        one = lunar.qingming
    elif fest == "立冬":
        one = lunar.lidong
    elif fest == "冬至":
        one = lunar.dongzhi
    else:
        return None
    return one, one, "day"


def _lunar_day(words: str) -> int:
    """初八 → 8, 十五 → 15, 二十三 / 廿三 → 23, 三十 → 30."""
    if words.startswith("初"):
        return _CN_DIGIT.index(words[1]) + 1
    if words.startswith("廿"):
        return 20 + _CN_DIGIT.index(words[1]) + 1
    return _num(words) or 0


def _month_back(today: date, months: int) -> date:
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(today.day, _last_day(year, month + 1)))


def _shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


# months said relative to this one (上上个月, 上月, 本月, 下个月 …), 个 dropped
_REL_MONTHS = {"上上月": -2, "上月": -1, "这月": 0, "本月": 0, "下月": 1, "下下月": 2}


def _month_weekday(g: dict[str, str], today: date) -> Span:
    """上个月头一个礼拜六: the nth (or last) weekday of a month said relative to this one."""
    by = _REL_MONTHS[g["rm"].replace("个", "")]
    year, month = _shift_month(today.year, today.month, by)
    wd = "一二三四五六日".find(g["wd"]) if g["wd"] != "天" else 6
    if g["ord"] == "最后一个":
        last = date(year, month, _last_day(year, month))
        day = last - timedelta(days=(last.weekday() - wd) % 7)
    else:
        first = date(year, month, 1)
        nth = {"头一个": 0, "第一个": 0, "头个": 0, "第二个": 1, "第三个": 2, "第四个": 3}[g["ord"]]
        day = first + timedelta(days=(wd - first.weekday()) % 7 + 7 * nth)
    return day, day, "day"


def _explicit(kind: str, m: re.Match[str], today: date) -> Span | None:
    g = m.groupdict()
    if kind in ("ymd", "ym"):
        return _month_span(_year(g["y"]), _num(g["m"]) or 0, _num(g.get("d")), g.get("mpart"))
    if kind == "y":
        return _year_span(_year(g["y"]), g.get("part"))
    if kind == "festival_y":
        year = _year(g["y"]) if g.get("y") else today.year + _YEAR_WORDS[g["w"]]
        return _festival_span(g["fest"], year)
    if kind == "rel_year":
        year = today.year + _YEAR_WORDS[g["w"]]
        month = _num(g.get("m"))
        if month is None:
            return _year_span(year, g.get("part"))
        return _month_span(year, month, _num(g.get("d")), g.get("mpart"))
    if kind == "rel_month":
        year, month = _shift_month(today.year, today.month, _REL_MONTHS[g["rm"].replace("个", "")])
        return _month_span(year, month, _num(g.get("d")), g.get("mpart"))
    if kind == "month_weekday":
        return _month_weekday(g, today)
    if kind == "weekday":
        monday = today - timedelta(days=today.weekday())
        wd = "一二三四五六日".find(g["wd"]) if g["wd"] != "天" else 6
        which = g.get("wk")
        if which == "上上":
            day = monday - timedelta(days=14 - wd)
        elif which == "上":
            day = monday - timedelta(days=7 - wd)
        elif which == "下下":
            day = monday + timedelta(days=14 + wd)
        elif which == "下":
            day = monday + timedelta(days=7 + wd)
        elif which in ("这", "本"):
            day = monday + timedelta(days=wd)
        else:  # "星期三他来了": the most recent one
            day = today - timedelta(days=(today.weekday() - wd) % 7)
        return day, day, "day"
    if kind == "ago":
        raw = g["n"]
        n = 0.5 if raw == "半" else (3 if raw == "几" else _num(raw))
        if n is None:
            return None
        unit = g["u"]
        if unit == "年":
            if n == 0.5:
                one = _month_back(today, 6)
                return one, one, "month"
            one = _month_back(today, int(n) * 12)
            return one, one, "year"
        if "月" in unit:
            one = _month_back(today, max(1, int(n)))
            return one, one, "month"
        one = today - timedelta(days=int(n * 7) if unit in ("周", "个星期", "星期") else int(n))
        return one, one, "day"
    text = m.group(0)
    monday = today - timedelta(days=today.weekday())
    if text in ("这周", "本周"):
        return monday, monday + timedelta(days=6), "range"
    if text.startswith("上上"):
        return monday - timedelta(days=14), monday - timedelta(days=8), "range"
    if "周" in text or "星期" in text or "礼拜" in text:
        return monday - timedelta(days=7), monday - timedelta(days=1), "range"
    back = {"大前天": 3, "前天": 2, "昨天": 1, "今天": 0, "明天": -1, "后天": -2, "大后天": -3}[
        {"前儿": "前天", "昨儿": "昨天", "今儿": "今天", "明儿": "明天"}.get(text.removesuffix("个"), text)
    ]
    one = today - timedelta(days=back)
    return one, one, "day"


@dataclass(frozen=True, slots=True)
class _Yearless:
    kind: str
    match: re.Match[str]
    by_year: Callable[[int], Span | None] | None  # a month-day or festival, given its year
    by_month: Callable[[int, int], Span | None] | None  # a day or a month part, given its year and month
    next_year: bool


def _yearless(kind: str, m: re.Match[str]) -> _Yearless | None:
    g = m.groupdict()
    nx = bool(g.get("nx"))
    if kind == "festival":
        fest = g["fest"]
        return _Yearless(kind, m, lambda y: _festival_span(fest, y), None, nx)
    if kind == "md":
        month, day, mpart = _num(g["m"]), _num(g.get("d")), g.get("mpart")
        if month is None or not 1 <= month <= 12:
            return None
        return _Yearless(kind, m, lambda y: _month_span(y, month, day, mpart), None, nx)
    if kind == "year_part":
        part = m.group(0)
        return _Yearless(kind, m, lambda y: _year_span(y, part), None, False)
    if kind == "month_part":
        mpart = g["mpart"]
        return _Yearless(kind, m, None, lambda y, mo: _month_span(y, mo, None, mpart), False)
    day = _num(g["d"])
    if day is None or not 1 <= day <= 31:
        return None
    return _Yearless(kind, m, None, lambda y, mo: _month_span(y, mo, day, None), False)


def _resolve_yearless(item: _Yearless, anchor: DateMention | None, today: date) -> Span | None:
    if item.by_year is not None:
        if anchor is not None:
            year = anchor.value.year
            if item.next_year:
                return item.by_year(year + 1)
            first = anchor.value if anchor.precision != "year" else date(year, 1, 1)
            # the first occurrence not before the anchor; a 腊月 day of the lunar year before (过年前腊八, anchored in
            # January) falls in the anchor's own Gregorian year
            for candidate in (year - 1, year, year + 1):
                span = item.by_year(candidate)
                if span is not None and span[1] >= first:
                    return span
            return None
        if item.next_year:
            return item.by_year(today.year + 1)
        span = item.by_year(today.year)
        if span is not None and span[0] > today:
            span = item.by_year(today.year - 1)
        return span
    assert item.by_month is not None
    if anchor is not None:
        year, month = anchor.value.year, anchor.value.month
        span = item.by_month(year, month)
        if span is not None and span[1] < anchor.value:
            span = item.by_month(*_shift_month(year, month, 1))
        return span
    span = item.by_month(today.year, today.month)
    if span is None or span[0] > today:
        span = item.by_month(*_shift_month(today.year, today.month, -1))
    return span


def _skip_yearless(kind: str, m: re.Match[str], text: str) -> bool:
    before = text[max(0, m.start() - 3) : m.start()]
    if kind == "md":
        if m.start() > 0 and text[m.start() - 1] in "个几每":
            return True  # "三个月" is a duration, not a month
        if re.match(r"\d", m.group("m")) and m.start() > 0 and text[m.start() - 1].isdigit():
            return True
        if not m.group("nx") and m.group("m") and m.start() > 0 and text[m.start() - 1] in _CN_DIGIT:
            return True  # "十二个月" and other numerals run together
    if kind == "day":
        if re.search(r"每个?月?$", before) or text[m.end() : m.end() + 1] in _DAY_AFTER_BLOCK:
            return True  # "每月11号还" is a recurring day; "18号楼" a house
        if m.start() > 0 and (text[m.start() - 1].isdigit() or text[m.start() - 1] in _CN_DIGIT):
            return True
    return False


_CN_YEAR = re.compile(r"(?:一九|二[〇零○])[〇零○一二三四五六七八九]{2}(?=年)")
_CN_YEAR_DIGIT = str.maketrans("〇零○一二三四五六七八九", "00012345678" + "9")
# "2023年12月还是2024年1月": either of two dates, one fact known only as the span from the first to the last
_EITHER = re.compile(r"^\s*(?:还是|或者|或是|或|抑或)\s*$")
# "17号到19号中间哪天": one day somewhere between two dates, the same kind of span
_BETWEEN = re.compile(r"^\s*(?:到|至|和|跟|与)\s*$")
_BETWEEN_AFTER = re.compile(r"^\s*(?:的)?(?:之间|中间|当中)")


def _arabic_years(text: str) -> str:
    """``text`` with years written in Chinese digits (二〇二五年, 二零二六年) in Arabic ones, same length."""
    return _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_YEAR_DIGIT), text)


def _either(found: list[DateMention], text: str) -> list[DateMention]:
    """Two dates said as alternatives ("记不清是2023年12月还是2024年1月") or as the bounds of an unknown day
    ("17号到19号中间哪天") become one span from the first's first day to the second's last, with the precision of a
    range."""
    out: list[DateMention] = []
    for mention in found:
        prev = out[-1] if out else None
        gap = text[prev.end : mention.start] if prev is not None else ""
        between = _BETWEEN.match(gap) is not None and _BETWEEN_AFTER.match(text[mention.end :]) is not None
        if prev is not None and (_EITHER.match(gap) or between) and prev.value <= mention.value:
            words = text[prev.start : mention.end]
            out[-1] = DateMention(prev.value, "range", prev.start, mention.end, words, mention.last)
            continue
        out.append(mention)
    return out


def find_dates(text: str, today: date) -> list[DateMention]:
    """All date mentions in ``text``, left to right, without overlaps; dates without a year placed on the story's
    own timeline (see the module docstring). Digits of phone, ID, card and case numbers are never dates."""
    blocked = identifier_spans(text)
    original, text = text, _arabic_years(text)
    taken: list[tuple[int, int]] = []
    explicit: list[tuple[int, DateMention]] = []
    pending: list[_Yearless] = []

    def free(m: re.Match[str]) -> bool:
        return not overlaps(m.start(), m.end(), taken) and not overlaps(m.start(), m.end(), blocked)

    for kind, pattern in _EXPLICIT:
        for m in pattern.finditer(text):
            if not free(m):
                continue
            span = _explicit(kind, m, today)
            if span is None:
                continue
            taken.append((m.start(), m.end()))
            said = original[m.start() : m.end()]
            explicit.append((m.start(), DateMention(span[0], span[2], m.start(), m.end(), said, _latest(span))))
    for kind, pattern in _YEARLESS:
        for m in pattern.finditer(text):
            if not free(m) or _skip_yearless(kind, m, text):
                continue
            item = _yearless(kind, m)
            if item is None:
                continue
            taken.append((m.start(), m.end()))
            pending.append(item)

    # left to right: each date without a year takes the timeline of the date before it
    events: list[tuple[int, DateMention | _Yearless]] = [*explicit, *((p.match.start(), p) for p in pending)]
    events.sort(key=lambda e: e[0])
    found: list[DateMention] = []
    anchor: DateMention | None = None
    for _pos, event in events:
        mention: DateMention | None = None
        if isinstance(event, DateMention):
            mention = event
        else:
            resolved = _resolve_yearless(event, anchor, today)
            ym = event.match
            if resolved is not None:
                mention = DateMention(resolved[0], resolved[2], ym.start(), ym.end(), ym.group(0), _latest(resolved))
            if mention is not None and found and _refines(found[-1], mention, text):
                found.pop()  # "去年冬天大概12月": the month makes the year exact
        if mention is None:
            continue
        if _PASSED.match(text[mention.end : mention.end + 5]):
            continue  # the story's "now", not an event
        found.append(mention)
        anchor = mention
    return _either(found, original)


def _latest(span: Span) -> date | None:
    return span[1] if span[1] != span[0] else None


def _refines(coarse: DateMention, fine: DateMention, text: str) -> bool:
    gap = text[coarse.end : fine.start]
    return (
        coarse.precision == "year"
        and len(gap) <= 6
        and not re.search(r"[，,。；;！!？?]", gap)
        and coarse.value <= fine.value <= coarse.last
    )


__all__ = ["CalendarData", "DateMention", "LunarYear", "Precision", "find_dates", "load_calendar"]
