"""Intake: per-cause slot tables (knowledge/data/slots.yaml) and the generic steps over them.

The chat drives these pure functions through :class:`knowledge.Knowledge`, which passes the loaded tables they
read (the cause table, these slot tables):

- :func:`story_facts` — extract what the first story already says, for a given cause;
- :func:`next_missing_slot` — the next required slot to ask (None when the intake is complete);
- :func:`apply_answer` — read the reply to one slot into the facts ("不知道" marks it unknown so it is never
  asked twice; "没约定" marks it as none);
- :func:`apply_correction` — "不对，是三万": re-extract and overwrite what the correction says;
- :func:`missing_slots` — names of required slots still open (for the API);
- :func:`first_missing` — the generic walk under both: the first required, applicable, unanswered slot of a list
  (a cause's slots, or the filing form's fields);
- :func:`answer_form_field` — check one filing-form answer with the validator its slot names.

Facts are a plain JSON-friendly dict; ``facts["unknown"]`` lists slots the person could not answer and
``facts["none"]`` slots they answered with "none" (e.g. no agreed due date). Every slot, every form field and
every other fact the extractor writes has a label in slots.yaml (:meth:`SlotTables.label`), which is how the
workbench names them.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from core.pii import contains_pii
from knowledge._base import DATA_DIR, DataModel, load_model
from knowledge.causes import CauseTable
from knowledge.court import Court
from knowledge.errors import InputError, UnknownCauseError
from knowledge.extract import default_roles, extract_facts, extract_slot_answer, is_correction
from knowledge.validate import normalize_mobile, validate_id_number

SlotType = Literal["amount", "date", "evidence", "party", "place", "bool", "text"]
Label = Annotated[str, Field(min_length=1)]


class Validation(DataModel):
    min: float | None = None
    max: float | None = None


class SlotDef(DataModel):
    label: Label  # how the workbench names the fact
    type: SlotType
    question: str
    validation: Validation | None = None
    quick_replies: list[str] | None = None
    validator: str | None = None  # filing form: a name in VALIDATORS
    sensitive: bool = False  # filing form: kept encrypted while the dialog holds it
    ask_if: str | None = None  # filing form: a name in PREDICATES


class FactDef(DataModel):
    """A fact the extractor writes that is no slot: its label, and words for its coded values."""

    label: Label
    values: dict[str, str] = Field(default_factory=dict)


class SlotRef(DataModel):
    slot: str
    question: str | None = None
    required: bool = False
    ask_if: str | None = None


class CauseSlots(DataModel):
    default_date_role: str
    slots: list[SlotRef]


class Slot(DataModel):
    """One resolved slot of one cause (or one field of the filing form)."""

    name: str
    label: str
    type: SlotType
    question: str
    required: bool
    ask_if: str | None = None
    validation: Validation | None = None
    quick_replies: tuple[str, ...] = ()
    validator: str | None = None
    sensitive: bool = False


DEFAULT_QUICK_REPLIES: dict[str, tuple[str, ...]] = {
    "bool": ("是", "否", "不知道"),
    "date": ("不知道",),
    "amount": ("不知道",),
    "evidence": ("都没有",),
    "place": ("不知道",),
}


def _resolve_slot(name: str, base: SlotDef, ref: SlotRef | None) -> Slot:
    return Slot(
        name=name,
        label=base.label,
        type=base.type,
        question=(ref.question if ref else None) or base.question,
        required=ref.required if ref else True,
        ask_if=(ref.ask_if if ref else None) or base.ask_if,
        validation=base.validation,
        quick_replies=tuple(base.quick_replies)
        if base.quick_replies is not None
        else DEFAULT_QUICK_REPLIES.get(base.type, ()),
        validator=base.validator,
        sensitive=base.sensitive,
    )


class SlotTables(DataModel):
    common: dict[str, SlotDef]
    causes: dict[str, CauseSlots]
    # the generic intake of family-assessed causes, by the jurisdiction rule they are assessed under ("default" else)
    generic: dict[str, CauseSlots] = Field(default_factory=dict)
    filing_form: dict[str, SlotDef]
    facts: dict[str, FactDef]
    resolved: dict[str, list[Slot]] = Field(default_factory=dict)
    form: list[Slot] = Field(default_factory=list)

    @model_validator(mode="after")
    def _resolve(self) -> SlotTables:
        if self.generic and "default" not in self.generic:
            raise ValueError("generic: a 'default' table is required")
        for cause, table in [*self.causes.items(), *((f"generic:{k}", t) for k, t in self.generic.items())]:
            slots: list[Slot] = []
            for ref in table.slots:
                if ref.slot not in self.common:
                    raise ValueError(f"{cause}: unknown slot {ref.slot!r}")
                if ref.ask_if is not None and ref.ask_if not in PREDICATES:
                    raise ValueError(f"{cause}: unknown predicate {ref.ask_if!r}")
                slots.append(_resolve_slot(ref.slot, self.common[ref.slot], ref))
            self.resolved[cause] = slots
        for name, field in self.filing_form.items():
            if field.validator not in VALIDATORS:
                raise ValueError(f"filing_form.{name}: unknown validator {field.validator!r}")
            if field.ask_if is not None and field.ask_if not in PREDICATES:
                raise ValueError(f"filing_form.{name}: unknown predicate {field.ask_if!r}")
            self.form.append(_resolve_slot(name, field, None))
        for name, slot in self.common.items():
            if slot.validator is not None or slot.sensitive or slot.ask_if is not None:
                raise ValueError(f"common.{name}: validator, sensitive and ask_if belong to the filing form")
        named = [*self.common, *self.filing_form, *self.facts]
        twice = sorted({n for n in named if named.count(n) > 1})
        if twice:
            raise ValueError(f"named twice (common, filing_form, facts): {twice}")
        return self

    def with_generic(self, causes: dict[str, str]) -> SlotTables:
        """The tables with a slot table for each family-assessed cause: the generic one of its jurisdiction rule."""
        keys = {name: rule if rule in self.generic else "default" for name, rule in causes.items()}
        tables = {name: self.generic[key] for name, key in keys.items()}
        resolved = {name: self.resolved[f"generic:{key}"] for name, key in keys.items()}
        return self.model_copy(
            update={"causes": {**self.causes, **tables}, "resolved": {**self.resolved, **resolved}}
        )

    def for_cause(self, cause: str) -> list[Slot]:
        try:
            return self.resolved[cause]
        except KeyError as exc:
            raise UnknownCauseError(cause) from exc

    @property
    def labels(self) -> dict[str, str]:
        """Every fact's label: the slots, the filing form's fields and the extractor's other facts."""
        out = {name: slot.label for name, slot in self.common.items()}
        out.update((name, field.label) for name, field in self.filing_form.items())
        out.update((name, fact.label) for name, fact in self.facts.items())
        return out

    def label(self, name: str) -> str | None:
        """The label of fact ``name`` (None for a name no table declares, e.g. in a record older than the table)."""
        return self.labels.get(name)

    def value_words(self, name: str) -> dict[str, str]:
        """Words for the coded values of fact ``name`` ({"person": "个人", ...}); empty when it has none."""
        fact = self.facts.get(name)
        return dict(fact.values) if fact else {}

    @property
    def sensitive_form_fields(self) -> frozenset[str]:
        return frozenset(slot.name for slot in self.form if slot.sensitive)


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
    # the filing form asks for the defendant's name only when the story did not name them
    "other_party_unnamed": lambda facts, _court: not facts.get("other_party_name"),
}


