"""China's administrative places (knowledge/data/places.yaml), recognised in free text.

:meth:`Gazetteer.find` returns the places named in a text ("陕西山阳县", "郑州金水区", "广东佛山", "新乡") as
:class:`Mention` spans, each resolved to the most specific :class:`Place` the words allow. Only administrative
names count: a 小区, a village or a street name is not in the gazetteer (the court's own streets are in
court.yaml). A name that several places share ("白云区": 广州 and 贵阳) resolves only when the same mention names
its city or province; otherwise it stays ``ambiguous`` (known to be somewhere, not which court's).

Words that only look like places are refused: a name followed by 路/街/大道/公园/饭店… is a street or a
building ("北京路", "郑州饭店"); two-character county names outside this province ("和县", "南县") need their
city or province beside them; common nouns that happen to be district names (城区, 矿区, 郊区, 东区…) are never
read alone.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from knowledge._base import DATA_DIR, DataModel, Tag, load_model

Level = Literal["province", "city", "county"]

# suffixes stripped to get the short name a person says ("河南", "郑州", "修武")
_PROVINCE_SUFFIX = re.compile(r"(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")
_CITY_SUFFIX = re.compile(r"(?:市|地区|盟)$")
_COUNTY_SUFFIX = re.compile(r"(?:县|市)$")
# after a place name: a street, building or institution named after the place, not the place itself
_NOT_AFTER = re.compile(
    r"^(?:路|街(?!道)|大街|大道|道(?!办)|巷|胡同|桥|公园|饭店|酒店|宾馆|大厦|广场|商场|小区|医院|中学|小学|大学|学院|"
    r"火车站|汽车站|高铁站|机场|银行|分行|支行|公司|集团|商贸|建材|酒|烩面|人民法院|法院|中院|中级)"
)
# a court's name after a unit that continues a place already named ("洛阳市西工区人民法院") is that place's court:
# the unit is kept, so the whole place is read (and placeroles sees the court after it)
_COURT_AFTER = re.compile(r"^(?:人民法院|法院|中院)")
# district names that are also everyday words: never read without their city beside them
_COMMON_WORDS = frozenset(
    {"城区", "矿区", "郊区", "东区", "西区", "南区", "北区", "中区", "新城区", "老城区", "市中区"}
)
# short city names that are everyday words (a mountain, a greeting, a brand)
_COMMON_SHORT = frozenset(
    {
        "黄山",
        "中山",
        "普洱",
        "朝阳",
        "大同",
        "安康",
        "白山",
        "山南",
        "阿里",
        "来宾",
        "三明",
        "红河",
        "长治",
        "北海",
        "白银",
        "中卫",
    }
    | {"哈密", "玉溪"}
)


class PlacesData(DataModel):
    tag: Tag
    provinces: dict[str, dict[str, list[str]]]


@dataclass(frozen=True, slots=True)
class Place:
    province: str
    city: str | None = None
    county: str | None = None

    @property
    def level(self) -> Level:
        return "county" if self.county else "city" if self.city else "province"

    @property
    def name(self) -> str:
        """The place's full name: 陕西省商洛市山阳县; a municipality's district without the city twice."""
        if self.county:
            city = "" if self.city == self.province else self.city or ""
            return f"{self.province}{city}{self.county}"
        if self.city:
            return self.city
        return self.province

    @property
    def short_name(self) -> str:
        """How a court's area is usually written: 郑州市金水区, 佛山市, 河南省."""
        if self.county:
            return f"{self.city}{self.county}" if self.city else self.county
        return self.city or self.province


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    text: str
    place: Place | None  # None: the name is shared by several places and nothing here tells which
    candidates: tuple[Place, ...]

    @property
    def ambiguous(self) -> bool:
        return self.place is None


