"""Intake: per-cause slot tables (knowledge/data/slots.yaml) and the generic steps over them.

The chat (bot/dialog*) drives these pure functions:

- :func:`story_facts` — extract what the first story already says, for a given cause;
- :func:`next_missing_slot` — the next required slot to ask (None when the intake is complete);
- :func:`apply_answer` — read the reply to one slot into the facts ("不知道" marks it unknown so it is never
  asked twice; "没约定" marks it as none);
- :func:`apply_correction` — "不对，是三万": re-extract and overwrite what the correction says;
- :func:`missing_slots` — names of required slots still open (for the API).

Facts are a plain JSON-friendly dict; ``facts["unknown"]`` lists slots the person could not answer and
``facts["none"]`` slots they answered with "none" (e.g. no agreed due date).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from knowledge._base import DATA_DIR, DataModel, load_model
from knowledge.causes import load_causes
from knowledge.court import Court
from knowledge.errors import UnknownCauseError
from knowledge.extract import default_roles, extract_facts, extract_slot_answer, is_correction

SlotType = Literal["amount", "date", "evidence", "party", "place", "bool"]


class Validation(DataModel):
    min: float | None = None
    max: float | None = None


class SlotDef(DataModel):
    type: SlotType
    question: str
    validation: Validation | None = None
    quick_replies: list[str] | None = None


class SlotRef(DataModel):
    slot: str
    question: str | None = None
    required: bool = False
    ask_if: str | None = None


class CauseSlots(DataModel):
    default_date_role: str
    slots: list[SlotRef]


class Slot(DataModel):
    """One resolved slot of one cause."""

    name: str
    type: SlotType
    question: str
    required: bool
    ask_if: str | None = None
    validation: Validation | None = None
    quick_replies: tuple[str, ...] = ()


DEFAULT_QUICK_REPLIES: dict[str, tuple[str, ...]] = {
    "bool": ("是", "否", "不知道"),
    "date": ("不知道",),
    "amount": ("不知道",),
    "evidence": ("都没有",),
    "place": ("不知道",),
}


class SlotTables(DataModel):
    common: dict[str, SlotDef]
    causes: dict[str, CauseSlots]
    resolved: dict[str, list[Slot]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _resolve(self) -> SlotTables:
        for cause, table in self.causes.items():
            slots: list[Slot] = []
            for ref in table.slots:
                if ref.slot not in self.common:
                    raise ValueError(f"{cause}: unknown slot {ref.slot!r}")
                if ref.ask_if is not None and ref.ask_if not in PREDICATES:
                    raise ValueError(f"{cause}: unknown predicate {ref.ask_if!r}")
                base = self.common[ref.slot]
                slots.append(
                    Slot(
                        name=ref.slot,
                        type=base.type,
                        question=ref.question or base.question,
                        required=ref.required,
                        ask_if=ref.ask_if,
                        validation=base.validation,
                        quick_replies=tuple(base.quick_replies)
                        if base.quick_replies is not None
                        else DEFAULT_QUICK_REPLIES.get(base.type, ()),
                    )
                )
            self.resolved[cause] = slots
        return self

    def for_cause(self, cause: str) -> list[Slot]:
        try:
            return self.resolved[cause]
        except KeyError as exc:
            raise UnknownCauseError(cause) from exc


def _not_local(fact: str) -> Callable[[Mapping[str, Any], Court | None], bool]:
    def predicate(facts: Mapping[str, Any], court: Court | None) -> bool:
        place = facts.get(fact)
        if not isinstance(place, str) or court is None:
            return False  # ask only once we know the first place is elsewhere
        return court.locate(place).kind not in ("local", "unknown")

    return predicate


PREDICATES: dict[str, Callable[[Mapping[str, Any], Court | None], bool]] = {
    "defendant_not_local": _not_local("defendant_place"),
    "deceased_not_local": _not_local("deceased_place"),
    "left_job": lambda facts, _court: facts.get("still_employed") is False,
}


@functools.cache
def load_slot_tables(path: Path = DATA_DIR / "slots.yaml") -> SlotTables:
    tables = load_model(SlotTables, path)
    missing = set(load_causes().names) - set(tables.causes)
    if missing:
        from knowledge.errors import DataFileError

        raise DataFileError(f"{path}: no slot table for {sorted(missing)}")
    return tables


def _answered(facts: Mapping[str, Any], name: str) -> bool:
    return name in facts or name in facts.get("unknown", []) or name in facts.get("none", [])


def _applies(slot: Slot, facts: Mapping[str, Any], court: Court | None) -> bool:
    return slot.ask_if is None or PREDICATES[slot.ask_if](facts, court)


def next_missing_slot(
    cause: str,
    facts: Mapping[str, Any],
    court: Court | None = None,
    tables: SlotTables | None = None,
    *,
    exclude: Collection[str] = (),
) -> Slot | None:
    """The first required slot of ``cause`` not yet answered (nor marked unknown/none, nor in ``exclude``)."""
    tables = tables or load_slot_tables()
    for slot in tables.for_cause(cause):
        if slot.name in exclude:
            continue
        if slot.required and not _answered(facts, slot.name) and _applies(slot, facts, court):
            return slot
    return None


def missing_slots(
    cause: str, facts: Mapping[str, Any], court: Court | None = None, tables: SlotTables | None = None
) -> list[str]:
    tables = tables or load_slot_tables()
    return [
        s.name
        for s in tables.for_cause(cause)
        if s.required and not _answered(facts, s.name) and _applies(s, facts, court)
    ]


def story_facts(cause: str, text: str, today: date, court: Court | None = None) -> dict[str, Any]:
    """Facts the story states, with place and date roles defaulted by the cause."""
    spec = load_causes().get(cause)
    tables = load_slot_tables()
    place_role, date_role = default_roles(spec.jurisdiction, tables.causes[cause].default_date_role)
    facts = extract_facts(
        text, today, place_role=place_role, date_role=date_role, court=court, labour=spec.jurisdiction == "labour"
    )
    return _validated(cause, facts, tables)


def _validated(cause: str, facts: dict[str, Any], tables: SlotTables) -> dict[str, Any]:
    for slot in tables.for_cause(cause):
        rule = slot.validation
        value = facts.get(slot.name)
        if rule is None or not isinstance(value, int | float):
            continue
        if (rule.min is not None and value < rule.min) or (rule.max is not None and value > rule.max):
            del facts[slot.name]
    return facts


def _mark(facts: dict[str, Any], key: str, name: str) -> None:
    marks = list(facts.get(key, []))
    if name not in marks:
        marks.append(name)
    facts[key] = marks


def apply_answer(
    cause: str, slot: Slot, text: str, facts: Mapping[str, Any], today: date, *, court: Court | None = None
) -> tuple[dict[str, Any], bool]:
    """Read the reply to ``slot`` into a copy of ``facts``. Returns (new facts, understood?).

    Not understood → facts unchanged and False: the chat asks again more simply (or offers help).
    """
    new = dict(facts)
    answer = extract_slot_answer(slot.name, slot.type, text, today, court)
    if answer.kind == "unknown":
        _mark(new, "unknown", slot.name)
        return new, True
    if answer.kind == "none":
        _mark(new, "none", slot.name)
        if slot.name == "employment_end_date":
            new["still_employed"] = True
        return new, True
    if answer.kind == "unclear":
        return new, False
    value = answer.value
    if slot.type == "evidence":
        held = list(dict.fromkeys([*new.get("evidence", []), *value]))
        new["evidence"] = held
    else:
        new[slot.name] = value
    if (
        slot.name == "evidence"
        and "欠条" in new.get("evidence", [])
        and load_causes().get(cause).jurisdiction == "labour"
    ):
        new["has_wage_iou"] = True
    validated = _validated(cause, new, load_slot_tables())
    if slot.name not in validated and slot.type != "evidence":
        return dict(facts), False
    return validated, True


def apply_correction(
    cause: str,
    text: str,
    facts: Mapping[str, Any],
    today: date,
    *,
    last_slot: Slot | None = None,
    court: Court | None = None,
) -> dict[str, Any]:
    """Apply "不对，是三万" / "说错了，是前年借的": what the correction states overwrites the facts.

    If the correction names nothing recognisable by itself (e.g. "不对，是修武"), it is read as a new answer to
    ``last_slot`` (the question just asked).
    """
    stated = story_facts(cause, text, today, court)
    new = dict(facts)
    updates = {k: v for k, v in stated.items() if k not in ("date_precision", "defendant_kind", "defendant")}
    if "evidence" in updates:
        new["evidence"] = list(dict.fromkeys([*new.get("evidence", []), *updates.pop("evidence")]))
    if (
        last_slot is not None
        and last_slot.type in ("date", "place")
        and not any(k.endswith("_date" if last_slot.type == "date" else "_place") for k in updates)
        and not any(k not in ("evidence",) for k in updates)  # "不对，是三万" corrects the amount, not the date
    ):
        answered, ok = apply_answer(cause, last_slot, _strip_cue(text), facts, today, court=court)
        return answered if ok else new
    if last_slot is not None and last_slot.type == "date":
        # a date correcting the date just asked replaces that date, whatever role the words suggest
        dates = [k for k in updates if k.endswith("_date")]
        if len(dates) == 1 and dates[0] != last_slot.name:
            updates[last_slot.name] = updates.pop(dates[0])
    for key in ("unknown", "none"):
        if key in new:
            new[key] = [n for n in new[key] if n not in updates]
    new.update(updates)
    return new


def _strip_cue(text: str) -> str:
    for cue in ("不对", "说错了", "错了", "更正", "应该是", "改成", "不是"):
        text = text.replace(cue, "")
    return text.strip("，,。. ：:是")


__all__ = [
    "Slot",
    "SlotTables",
    "apply_answer",
    "apply_correction",
    "is_correction",
    "load_slot_tables",
    "missing_slots",
    "next_missing_slot",
    "story_facts",
]
