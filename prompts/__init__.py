"""Reply templates and LLM prompts, one file each in this folder, one loader, one syntax; and the words table.

Templates use ``string.Template`` syntax (``$name`` / ``${name}``); a missing variable raises ``KeyError``
(``Template.substitute``) so a broken template fails its test instead of reaching a litigant. Files are read
with ``Path.read_text`` on first use and cached.

``commands.yaml`` holds the words a person types that the conversation acts on (重新开始, 转人工, 1/2/3 for the
routes, 不知道 to skip a question …) and the quick replies it offers: :func:`commands` loads it once, refusing a
repeated key, an unknown section or a word listed under two commands of one section.
"""

from __future__ import annotations

import functools
from pathlib import Path
from string import Template
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

PROMPTS_DIR = Path(__file__).resolve().parent


class PromptNotFound(KeyError):
    pass


@functools.cache
def _template(name: str) -> Template:
    if "/" in name or "\\" in name or name.startswith("."):
        raise PromptNotFound(name)
    path = PROMPTS_DIR / f"{name}.txt"
    if not path.is_file():
        raise PromptNotFound(name)
    return Template(path.read_text(encoding="utf-8").rstrip("\n"))


def load(name: str, /, **values: object) -> str:
    """Render prompt ``name`` (``prompts/<name>.txt``) with ``values``."""
    return _template(name).substitute({k: str(v) for k, v in values.items()})


def names() -> list[str]:
    return sorted(p.stem for p in PROMPTS_DIR.glob("*.txt"))


# ------------------------------------------------------------------------------------------- the words


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Words = tuple[str, ...]


class RecordActions(_Table):
    resubmit: Words
    withdraw: Words


class ContactWords(_Table):
    """How a name and phone number are read (``bot.contact``)."""

    filler: Words  # words around a name or number that are neither ("我叫", "手机号", "是")
    correction: Words  # words that make a reply a correction ("输错了") besides knowledge's correction cues
    not_name: Words  # a reply holding one of these is no name ("我没有手机", "好的")
    name_cues: Words  # a correction naming the name ("名字写错了")
    value_cues: Words  # what comes after these is the corrected value ("应该是 …")
    form_fields: dict[str, Words]  # filing-form field → the words that name it in a correction


class Quick(_Table):
    start: str
    progress: str
    cancel: str
    affirm: str
    deny: str
    none_of_these: str
    agree: str
    confirm: str
    edit: str
    more: str  # shows the next waiting page
    decline_contact: str  # hand off without leaving a phone number


class Commands(_Table):
    """``prompts/commands.yaml``: what each section means is written there."""

    commands: dict[str, Words]
    affirm: Words
    deny: Words
    routes: dict[str, Words]
    skip: Words
    back: Words
    consent: Words
    confirm: Words
    edit: Words
    more: Words
    decline_contact: Words
    contact: ContactWords
    record_actions: RecordActions
    quick: Quick

    @model_validator(mode="after")
    def _one_meaning_per_word(self) -> Commands:
        for section, table in (("commands", self.commands), ("routes", self.routes)):
            words = [w for ws in table.values() for w in ws]
            twice = sorted({w for w in words if words.count(w) > 1})
            if twice:
                raise ValueError(f"{section}: words under two commands: {twice}")
        return self

    def command(self, word: str) -> str | None:
        """The global command a (normalised) word names, if any."""
        return next((name for name, words in self.commands.items() if word in words), None)

    def route(self, word: str) -> str | None:
        return next((name for name, words in self.routes.items() if word in words), None)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader whose mappings refuse repeated keys (YAML would silently keep the last)."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in out:
            raise yaml.constructor.ConstructorError(None, None, f"repeated key {key!r}", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=deep)
    return out


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def parse_commands(text: str) -> Commands:
    """Parse a commands table (the shipped one is :func:`commands`)."""
    return Commands.model_validate(yaml.load(text, Loader=_StrictLoader))  # noqa: S506 - a SafeLoader


@functools.cache
def commands() -> Commands:
    """The words table, ``prompts/commands.yaml``."""
    return parse_commands((PROMPTS_DIR / "commands.yaml").read_text(encoding="utf-8"))
