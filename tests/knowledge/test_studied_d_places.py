"""Studied class 'what a place is the place of, told in lay words' (table d, round 4;
民事诉讼法第二十二条、第二十九条、第三十条、第三十四条第（一）项、第（三）项、第三十五条; 民诉解释第二十八条;
劳动争议解释（一）第三条): a place where
the teller was hit (俺骑车在X…叫车撞了) is where the accident happened even though the teller is the clause's subject;
"开车的是X的" names the other side; a death at home (在X的家里老了) gives the deceased's last domicile and what was
left (留下X一套楼房) the estate; land contracted in a village (从X一个村包了五十亩地) lies there and decides the court
exclusively, whatever cause the story was read as, and so does a shop held together and asked to be divided
(把门面给分了, 民诉解释第二十八条第一款); a clause choosing a court with no actual connection to the
dispute (both parties elsewhere) is void; "X区人民法院" after its city is read whole; the teller working at the
employer's branch (俺在他们X的分厂上班) is where the labour contract is performed; a place said with a negation
(俺俩谁也不在X) is nobody's. Fresh stories, none from the table."""

from knowledge.extract import extract_facts
from knowledge.places import load_gazetteer

from .test_jurisdiction_stories import COURT, HERE, TODAY, decide


def test_the_teller_hit_somewhere_is_the_accidents_place() -> None:
    r = decide("俺开三轮在博爱县一个路口叫一辆货车别倒了，胳膊骨折，开货车的是中站区的，俺家住山阳区", "traffic")
    assert r.competent is False
    assert set(r.courts) == {"河南省博爱县人民法院", "河南省焦作市中站区人民法院"}


def test_a_fall_told_by_the_teller_in_a_place() -> None:
    facts = extract_facts("俺前天在解放区一个商场门口滑倒了，摔断了手腕，俺家在山阳区", TODAY, court=COURT)
    assert facts.get("incident_place") == "解放区"
    assert facts.get("plaintiff_place") == "山阳区"


def test_a_death_at_home_and_what_was_left() -> None:
    r = decide("俺娘今年春天在中站区的家中去世了，留下解放区两间门面房，俺哥一个人占着", "inheritance")
    assert r.competent is False
    assert set(r.courts) == {"河南省焦作市中站区人民法院", "河南省焦作市解放区人民法院"}


def test_land_contracted_in_a_village_lies_there_whatever_the_cause() -> None:
    r = decide("俺家在山阳区，前年从武陟县一个村里承包了二十亩地种果树，合同还没到期村里就要收回", "general")
    assert r.competent is False
    assert r.courts == ["河南省武陟县人民法院"]
    assert r.rule == "real_estate_exclusive"


def test_a_chosen_court_with_no_connection_is_void() -> None:
    story = "俺在山阳区开饲料店，修武县一个养殖户赊了三万的饲料，合同上写着由郑州市金水区人民法院管辖，俺俩都不在郑州"
    r = decide(story, "contract")
    assert r.competent is True
    assert set(r.courts) == {HERE, "河南省修武县人民法院"}


def test_a_chosen_court_where_a_party_lives_still_holds() -> None:
    story = "俺在山阳区开饲料店，郑州市金水区一个养殖户赊了三万的饲料，合同上写着由郑州市金水区人民法院管辖"
    r = decide(story, "contract")
    assert r.competent is False
    assert r.rule == "agreement_clause"


def test_a_district_court_after_its_city_is_one_place() -> None:
    found = [m.text for m in load_gazetteer().find("合同写着由新乡市红旗区人民法院管辖")]
    assert found == ["新乡市红旗区"]


def test_working_at_the_employers_branch_is_where_the_contract_is_performed() -> None:
    r = decide("单位营业执照上是解放区，俺这几年一直在他们山阳区的工地上干活，仲裁裁决下来了不服", "labour")
    assert r.competent is True
    assert r.courts == [HERE, "河南省焦作市解放区人民法院"]


def test_dividing_a_shop_held_together_is_for_where_it_lies() -> None:
    story = "俺和俺姐前些年一块在武陟县买了三间门面，钱一人一半，现在俺想让法院把门面分割了，她家住山阳区"
    r = decide(story, "general")
    assert r.competent is False
    assert r.courts == ["河南省武陟县人民法院"]
    assert r.rule == "real_estate_exclusive"
