from pathlib import Path

import pytest

from knowledge._base import DATA_DIR
from knowledge.court import Court
from knowledge.jurisdiction import check_jurisdiction, load_jurisdiction_rules

COURT = Court.load(DATA_DIR / "court.yaml")
RULES = load_jurisdiction_rules()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("焦作市山阳区", "local"),
        ("山阳区百间房", "local"),
        ("住在焦东街道", "local"),
        ("焦作山阳", "local"),
        ("陕西省商洛市山阳县", "elsewhere"),
        ("焦作市", "city_only"),
        ("修武县", "neighbour"),
        ("郑州市金水区", "elsewhere"),
        ("王庄村", "vague"),
        ("一个小区", "vague"),
        ("河南", "city_only"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_locate(text: str | None, kind: str) -> None:
    assert COURT.locate(text).kind == kind


def test_court_config_values() -> None:
    assert COURT.name == "河南省焦作市山阳区人民法院"
    assert (COURT.district, COURT.city, COURT.province) == ("山阳区", "焦作市", "河南省")
    assert COURT.area_tag == "U"
    assert {n.name for n in COURT.neighbours} >= {
        "解放区",
        "中站区",
        "马村区",
        "修武县",
        "博爱县",
        "武陟县",
        "温县",
        "沁阳市",
        "孟州市",
    }


def test_general_rule_defendant_here() -> None:
    result = check_jurisdiction("general", {"defendant_place": "山阳区定和街道"}, COURT, RULES)
    assert result.competent is True and result.court == COURT.name


def test_private_loan_lender_can_sue_at_home() -> None:
    result = check_jurisdiction(
        "private_loan", {"defendant_place": "郑州市金水区", "plaintiff_place": "焦作市山阳区"}, COURT, RULES
    )
    assert result.competent is True
    assert "民间借贷规定第三条" in result.basis


def test_lease_is_exclusive_to_the_property_place() -> None:
    facts = {"defendant_place": "焦作市山阳区", "plaintiff_place": "焦作市山阳区", "property_place": "温县"}
    result = check_jurisdiction("real_property", facts, COURT, RULES)
    assert result.competent is False
    assert result.court == "河南省温县人民法院"
    assert "专属管辖" in result.basis


def test_inheritance_deceased_domicile_or_estate() -> None:
    facts = {"deceased_place": "武陟县", "estate_place": "山阳区"}
    assert check_jurisdiction("inheritance", facts, COURT, RULES).competent is True
    facts = {"deceased_place": "武陟县", "estate_place": "武陟县", "defendant_place": "山阳区"}
    result = check_jurisdiction("inheritance", facts, COURT, RULES)
    assert result.competent is False and result.court == "河南省武陟县人民法院"


def test_tort_place_of_the_act() -> None:
    facts = {"defendant_place": "新乡市", "incident_place": "山阳区太行街道"}
    assert check_jurisdiction("tort", facts, COURT, RULES).competent is True


def test_traffic_accident_elsewhere_names_that_court() -> None:
    facts = {"defendant_place": "郑州市", "incident_place": "沁阳市"}
    result = check_jurisdiction("traffic", facts, COURT, RULES)
    assert result.competent is False and result.court == "河南省沁阳市人民法院"


def test_a_far_city_names_the_place_never_an_invented_court() -> None:
    result = check_jurisdiction("general", {"defendant_place": "广东省东莞市"}, COURT, RULES)
    assert result.competent is False
    assert result.court is None and result.place == "东莞市"
    assert "东莞市有管辖权的基层人民法院" in result.basis and "东莞市的基层人民法院" not in result.basis


def test_divorce_plaintiff_domicile_only_when_defendant_away_over_a_year() -> None:
    facts = {"defendant_place": "广东省东莞市", "plaintiff_place": "山阳区"}
    assert check_jurisdiction("divorce", facts, COURT, RULES).competent is False
    assert check_jurisdiction("divorce", {**facts, "defendant_away_over_year": True}, COURT, RULES).competent is True


def test_labour_goes_to_arbitration_first() -> None:
    result = check_jurisdiction("labour", {"employer_place": "山阳区"}, COURT, RULES)
    assert result.arbitration_first is True and result.competent is None
    assert "劳动人事争议仲裁委员会" in result.basis


def test_wage_iou_can_go_straight_to_court() -> None:
    result = check_jurisdiction("labour", {"employer_place": "山阳区", "has_wage_iou": True}, COURT, RULES)
    assert result.competent is True and result.arbitration_first is False


def test_missing_place_is_unknown_and_asks() -> None:
    result = check_jurisdiction("private_loan", {}, COURT, RULES)
    assert result.competent is None
    assert sorted(result.missing) == ["defendant_place", "plaintiff_place"]
    assert result.rule == "must_ask_place"


def test_city_only_asks_for_the_district() -> None:
    result = check_jurisdiction("general", {"defendant_place": "焦作市"}, COURT, RULES)
    assert result.competent is None and "区县" in result.basis


def test_court_is_configurable(tmp_path: Path) -> None:
    text = (
        (DATA_DIR / "court.yaml")
        .read_text(encoding="utf-8")
        .replace("name: 河南省焦作市山阳区人民法院", "name: 测试法院")
    )
    path = tmp_path / "court.yaml"
    path.write_text(text, encoding="utf-8")
    court = Court.load(path)
    assert check_jurisdiction("general", {"defendant_place": "山阳区"}, court, RULES).court == "测试法院"
