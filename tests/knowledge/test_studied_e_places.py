"""Studied class 'whose place, and which rule' (table e, round 6), with fresh stories:

- a place that describes the other side's business ("在马村区一家建材公司订了…") is that company's place, not an
  event's;
- a place agreed for delivery ("合同上写明在武陟县他们厂里提货") is the agreed place of performance
  (民诉解释第十八条第一款);
- a choice of "合同签订地" court points at the place the story says it was signed (民事诉讼法第三十五条);
- a harm done on the teller's own land or shop is a tort at the teller's place (民事诉讼法第二十九条), even before the
  cause is told apart;
- a visit's place told with a noun ("去修武一个农家院吃饭") is where what follows happened;
- a shop "in the county town" is still the property's place (民诉解释第二十八条第二款), and a share of a house asked to
  be confirmed is exclusive to the house's place (民诉解释第二十八条第一款);
- 万 inside a name (李万福) and 童装 are read for what they are.
"""

from datetime import date

import pytest

from knowledge import Knowledge
from knowledge.assessment import Assessment, assess
from knowledge.parties import read_parties

TODAY = date(2026, 12, 7)
SHANYANG = "河南省焦作市山阳区人民法院"


def _a(knowledge: Knowledge, story: str) -> Assessment:
    return assess(knowledge, story, None, TODAY, searcher=None)


def test_a_companys_place_and_an_agreed_delivery_place(knowledge: Knowledge) -> None:
    story = "俺家住山阳区，在马村区一家建材公司订了二十吨水泥，合同上写明在武陟县他们厂里提货，钱交了货不给"
    j = _a(knowledge, story).jurisdiction
    assert j.competent is False
    assert set(j.courts) == {"河南省武陟县人民法院", "河南省焦作市马村区人民法院"}


def test_a_choice_of_the_signing_place(knowledge: Knowledge) -> None:
    story = (
        "俺是修武县的，给孟州一个养殖场供饲料，"
        "合同是在山阳区一家饭店里签的，合同上写着争议由合同签订地法院管辖，他欠俺八万"
    )
    j = _a(knowledge, story).jurisdiction
    assert j.competent is True and j.rule == "agreement_clause" and j.courts == [SHANYANG]


@pytest.mark.parametrize(
    "story",
    [
        "俺在山阳区新城街道有块菜地，博爱县一个拉沙的司机倒车从俺菜地里轧过去，白菜全毁了，司机家在博爱",
        "俺在山阳区开了个门市，武陟的一个小伙子骑摩托在俺门市门口撞碎了俺的玻璃门，他家在武陟",
    ],
)
def test_a_harm_at_the_tellers_own_place(knowledge: Knowledge, story: str) -> None:
    j = _a(knowledge, story).jurisdiction
    assert j.competent is True and j.rule in ("tort_place", "traffic_accident_place")


def test_a_visits_place_told_with_a_noun(knowledge: Knowledge) -> None:
    story = (
        "俺跟家里人去修武县一个农家院吃饭，院里的台阶上有油没人管，"
        "俺滑倒把胳膊摔骨折了，农家院是修武一家公司开的，俺家在山阳区"
    )
    j = _a(knowledge, story).jurisdiction
    assert j.competent is False and j.courts == ["河南省修武县人民法院"]


def test_a_shop_in_the_county_town_is_the_propertys_place(knowledge: Knowledge) -> None:
    story = (
        "俺把温县县城的两间门面租给了解放区的一个老板开饭馆，"
        "合同写着有纠纷在解放区法院打官司，他半年没交租金了"
    )
    j = _a(knowledge, story).jurisdiction
    assert j.rule == "real_estate_exclusive" and j.courts == ["河南省温县人民法院"] and j.competent is False


def test_a_share_of_a_house_asked_to_be_confirmed(knowledge: Knowledge) -> None:
    story = (
        "俺和俺妹子一块出钱在山阳区焦东路买了个门面，证上只写了她的名，"
        "现在她说门面是她自己的，俺想让法院确认这门面有俺一半，俺俩都住中站区"
    )
    j = _a(knowledge, story).jurisdiction
    assert j.rule == "real_estate_exclusive" and j.competent is True


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("李万福欠俺三千块，他住温县", ["李万福"]),
        ("张万山借了俺两万没还", ["张万山"]),
        ("他借了俺李四万元", []),
        ("刚洗的大衣缩成童装那么小，俺想告开店的刘长河", ["刘长河"]),
    ],
)
def test_names_with_wan_and_words_that_look_like_names(text: str, names: list[str]) -> None:
    assert [p.name for p in read_parties(text).parties] == names


