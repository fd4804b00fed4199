"""The one hand-off interface the conversation talks to, in casework's own shapes.

A step builds a ``casework.service.HandoffRequest`` (:func:`handoff_request` maps the dialog's data onto it);
the engine's effects pass it to a :class:`HandoffPort` inside the step's transaction; the port answers with
casework's ``RecordRef`` and the conversation renders that (:func:`ref_text`). ``bot.handoff_casework.
CaseworkHandoff`` is the real port. The one dedupe check is casework's UNIQUE ``dedupe_key`` (the request's
``dedupe_key`` names the creating message); notifications to the person go through the WeChat outbox.

Refusals are :class:`HandoffRefusedError` with the reason for the person: building the request refuses form
values that make no valid party (the step then takes its state's refusal edge, ``bot.flow.hand_off``), and the
port refuses what casework refuses (the effects take the same edge).
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

from sqlalchemy.orm import Session

import prompts
from casework.errors import HandoffError
from casework.service import Applicant, EvidenceItem, HandoffRequest, Party, RecordRef

HandoffKind = Literal["referral", "filing", "ticket"]
RecordAction = Literal["resubmit", "withdraw"]  # what a person may do to their own record from the chat

COMPANY_WORDS = ("公司", "有限", "集团", "银行", "物业", "中心", "学校", "医院", "商行", "合作社", "厂")


class HandoffRefusedError(Exception):
    """The hand-off was refused; ``user_message`` tells the person why, in plain Chinese."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class HandoffPort(Protocol):
    def create(self, session: Session, request: HandoffRequest) -> RecordRef:
        """The record for ``request`` (an existing one, ``created`` False, when its dedupe key was used);
        raises ``HandoffRefusedError`` with the reason when casework refuses it."""
        ...

    def records(self, session: Session, user_id: str) -> list[RecordRef]: ...

    def unseen_notices(self, session: Session, user_id: str) -> list[str]:
        """The notices staff sent the person that their chat has not shown yet (marked seen in ``session``)."""
        ...

    def act(self, session: Session, user_id: str, channel: str, reference: str, action: RecordAction) -> RecordRef:
        """The person's own action on a record ("resubmit" after corrections, "withdraw");
        raises ``HandoffRefusedError`` with the reason when it is not allowed."""
        ...


def _party(name: str | None, address: str | None) -> Party | None:
    if not name:
        return None
    kind: Literal["person", "company"] = "company" if any(w in name for w in COMPANY_WORDS) else "person"
    return Party(name=name, kind=kind, address=address or None)


def _evidence(facts: dict[str, Any]) -> list[EvidenceItem]:
    held = facts.get("evidence") or []
    if isinstance(held, str):
        held = [held]
    return [EvidenceItem(name=str(item), source="原告持有") for item in held if str(item).strip()]


def handoff_request(
    kind: HandoffKind,
    *,
    user_id: str,
    channel: str,
    dedupe_key: str,
    cause: str | None,
    summary: str,
    facts: dict[str, Any],
    assessment: dict[str, Any] | None,
    consent: bool,
    form: dict[str, Any],
    area: str | None = None,
    question: str | None = None,
) -> HandoffRequest:
    """The casework request for one hand-off from the dialog's data: ``form`` holds the filing form's clear
    values (``plaintiff_name``, ``plaintiff_id``, ``plaintiff_phone``, ``plaintiff_address``, ``defendant_name``,
    ``defendant_address``, ``claims``); ``question`` is what a ticket asks a human. Raises
    ``HandoffRefusedError`` when the form's values do not make valid parties (casework's validators)."""
    applicant = None
    try:
        if form.get("plaintiff_name"):
            applicant = Applicant(
                name=form["plaintiff_name"],
                id_number=form.get("plaintiff_id"),
                phone=form.get("plaintiff_phone"),
                address=form.get("plaintiff_address"),
            )
        defendant = _party(
            form.get("defendant_name") or facts.get("other_party_name"),
            form.get("defendant_address") or facts.get("other_party_address"),
        )
    except HandoffError as err:  # casework.errors.ValidationError: a bad ID, phone or name
        raise HandoffRefusedError(err.user_message) from err
    summary = summary or (question or "")
    if kind == "ticket" and question and question not in summary:
        summary = f"{question}\n（咨询经过：{summary}）" if summary else question
    return HandoffRequest(
        kind=kind,
        user_id=user_id,
        channel=channel,
        dedupe_key=dedupe_key,
        cause=cause,
        summary=summary or "（未填写）",
        facts=facts,
        assessment=assessment,
        consent=consent,
        applicant=applicant,
        defendant=defendant,
        area=area,
        claims=[form["claims"]] if form.get("claims") else [],
        evidence=_evidence(facts) if kind == "filing" else [],
    )


def ref_text(ref: RecordRef, base_url: str) -> str:
    """What the person reads about one record: casework's line (on creation its reply, naming the committee
    and the next steps; otherwise its status) and, for a filing, the link to the complaint draft (``base_url`` +
    its path; with no ``base_url`` the path alone, which the chat route completes from the request)."""
    if not ref.download_path:
        return ref.message
    return ref.message + "\n" + prompts.load("handoff_complaint_link", url=base_url.rstrip("/") + ref.download_path)
