"""The optional LLM: it may re-word the assessment's plain-language summary, and a guard decides whether its words
go out.

Off by default. With ``LLM_BASE_URL`` and ``LLM_MODEL`` set, :func:`make_phraser` builds a langchain
``ChatOpenAI`` for any OpenAI-compatible endpoint and the runtime hands the :class:`LlmPhraser` to the steps
(``Services.phraser``); unset, it returns None and every reply is the template, byte for byte.

What is phrased: only the **plain-language summary** that opens the assessment — the ``【您的纠纷】`` paragraph
of the first rendered part, before its ``【类似案例】`` list. The LLM may explain there, in the person's own
terms, what kind of dispute this is and what the similar judgments' outcomes mean for them; that is where plain
words help. Everything else stays template text, verbatim: the similar-case list itself (case numbers, courts,
excerpts of other people's judgments, whose amounts and dates must never be mistaken for the person's own);
limitation and evidence, fee / small claims / jurisdiction (computed figures with their legal basis in every
sentence: re-wording adds risk and no understanding); the risk notices (quoted from the Supreme People's
Court's 诉讼风险提示书); the routes part (the numbered menu the next step parses, "请回复数字 1、2 或 3", with
the sentence that mediation is never a condition of filing).

The LLM is shown only :func:`lead_view` (the cause and its plain description; for each similar judgment its
case number, court, year, outcome and shared points; the outcome counts) and the template summary — no story,
no names, no contact details, no excerpts. The guard (:func:`guard`) refuses an answer that

* cites a case number retrieval did not return (bracketed with （）()〔〕[], full- or half-width, or without
  its year), or drops one the template cited;
* mentions an amount (5万, 五万元, 1,050元, 两千块), a date (2027年3月1日, 2027-03-01, 3月1日, 2027年3月,
  二〇二七年三月一日), an article (第188条 = 第一百八十八条) or any other number (counts, years, percentages,
  百分之八十) that what it was shown does not contain — so for the summary: no amount, date or article at all;
* promises an outcome (一定能赢, 肯定要回) or drops the sentence that mediation is not a condition of filing
  where the template had it;
* is empty or longer than :data:`SUMMARY_MAX_CHARS`.

Time: the call runs in a daemon thread and the reply waits for it at most ``LLM_TIMEOUT_S`` seconds of
wall-clock time (``ChatOpenAI``'s own timeout bounds each socket read, not the whole answer: a server that
trickles bytes would hold the reply for minutes). At most :data:`MAX_CALLS_IN_FLIGHT` calls run at once; when
that many are still waiting on a hung endpoint, further replies get the template at once instead of queueing.

Any refusal, an error (HTTP 500, malformed JSON, connection refused) or a timeout → the template parts are sent
unchanged and the log says why (never with the litigant's words). The LLM never decides a figure.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Protocol

import prompts
from core.settings import Settings
from knowledge.cn_numbers import find_amounts, parse_number

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

log = logging.getLogger(__name__)

SUMMARY_MAX_CHARS = 300  # the summary paragraph; with the similar-case list it still fits a phone screen or two
SIMILAR_MARK = "\n【类似案例】"  # where the summary paragraph of the first part ends (prompts/assessment_cause.txt)
MAX_CALLS_IN_FLIGHT = 4
NOT_A_CONDITION = "不是立案的前置条件"


class Phraser(Protocol):
    """Re-phrases the rendered assessment; returns the parts to send (the template parts when in doubt)."""

    def phrase(self, assessment: dict[str, Any], template_parts: list[str]) -> list[str]: ...


# ------------------------------------------------------------------------------------------------ guard

_CN_DIGIT = "零〇一二两三四五六七八九"
_CN_NUM = _CN_DIGIT + "十百千"
_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "[": "(", "]": ")", "【": "(", "】": ")"})
_CASE_NO = re.compile(r"\(\s*(\d{4})\s*\)\s*([\u4e00-\u9fff]{1,3}\s*\d{0,4}\s*[\u4e00-\u9fff]{1,4}\s*\d+\s*号)")
# the same number written without its bracketed year ("豫0811民初1234号"): court code digits, case type, number
_CASE_TAIL = re.compile(r"\d{2,4}\s*[民刑行执赔知财破认司][\u4e00-\u9fff]{0,3}\s*\d+\s*号")
_Y = rf"(\d{{4}}|[{_CN_DIGIT}]{{4}})"
_M = rf"(\d{{1,2}}|[{_CN_NUM}]{{1,3}})"
_DATE_YMD = re.compile(rf"{_Y}\s*(?:年|-|/)\s*{_M}\s*(?:月|-|/)\s*{_M}\s*[日号]?")
_DATE_YM = re.compile(rf"{_Y}\s*年\s*{_M}\s*月")
_DATE_MD = re.compile(rf"{_M}\s*月\s*{_M}\s*[日号]")
_ARTICLE = re.compile(rf"第\s*([\d{_CN_NUM}]+)\s*条")
_PERCENT = re.compile(rf"百分之([{_CN_NUM}]+)")
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_CERTAINTY = re.compile(
    r"(?<!不)(?:一定|肯定|必定|必然|保证|百分之百|稳|包)(?:能|会|可以|可|要)?(?:胜诉|打赢|赢|要回|拿回|判赔|得到支持|被支持)"
)


_YEAR_DIGITS = {ch: str(i) for i, ch in enumerate("〇一二三四五六七八九")} | {"零": "0", "两": "2"}
_UNIT_GAP = re.compile(rf"(?<=[\d{_CN_NUM}])\s+(?=[元万块])")


def _norm(text: str) -> str:
    """Full-width digits and brackets to half-width (NFKC), every bracket kind to ``()``, "1050 元" → "1050元"."""
    return _UNIT_GAP.sub("", unicodedata.normalize("NFKC", text).translate(_BRACKETS))


def _int(numeral: str) -> int | None:
    if numeral.isdigit():
        return int(numeral)
    if len(numeral) == 4 and all(ch in _YEAR_DIGITS for ch in numeral):  # a year read digit by digit: 二〇二七
        return int("".join(_YEAR_DIGITS[ch] for ch in numeral))
    value = parse_number(numeral)
    return int(value) if value is not None and value == int(value) else None


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


_Date = tuple[int | None, int | None, int | None]  # (year, month, day); None where the text leaves it out


@dataclass
class _Mentions:
    """What one text mentions, each kind taken out of the text before the next is looked for."""

    cases: set[str]
    case_tails: set[str]
    dates: set[_Date]
    articles: set[int]
    amounts: set[Decimal]
    numbers: set[Decimal]
    certainty: list[str]


def _take(pattern: re.Pattern[str], text: str) -> tuple[list[re.Match[str]], str]:
    found = list(pattern.finditer(text))
    for m in found:
        text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    return found, text


def _mentions(raw: str) -> _Mentions:
    text = _norm(raw)
    certainty = [m.group(0) for m in _CERTAINTY.finditer(text)]
    cases, text = _take(_CASE_NO, text)
    tails, text = _take(_CASE_TAIL, text)
    case_keys = {"(" + m.group(1) + ")" + _squeeze(m.group(2)) for m in cases}
    tail_keys = {_squeeze(m.group(0)) for m in tails}
    tail_keys |= {k for key in case_keys for k in [_tail_of(key)] if k}
    dates: set[_Date] = set()
    for pattern, fields in ((_DATE_YMD, "ymd"), (_DATE_YM, "ym"), (_DATE_MD, "md")):
        found, text = _take(pattern, text)
        for m in found:
            values = dict(zip(fields, (_int(g) for g in m.groups()), strict=True))
            dates.add((values.get("y"), values.get("m"), values.get("d")))
    articles_found, text = _take(_ARTICLE, text)
    articles = {n for m in articles_found if (n := _int(m.group(1))) is not None}
    percents, text = _take(_PERCENT, text)
    numbers = {Decimal(n) for m in percents if (n := _int(m.group(1))) is not None}
    amounts: set[Decimal] = set()
    for mention in find_amounts(text):
        if mention.has_unit:
            amounts.add(mention.value.quantize(Decimal("0.01")))
            text = text[: mention.start] + " " * (mention.end - mention.start) + text[mention.end :]
    numbers |= {x for m in _NUMBER.finditer(text) if (x := _decimal(m.group(0))) is not None}
    return _Mentions(case_keys, tail_keys, dates, articles, amounts, numbers, certainty)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _tail_of(case_key: str) -> str | None:
    m = _CASE_TAIL.search(case_key.split(")", 1)[-1])
    return m.group(0) if m else None


def _all_strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _all_strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _all_strings(v)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield f"{value}元"
        yield f"{value}"


def _date_known(date: _Date, known: set[_Date]) -> bool:
    return any(all(a is None or a == b for a, b in zip(date, ref, strict=True)) for ref in known)


@dataclass(frozen=True)
class GuardResult:
    ok: bool
    violations: list[str]


def guard(answer: str, assessment: dict[str, Any], template: str) -> GuardResult:
    """Check an LLM answer against the computed assessment (or the part of it the LLM saw) and the template."""
    if not answer.strip():
        return GuardResult(False, ["empty answer"])
    said = _mentions(answer)
    ref = _mentions("\n".join([template, *_all_strings(assessment)]))
    cited = _mentions(template).cases
    for case in assessment.get("similar_cases") or []:
        for key in ("case_number", "id"):
            if case.get(key):
                extra = _mentions(str(case[key]))
                ref.cases |= extra.cases
                ref.case_tails |= extra.case_tails
    ref.numbers |= ref.amounts | {Decimal(a) for a in ref.articles}
    ref.numbers |= {Decimal(x) for d in ref.dates for x in d if x is not None}
    violations: list[str] = []
    violations += [f"case number not retrieved: {c}" for c in sorted(said.cases - ref.cases)]
    violations += [f"case number not retrieved: {t}" for t in sorted(said.case_tails - ref.case_tails)]
    violations += [f"dropped the case number: {c}" for c in sorted(cited - said.cases)]
    violations += [f"amount not computed: {a:f}元" for a in sorted(said.amounts - ref.amounts)]
    for d in sorted(said.dates, key=str):
        if not _date_known(d, ref.dates):
            violations.append("date not computed: " + "-".join("?" if x is None else str(x) for x in d))
    violations += [f"article not in the assessment: 第{a}条" for a in sorted(said.articles - ref.articles)]
    violations += [f"number not in the assessment: {n:f}" for n in sorted(said.numbers - ref.numbers)]
    violations += [f"promises an outcome: {c}" for c in said.certainty if c not in template]
    if NOT_A_CONDITION in template and NOT_A_CONDITION not in answer:
        violations.append("dropped: mediation is not a condition of filing")
    return GuardResult(not violations, violations)


# ---------------------------------------------------------------------------------------------- phraser


def lead_view(assessment: dict[str, Any]) -> dict[str, Any]:
    """All the LLM is shown: the cause and the similar judgments' references and outcomes (no excerpts)."""
    cause = assessment.get("cause") or {}
    keys = ("case_number", "court", "year", "outcome_label", "why")
    return {
        "cause": {k: cause.get(k) for k in ("name", "summary", "unsure", "alternatives") if k in cause},
        "similar_cases": [
            {k: case.get(k) for k in keys if case.get(k)} for case in assessment.get("similar_cases") or []
        ],
        "outcome_distribution": assessment.get("outcome_distribution") or {},
        "similar_note": assessment.get("similar_note") or "",
    }


