"""Studied class 'mediation-consent reading' (人民调解法第三条、第十七条): a rhetorical question about one's own
refusal is a yes ("咋不愿意"); a hypothetical about the other side ("他要是肯调早就调好了") is no stance of the
speaker's, so what they then say decides; a clause that opens as a question ("是不是就不用去法院了") asks and
takes no stance — the bot explains and asks again. Fresh answers, with near misses."""

import pytest

from knowledge.consent import read_consent


@pytest.mark.parametrize(
    ("answer", "reading"),
    [
        ("哪能不同意，亲戚之间撕破脸不好看", "yes"),
        ("怎么不愿意，闹上法院让人笑话", "yes"),
        ("要是对方讲理早就调解完了，还用等到现在，俺就是要起诉", "no"),
        ("但凡他肯说和，也走不到这一步，我要让法院判", "no"),
        ("是不是调解了就不能再告了", "unclear"),
        ("会不会调解完他还是不给钱", "unclear"),
    ],
)
def test_studied_consent_readings(answer: str, reading: str) -> None:
    assert read_consent(answer) == reading


@pytest.mark.parametrize(
    ("answer", "reading"),
    [
        ("不愿意", "no"),  # a plain refusal stays a refusal
        ("他要是肯调就调吧，我愿意", "yes"),  # the speaker's own stance after the hypothetical still counts
        ("调解是免费的吗", "unclear"),
    ],
)
def test_near_misses(answer: str, reading: str) -> None:
    assert read_consent(answer) == reading
