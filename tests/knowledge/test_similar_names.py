"""Which judgments count as "of this cause" for similar cases: the cause, its sub-causes, and older names."""

from knowledge.catalogue import load_catalogue


def test_a_cause_takes_its_sub_causes_and_the_older_names_of_judgments() -> None:
    cat = load_catalogue()
    labour = cat.search_names("劳动争议")
    assert {"劳动争议", "追索劳动报酬纠纷", "确认劳动关系纠纷"} <= labour
    assert "劳务合同纠纷" not in labour  # a civil service contract, not labour law
    assert "生命权、健康权、身体权纠纷" in cat.search_names("生命权、身体权、健康权纠纷")  # the 2011 order of words
    assert "居间合同纠纷" in cat.search_names("中介合同纠纷")
    assert cat.search_names("离婚纠纷") == frozenset({"离婚纠纷"})


def test_a_name_outside_the_catalogue_stands_for_itself() -> None:
    assert load_catalogue().search_names("其他") == frozenset({"其他"})
