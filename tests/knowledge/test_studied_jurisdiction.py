"""Studied class 'jurisdiction connecting points told in lay words' (民事诉讼法第二十二条至第三十五条; 民诉解释
第十八条、第二十五条、第二十八条至第三十条): a house bought and not handed over is performed where it lies; a
written clause naming a party's place ("甲方所在地") by the side the teller says they are; a building contract is
tried where the works stand, whoever lives where; an insult posted online may be sued where the victim lives; a
missing spouse is divorced where the plaintiff lives; "起诉X" names X; a tort at the other side's shop happened
where the shop is. Fresh stories, with the near misses that keep the old reading."""


from knowledge.parties import read_parties

from .test_jurisdiction_stories import HERE, decide


def test_a_house_not_handed_over_is_performed_where_it_lies() -> None:
    r = decide("俺在中站区买了一套老房子，钱都给了，房主家在山阳区，到现在也不腾房不交钥匙，俺要他交房", "contract")
    assert r.competent is True  # the seller lives here; the plaintiff may choose (民事诉讼法第三十六条)
    assert r.rule == "contract_performance_place"
    assert "河南省焦作市中站区人民法院" in r.courts


def test_a_clause_naming_the_tellers_side_points_at_the_tellers_place() -> None:
    r = decide(
        "俺是乙方，家在山阳区新城街道，给温县一个老板供了一批钢材，合同写着发生纠纷由乙方所在地法院管辖，他欠俺货款三万",
        "contract",
    )
    assert (r.competent, r.rule, r.court) == (True, "agreement_clause", HERE)


def test_a_clause_naming_the_other_side_points_at_theirs() -> None:
    r = decide(
        "我是买方，住山阳区，合同上约定争议由卖方住所地人民法院管辖，卖方是孟州的张某，货一直没发", "contract"
    )
    assert r.competent is False
    assert r.rule == "agreement_clause"


def test_a_building_contract_is_tried_where_the_works_stand() -> None:
    r = decide("俺包工程的，家在山阳区，给一个老板在温县建了栋仓库，老板也住山阳区，工程款还差二十万", "contract")
    assert (r.competent, r.rule) == (False, "real_estate_exclusive")
    assert r.courts == ["河南省温县人民法院"]


def test_a_workers_wage_on_a_site_is_no_building_contract() -> None:
    r = decide("俺在温县工地上给老板打工，老板住山阳区，工钱还欠八千", "contract")
    assert r.rule != "real_estate_exclusive"


def test_an_insult_posted_online_may_be_sued_where_the_victim_lives() -> None:
    r = decide("她在朋友圈和微信群里造谣说我偷东西，她住在新乡，我家在山阳区艺新街道", "tort")
    assert (r.competent, r.rule, r.court) == (True, "tort_place", HERE)


def test_a_sale_online_is_no_online_tort() -> None:
    r = decide("在抖音直播间买了件羽绒服，商家在广州，衣服是假的，骂了他几句他也不退，我住山阳区", "tort")
    assert r.rule != "tort_place" or r.court != HERE or "被侵权人" not in r.basis


def test_a_missing_spouse_is_divorced_where_the_plaintiff_lives() -> None:
    r = decide("俺媳妇五年前走了就下落不明，她户口在修武县，俺住山阳区，想离婚", "divorce")
    assert (r.competent, r.court) == (True, HERE)
    assert "第二十三条" in r.basis


def test_a_spouse_who_is_only_away_is_still_sued_at_home() -> None:
    r = decide("俺老公在修武县住，户口也在修武，俺住山阳区，想离婚", "divorce")
    assert r.competent is False


def test_the_one_sued_after_qisu_is_named() -> None:
    assert "周海涛" in read_parties("我想起诉周海涛，他骑电动车把我撞了").defendants


def test_a_tort_at_the_other_sides_shop_happened_where_the_shop_is() -> None:
    r = decide("那个老板在中站区开超市，户口也在中站，前天我在他店里被货架砸伤了，我住山阳区", "tort")
    assert (r.competent, r.rule) == (False, "tort_place")
    assert r.courts == ["河南省焦作市中站区人民法院"]
