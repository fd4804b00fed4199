"""Masking names at ingest: parties, declared short names, role-introduced people; ID and phone numbers."""

import pytest

from retrieval.masking import NameMasker, Party, mask_org, mask_person, plausible_name, trade_name
from retrieval.text import default_tokenizer


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("贵州鼎盛晟贸易有限公司", "某贸易有限公司"),
        ("中国人民财产保险股份有限公司宁波市分公司", "某财产保险股份有限公司某分公司"),
        ("中国工商银行股份有限公司锡林郭勒盟分行", "某银行股份有限公司某分行"),
        ("广西城建建设集团有限公司", "某建设集团有限公司"),
        ("辽宁省沈阳市铁西区昆明湖街道张士村村民委员会", "某村民委员会"),
        ("青阳县蓉城镇凯歌之王视听城", "某视听城"),
        ("某某无法归类", "某单位"),
    ],
)
def test_an_organisation_keeps_only_its_kind(name: str, masked: str) -> None:
    assert mask_org(name) == masked


def test_a_person_keeps_the_surname() -> None:
    assert [mask_person(n) for n in ("林发武", "欧阳明华", "丁新")] == ["林某", "欧阳某", "丁某"]


def test_trade_names_of_national_institutions_are_not_masked_alone() -> None:
    assert trade_name("河南省豫创投资有限公司") == "豫创"
    assert trade_name("中国人民财产保险股份有限公司宁波市分公司") == ""  # 人民 would mask 中国人民银行


def test_a_record_masks_its_parties_short_names_roles_and_numbers() -> None:
    text = (
        "原告孙建新与被告河南省豫创投资有限公司（以下简称豫创公司）合同纠纷一案，委托诉讼代理人蒋水光，律师。"
        "豫创公司未到庭。原告按中国人民银行同期贷款利率主张利息，其电话13812345678，身份证号410811198001011234。"
        "被告陈述，负责人到庭，双方劳动关系存续。"
    )
    masker = NameMasker([Party("孙建新", "person"), Party("河南省豫创投资有限公司", "org"), Party("苗某")], [text])
    out = masker.mask(text)
    for gone in ("孙建新", "豫创", "蒋水光", "13812345678", "410811198001011234"):
        assert gone not in out
    assert out.startswith("原告孙某与被告某投资有限公司（以下简称某公司）合同纠纷一案，委托诉讼代理人蒋某，律师。")
    # words after a role are not names, national institutions stay
    for kept in ("中国人民银行", "被告陈述", "负责人到庭", "劳动关系"):
        assert kept in out


@pytest.mark.parametrize(
    ("candidate", "plausible"),
    [
        ("王萍", True), ("李海燕", True), ("司马刚", True), ("张雯霞", True),
        ("陈述", False), ("公司", False), ("劳动关", False), ("和被告", False), ("尚欠", False), ("于该日", False),
        ("张某", False), ("曹0", False), ("应当", False),
    ],
)
def test_role_introduced_candidates(candidate: str, plausible: bool) -> None:
    assert plausible_name(candidate, default_tokenizer().word_freq) is plausible
