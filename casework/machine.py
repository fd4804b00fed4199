"""The lifecycles of referrals, filings and tickets, as data (``casework/data/lifecycles.yaml``).

One ``Lifecycle`` per record kind: its states (label, due time, terminal or not), its transitions (from, to,
roles allowed, the form fields the action needs, an optional guard and effect, the texts sent to the person and
to staff). :func:`load_lifecycles` reads the file strictly and refuses impossible configurations (a transition
to an unknown state, a state nothing reaches, a terminal state with a way out, an unknown guard, effect, role or
template placeholder) so that a typo stops start-up instead of stranding records. :func:`mermaid` draws a
lifecycle; ``casework/data/<kind>.mmd`` are those pictures, kept in step by a test.

Guards and effects are names here and code in :mod:`casework.workflow`; :data:`GUARDS` and :data:`EFFECTS`
list the names that exist.
"""

from __future__ import annotations

import functools
import re
import string
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from casework.errors import ConfigError
from knowledge.errors import DataFileError
from knowledge.yamlload import load_yaml

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "lifecycles.yaml"


class Kind(StrEnum):
    REFERRAL = "referral"
    FILING = "filing"
    TICKET = "ticket"


ROLES = ("mediator", "clerk", "operator", "manager", "admin")
ACTORS = (*ROLES, "person")  # "person": the litigant, through the chat

GUARDS = {
    "overdue": "only once the record's due time has passed",
    "correction_unused": "only if no correction was requested before (登记立案规定 art. 7: one-time notice)",
    "unsatisfied": "only if the follow-up recorded the person as not satisfied",
}
EFFECTS = {
    "transfer_to_filing": "with the person's consent (form field 'transfer'), create a filing from a failed referral",
}
# Names a text template may use; casework.workflow fills them.
PLACEHOLDERS = frozenset(
    {
        "ref",
        "kind",
        "state",
        "cause",
        "committee",
        "category",
        "reason",
        "items",
        "due",
        "department",
        "answer",
        "parent",  # the record this one was made from (a filing transferred from a failed referral)
        "reach",  # how the person will hear: a call to their (masked) number, and WeChat or this chat
        "case_number",  # the court's case number given at registration, as a sentence ("" when none was given)
    }
)


class FieldSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    type: Literal["text", "textarea", "checkbox", "choice", "checklist"]
    required: bool = False
    options: dict[str, str] = Field(default_factory=dict)
    max_chars: int = 1000


class StateSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    terminal: bool = False
    due_days: float | None = None
    due_keep: bool = False  # keep the due time already running instead of starting a new one

    @property
    def due(self) -> timedelta | None:
        return None if self.due_days is None else timedelta(days=self.due_days)


class TransitionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str = ""
    label: str
    from_: tuple[str, ...] = Field(alias="from")
    to: str
    roles: tuple[str, ...]
    fields: dict[str, FieldSpec] = Field(default_factory=dict)
    guard: str | None = None
    effect: str | None = None
    notify_person: str | None = None
    notify_staff: str | None = None


class CategorySpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    petition: bool = False  # counts in the 信访 figures


class OnCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    reply: str
    staff: str
    transferred: str | None = None  # opens the person's notice when the record is made from a failed referral


