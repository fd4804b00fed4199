"""Studied class 'whose place a place is, told in lay words' (table c, round 3; 民事诉讼法第二十二条、第二十九条、
第三十四条第（一）项; 民诉解释第十九条、第二十四条、第二十八条; 劳动争议解释（一）第三条): a place one went to for a
visit (去修武县走亲戚, 到中站区赶集) is where what happened there happened, not the teller's home; "X一个人" is the
other side's place; an old courtyard one has (有个老院) is a property's place; a leased vehicle running in an area
for months (两个多月都在解放区跑运输) is used there; the place where the worker works (一直在马村区上班) is where the
labour contract is performed. Fresh stories, with the near misses that keep the old reading."""

from knowledge.extract import extract_facts

from .test_jurisdiction_stories import COURT, HERE, TODAY, decide


def test_an_injury_on_a_visit_happened_where_one_went() -> None:
    r = decide("俺到中站区赶集，叫一辆三轮车撞了腿，骑车的他家也在中站区，俺住山阳区，能在山阳告不", "tort")
    assert r.competent is False
    assert r.courts == ["河南省焦作市中站区人民法院"]


def test_a_bite_while_visiting_relatives_is_not_the_visitors_home() -> None:
    facts = extract_facts(
        "俺去修武县串亲戚，叫他家的狗咬了一口，俺家在山阳区", TODAY, court=COURT, place_role="incident_place"
    )
    assert facts.get("incident_place") == "修武县"
    assert facts.get("plaintiff_place") == "山阳区"


def test_having_gone_somewhere_to_work_is_no_visit() -> None:
    facts = extract_facts("俺前年去了修武县，在那边打工两年了", TODAY, court=COURT, place_role="incident_place")
    assert facts.get("plaintiff_place") == "修武县"


def test_someone_from_a_place_is_the_other_sides_place() -> None:
    facts = extract_facts("解放区一个人前年借了俺三万，到现在不还", TODAY, court=COURT)
    assert facts.get("defendant_place") == "解放区"


def test_an_old_courtyard_is_where_the_property_lies() -> None:
    r = decide("俺在中站区有个老院，后邻翻盖房子把俺的墙弄裂了，他一家住山阳区", "real_property")
    assert r.competent is False
    assert r.courts == ["河南省焦作市中站区人民法院"]


def test_a_leased_truck_running_in_an_area_is_used_there() -> None:
    r = decide("俺的货车租给修武县一个人，两个多月都在山阳区跑运输，租金拖着不给", "contract")
    assert r.competent is True
    assert r.rule == "contract_performance_place"


def test_where_the_worker_works_is_where_the_labour_contract_is_performed() -> None:
    r = decide("劳动仲裁的裁决书收到了，俺不服。俺一直在马村区上班，公司在武陟县", "labour")
    assert set(r.courts) == {"河南省焦作市马村区人民法院", "河南省武陟县人民法院"}
    assert r.competent is False


def test_working_here_makes_this_court_competent_for_the_labour_suit() -> None:
    r = decide("劳动仲裁裁决书上周收到的，不服。俺在山阳区打工三年了，厂子在温县", "labour")
    assert r.competent is True
    assert HERE in r.courts
