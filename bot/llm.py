"""The optional LLM: it may re-phrase the assessment, and a guard decides whether its words may be sent.

Off by default. With ``LLM_BASE_URL`` and ``LLM_MODEL`` set, ``make_phraser`` builds a langchain
``ChatOpenAI`` for any OpenAI-compatible endpoint. ``LlmPhraser.phrase`` sends the computed assessment and
the template answer (``prompts/llm_phrase_assessment.txt``) and checks the answer with ``guard``:

* every case number it mentions must be one that retrieval returned;
* every amount (…元 / …万元), date and article number (第…条) must appear in the computed assessment or the
  template answer;
* it must keep the sentence that mediation is not a condition of filing, when the template had it.

Any violation, an empty answer, an error or a timeout → the template answer is sent unchanged, and the log
says which check failed. The LLM never decides a figure.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

import prompts
from core.settings import Settings

log = logging.getLogger(__name__)

_CASE_NO = re.compile(r"[（(]\s*\d{4}\s*[)）]\s*[\u4e00-\u9fa5]{1,3}\s*\d{0,4}\s*[\u4e00-\u9fa5]{1,4}\s*\d+\s*号")
_AMOUNT = re.compile(r"(\d[\d,，]*(?:\.\d+)?)\s*(万元|万|元)")
_DATE = re.compile(r"(\d{4})\s*(?:年|-|/)\s*(\d{1,2})\s*(?:月|-|/)\s*(\d{1,2})\s*日?")
_ARTICLE = re.compile(r"第\s*([一二三四五六七八九十百零〇\d]+)\s*条")
NOT_A_CONDITION = "不是立案的前置条件"


def _norm_case_no(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）")


def _amounts(text: str) -> set[float]:
    out: set[float] = set()
    for number, unit in _AMOUNT.findall(text):
        value = float(number.replace(",", "").replace("，", ""))
        out.add(round(value * 10000 if unit.startswith("万") else value, 2))
    return out


def _dates(text: str) -> set[tuple[int, int, int]]:
    return {(int(y), int(m), int(d)) for y, m, d in _DATE.findall(text)}


def _articles(text: str) -> set[str]:
    return set(_ARTICLE.findall(text))


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


@dataclass(frozen=True)
class GuardResult:
    ok: bool
    violations: list[str]


def guard(answer: str, assessment: dict[str, Any], template: str) -> GuardResult:
    """Check an LLM answer against the computed assessment and the template answer."""
    violations: list[str] = []
    if not answer.strip():
        return GuardResult(False, ["empty answer"])
    reference = "\n".join([template, *(_all_strings(assessment))])
    allowed_cases = {_norm_case_no(m) for m in _CASE_NO.findall(reference)}
    for case in assessment.get("similar_cases") or []:
        for key in ("case_number", "id"):
            if case.get(key):
                allowed_cases.add(_norm_case_no(str(case[key])))
    for found in _CASE_NO.findall(answer):
        if _norm_case_no(found) not in allowed_cases:
            violations.append(f"case number not retrieved: {found}")
    allowed_amounts = _amounts(reference)
    for value in _amounts(answer) - allowed_amounts:
        violations.append(f"amount not computed: {value:g}元")
    for y, m, d in _dates(answer) - _dates(reference) - _iso_dates(reference):
        violations.append(f"date not computed: {y}-{m:02d}-{d:02d}")
    for art in _articles(answer) - _articles(reference):
        violations.append(f"article not in the assessment: 第{art}条")
    if NOT_A_CONDITION in template and NOT_A_CONDITION not in answer:
        violations.append("dropped: mediation is not a condition of filing")
    return GuardResult(not violations, violations)


def _iso_dates(text: str) -> set[tuple[int, int, int]]:
    return {(int(y), int(m), int(d)) for y, m, d in re.findall(r"(\d{4})-(\d{2})-(\d{2})", text)}


class LlmPhraser:
    def __init__(self, model: BaseChatModel) -> None:
        self._model = model

    def phrase(self, assessment: dict[str, Any], template_parts: list[str]) -> list[str]:
        template = "\n\n".join(template_parts)
        try:
            reply = self._model.invoke(
                [
                    SystemMessage(prompts.load("llm_system")),
                    HumanMessage(
                        prompts.load(
                            "llm_phrase_assessment",
                            assessment_json=json.dumps(assessment, ensure_ascii=False, default=str),
                            template=template,
                        )
                    ),
                ]
            )
        except Exception as exc:  # any LLM failure means: send the template
            log.warning("LLM unavailable (%s); template answer sent", type(exc).__name__)
            return template_parts
        answer = reply.content if isinstance(reply.content, str) else ""
        checked = guard(answer, assessment, template)
        if not checked.ok:
            log.warning("LLM answer refused by the guard: %s", "; ".join(checked.violations))
            return template_parts
        return [p.strip() for p in answer.split("\n\n") if p.strip()]


def make_phraser(settings: Settings) -> LlmPhraser | None:
    if not settings.llm_enabled:
        return None
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(
        base_url=settings.llm_base_url,
        model=settings.llm_model or "",
        api_key=settings.llm_api_key or "not-needed",  # type: ignore[arg-type]
        timeout=settings.llm_timeout_s,
        max_retries=0,
        temperature=0,
    )
    return LlmPhraser(model)
