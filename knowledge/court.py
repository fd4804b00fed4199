"""The court this deployment serves (knowledge/data/court.yaml) and tolerant place matching.

:meth:`Court.locate` tells whether a free-text place ("焦作市山阳区百间房", "住在修武", "郑州金水区") lies in
this court's district (``local``), in another area of the city whose court the data names (``neighbour``), only
in the city or province (``city_only``: not enough to decide), in a place elsewhere in China that the gazetteer
(knowledge/data/places.yaml) knows (``elsewhere``), or is words the bot cannot place (``vague``: a 小区, a
village, a shop — ask again) or nothing (``unknown``).

A court is named only from data: this court and its neighbours from court.yaml; for a county-level place
elsewhere that the gazetteer knows without doubt, the basic court every 市辖区 and 县 has (人民法院组织法第二十四条)
is named after it ("郑州市金水区人民法院", ``derived``). A place known only to its city ("新乡") names no court:
the caller says "新乡市有管辖权的基层人民法院". Nothing else is ever turned into a court's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from knowledge._base import DataModel, Tag, load_model
from knowledge.places import Place, load_gazetteer


class AreaUnit(DataModel):
    name: str
    aliases: list[str]


class Neighbour(DataModel):
    name: str
    court: str
    aliases: list[str]


PlaceKind = Literal["local", "neighbour", "city_only", "elsewhere", "vague", "unknown"]


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    kind: PlaceKind
    place: str  # the text as given (stripped)
    court: str | None  # the competent basic court for that place, where it can be named
    matched: str | None = None  # the alias that matched
    canonical: str | None = None  # the place's full name where the gazetteer knows it (陕西省商洛市山阳县)
    area: str | None = None  # how the court's area is written: 佛山市, 郑州市金水区 (places elsewhere)
    derived: bool = False  # court named after a county-level place elsewhere, not from court.yaml

    @property
    def decided(self) -> bool:
        """Whether the place is precise enough to say which court's area it is in."""
        return self.kind in ("local", "neighbour", "elsewhere")


_PUNCT = re.compile(r"[\s，,。.;；:：、]+")
_LEAD = re.compile(r"^(?:他|她|对方|俺|我)?(?:家)?(?:住在|住|在|位于|是)")
_NOTHING = ("不知道", "不清楚", "不晓得", "不记得")


class Court(DataModel):
    name: str
    short_name: str
    district: str
    city: str
    province: str
    hotline: str
    district_aliases: list[str]
    exclude_aliases: list[str]
    area_tag: Tag
    area_note: str
    area: list[AreaUnit]
    neighbours_tag: Tag
    neighbours: list[Neighbour]
    city_aliases: list[str]
    # the court one level up (上一级人民法院): appeals from this court and the city's other basic courts go there
    appeal_court: str | None = None

    @classmethod
    def load(cls, path: Path) -> Court:
        return load_model(cls, path)

    def locate(self, place: str | None) -> PlaceMatch:
        text = _LEAD.sub("", _PUNCT.sub("", place or ""))
        if not text or text in _NOTHING:
            return PlaceMatch("unknown", text, None)
        cleaned = text
        for alias in self.exclude_aliases:
            cleaned = cleaned.replace(alias, "")
        for alias in self.district_aliases:
            if alias in cleaned:
                return PlaceMatch("local", text, self.name, alias, self._full(self.district))
        bare = self.district.removesuffix("区")
        if bare in cleaned and (any(c in cleaned for c in self.city_aliases) or cleaned.startswith(bare)):
            return PlaceMatch("local", text, self.name, bare, self._full(self.district))
        for unit in self.area:
            for alias in unit.aliases:
                if alias in cleaned:
                    return PlaceMatch("local", text, self.name, alias, self._full(self.district) + unit.name)
        for nb in self.neighbours:
            for alias in nb.aliases:
                if alias in cleaned:
                    return PlaceMatch("neighbour", text, nb.court, alias, self._full(nb.name))
        mention = load_gazetteer(home_province=self.province).resolve(text)
        if mention is None:
            if any(alias in cleaned for alias in self.city_aliases):
                return PlaceMatch("city_only", text, None, None, self.province + self.city)
            return PlaceMatch("vague", text, None)
        found = mention.place
        if found is None:  # a name several places share ("白云区"), none of them in this city
            if any(p.city == self.city for p in mention.candidates):
                return PlaceMatch("vague", text, None, mention.text)
            return PlaceMatch("elsewhere", text, None, mention.text, None, mention.text)
        if found.province == self.province and found.city in (None, self.city) and found.county is None:
            return PlaceMatch("city_only", text, None, mention.text, found.name)
        if found.city == self.city and found.county is not None:
            # a county-level name of this city that court.yaml does not list: do not guess its court
            return PlaceMatch("vague", text, None, mention.text, found.name)
        return PlaceMatch(
            "elsewhere", text, _basic_court(found), mention.text, found.name, found.short_name, found.county is not None
        )

    def _full(self, unit: str) -> str:
        return f"{self.province}{self.city}{unit}"


def _basic_court(place: Place) -> str | None:
    """The basic court of a county-level place (人民法院组织法第二十四条: 县、不设区的市、市辖区人民法院)."""
    if place.county is None or place.city is None:
        return None
    if place.county.endswith("区"):
        return f"{place.city}{place.county}人民法院"
    return f"{place.province}{place.county}人民法院"
