"""The civil 案由 catalogue as data (knowledge/data/catalogue.yaml, families.yaml; knowledge.catalogue)."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from knowledge._base import DATA_DIR
from knowledge.catalogue import Catalogue, load_catalogue, load_family_table
from knowledge.causes import OTHER, load_causes
from knowledge.errors import DataFileError, UnknownCauseError
from knowledge.yamlload import load_yaml

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
SOURCE = SHARED / "civil-causes"
ARTICLES = SHARED / "laws" / "articles.jsonl"


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue()


def test_every_2020_and_2025_name_is_a_cause_or_a_part(cat: Catalogue) -> None:
    if not SOURCE.is_dir():
        pytest.skip(f"shared catalogue not found at {SOURCE}")
    for name in ("catalogue.jsonl", "catalogue-2025-unverified.jsonl"):
        for line in (SOURCE / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            where = cat.parts if row["level"] == 1 else cat.causes
            assert row["name"] in where, row["name"]
    third = [n for n, e in cat.causes.items() if e.level == 3 and e.number is not None]
    # 473 third-level causes in 2020; 不当得利纠纷 / 无因管理纠纷 / 第三人撤销之诉 are kept once, at level 3
    assert len(third) == 473


def test_the_generated_file_is_what_the_script_writes_today() -> None:
    if not SOURCE.is_dir():
        pytest.skip(f"shared catalogue not found at {SOURCE}")
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import build_catalogue  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    text = build_catalogue.render(build_catalogue.build(SOURCE))
    assert text == (DATA_DIR / "catalogue.yaml").read_text(encoding="utf-8")


def test_lookups_by_name_old_name_and_2025_name(cat: Catalogue) -> None:
    assert cat.resolve("民间借贷纠纷") == "民间借贷纠纷"
    assert cat.resolve("网络购物合同纠纷") == "信息网络买卖合同纠纷"  # the 2011 name in judgments
    assert cat.resolve("合伙协议纠纷") == "合伙合同纠纷"
    assert cat.resolve("侵害网络虚拟财产权益纠纷") == "侵害网络虚拟财产权益纠纷"  # only in the 2025 revision
    assert cat.current_name("网络侵害虚拟财产纠纷") == "侵害网络虚拟财产权益纠纷"
    assert cat.current_name("民间借贷纠纷") == "民间借贷纠纷"
    assert cat.resolve("没有这个案由") is None
    with pytest.raises(UnknownCauseError):
        cat.get("没有这个案由")


def test_hierarchy(cat: Catalogue) -> None:
    assert cat.ancestors("民间借贷纠纷") == ["借款合同纠纷", "合同纠纷", "合同、准合同纠纷"]
    assert cat.get("民间借贷纠纷").level == 4
    assert cat.get("民间借贷纠纷").number == "103.3"
    assert cat.ancestors("不当得利纠纷") == ["合同、准合同纠纷"]  # the same-name group is folded into the cause
    assert cat.ancestors("人格权纠纷") == []  # a second-level group under the part of the same name
    assert "民间借贷纠纷" in cat.children("借款合同纠纷")
    assert "人格权纠纷" not in cat.children("人格权纠纷")
    assert set(cat.descendants("抚养纠纷")) == {"抚养费纠纷", "变更抚养关系纠纷"}
    assert cat.is_near("信用卡纠纷", "银行卡纠纷") and cat.is_near("银行卡纠纷", "信用卡纠纷")
    assert not cat.is_near("信用卡纠纷", "借记卡纠纷")  # siblings are not near


def test_revision_notes(cat: Catalogue) -> None:
    assert cat.get("劳动合同纠纷").revision is None  # only its part was renamed
    assert cat.get("数据权属纠纷").number is None and cat.get("数据权属纠纷").revision == "2025年修订新增"
    assert cat.get("专利合同纠纷").revision == "2025年修订的目录中没有这个名称"
    assert cat.parts["数据、网络虚拟财产纠纷"].number_2025 == "第六部分"


@pytest.mark.parametrize(
    ("cause", "family"),
    [
        ("名誉权纠纷", "personality"),
        ("离婚纠纷", "marriage"),
        ("法定继承纠纷", "inheritance"),
        ("排除妨害纠纷", "property"),
        ("业主知情权纠纷", "owners"),
        ("承包地征收补偿费用分配纠纷", "rural_land"),
        ("买卖合同纠纷", "contract"),
        ("不当得利纠纷", "quasi_contract"),
        ("财产损失保险合同纠纷", "insurance"),
        ("股东知情权纠纷", "company"),
        ("确认劳动关系纠纷", "labour"),
        ("机动车交通事故责任纠纷", "tort"),
        ("侵害商标权纠纷", "ip"),
        ("侵害发明专利权纠纷", "ip_special"),
        ("侵害技术秘密纠纷", "ip_special"),
        ("船舶碰撞损害责任纠纷", "maritime"),
        ("申请支付令", "special_procedure"),
        ("案外人执行异议之诉", "special_suit"),
    ],
)
def test_families(cat: Catalogue, cause: str, family: str) -> None:
    assert cat.get(cause).family == family


def test_fee_by_claim_and_family(cat: Catalogue) -> None:
    divorce = cat.rules("离婚纠纷")
    assert divorce.fee(money_claim=False).fee_kind == "divorce"
    assert "第十三条第（二）项第1目" in divorce.fee(money_claim=False).source
    assert cat.rules("名誉权纠纷").fee(money_claim=False).fee_kind == "personality"
    assert cat.rules("名誉权纠纷").fee(money_claim=True).fee_kind == "property"
    assert cat.rules("探望权纠纷").fee(money_claim=False).fee_kind == "other_non_property"
    assert cat.rules("侵害商标权纠纷").fee(money_claim=True).fee_kind == "ip"
    assert cat.rules("追索劳动报酬纠纷").fee(money_claim=True).fee_kind == "labour"


@pytest.mark.parametrize(
    "cause",
    ["房屋租赁合同纠纷", "建设工程施工合同纠纷", "土地经营权出租合同纠纷", "相邻关系纠纷", "经济适用房转让合同纠纷"],
)
def test_real_estate_exclusive_jurisdiction(cat: Catalogue, cause: str) -> None:
    rule = cat.rules(cause).jurisdiction
    assert rule.exclusive and "民诉解释第二十八条" in rule.source and rule.assessment_rule == "real_property"


@pytest.mark.parametrize(
    ("cause", "article"),
    [
        ("买卖合同纠纷", "民事诉讼法第二十四条"),
        ("机动车交通事故责任纠纷", "民事诉讼法第二十九条、第三十条"),
        ("法定继承纠纷", "民事诉讼法第三十四条第（三）项"),
        ("财产损失保险合同纠纷", "民事诉讼法第二十五条"),
        ("票据追索权纠纷", "民事诉讼法第二十六条"),
        ("公司解散纠纷", "民事诉讼法第二十七条"),
        ("公路货物运输合同纠纷", "民事诉讼法第二十八条"),
        ("船舶碰撞损害责任纠纷", "民诉解释第二条第二款"),
        ("申请人身安全保护令", "反家庭暴力法第二十五条"),
    ],
)
def test_jurisdiction_rules_cite_their_article(cat: Catalogue, cause: str, article: str) -> None:
    assert article in cat.rules(cause).jurisdiction.source


@pytest.mark.parametrize(
    ("cause", "rule"),
    [
        ("民间借贷纠纷", "loan"),
        ("相邻关系纠纷", "removal_none"),
        ("排除妨害纠纷", "removal_none"),
        ("返还原物纠纷", "property_return"),
        ("赡养纠纷", "support_none"),
        ("扶养费纠纷", "support_none"),
        ("劳动争议", "labour"),
        ("确认劳动关系纠纷", "labour"),
        ("追索劳动报酬纠纷", "labour_wages"),
        ("产品责任纠纷", "product"),
        ("名誉权纠纷", "personality_none"),
        ("申请宣告自然人失踪", "missing_two_years"),
    ],
)
def test_limitation_rules(cat: Catalogue, cause: str, rule: str) -> None:
    assert cat.rule_keys(cause).limitation == rule


def test_small_claims_and_mediation(cat: Catalogue) -> None:
    assert cat.rules("确认亲子关系纠纷").small_claims.eligible == "no"
    assert "第一百六十六条第（一）项" in cat.rules("所有权确认纠纷").small_claims.source
    assert cat.rules("民间借贷纠纷").small_claims.eligible == "depends"
    assert cat.rules("确认劳动关系纠纷").small_claims.eligible == "no"  # arbitration first
    assert cat.rules("申请支付令").mediation.suitable is False
    assert cat.rules("确认亲子关系纠纷").mediation.suitable is False
    assert cat.rules("物业服务合同纠纷").mediation.assessment_class == "property_management"
    assert cat.rules("医疗损害责任纠纷").small_claims.label.startswith("这类案件通常需要鉴定")


def test_scope_of_the_families(cat: Catalogue) -> None:
    assert cat.rules("侵害实用新型专利权纠纷").scope == "ip_court"
    assert cat.rules("海上、通海水域货物运输合同纠纷").scope == "maritime"
    assert cat.rules("水路货物运输合同纠纷").scope == "maritime"
    assert cat.rules("侵害作品信息网络传播权纠纷").scope == "civil"
    assert all(cat.rules(n).scope == "civil" for n in cat.in_family("contract") if not n.startswith("水路"))


def test_evidence_checklists(cat: Catalogue) -> None:
    labels = [item.label for item in cat.rules("机动车交通事故责任纠纷").evidence]
    assert labels[0] == "交通事故认定书"
    assert all(item.source for item in cat.rules("确认劳动关系纠纷").evidence)


def test_deep_tables(cat: Catalogue) -> None:
    deep = set(load_causes().names) - {OTHER}
    for name in deep:
        assert cat.deep_table(name) == name
    assert cat.deep_table("信息网络买卖合同纠纷") == "买卖合同纠纷"
    assert cat.deep_table("确认劳动关系纠纷") == "劳动争议"
    assert cat.deep_table("变更抚养关系纠纷") == "抚养纠纷"
    assert cat.deep_table("小额借款合同纠纷") is None  # beside 民间借贷 and 金融借款, not under them
    assert cat.deep_table("车辆租赁合同纠纷") is None
    assert {t for e in cat.causes.values() if (t := e.deep_table)} == deep


def test_assessment_keys_exist_in_the_assessment_tables() -> None:
    table = load_family_table()
    jurisdiction = set(load_yaml(DATA_DIR / "jurisdiction.yaml")["rules"])
    limitation = set(load_yaml(DATA_DIR / "limitation.yaml")["rules"])
    mediation = set(load_yaml(DATA_DIR / "mediation.yaml")["classes"])
    for key, rule in table.rules.jurisdiction.items():
        assert rule.assessment_rule is None or rule.assessment_rule in jurisdiction, key
    for key, rule in table.rules.limitation.items():
        assert rule.assessment_rule is None or rule.assessment_rule in limitation, key
    for key, rule in table.rules.mediation.items():
        assert rule.assessment_class is None or rule.assessment_class in mediation, key


_LAWS = {
    "民法典": "民法典",
    "民事诉讼法": "民事诉讼法",
    "民诉解释": "民诉解释",
    "诉讼费用交纳办法": "诉讼费用交纳办法",
    "劳动争议调解仲裁法": "劳动争议调解仲裁法",
    "劳动争议解释（一）": "劳动争议解释（一）",
    "反家庭暴力法": "反家庭暴力法",
    "民间借贷规定": "民间借贷规定",
    "诉讼时效规定": "诉讼时效规定",
    "道路交通安全法": "道路交通安全法",
    "人身损害赔偿解释": "人身损害赔偿解释",
    "婚姻家庭编解释（一）": "婚姻家庭编解释（一）",
    "行政复议法": "行政复议法",
    "行政诉讼法": "行政诉讼法",
}
_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _cn(num: str) -> int:
    total, current = 0, 0
    for ch in num:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        else:
            unit = {"十": 10, "百": 100, "千": 1000}[ch]
            total += (current or 1) * unit
            current = 0
    return total + current


def _cited(source: str) -> list[tuple[str, int]]:
    """(law, article) pairs a source cites: "民事诉讼法第二十四条；民诉解释第十八条", "…第一百九十条、第一百九十一条"
    (an article without a law name belongs to the last law named)."""
    out: list[tuple[str, int]] = []
    law = None
    for m in re.finditer(r"(?P<law>[一-龥（）]+?)?第(?P<n>[零一二两三四五六七八九十百千]+)条", source):
        named = m.group("law")
        if named:
            named = named.split("；")[-1].split("、")[-1]
            law = next((v for k, v in _LAWS.items() if named.endswith(k)), None)
        if law is not None:
            out.append((law, _cn(m.group("n"))))
    return out


def test_every_cited_article_exists_in_the_shared_law_texts() -> None:
    if not ARTICLES.is_file():
        pytest.skip(f"shared law texts not found at {ARTICLES}")
    held = {(r["law"], r["article"]) for r in map(json.loads, ARTICLES.read_text(encoding="utf-8").splitlines())}
    table = load_family_table()
    book = table.rules
    sources = [
        r.source for kind in (book.fee, book.limitation, book.jurisdiction, book.small_claims) for r in kind.values()
    ]
    sources += [r.source for r in book.mediation.values()]
    sources += [item.source for items in table.evidence.values() for item in items]
    cited = {c for s in sources for c in _cited(s)}
    assert len(cited) > 40
    assert ("民法典", 196) in cited and ("民诉解释", 28) in cited and ("诉讼费用交纳办法", 13) in cited
    missing = sorted(c for c in cited if c not in held)
    assert not missing


def test_a_stale_annotation_stops_loading(tmp_path: Path) -> None:
    shutil.copy(DATA_DIR / "catalogue.yaml", tmp_path / "catalogue.yaml")
    text = (DATA_DIR / "families.yaml").read_text(encoding="utf-8")
    (tmp_path / "families.yaml").write_text(
        text.replace("  人格权纠纷: personality\n", "  人格权纠纷: tort\n"), "utf-8"
    )
    with pytest.raises(DataFileError, match="out of date"):
        load_catalogue(tmp_path / "catalogue.yaml", tmp_path / "families.yaml")


def test_an_unknown_rule_key_is_refused(tmp_path: Path) -> None:
    text = (DATA_DIR / "families.yaml").read_text(encoding="utf-8")
    bad = text.replace("  离婚纠纷: {fee_without_money: divorce,", "  离婚纠纷: {fee_without_money: divorse,")
    assert bad != text
    (tmp_path / "families.yaml").write_text(bad, "utf-8")
    with pytest.raises(DataFileError, match="divorse"):
        load_family_table(tmp_path / "families.yaml")
