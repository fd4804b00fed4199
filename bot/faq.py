"""Questions that are not stories ("打官司要交多少钱", "去哪里立案", "要带什么材料", "多久能立案", "法院电话"), answered
from any state without forcing the person through the intake (prompts/faq.yaml and prompts/faq_<key>.txt).

A message is one of these when it names one of the listed words, is short (``max_chars`` after spaces and
punctuation are removed) and names no amount: "我借给他五万，打官司要交多少钱" is a story — its assessment gives
the fee.
"""

from __future__ import annotations

import functools
import re

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

from prompts import PROMPTS_DIR

# Each question's answer (a template in prompts/; placeholders ${court}, ${hotline}).
ANSWERS: dict[str, str] = {
    "fee": "faq_fee",
    "where": "faq_where",
    "materials": "faq_materials",
    "time": "faq_time",
    "contact": "faq_contact",
}


class FaqTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_chars: int
    amount: re.Pattern[str]  # a figure in the message makes it a story
    questions: dict[str, list[str]]

    @model_validator(mode="after")
    def _answered(self) -> FaqTable:
        if set(self.questions) != set(ANSWERS):
            raise ValueError(f"faq.yaml questions must be exactly {sorted(ANSWERS)}")
        return self


@functools.cache
def load_faq() -> FaqTable:
    return FaqTable.model_validate(yaml.safe_load((PROMPTS_DIR / "faq.yaml").read_text(encoding="utf-8")))


def faq_answer(normed: str) -> str | None:
    """The answer template of the question a short message asks (see :data:`ANSWERS`), or None. ``normed``: the
    text as ``bot.guidance.norm`` gives it."""
    table = load_faq()
    if not normed or len(normed) > table.max_chars or table.amount.search(normed):
        return None
    for key, words in table.questions.items():
        if any(word in normed for word in words):
            return ANSWERS[key]
    return None