def prompt_messages(view: dict[str, Any], template: str) -> list[BaseMessage]:
    from langchain_core.messages import HumanMessage, SystemMessage

    return [
        SystemMessage(prompts.load("llm_system")),
        HumanMessage(
            prompts.load(
                "llm_phrase_assessment",
                assessment_json=json.dumps(view, ensure_ascii=False, default=str),
                template=template,
            )
        ),
    ]


class LlmPhraser:
    """Re-words the assessment's summary paragraph through a langchain chat model, under :func:`guard`, within
    ``timeout_s`` of wall-clock time."""

    def __init__(self, model: BaseChatModel, timeout_s: float = 8.0, max_in_flight: int = MAX_CALLS_IN_FLIGHT) -> None:
        self._model = model
        self._timeout_s = timeout_s
        self._slots = threading.BoundedSemaphore(max_in_flight)

    def phrase(self, assessment: dict[str, Any], template_parts: list[str]) -> list[str]:
        summary, mark, similar = template_parts[0].partition(SIMILAR_MARK) if template_parts else ("", "", "")
        if not mark:  # not the rendered assessment this module knows: nothing to re-word
            log.warning("assessment without its summary paragraph; template answer sent")
            return template_parts
        view = lead_view(assessment)
        answer = self._ask(prompt_messages(view, summary))
        if answer is None:
            return template_parts
        if len(answer) > SUMMARY_MAX_CHARS:
            log.warning("LLM answer refused: %d characters, the summary may have %d", len(answer), SUMMARY_MAX_CHARS)
            return template_parts
        checked = guard(answer, view, summary)
        if not checked.ok:
            log.warning("LLM answer refused by the guard: %s", "; ".join(checked.violations))
            return template_parts
        return [answer + mark + similar, *template_parts[1:]]

    def _ask(self, messages: list[BaseMessage]) -> str | None:
        """The model's answer, or None (logged) on a timeout, an error or when too many calls still hang."""
        if not self._slots.acquire(blocking=False):
            log.warning("LLM busy (%d calls still waiting); template answer sent", MAX_CALLS_IN_FLIGHT)
            return None
        future: Future[BaseMessage] = Future()

        def call() -> None:
            try:
                future.set_result(self._model.invoke(messages))
            except Exception as exc:  # handed to the waiting reply, which logs it and sends the template
                future.set_exception(exc)
            finally:
                self._slots.release()

        threading.Thread(target=call, name="llm-phrase", daemon=True).start()
        try:
            reply = future.result(timeout=self._timeout_s)
        except FutureTimeout:
            log.warning("no LLM answer within %.1f s; template answer sent", self._timeout_s)
            return None
        except Exception as exc:  # any LLM failure means: send the template
            log.warning("LLM unavailable (%s); template answer sent", type(exc).__name__)
            return None
        content = reply.content
        return content.strip() if isinstance(content, str) else ""


def make_phraser(settings: Settings) -> LlmPhraser | None:
    """The phraser for ``LLM_BASE_URL`` / ``LLM_MODEL``; None when they are unset (the template path)."""
    if not settings.llm_enabled:
        return None
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(
        base_url=settings.llm_base_url,
        model=settings.llm_model or "",
        api_key=settings.llm_api_key or "not-needed",  # type: ignore[arg-type]
        timeout=settings.llm_timeout_s,  # each connect/read; the whole call is bounded by LlmPhraser
        max_retries=0,
        temperature=0,
    )
    return LlmPhraser(model, timeout_s=settings.llm_timeout_s)
