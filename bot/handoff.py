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

from dataclasses import dataclass
from typing import Any, Literal, Protocol

from sqlalchemy.orm import Session

import prompts
from casework import pleading
from casework.errors import HandoffError
from casework.links import PDF_SUFFIX
from casework.parties import defendant_addresses, defendant_names, party_kind
from casework.service import Applicant, HandoffRequest, Party, RecordRef

HandoffKind = Literal["referral", "filing", "ticket"]
RecordAction = Literal["resubmit", "withdraw"]  # what a person may do to their own record from the chat


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


def defendants(form: dict[str, Any], facts: dict[str, Any], assessment: dict[str, Any] | None) -> list[Party]:
    """The defendants of a filing, in order: the names the form gives (several allowed), else the one the story
    named and the others the assessment read as defendants; each with the address the form gives for them.
    Raises casework's ``ValidationError`` for a name it refuses."""
    if form.get("defendant_name"):
        names = defendant_names(str(form["defendant_name"]))
    else:
        read = ((assessment or {}).get("parties") or {}).get("defendants") or []
        first = facts.get("other_party_name")
        names = list(dict.fromkeys([str(n) for n in ([first] if first else []) + list(read) if n]))
    addresses = defendant_addresses(str(form.get("defendant_address") or facts.get("other_party_address") or ""), names)
    return [Party(name=name, kind=party_kind(name), address=addresses.get(name)) for name in names]


@dataclass(frozen=True)
class Filing:
    """A filing's parties and the complaint's words, as the form and the consultation give them."""

    applicant: Applicant | None
    defendants: list[Party]
    pleading: pleading.Pleading


def filing(
    *,
    cause: str | None,
    story: str,
    facts: dict[str, Any],
    assessment: dict[str, Any] | None,
    form: dict[str, Any],
) -> Filing:
    """The parties (validated) and the complaint's claims, facts and reasons and evidence, composed from the
    structured facts (:func:`casework.pleading.compose`). Raises ``HandoffRefusedError`` for a bad ID, phone or
    name."""
    applicant, parties = _parties(form, facts, assessment)
    words = pleading.compose(
        cause=cause,
        facts=facts,
        assessment=assessment,
        claims_text=str(form.get("claims") or ""),
        story=story,
        defendants=[p.name for p in parties],
    )
    return Filing(applicant, parties, words)


def _parties(
    form: dict[str, Any], facts: dict[str, Any], assessment: dict[str, Any] | None
) -> tuple[Applicant | None, list[Party]]:
    try:
        applicant = None
        if form.get("plaintiff_name"):
            applicant = Applicant(
                name=form["plaintiff_name"],
                id_number=form.get("plaintiff_id"),
                phone=form.get("plaintiff_phone"),
                address=form.get("plaintiff_address"),
            )
        return applicant, defendants(form, facts, assessment)
    except HandoffError as err:  # casework.errors.ValidationError: a bad ID, phone or name
        raise HandoffRefusedError(err.user_message) from err


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
    story: str = "",
) -> HandoffRequest:
    """The casework request for one hand-off from the dialog's data: ``form`` holds the filing form's clear
    values (``plaintiff_name``, ``plaintiff_id``, ``plaintiff_phone``, ``plaintiff_address``, ``defendant_name``,
    ``defendant_address``, ``claims``); ``question`` is what a ticket asks a human; ``story`` the person's own
    account (a filing's complaint reads an agreed interest rate from it). For a filing, the complaint's claims,
    facts and reasons and evidence are composed from the structured facts (:func:`filing`). Raises
    ``HandoffRefusedError`` when the form's values do not make valid parties (casework's validators)."""
    is_filing = kind == "filing"
    if is_filing:
        made = filing(cause=cause, story=story, facts=facts, assessment=assessment, form=form)
        applicant, parties, words = made.applicant, made.defendants, made.pleading
    else:
        (applicant, parties), words = _parties(form, facts, assessment), None
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
        defendant=parties[0] if parties else None,
        co_defendants=parties[1:] if is_filing else [],
        area=area,
        claims=words.claims if words else [],
        facts_and_reasons=words.facts_and_reasons if words else None,
        evidence=words.evidence if words else [],
    )


def ref_text(ref: RecordRef, base_url: str) -> str:
    """What the person reads about one record: casework's line (on creation its reply, naming the committee
    and the next steps; otherwise its status) and, for a filing, the link to the complaint draft (``base_url`` +
    its path; with no ``base_url`` the path alone, which the chat route completes from the request), as DOCX and as
    PDF, and the court to file at when the assessment found this court is not competent."""
    if not ref.download_path:
        return ref.message
    url = base_url.rstrip("/") + ref.download_path
    text = ref.message + "\n" + prompts.load("handoff_complaint_link", url=url, pdf_url=url + PDF_SUFFIX)
    if ref.file_at:
        text += "\n" + prompts.load("handoff_file_elsewhere", court=ref.file_at)
    return text