def _has_words(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in text)


def _party_name(value: str) -> str:
    if len(value) > 60:
        raise InputError("name too long", "名称太长了，请只写姓名或公司全称。")
    return value


def _address(value: str) -> str:
    """An address: never a phone or ID number (it would sit in the complaint and the records in clear)."""
    if contains_pii(value):
        raise InputError(
            "address holds a phone or ID number",
            "这一项要写住址（比如：焦作市山阳区某某街道某某路某号），看起来您输入了电话或证件号码，请重新输入住址。",
        )
    return value[:300]


VALIDATORS: dict[str, Callable[[str], str]] = {
    "text": lambda value: value[:300],
    "address": _address,
    "party_name": _party_name,
    "id_number": lambda value: validate_id_number(value).number,
    "mobile": normalize_mobile,
}


def answer_form_field(slot: Slot, text: str) -> str:
    """The normalised value of one filing-form answer. Raises :class:`InputError` (polite) when it is empty or
    fails the slot's validator (an ID number's check digit, a mobile number's length, a name too long)."""
    value = text.strip()
    if not value or not _has_words(value):
        raise InputError(f"empty answer to {slot.name}", "这一项不能为空，请重新输入。")
    return VALIDATORS[slot.validator or "text"](value)


@functools.cache
def load_slot_tables(path: Path = DATA_DIR / "slots.yaml") -> SlotTables:
    """The slot tables (start-up, ``knowledge.build_knowledge``, checks that every cause has one)."""
    return load_model(SlotTables, path)


