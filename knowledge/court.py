"""The court this deployment serves (knowledge/data/court.yaml) and tolerant place matching.

:meth:`Court.locate` tells whether a free-text place ("焦作市山阳区百间房", "住在修武", "郑州金水区") lies in
this court's district, in a known neighbouring area (and which court that is), only in the city (not enough
to decide), or somewhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from knowledge._base import DataModel, Tag, load_model


class AreaUnit(DataModel):
    name: str
    aliases: list[str]


class Neighbour(DataModel):
    name: str
    court: str
    aliases: list[str]


PlaceKind = Literal["local", "neighbour", "city_only", "elsewhere", "unknown"]


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    kind: PlaceKind
    place: str  # the text as given (stripped)
    court: str | None  # the competent basic court for that place, where it can be named
    matched: str | None = None  # the alias that matched


_PUNCT = re.compile(r"[\s，,。.;；:：、]+")
_LEAD = re.compile(r"^(?:他|她|对方|俺|我)?(?:家)?(?:住在|住|在|位于|是)")


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

    @classmethod
    def load(cls, path: Path) -> Court:
        return load_model(cls, path)

    def locate(self, place: str | None) -> PlaceMatch:
        text = _LEAD.sub("", _PUNCT.sub("", place or ""))
        if not text or text in ("不知道", "不清楚"):
            return PlaceMatch("unknown", text, None)
        cleaned = text
        for alias in self.exclude_aliases:
            cleaned = cleaned.replace(alias, "")
        for alias in self.district_aliases:
            if alias in cleaned:
                return PlaceMatch("local", text, self.name, alias)
        bare = self.district.removesuffix("区")
        if bare in cleaned and (any(c in cleaned for c in self.city_aliases) or cleaned.startswith(bare)):
            return PlaceMatch("local", text, self.name, bare)
        for unit in self.area:
            for alias in unit.aliases:
                if alias in cleaned:
                    return PlaceMatch("local", text, self.name, alias)
        for nb in self.neighbours:
            for alias in nb.aliases:
                if alias in cleaned:
                    return PlaceMatch("neighbour", text, nb.court, alias)
        if any(alias in cleaned for alias in self.city_aliases):
            return PlaceMatch("city_only", text, None)
        return PlaceMatch("elsewhere", text, f"{text}的基层人民法院")
