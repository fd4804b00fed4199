"""Understanding a yes / no / unclear answer to the mediation question, by meaning (knowledge/data/consent.yaml).

People's mediation needs the party's own consent (人民调解法第十七条、第二十三条): the bot asks "愿意先通过人民调解
解决吗？" and must read answers such as "愿意，毕竟是亲儿子" (yes), "调解过两回了没用，我要起诉" (no) or "还没想好"
(neither) the way a clerk would. A 不 decides nothing by itself: what counts is what it negates —
"不打官司，调解就行" refuses the lawsuit and accepts mediation; "不想调解" refuses mediation; "不要钱的话就调" is a yes.

- :func:`read_consent` — the answer to the question: ``"yes"``, ``"no"`` or ``"unclear"``.
- :func:`read_consent_change` — a later message that changes the answer ("我改主意了，还是调解吧" → ``"yes"``;
  "刚才说错了，不调了" → ``"no"``); ``None`` when the message is not such a change (no change cue, or no clear
  stance: "不对，是三万" is a correction of an amount, not of the consent).
- :func:`read_story_stance` — what a first story says about mediation on its own ("我不想再调了" → ``"no"``,
  "想找人给说和说和" → ``"yes"``), reading only statements whose object is mediation; ``None`` when it says nothing.

How an answer is read, strongest evidence first:

1. a stance whose object is mediation ("调解吧", "不调", "没啥好调的", "给约个调解"), ignoring a stance of the other
   side ("他不愿意调解") and a question about mediation ("要调解吗？"); the last such stance wins;
2. hesitation anywhere ("还没想好", "问问家里人", "看他啥态度") → unclear;
3. a short direct answer that is a whole clause ("中", "不中", "愿意", "不同意"), the first clause first;
   not wanting to see the other side ("不想再见到他") is a no;
4. a stance on suing instead: wanting the court to decide is a no, avoiding a lawsuit is a yes ("实在不行再告" is
   only the fallback and says neither);
5. otherwise unclear.

Pure functions; the patterns are data. Nothing here logs the text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from knowledge._base import DATA_DIR, DataModel, Tag, load_model
from knowledge.errors import DataFileError

Consent = Literal["yes", "no", "unclear"]
Stance = Literal["yes", "no"]


class ConsentCues(DataModel):
    source: str
    tag: Tag
    mediation_words: str
    other_subject: str
    reported_speech: str
    mediation_yes_double: list[str]
    mediation_no: list[str]
    mediation_yes: list[str]
    mediation_yes_reply: list[str]
    bare_yes: str
    bare_no: str
    no_contact: str
    hesitation: list[str]
    question_end: str
    question_start: str
    hypothetical: str
    request_words: str
    suit_words: str
    suit_fallback: str
    suit_no: list[str]
    suit_yes: list[str]
    change_cues: list[str]


@dataclass(frozen=True, slots=True)
class _Compiled:
    other_subject: re.Pattern[str]
    reported_speech: re.Pattern[str]
    mediation: list[tuple[re.Pattern[str], Stance]]
    reply_yes: list[re.Pattern[str]]
    bare_yes: re.Pattern[str]
    bare_no: re.Pattern[str]
    no_contact: re.Pattern[str]
    hesitation: list[re.Pattern[str]]
    question_end: re.Pattern[str]
    question_start: re.Pattern[str]
    hypothetical: re.Pattern[str]
    request: re.Pattern[str]
    mediation_word: re.Pattern[str]
    suit_fallback: re.Pattern[str]
    suit: list[tuple[re.Pattern[str], Stance]]
    change_cues: tuple[str, ...]


def _compile(pattern: str, cues: ConsentCues) -> re.Pattern[str]:
    text = pattern.replace("{med}", cues.mediation_words).replace("{suit}", cues.suit_words)
    try:
        return re.compile(text)
    except re.error as exc:
        raise DataFileError(f"consent.yaml: bad pattern {pattern!r}: {exc}") from exc


@functools.cache
def load_consent_cues(path: Path = DATA_DIR / "consent.yaml") -> ConsentCues:
    return load_model(ConsentCues, path)


@functools.cache
def _compiled(path: Path = DATA_DIR / "consent.yaml") -> _Compiled:
    cues = load_consent_cues(path)

    def c(p: str) -> re.Pattern[str]:
        return _compile(p, cues)

    mediation: list[tuple[re.Pattern[str], Stance]] = [(c(p), "yes") for p in cues.mediation_yes_double]
    mediation += [(c(p), "no") for p in cues.mediation_no]
    mediation += [(c(p), "yes") for p in cues.mediation_yes]
    suit: list[tuple[re.Pattern[str], Stance]] = [(c(p), "yes") for p in cues.suit_no]
    suit += [(c(p), "no") for p in cues.suit_yes]
    return _Compiled(
        other_subject=c(cues.other_subject),
        reported_speech=c(cues.reported_speech),
        mediation=mediation,
        reply_yes=[c(p) for p in cues.mediation_yes_reply],
        bare_yes=c(cues.bare_yes),
        bare_no=c(cues.bare_no),
        no_contact=c(cues.no_contact),
        hesitation=[c(p) for p in cues.hesitation],
        question_end=c(cues.question_end),
        question_start=c(cues.question_start),
        hypothetical=c(cues.hypothetical),
        request=c(cues.request_words),
        mediation_word=c(cues.mediation_words),
        suit_fallback=c(cues.suit_fallback),
        suit=suit,
        change_cues=tuple(cues.change_cues),
    )


_CLAUSE = re.compile(r"[^，,。.！!？?；;、：:\s~～…—\-\"“”'‘’（）()]+")
_QUESTION_MARK = re.compile(r"^\s*[？?]")
_OBJECT_BEFORE_SUBJECT = "跟和与给对找让把同向被"


@dataclass(frozen=True, slots=True)
class _Clause:
    text: str
    start: int  # position in the whole answer, so "the last stance" is well defined
    question: bool


def _clauses(text: str, cc: _Compiled) -> list[_Clause]:
    out = []
    for m in _CLAUSE.finditer(text):
        clause = m.group(0)
        question = (
            bool(_QUESTION_MARK.match(text[m.end() : m.end() + 2]))
            or bool(cc.question_end.search(clause))
            or bool(cc.question_start.search(clause))
        )
        out.append(_Clause(clause, m.start(), question))
    return out


def _normalise(text: str) -> str:
    return (text or "").strip().replace("\u3000", " ")


def _by_other_side(clause: str, start: int, cc: _Compiled) -> bool:
    """Whether the words before ``start`` make someone else the subject ("他不愿意调解", "调委会说可以调"), or
    report what somebody else said ("他家里人劝说调解调解就算了")."""
    speech = cc.reported_speech.search(clause, 0, start)
    if speech is not None:
        said = re.sub(r"^[我俺]们?", "", clause[speech.end() : start])  # "劝我…": 我 is whom they told
        if not re.search(r"[我俺]", said):
            return True
    before = clause[max(0, start - 6) : start]
    m = cc.other_subject.search(before)
    if m is None:
        return False
    return m.start() == 0 or before[m.start() - 1] not in _OBJECT_BEFORE_SUBJECT


def _mediation_stances(clauses: list[_Clause], cc: _Compiled, *, story: bool) -> list[tuple[int, Stance]]:
    found: list[tuple[int, Stance]] = []
    for cl in clauses:
        if story and cl.question and not cc.request.search(cl.text):
            continue
        if cc.hypothetical.search(cl.text):
            continue  # "他要是肯调早就调好了": what the other side would have done, no stance of the speaker's
        taken: list[tuple[int, int]] = []
        patterns = cc.mediation if story else [*cc.mediation, *((p, "yes") for p in cc.reply_yes)]
        for pattern, stance in patterns:
            for m in pattern.finditer(cl.text):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                taken.append((m.start(), m.end()))
                if _by_other_side(cl.text, m.start(), cc):
                    continue
                if cl.question and stance == "yes" and not cc.request.search(cl.text[: m.end()]):
                    continue  # "要调解吗？" asks; "能给调调吗" requests; "调个啥？" / "不调行吗？" refuse
                found.append((cl.start + m.start(), stance))
    return sorted(found)


def _bare(clause: _Clause, cc: _Compiled) -> Stance | None:
    text = clause.text
    if cc.bare_yes.match(text):
        return "yes"
    if cc.bare_no.match(text) or cc.no_contact.search(text):
        return "no"
    return None


def _suit_stances(clauses: list[_Clause], cc: _Compiled) -> list[tuple[int, Stance]]:
    found: list[tuple[int, Stance]] = []
    for cl in clauses:
        if cl.question:
            continue
        text = cc.suit_fallback.sub(lambda m: "・" * len(m.group(0)), cl.text)  # the fallback says neither
        taken: list[tuple[int, int]] = []
        for pattern, stance in cc.suit:
            for m in pattern.finditer(text):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                taken.append((m.start(), m.end()))
                if not _by_other_side(text, m.start(), cc):
                    found.append((cl.start + m.start(), stance))
    return sorted(found)


def read_consent(text: str) -> Consent:
    """The answer to "愿意先通过人民调解解决吗？": ``"yes"``, ``"no"`` or ``"unclear"`` (see the module docstring)."""
    cc = _compiled()
    clauses = _clauses(_normalise(text), cc)
    if not clauses:
        return "unclear"
    stances = _mediation_stances(clauses, cc, story=False)
    if stances:
        return stances[-1][1]
    if any(p.search(cl.text) for cl in clauses for p in cc.hesitation):
        return "unclear"
    for cl in clauses:
        bare = _bare(cl, cc)
        if bare is not None:
            return bare
    suit = _suit_stances(clauses, cc)
    if suit:
        return suit[-1][1]
    return "unclear"


def read_consent_change(text: str) -> Stance | None:
    """A message that changes an earlier answer to the mediation question, or None.

    A change needs a change cue (改主意, 想了想, 不对, 说错了, 还是 …) and a clear stance ("我改主意了，还是调解吧"
    → "yes"; "想了想，还是起诉吧" → "no"). "不对，是三万" has no stance and is left to the fact corrections.
    """
    cc = _compiled()
    t = _normalise(text)
    if not any(cue in t for cue in cc.change_cues):
        return None
    answer = read_consent(t)
    return None if answer == "unclear" else answer


def read_story_stance(text: str) -> Stance | None:
    """What a story says about mediation itself ("我不想再调了" → "no"; "想找人给说和说和" → "yes"), or None.

    Only statements whose object is mediation count (a story's "我想告他" is not a refusal of mediation, and
    "实在不行再告" is a fallback); questions about mediation ("这个能调解吗") are not a stance.
    """
    cc = _compiled()
    stances = _mediation_stances(_clauses(_normalise(text), cc), cc, story=True)
    return stances[-1][1] if stances else None


def mentions_mediation(text: str) -> bool:
    """Whether ``text`` talks about mediation at all (调解, 说和, 调一调 …)."""
    return bool(_compiled().mediation_word.search(_normalise(text)))


__all__ = [
    "Consent",
    "ConsentCues",
    "Stance",
    "load_consent_cues",
    "mentions_mediation",
    "read_consent",
    "read_consent_change",
    "read_story_stance",
]