class Lifecycle(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind
    label: str
    prefix: str = Field(pattern=r"^[A-Z]{2}$")
    initial: str
    staff_role: str
    contact_role: str = "工作人员"  # who calls the person back, in the texts that promise a call
    on_create: OnCreate
    states: dict[str, StateSpec]
    transitions: dict[str, TransitionSpec]
    categories: dict[str, CategorySpec] = Field(default_factory=dict)

    def state(self, name: str) -> StateSpec:
        try:
            return self.states[name]
        except KeyError as exc:
            raise ConfigError(f"{self.kind}: unknown state {name!r}") from exc

    def state_label(self, name: str) -> str:
        spec = self.states.get(name)
        return spec.label if spec else name

    def available(self, state: str) -> list[TransitionSpec]:
        """Transitions whose ``from`` contains ``state``, in file order (guards and roles not yet applied)."""
        return [t for t in self.transitions.values() if state in t.from_]

    def is_open(self, state: str) -> bool:
        return not self.state(state).terminal


_FORMAT_FIELD = re.compile(r"(?<!\$)\{\w+\}")


def _placeholders(template: str) -> set[str]:
    """The ``$name`` / ``${name}`` placeholders of a text (``string.Template``, the syntax of every litigant-facing
    text); raises ValueError for a malformed one or a ``{name}`` of the other syntax."""
    parsed = string.Template(template)
    if not parsed.is_valid():
        raise ValueError("a '$' that starts no placeholder (write $$ for a dollar sign)")
    if _FORMAT_FIELD.search(template):
        raise ValueError("{name} is str.format syntax: write ${name}")
    return set(parsed.get_identifiers())


def _check(lc: Lifecycle) -> None:
    """Refuse impossible configurations (raises ConfigError naming the problem)."""
    where = f"lifecycle {lc.kind}"
    if lc.initial not in lc.states:
        raise ConfigError(f"{where}: initial state {lc.initial!r} is not a state")
    if lc.staff_role not in ROLES:
        raise ConfigError(f"{where}: unknown staff_role {lc.staff_role!r}")
    if lc.states[lc.initial].terminal:
        raise ConfigError(f"{where}: the initial state cannot be terminal")
    templates: list[tuple[str, str]] = [
        ("on_create.reply", lc.on_create.reply),
        ("on_create.staff", lc.on_create.staff),
        ("on_create.transferred", lc.on_create.transferred or ""),
    ]
    for name, t in lc.transitions.items():
        tw = f"{where}, transition {name!r}"
        for s in (*t.from_, t.to):
            if s not in lc.states:
                raise ConfigError(f"{tw}: unknown state {s!r}")
        for s in t.from_:
            if lc.states[s].terminal:
                raise ConfigError(f"{tw}: leaves terminal state {s!r}")
        for r in t.roles:
            if r not in ACTORS:
                raise ConfigError(f"{tw}: unknown role {r!r}")
        if t.guard is not None and t.guard not in GUARDS:
            raise ConfigError(f"{tw}: unknown guard {t.guard!r}")
        if t.effect is not None and t.effect not in EFFECTS:
            raise ConfigError(f"{tw}: unknown effect {t.effect!r}")
        for fname, f in t.fields.items():
            if f.type == "choice" and not f.options:
                raise ConfigError(f"{tw}: choice field {fname!r} has no options")
        if t.effect == "transfer_to_filing" and "transfer" not in t.fields:
            raise ConfigError(f"{tw}: effect transfer_to_filing needs a 'transfer' consent field")
        if t.to not in lc.states or (not lc.states[t.to].terminal and not lc.available(t.to)):
            raise ConfigError(f"{tw}: state {t.to!r} is not terminal but has no way out")
        templates += [(f"{name}.notify_person", t.notify_person or ""), (f"{name}.notify_staff", t.notify_staff or "")]
    for label, template in templates:
        try:
            unknown = _placeholders(template) - PLACEHOLDERS
        except ValueError as exc:
            raise ConfigError(f"{where}, {label}: bad template: {exc}") from exc
        if unknown:
            raise ConfigError(f"{where}, {label}: unknown placeholders {sorted(unknown)}")
    # Every state must be reachable from the initial one.
    seen = {lc.initial}
    frontier = [lc.initial]
    while frontier:
        s = frontier.pop()
        for t in lc.available(s):
            if t.to not in seen:
                seen.add(t.to)
                frontier.append(t.to)
    unreachable = set(lc.states) - seen
    if unreachable:
        raise ConfigError(f"{where}: unreachable states {sorted(unreachable)}")
    for s, spec in lc.states.items():
        if spec.terminal and (spec.due_days is not None or spec.due_keep):
            raise ConfigError(f"{where}: terminal state {s!r} cannot have a due time")


def parse_lifecycles(raw: Any, source: str = "<data>") -> dict[Kind, Lifecycle]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: expected a mapping of kinds")
    result: dict[Kind, Lifecycle] = {}
    for key, body in raw.items():
        try:
            kind = Kind(key)
        except ValueError as exc:
            raise ConfigError(f"{source}: unknown record kind {key!r}") from exc
        if not isinstance(body, dict):
            raise ConfigError(f"{source}: {key}: expected a mapping")
        transitions = body.get("transitions") or {}
        named = dict(body)
        if isinstance(transitions, dict):
            named["transitions"] = {n: {**(t or {}), "name": n} for n, t in transitions.items()}
        try:
            lc = Lifecycle.model_validate({**named, "kind": kind})
        except ValidationError as exc:
            raise ConfigError(f"{source}: {key}: {exc}") from exc
        _check(lc)
        result[kind] = lc
    missing = set(Kind) - set(result)
    if missing:
        raise ConfigError(f"{source}: no lifecycle for {sorted(missing)}")
    transfers = any(t.effect == "transfer_to_filing" for lc in result.values() for t in lc.transitions.values())
    if transfers and not result[Kind.FILING].on_create.transferred:
        raise ConfigError(f"{source}: filing: a transition transfers to filing, but on_create.transferred is missing")
    return result


def load_lifecycles(path: Path = DEFAULT_PATH) -> dict[Kind, Lifecycle]:
    try:
        raw = load_yaml(path)
    except DataFileError as exc:
        raise ConfigError(str(exc)) from exc
    return parse_lifecycles(raw, str(path))


@functools.cache
def default_lifecycles() -> dict[Kind, Lifecycle]:
    """The shipped lifecycles, loaded once."""
    return load_lifecycles(DEFAULT_PATH)


def lifecycle(kind: Kind | str) -> Lifecycle:
    return default_lifecycles()[Kind(kind)]


def mermaid(lc: Lifecycle) -> str:
    """A Mermaid ``stateDiagram-v2`` of one lifecycle (labels in Chinese, guards in brackets)."""
    lines = [f"%% {lc.label} ({lc.kind})", "stateDiagram-v2"]
    for name, spec in lc.states.items():
        due = f" ({spec.due_days:g}天)" if spec.due_days is not None else ""
        lines.append(f"    {name}: {spec.label}{due}")
    lines.append(f"    [*] --> {lc.initial}")
    for t in lc.transitions.values():
        guard = f" [{t.guard}]" if t.guard else ""
        roles = "/".join(t.roles)
        for s in t.from_:
            lines.append(f"    {s} --> {t.to}: {t.label} ({roles}){guard}")
    for name, spec in lc.states.items():
        if spec.terminal:
            lines.append(f"    {name} --> [*]")
    return "\n".join(lines) + "\n"


def write_diagrams(folder: Path = DEFAULT_PATH.parent) -> list[Path]:
    """Write ``<kind>.mmd`` for every lifecycle (``python -m casework.machine``)."""
    paths = []
    for kind, lc in default_lifecycles().items():
        path = folder / f"{kind}.mmd"
        path.write_text(mermaid(lc), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    write_diagrams()
