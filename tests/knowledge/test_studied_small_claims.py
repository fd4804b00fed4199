"""Studied class 'small-claims exclusions said in lay words' (民事诉讼法第一百六十六条): a counterclaim told as
反告 / 反过来告 by a person already sued (第（五）项), and a party of a foreign nationality told by its 国籍 or
passport (第（二）项). Fresh stories, with near misses that stay small claims."""

from datetime import date
from decimal import Decimal

import pytest

from knowledge.small_claims import check_small_claims, load_small_claims_rules

TODAY = date(2026, 12, 7)
RULES = load_small_claims_rules()


def mode(text: str, amount: int) -> tuple[str, str]:
    r = check_small_claims(Decimal(amount), {}, money_claim=True, today=TODAY, rules=RULES, text=text)
    return r.mode, r.basis


@pytest.mark.parametrize(
    ("text", "article"),
    [
        ("房东把俺告了要房租，俺想反告他不退押金八千", "第一百六十六条第（五）项"),
        ("他起诉俺欠材料款，俺也想告他拖欠运费六千，能反过来告不", "第一百六十六条第（五）项"),
        ("对方先告了俺，说俺货不合格，俺要告他还欠的货款九千", "第一百六十六条第（五）项"),
        ("租俺房子的是个越南国籍的姑娘，走的时候欠了三千水电费", "第一百六十六条第（二）项"),
        ("买俺货的那个老板拿的是美国护照，欠俺货款七千", "第一百六十六条第（二）项"),
        ("开饭馆的日本老板欠俺送菜钱四千五", "第一百六十六条第（二）项"),
    ],
)
def test_exclusions_in_lay_words(text: str, article: str) -> None:
    got, basis = mode(text, 9000)
    assert got == "not_eligible"
    assert article in basis


@pytest.mark.parametrize(
    "text",
    [
        "俺想告他还俺八千，他说他也要告俺，随他去",  # the other side threatens: no counterclaim by the person
        "他是中国国籍，在美国待过两年，欠俺五千",
        "他不会反告，欠俺的九千就是不还",
    ],
)
def test_near_misses_stay_small_claims(text: str) -> None:
    assert mode(text, 9000)[0] == "mandatory"
