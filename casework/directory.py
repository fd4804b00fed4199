"""The people's mediation directory (``knowledge/data/mediation_directory.yaml``) and committee assignment.

:func:`assign` picks the committee for a referral from its cause and area: a specialist committee for the
cause first (restricted to its areas if it lists any), then a local committee whose areas match, then the
default committee. Every entry in the shipped file is a placeholder marked [U] until the court confirms it.
"""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from casework.errors import ConfigError
from knowledge.errors import DataFileError
from knowledge.yamlload import load_yaml

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "knowledge" / "data" / "mediation_directory.yaml"


class Committee(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,40}$")
    name: str
    causes: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    contact: str = ""
    default: bool = False

    def covers_area(self, area: str | None) -> bool:
        if not self.areas:
            return True
        if not area:
            return False
        return any(_area_match(a, area) for a in self.areas)


class Directory(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    committees: tuple[Committee, ...]

    def get(self, committee_id: str) -> Committee | None:
        return next((c for c in self.committees if c.id == committee_id), None)

    @property
    def default(self) -> Committee:
        return next(c for c in self.committees if c.default)

    def assign(self, cause: str | None, area: str | None) -> Committee:
        """The committee a referral with this cause and area goes to (never fails: the default catches all)."""
        if cause:
            for c in self.committees:
                if c.causes and cause in c.causes and c.covers_area(area):
                    return c
        if area:
            for c in self.committees:
                if not c.causes and c.areas and c.covers_area(area):
                    return c
        return self.default


def _core(name: str) -> str:
    """A place name without its administrative suffix: 焦东街道 → 焦东."""
    for suffix in ("街道办事处", "街道", "办事处", "乡", "镇"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _area_match(listed: str, given: str) -> bool:
    given = given.strip()
    return bool(given) and (listed in given or given in listed or _core(listed) in given)


def parse_directory(raw: object, source: str = "<data>") -> Directory:
    try:
        directory = Directory.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{source}: {exc}") from exc
    ids = [c.id for c in directory.committees]
    if len(ids) != len(set(ids)):
        raise ConfigError(f"{source}: committee ids repeat")
    defaults = [c for c in directory.committees if c.default]
    if len(defaults) != 1:
        raise ConfigError(f"{source}: exactly one committee must be marked default (found {len(defaults)})")
    if defaults[0].causes or defaults[0].areas:
        raise ConfigError(f"{source}: the default committee must take any cause and area")
    return directory


def load_directory(path: Path = DEFAULT_PATH) -> Directory:
    try:
        raw = load_yaml(path)
    except DataFileError as exc:
        raise ConfigError(str(exc)) from exc
    return parse_directory(raw, str(path))


@functools.cache
def default_directory() -> Directory:
    return load_directory(DEFAULT_PATH)
