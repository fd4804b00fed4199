"""Jurisdiction from whole stories: the places the story gives, read with their roles, decide the court.

Fresh stories, one per kind of rule, each with the near miss that must not be read.
"""

from datetime import date

import pytest

from knowledge._base import DATA_DIR
from knowledge.court import Court
from knowledge.extract import default_roles, extract_facts
from knowledge.jurisdiction import JurisdictionResult, check_jurisdiction, load_jurisdiction_rules

COURT = Court.load(DATA_DIR / "court.yaml")
RULES = load_jurisdiction_rules()
TODAY = date(2026, 12, 7)
HERE = "河南省焦作市山阳区人民法院"


def decide(story: str, rule: str) -> JurisdictionResult:
    """The story read with the place role the assessment gives its rule (knowledge.extract.default_roles); a labour
    story is told by someone holding an award (the court's question then, not the arbitration's)."""
    place_role, _ = default_roles(rule, "known_date")
    labour = rule == "labour"
    facts = extract_facts(story, TODAY, court=COURT, place_role=place_role, labour=labour)
    if labour:
        facts["has_arbitration_award"] = True
    return check_jurisdiction(rule, facts, COURT, RULES)


def test_a_fall_in_a_neighbouring_district_goes_there() -> None:
    r = decide(
        "前几天在马村区一家澡堂洗澡，地太滑摔了一跤，胳膊骨折。澡堂老板家也在马村区，我住山阳区，能在山阳区法院告吗",
        "tort",
    )
    assert (r.competent, r.court, r.rule) == (False, "河南省焦作市马村区人民法院", "tort_place")


def test_a_collision_in_a_city_elsewhere_names_the_place_not_a_court() -> None:
    r = decide("上个月在新乡出的车祸，对方司机也是新乡人，我在山阳区住，在哪起诉", "traffic")
    assert r.competent is False and r.court is None and r.place == "新乡市"
    assert "新乡市有管辖权的基层人民法院" in r.basis and r.rule == "traffic_accident_place"


def test_an_accident_here_makes_this_court_competent_whoever_the_driver_is() -> None:
    r = decide("在山阳区塔南路口被一辆货车撞了，司机是郑州的", "traffic")
    assert (r.competent, r.court, r.rule) == (True, HERE, "traffic_accident_place")


@pytest.mark.parametrize(
    ("story", "competent"),
    [
        # the 户籍 elsewhere, two years here: the habitual residence counts (民诉解释第四条)
        ("他户口在孟州，这两年一直在山阳区租房开店，借我的两万不还", True),
        # the 户籍 here, four months away: still the 户籍
        ("她户口在山阳区，今年八月去洛阳打工了，才四个月，欠我一万", True),
        # the 户籍 here, three years in another city: that city's court
        ("他户口还在山阳区，可这三年一直在洛阳涧西区租房上班，转错给他的钱不退", False),
    ],
)
def test_two_places_of_one_defendant_do_not_flip_the_answer(story: str, competent: bool) -> None:
    assert decide(story, "general").competent is competent


def test_two_places_without_a_length_of_stay_ask_for_it() -> None:
    r = decide("他户口在温县，现在住山阳区，欠钱不还", "general")
    assert r.competent is None and "defendant_residence_months" in r.missing


def test_a_machine_lease_is_performed_where_the_machine_is_used() -> None:
    story = (
        "俺住山阳区，把一台铲车租给了一个老板，在武陟县的工地上用了两个月，租金欠着三万。老板住在修武县，能在山阳告吗"
    )
    r = decide(story, "real_property")  # even if recognised as a lease of a house
    assert r.competent is False and r.court in ("河南省武陟县人民法院", "河南省修武县人民法院")
    assert r.rule == "contract_performance_place" and "专属" not in r.basis


def test_a_house_lease_stays_with_the_house_whatever_the_clause_says() -> None:
    story = "我在山阳区定和街道有套房租给了别人，租户欠了三个月房租。合同上写着有纠纷由马村区法院管辖，租户住马村区"
    r = decide(story, "real_property")
    assert (r.competent, r.rule) == (True, "real_estate_exclusive")


def test_a_choice_of_court_clause_decides_a_sale() -> None:
    story = "给一家饭店送了半年菜，货款欠着四万。合同最后写着“争议由焦作市中站区人民法院管辖”，饭店就在山阳区"
    r = decide(story, "contract")
    assert (r.competent, r.court, r.rule) == (False, "河南省焦作市中站区人民法院", "agreement_clause")


def test_a_house_sale_for_the_price_is_no_exclusive_dispute() -> None:
    story = "我把解放区的一套房子卖给了马村区的人，房子早交了，还欠我八万房款没给。我住山阳区"
    r = decide(story, "contract")
    assert (r.competent, r.rule) == (True, "contract_performance_place")


def test_an_online_sale_delivered_here() -> None:
    story = "在网上店里买了台洗衣机，快递送到我山阳区的家里，用了三天就坏了，店家在浙江宁波不给退"
    r = decide(story, "contract")
    assert r.competent is True and r.place == "宁波市" and r.rule == "contract_performance_place"


def test_an_agreed_place_of_repayment_displaces_the_lenders_home() -> None:
    story = "借给武陟的一个朋友两万，借条上写明“在武陟县还款”。我住山阳区，他也住武陟"
    r = decide(story, "private_loan")
    assert (r.competent, r.court) == (False, "河南省武陟县人民法院")


def test_without_an_agreed_place_the_lender_may_sue_at_home() -> None:
    r = decide("我家在山阳区光亚街道，借给沁阳的表姐三万，没说在哪还", "private_loan")
    assert (r.competent, r.rule) == (True, "loan_receiving_party")


@pytest.mark.parametrize(
    "story",
    [
        "俺俩都是李河村的，他借了俺五千不还",  # a village: which district?
        "他住在我们小区隔壁楼，借了我一万",  # a 小区 is not a place to decide on
    ],
)
def test_a_village_or_a_compound_is_asked_about_never_made_a_court(story: str) -> None:
    r = decide(story, "private_loan")
    assert r.competent is None and r.missing and r.rule == "must_ask_place"
    assert r.court is None and "基层人民法院" not in r.basis


def test_the_court_asked_about_is_not_the_defendants_address() -> None:
    r = decide("他住在中站区，我转错给他的钱一直不退，能去山阳区法院告他吗", "general")
    assert (r.competent, r.court) == (False, "河南省焦作市中站区人民法院")


def test_a_company_named_after_this_district_lives_where_its_office_is() -> None:
    story = "在“焦作山阳宏达家电有限公司”买的冰箱，当场付的钱，坏了不给换。公司的门市和办公室都在解放区"
    r = decide(story, "contract")
    assert (r.competent, r.court) == (False, "河南省焦作市解放区人民法院")


def test_a_persons_name_is_no_district() -> None:
    r = decide("杨解放家的鹅在百间房街道他家门口把我孙子啄伤了", "tort")
    assert r.competent is True


def test_several_children_in_several_places_may_be_sued_at_the_parents_home() -> None:
    story = "我住山阳区，俩闺女一个在马村区一个在郑州，都不给赡养费"
    r = decide(story, "support")
    assert r.competent is True and r.place == "郑州市"


def test_a_spouse_away_over_a_year_may_be_sued_at_home() -> None:
    story = "俺跟他户口都在山阳区，他前年秋天去了温州打工，两年多没回来，我想离婚"
    r = decide(story, "divorce")
    assert r.competent is True and r.rule == "plaintiff_domicile"