class Gazetteer:
    """Alias table over the places data; build once (:func:`load_gazetteer`)."""

    def __init__(self, data: PlacesData, home_province: str = "河南省") -> None:
        self.tag = data.tag
        self.home_province = home_province
        self._aliases: dict[str, list[Place]] = {}
        self._needs_context: set[str] = set()
        for province, cities in data.provinces.items():
            self._add(province, Place(province))
            short = _PROVINCE_SUFFIX.sub("", province)
            if len(short) >= 2:
                self._add(short, Place(province))
            for city, units in cities.items():
                place = Place(province, city)
                if city != province:
                    self._add(city, place)
                    short_city = _CITY_SUFFIX.sub("", city)
                    if len(short_city) >= 2 and short_city != city and short_city not in _COMMON_SHORT:
                        self._add(short_city, place)
                for unit in units:
                    county = Place(province, city, unit)
                    self._add(unit, county)
                    if len(unit) == 2 and province != home_province:
                        self._needs_context.add(unit)
                    short_unit = _COUNTY_SUFFIX.sub("", unit)
                    if province == home_province and len(short_unit) >= 2 and short_unit != unit:
                        self._add(short_unit, county)
        for word in _COMMON_WORDS:
            self._needs_context.add(word)
        self._pattern = re.compile("|".join(re.escape(a) for a in sorted(self._aliases, key=len, reverse=True)))

    def _add(self, alias: str, place: Place) -> None:
        places = self._aliases.setdefault(alias, [])
        if place not in places:
            places.append(place)

    def find(self, text: str) -> list[Mention]:
        """Places named in ``text``, adjacent names merged ("广东" + "佛山" → 广东省佛山市)."""
        hits: list[tuple[int, int, list[Place]]] = []
        pos = 0
        while pos < len(text):
            m = self._pattern.search(text, pos)
            if m is None:
                break
            after = text[m.end() : m.end() + 4]
            continues = bool(hits) and hits[-1][1] == m.start()
            if _NOT_AFTER.match(after) and not (continues and _COURT_AFTER.match(after)):
                pos = m.start() + 1
                continue
            hits.append((m.start(), m.end(), self._aliases[m.group()]))
            pos = m.end()
        groups: list[list[tuple[int, int, list[Place]]]] = []
        for hit in hits:
            if groups and hit[0] == groups[-1][-1][1]:
                groups[-1].append(hit)
            else:
                groups.append([hit])
        out: list[Mention] = []
        for group in groups:
            start, end = group[0][0], group[-1][1]
            words = [text[s:e] for s, e, _ in group]
            if len(group) == 1 and words[0] in self._needs_context:
                continue
            candidates = _narrow([places for _, _, places in group])
            if not candidates:
                continue
            place = _pick(candidates)
            out.append(Mention(start, end, text[start:end], place, tuple(candidates)))
        return out

    def resolve(self, text: str) -> Mention | None:
        """The most specific place named in ``text`` (the last one when several are named)."""
        mentions = self.find(text)
        if not mentions:
            return None
        return max(mentions, key=lambda m: (m.place is not None and _rank(m.place), m.end))


def _rank(place: Place) -> int:
    return {"province": 1, "city": 2, "county": 3}[place.level]


def _consistent(a: Place, b: Place) -> bool:
    if a.province != b.province:
        return False
    if a.city and b.city and a.city != b.city:
        return False
    return not (a.county and b.county and a.county != b.county)


def _narrow(groups: list[list[Place]]) -> list[Place]:
    """The places every word of one mention agrees with, each the most specific the words give."""
    current = list(groups[0])
    for places in groups[1:]:
        merged: list[Place] = []
        for a in current:
            for b in places:
                if _consistent(a, b):
                    deeper = a if _rank(a) >= _rank(b) else b
                    if deeper not in merged:
                        merged.append(deeper)
        if merged:
            current = merged
    return current


def _pick(candidates: list[Place]) -> Place | None:
    """One place, preferring the higher level when a short name is both a city and a county ("新乡")."""
    if len(candidates) == 1:
        return candidates[0]
    top = min(_rank(p) for p in candidates)
    best = [p for p in candidates if _rank(p) == top]
    return best[0] if len(best) == 1 else None


@functools.cache
def load_gazetteer(path: Path = DATA_DIR / "places.yaml", home_province: str = "河南省") -> Gazetteer:
    return Gazetteer(load_model(PlacesData, path), home_province)


__all__ = ["Gazetteer", "Mention", "Place", "PlacesData", "load_gazetteer"]
