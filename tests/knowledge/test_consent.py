"""Reading a reply to "愿意先通过人民调解解决吗？" by meaning (knowledge.consent), never by the word 不 alone."""

import pytest

from knowledge.consent import mentions_mediation, read_consent, read_consent_change, read_story_stance

YES = [
    "愿意，毕竟是亲儿子",
    "行，那就调解吧",
    "可以试试调解",
    "先调调看吧",
    "同意调解，省得麻烦",
    "能调就调，我也不想跟他翻脸",
    "不打官司，调解就行",  # 不 refuses the lawsuit, not mediation
    "不想上法院，找人说和说和就中",
    "调解也中",
    "不是不想调，就怕他不来",  # a negated refusal
    "没意见，调呗",
    "都是一家人，别闹到法院去，调解吧",
    "他愿意的话我也愿意",
    "嗯嗯",
    "中中中",
    "OK",
    "不起诉了，你们帮我联系调解吧",
    "我不想打官司",
    "愿意，就是不知道他愿不愿意",  # the doubt is about the other side
    "能给调调吗",  # a request
    "不要钱的话可以调",  # 不要 negates 钱
    "那行吧",
    "打官司太费劲了，还是调解吧",
    "愿意调解，不过他得先道歉",
    "愿意试一下",
    "能不打官司就不打",
    "都行，先调解吧",
    "先调解，调解不成再起诉",  # the failure is only the condition for the suit
    "可中",  # Henan: 中 / 管 mean "all right"
    "管",
    "好好好",
    "行吧行吧，调",
    "那就麻烦你们了",
    "当然愿意",
]

NO = [
    "调解过两回了没用，我要起诉",
    "不想调解",
    "不用了，我直接去法院",
    "没必要调了，他就是个无赖",
    "拒绝调解",
    "不了，直接立案吧",
    "我要告他，让法院判",
    "不行，他都拉黑我了，调啥调",
    "别调了，调了也白搭",
    "算了，不调了",
    "不愿意，我就要起诉",
    "不同意",
    "他不会还的，调解没用",
    "我想直接起诉",
    "还是起诉吧",
    "不中",
    "不想见到他",  # mediation means sitting down with the other side
    "调解不了，这人不讲理",
    "调解就算了",
    "不了不了",
    "没得调",
    "直接告吧",
    "不想跟他谈了",
    "不考虑调解",
    "不管",
    "调个啥？",  # a rhetorical question refuses
    "让法院判吧",
    "调解？没门",
    "免谈",
]

UNCLEAR = [
    "还没想好",
    "让我考虑考虑",
    "调解是啥意思？要花钱吗",
    "不清楚",
    "看情况吧",
    "我得跟家里商量一下",
    "调解有用吗",
    "说不好，他那人不讲理",
    "嗯……我再想想",  # a filler, then hesitation
    "你们说呢",
    "",
    "随便",
    "哦",
    "一定要先调解吗？",  # asks whether it is required: it is not, and the bot says so
    "调查清楚再说",  # 调查 is not 调解
    "行吧，不过我还得问问家里人",
    "空调坏了",
    "被告是他",  # 告 inside 被告 is no wish to sue
    "要看对方愿不愿意",
]


@pytest.mark.parametrize("text", YES)
def test_consent(text: str) -> None:
    assert read_consent(text) == "yes"


@pytest.mark.parametrize("text", NO)
def test_refusal(text: str) -> None:
    assert read_consent(text) == "no"


@pytest.mark.parametrize("text", UNCLEAR)
def test_neither(text: str) -> None:
    assert read_consent(text) == "unclear"


def test_the_word_bu_decides_nothing_by_itself() -> None:
    with_bu = [t for t in YES if "不" in t]
    assert len(with_bu) >= 6  # the yes list is full of 不, and every one of them reads as a yes
    assert all(read_consent(t) == "yes" for t in with_bu)
    assert read_consent("不知道") == "unclear"  # neither a refusal
    assert read_consent("不") == "unclear"  # a bare 不 is not enough to stop a free, voluntary offer… nor to accept


def test_the_other_sides_stance_is_not_the_speakers() -> None:
    assert read_consent("他肯定不愿意调解") == "unclear"
    assert read_consent("他不愿意调解，那我只能起诉了") == "no"  # the speaker's own conclusion


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("不对，我还是想调解", "yes"),
        ("我改主意了，不调了", "no"),
        ("刚才说错了，愿意调解", "yes"),
        ("想了想，还是起诉吧", "no"),
        ("考虑好了，调吧", "yes"),
        ("我愿意", None),  # no change cue: an ordinary answer, not a change
        ("不对，是三万", None),  # a correction of an amount, not of the consent
        ("想了想，还是不知道", None),  # a change cue without a stance
    ],
)
def test_a_change_of_mind(text: str, stance: str | None) -> None:
    assert read_consent_change(text) == stance


@pytest.mark.parametrize(
    ("story", "stance"),
    [
        ("跟物业的事在居委会调过一次了，他们还是不修，我不想再调了，直接告", "no"),
        ("邻居家的树根把俺家墙拱裂了，想找个中间人给说和说和，实在不行再上法院", "yes"),
        ("能不能找人给调解一下，都是亲戚", "yes"),
        ("居委会说可以给我们调一调，这事能调解吗", None),  # somebody else's offer and a question
        ("我想赶紧告他", None),  # wanting a suit is not a refusal of mediation in a story
        ("他家里人说调解调解算了", None),
        ("他家里人天天来劝我调解调解就算了", None),  # their words, reported
        ("合同写着有纠纷双方协商解决，协商不成向法院起诉，现在对方不付款", None),  # a contract's clause
    ],
)
def test_what_a_story_says_about_mediation(story: str, stance: str | None) -> None:
    assert read_story_stance(story) == stance


def test_mentions_mediation() -> None:
    assert mentions_mediation("找人说和一下")
    assert not mentions_mediation("空调坏了，调查一下")
