import pytest

from retrieval.outcomes import OUTCOME_CODES
from retrieval.sources import normalize_outcome
from retrieval.text import (
    OUTCOME_NAMES,
    content_hash,
    extract_case_number,
    extract_court,
    extract_summary,
    extract_year,
)


@pytest.mark.parametrize("term", ["借条", "欠条", "民间借贷", "诉讼时效"])
def test_user_dictionary_keeps_legal_terms_whole(tokenizer, term: str) -> None:
    words = tokenizer.words(f"我有{term}，想问问{term}的事")
    assert term in words


def test_tokenize_drops_stopwords_and_punctuation_but_keeps_repayment(tokenizer) -> None:
    tokens = tokenizer.tokenize("朋友借了我五万块钱，写了借条，一直不还！")
    assert "借条" in tokens and "还" in tokens
    assert "了" not in tokens and "，" not in tokens and "!" not in tokens


def test_content_hash_ignores_spacing_and_width() -> None:
    assert content_hash("借款 5000 元") == content_hash("借款　５０００\n元")
    assert content_hash("借款5000元") != content_hash("借款6000元")


def test_outcome_labels_from_records_are_normalised() -> None:
    assert normalize_outcome("部分支持") == "partly"
    assert normalize_outcome(" Rejected ") == "rejected"
    assert normalize_outcome("撤诉") == "withdrawn"
    assert normalize_outcome("divorce_refused") == "divorce_refused"
    assert normalize_outcome("驳回起诉") == "dismissed"
    assert normalize_outcome("maybe") is None


def test_every_outcome_code_has_one_name_that_reads_back() -> None:
    assert tuple(OUTCOME_NAMES) == OUTCOME_CODES
    assert len(set(OUTCOME_NAMES.values())) == len(OUTCOME_NAMES)
    assert all(normalize_outcome(name) == key for key, name in OUTCOME_NAMES.items())


HEADER = "河南省焦作市山阳区人民法院\n民事判决书\n（2019）豫0811民初1234号\n原告李某，男，1980年生。被告王某。"


def test_header_fields_are_extracted() -> None:
    assert extract_case_number(HEADER) == "（2019）豫0811民初1234号"
    assert extract_court(HEADER) == "河南省焦作市山阳区人民法院"
    assert extract_year(HEADER) == 2019


def test_cases_cited_inside_the_facts_are_not_taken_for_this_case() -> None:
    facts = "原告李某诉称，（2015）宜丁民初字第130号民事判决已生效，请求人民法院判令被告还款。"
    assert extract_case_number(facts) is None
    assert extract_court(facts) is None
    assert extract_year(facts) is None


def test_old_style_case_number() -> None:
    text = "湘阴县人民法院 民事判决书 （2015）湘民初字第00130号 原告某某"
    assert extract_case_number(text) == "（2015）湘民初字第00130号"
    assert extract_court(text) == "湘阴县人民法院"


def test_summary_starts_at_the_facts_masks_ids_and_is_short() -> None:
    text = (
        "原告李某1。委托代理人蒋某。被告夏某1。原告李某1诉称，2015年3月6日，被告夏某1因欠缺资金借款70000元，"
        "并出具欠条，身份证号430624195801035630，至今未还本金及利息，请求判令被告偿还本金及利息并承担诉讼费用。"
    )
    summary = extract_summary(text)
    assert summary.startswith("2015年3月6日，被告夏某1")
    assert "430624195801035630" not in summary
    assert len(summary) <= 81
    assert summary.endswith("…")