def _answered(facts: Mapping[str, Any], name: str) -> bool:
    return name in facts or name in facts.get("unknown", []) or name in facts.get("none", [])


def _applies(slot: Slot, facts: Mapping[str, Any], court: Court | None) -> bool:
    return slot.ask_if is None or PREDICATES[slot.ask_if](facts, court)


def first_missing(
    slots: Sequence[Slot],
    answers: Mapping[str, Any],
    court: Court | None = None,
    *,
    exclude: Collection[str] = (),
    context: Mapping[str, Any] | None = None,
) -> Slot | None:
    """The first required slot of ``slots`` not answered in ``answers`` (nor marked unknown/none there, nor in
    ``exclude``) whose ``ask_if`` holds; the predicate reads ``context`` (default: ``answers``)."""
    for slot in slots:
        if slot.name in exclude:
            continue
        if slot.required and not _answered(answers, slot.name) and _applies(slot, context or answers, court):
            return slot
    return None


def next_missing_slot(
    cause: str,
    facts: Mapping[str, Any],
    court: Court | None,
    tables: SlotTables,
    *,
    exclude: Collection[str] = (),
) -> Slot | None:
    """The first required slot of ``cause`` not yet answered (nor marked unknown/none, nor in ``exclude``)."""
    return first_missing(tables.for_cause(cause), facts, court, exclude=exclude)


def next_form_field(form: Mapping[str, Any], facts: Mapping[str, Any], tables: SlotTables) -> Slot | None:
    """The next filing-form field to ask, given the answers so far and the consultation's facts."""
    return first_missing(tables.form, form, context={**facts, **form})


def missing_slots(cause: str, facts: Mapping[str, Any], court: Court | None, tables: SlotTables) -> list[str]:
    return [
        s.name
        for s in tables.for_cause(cause)
        if s.required and not _answered(facts, s.name) and _applies(s, facts, court)
    ]


def story_facts(
    cause: str, text: str, today: date, court: Court | None = None, *, causes: CauseTable, tables: SlotTables
) -> dict[str, Any]:
    """Facts the story states, with place and date roles defaulted by the cause."""
    spec = causes.get(cause)
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
    cause: str,
    slot: Slot,
    text: str,
    facts: Mapping[str, Any],
    today: date,
    *,
    court: Court | None = None,
    causes: CauseTable,
    tables: SlotTables,
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
        and causes.get(cause).jurisdiction == "labour"
    ):
        new["has_wage_iou"] = True
    validated = _validated(cause, new, tables)
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
    causes: CauseTable,
    tables: SlotTables,
) -> dict[str, Any]:
    """Apply "不对，是三万" / "说错了，是前年借的": what the correction states overwrites the facts.

    If the correction names nothing recognisable by itself (e.g. "不对，是修武"), it is read as a new answer to
    ``last_slot`` (the question just asked).
    """
    stated = story_facts(cause, text, today, court, causes=causes, tables=tables)
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
        answered, ok = apply_answer(
            cause, last_slot, _strip_cue(text), facts, today, court=court, causes=causes, tables=tables
        )
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
    "answer_form_field",
    "apply_answer",
    "apply_correction",
    "first_missing",
    "is_correction",
    "load_slot_tables",
    "missing_slots",
    "next_form_field",
    "next_missing_slot",
    "story_facts",
]
