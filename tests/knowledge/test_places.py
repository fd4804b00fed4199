"""Places: the gazetteer (knowledge.places) and where a place lies for this court (Court.locate)."""

import pytest

from knowledge._base import DATA_DIR
from knowledge.court import Court
from knowledge.places import load_gazetteer

COURT = Court.load(DATA_DIR / "court.yaml")
GAZ = load_gazetteer()


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("他在洛阳涧西区开店", "河南省洛阳市涧西区"),
        ("户口在湖北仙桃", "仙桃市"),
        ("在北京朝阳区上班", "北京市朝阳区"),
        ("她去了安阳", "安阳市"),  # the city, not 安阳县
        ("住在获嘉县", "河南省新乡市获嘉县"),
        ("对方是四川成都的", "成都市"),
    ],
)
def test_gazetteer_names_the_place(text: str, name: str) -> None:
    found = GAZ.resolve(text)
    assert found is not None and found.place is not None and found.place.name == name


@pytest.mark.parametrize(
    "text",
    [
        "就住在北京路上",  # a street named after a city
        "在郑州饭店吃的饭",  # a building
        "小区里的车位被占了",
        "他在城区开了个店",  # a district name that is an everyday word
        "和县里的人说好了",  # a two-character county name outside Henan needs its city
    ],
)
def test_words_that_only_look_like_places(text: str) -> None:
    assert GAZ.find(text) == []


def test_a_name_several_places_share_stays_ambiguous_without_its_city() -> None:
    alone = GAZ.resolve("住在鼓楼区")
    assert alone is not None and alone.place is None
    with_city = GAZ.resolve("住在开封鼓楼区")
    assert with_city is not None and with_city.place is not None and with_city.place.city == "开封市"


@pytest.mark.parametrize(
    ("text", "kind", "court"),
    [
        ("焦作市山阳区艺新街道", "local", "河南省焦作市山阳区人民法院"),
        ("武陟", "neighbour", "河南省武陟县人民法院"),
        ("洛阳市涧西区", "elsewhere", "洛阳市涧西区人民法院"),  # a county-level place: its basic court
        ("河南省新乡市获嘉县", "elsewhere", "河南省获嘉县人民法院"),
        ("新乡", "elsewhere", None),  # only the city: no court's name
        ("鼓楼区", "elsewhere", None),  # several cities have one: not this city, but which court is unknown
        ("张庄村", "vague", None),  # a village: ask which district
        ("幸福小区", "vague", None),
        ("河南", "city_only", None),
        ("焦作", "city_only", None),
        ("不清楚", "unknown", None),
    ],
)
def test_locate_never_invents_a_court(text: str, kind: str, court: str | None) -> None:
    match = COURT.locate(text)
    assert (match.kind, match.court) == (kind, court)


def test_a_place_elsewhere_carries_its_full_name() -> None:
    match = COURT.locate("甘肃兰州")
    assert match.kind == "elsewhere" and match.canonical == "兰州市" and match.court is None