# table f studied (round 7): fresh stories for each class


def test_a_divorce_from_a_spouse_in_prison_goes_to_the_plaintiffs_court(knowledge: Knowledge) -> None:
    story = "俺老公去年因为盗窃被判了三年，现在在郑州的监狱里服刑，他户口在武陟，俺跟闺女住山阳区东方红街道，俺要离婚"
    j = _a(knowledge, story).jurisdiction
    assert j.competent is True and j.rule == "plaintiff_domicile"  # 民事诉讼法第二十三条第（四）项


def test_personal_insurance_at_the_insureds_domicile(knowledge: Knowledge) -> None:
    story = "俺在解放区一家保险公司买了份重疾险，今年查出来病了，保险公司说俺投保的时候没说实话不给赔，俺家住山阳区"
    j = _a(knowledge, story).jurisdiction
    assert j.competent is True  # 民诉解释第二十一条第二款


@pytest.mark.parametrize(
    ("story", "court", "competent"),
    [
        (
            "俺在修武县五里源乡有个厂房，租给了山阳区一个老板做家具，租金欠了八个月，俺俩都住山阳区",
            "河南省修武县人民法院",
            False,
        ),
        ("俺从他手里买了他在山阳区百间房街道的一套安置房，钱都给了，他就是不给过户，俺俩都是孟州人", SHANYANG, True),
    ],
)
def test_the_property_told_with_its_town_or_its_kind(
    knowledge: Knowledge, story: str, court: str, competent: bool
) -> None:
    j = _a(knowledge, story).jurisdiction
    assert j.rule == "real_estate_exclusive" and j.courts == [court] and j.competent is competent


def test_a_mediator_is_not_a_defendant(knowledge: Knowledge) -> None:
    story = "借给杜长青一万二，居委会的刘主任给俺俩调过一回，杜长青答应年底还，到现在也没还，杜长青住山阳区"
    p = _a(knowledge, story).parties
    assert p.defendants == ["杜长青"] and any(n.name == "刘主任" for n in p.not_defendants)


def test_a_buyer_who_carted_the_goods_away_is_no_carrier(knowledge: Knowledge) -> None:
    story = "他在俺这拉了两车水泥，一共一万三，说月底给钱也没给，他跟俺都住温县"
    a = _a(knowledge, story)
    assert a.cause.name != "公路货物运输合同纠纷"
    assert a.jurisdiction.competent is False


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("俺村的杨大柱跟吴二虎合伙拉石头，把俺家门楼撞塌了", ["杨大柱", "吴二虎"]),
        ("刘三娃借了俺八千块钱", ["刘三娃"]),
        ("他借了俺张四万块", []),
    ],
)
def test_a_numeral_in_a_rural_given_name(text: str, names: list[str]) -> None:
    assert [p.name for p in read_parties(text).parties] == names


def test_a_neighbours_building_reaching_over_is_a_neighbour_dispute_at_the_property(knowledge: Knowledge) -> None:
    story = (
        "俺在山阳区百间房街道有个老院，后邻去年翻盖房子，把屋檐搭到俺院墙上了，一下雨水全流到俺院里，"
        "后邻一家现在住在中站区"
    )
    a = _a(knowledge, story)
    assert a.cause.name == "相邻关系纠纷"
    assert a.jurisdiction.rule == "real_estate_exclusive" and a.jurisdiction.competent is True


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("孟庆和家的狗把俺咬了", ["孟庆和"]),
        ("王强和他媳妇一块借的钱", ["王强"]),
        ("杨光和吴丽一块欠俺钱", ["杨光", "吴丽"]),
    ],
)
def test_he_ending_a_name_or_joining_two(text: str, names: list[str]) -> None:
    assert [p.name for p in read_parties(text).parties] == names


def test_money_paid_twice_by_mistake_is_unjust_enrichment(knowledge: Knowledge) -> None:
    story = "俺们厂会计把一笔四万的材料款重复转给了一家公司，人家不退，那家公司办公室在解放区"
    a = _a(knowledge, story)
    assert a.cause.name == "不当得利纠纷" and a.jurisdiction.competent is False
