"""The real hand-off port: the conversation's ``HandoffDraft`` → ``casework.service.create_handoff``.

Runs inside the dialog step's transaction, in a savepoint, so a refused hand-off (a refiling of a dispute
that people's mediation closed and that was performed, a missing party, a bad ID number) rolls back only
itself and the person is told why, while the dialog state is still saved.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from sqlalchemy.orm import Session

from bot.handoff import HandoffDraft, HandoffRef, HandoffRefusedError
from casework.errors import CaseworkError, HandoffError
from casework.notify import Notifier
from casework.records import RecordRef
from casework.service import (
    Applicant,
    EvidenceItem,
    HandoffRequest,
    Party,
    create_handoff,
    person_action,
    records_for_user,
)
from core.settings import Settings

log = logging.getLogger(__name__)

COMPANY_WORDS = ("公司", "有限", "集团", "银行", "物业", "中心", "学校", "医院", "商行", "合作社", "厂")


def _party(name: str | None, address: str | None) -> Party | None:
    if not name:
        return None
    if any(w in name for w in COMPANY_WORDS):
        return Party(name=name, kind="company", address=address or None)
    return Party(name=name, kind="person", address=address or None)


def _evidence(facts: dict[str, Any]) -> list[EvidenceItem]:
    held = facts.get("evidence") or []
    if isinstance(held, str):
        held = [held]
    return [EvidenceItem(name=str(item), source="原告持有") for item in held if str(item).strip()]


def to_request(draft: HandoffDraft) -> HandoffRequest:
    form = draft.form
    facts = draft.facts
    applicant = None
    if form.get("plaintiff_name"):
        applicant = Applicant(
            name=form["plaintiff_name"],
            id_number=form.get("plaintiff_id"),
            phone=form.get("plaintiff_phone"),
            address=form.get("plaintiff_address"),
        )
    defendant_name = form.get("defendant_name") or facts.get("other_party_name")
    summary = draft.summary or (draft.question or "")
    if draft.kind == "ticket" and draft.question and draft.question not in summary:
        summary = f"{draft.question}\n（咨询经过：{summary}）" if summary else draft.question
    return HandoffRequest(
        kind=draft.kind,
        user_id=draft.user_id,
        channel=draft.channel,
        dedupe_key=draft.dedupe_key,
        cause=draft.cause,
        summary=summary or "（未填写）",
        facts=facts,
        assessment=draft.assessment,
        consent=draft.consent,
        applicant=applicant,
        defendant=_party(defendant_name, form.get("defendant_address") or facts.get("other_party_address")),
        area=draft.area,
        claims=[form["claims"]] if form.get("claims") else [],
        evidence=_evidence(facts) if draft.kind == "filing" else [],
    )


def _to_ref(ref: RecordRef, base_url: str, *, with_link: bool) -> HandoffRef:
    detail = ref.message
    if with_link and ref.download_path:
        detail += f"\n起诉状草稿（Word，可修改后上传）：{base_url.rstrip('/')}{ref.download_path}"
    return HandoffRef(
        reference=ref.ref, kind=str(ref.kind.value), state=ref.state_label, created=ref.created, detail=detail
    )


class CaseworkHandoff:
    def __init__(self, settings: Settings, notifier: Notifier) -> None:
        self._settings = settings
        self._notifier = notifier

    def create(self, session: Session, draft: HandoffDraft) -> HandoffRef:
        try:
            with session.begin_nested():
                ref = create_handoff(session, to_request(draft), self._notifier, settings=self._settings)
        except HandoffError as err:
            message = getattr(err, "user_message", "") or "提交没有成功，请回复“转人工”由工作人员帮您处理。"
            log.info("hand-off refused: %s", type(err).__name__)
            raise HandoffRefusedError(message) from err
        return _to_ref(ref, self._settings.public_base_url, with_link=True)

    def act(self, session: Session, user_id: str, channel: str, reference: str, action: str) -> HandoffRef:
        if action == "resubmit":
            verb: Literal["resubmit", "withdraw"] = "resubmit"
        elif action == "withdraw":
            verb = "withdraw"
        else:
            raise HandoffRefusedError("这项操作需要人工办理，请回复“转人工”。")
        try:
            with session.begin_nested():
                ref = person_action(
                    session,
                    user_id,
                    reference,
                    verb,
                    self._notifier,
                    channel=channel,
                    settings=self._settings,
                )
        except CaseworkError as err:
            raise HandoffRefusedError(err.user_message) from err
        return _to_ref(ref, self._settings.public_base_url, with_link=True)

    def records(self, session: Session, user_id: str) -> list[HandoffRef]:
        try:
            refs = records_for_user(session, user_id, settings=self._settings)
            return [_to_ref(r, self._settings.public_base_url, with_link=True) for r in refs]
        except CaseworkError:
            log.exception("progress query failed")
            return []
