"""``POST /api/assess``: one JSON call from a lay description to the full assessment.

The knowledge and the searcher come from :mod:`app.deps` (built once at start-up; 503 while the knowledge is
not loaded; no similar cases while the index is not ready). Invalid input answers 422 with a clear message
(empty text, text over :data:`MAX_TEXT_CHARS`, a date that is not YYYY-MM-DD, a ``today`` outside
:data:`EARLIEST_TODAY`..:data:`LATEST_TODAY`, an unusable amount); internals
never reach the client.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.deps import KnowledgeDep, SearcherDep
from knowledge.assessment import MAX_TEXT_CHARS, Assessment
from knowledge.errors import InputError

log = logging.getLogger(__name__)

router = APIRouter(tags=["assessment"])

# The "today" an assessment may be computed for: not before the earliest small-claims threshold in
# knowledge/data/small_claims.yaml (an earlier day has no figure to apply), not past the end of this century.
EARLIEST_TODAY = date(2022, 1, 9)
LATEST_TODAY = date(2100, 12, 31)

EXAMPLE_REQUEST: dict[str, Any] = {
    "text": "俺去年三月借给同事5万块，说好年底还，打了借条。他住在修武县，俺家在山阳区百间房。",
    "facts": {"mediation_willing": True},
    "today": "2026-11-24",
}


class AssessRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [dict(EXAMPLE_REQUEST)]})

    text: str = Field(description=f"当事人对纠纷的描述（口语即可），1–{MAX_TEXT_CHARS}字", max_length=MAX_TEXT_CHARS)
    facts: dict[str, Any] | None = Field(
        None,
        description="已收集的事实，覆盖从描述中提取的内容；如 claim_amount_yuan（数字）、due_date（YYYY-MM-DD）、"
        "defendant_place、evidence（列表）、mediation_willing（布尔）；cause 为当事人确认的案由",
    )
    today: date | None = Field(
        None,
        description=f"计算期限所用的“今天”（YYYY-MM-DD，{EARLIEST_TODAY}至{LATEST_TODAY}），默认服务器当天",
        ge=EARLIEST_TODAY,
        le=LATEST_TODAY,
    )

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("text must not be empty: 请用几句话描述发生了什么事")
        return value



@router.post(
    "/api/assess",
    response_model=Assessment,
    summary="诉前评估：识别纠纷类型并给出时效、诉讼费、小额诉讼、管辖、证据、调解与风险提示",
    responses={
        422: {"description": "输入无效：描述为空或超长、日期格式不是 YYYY-MM-DD 或超出可计算范围、金额不可用"},
        503: {"description": "知识库尚未加载"},
    },
)
def assess_endpoint(body: AssessRequest, knowledge: KnowledgeDep, searcher: SearcherDep) -> Assessment:
    """Assess a would-be plaintiff's case from a lay description (and any facts already collected)."""
    try:
        return knowledge.assess(body.text, body.facts, body.today, searcher)
    except InputError as exc:
        raise HTTPException(status_code=422, detail=exc.user_message) from exc
