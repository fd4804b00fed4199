"""Shared pydantic base for data loaded from knowledge/data (strict: unknown keys are refused)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from knowledge.errors import DataFileError
from knowledge.yamlload import load_yaml

DATA_DIR = Path(__file__).resolve().parent / "data"

Tag = Literal["V", "S", "U", "S/U", "V/S", "V/U"]

M = TypeVar("M", bound=BaseModel)


class DataModel(BaseModel):
    """Frozen, and refusing keys the model does not declare (a typo in YAML is an error, not ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def load_model(model: type[M], path: Path) -> M:
    """Load ``path`` strictly and validate it as ``model``; any problem becomes :class:`DataFileError`."""
    raw = load_yaml(path)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise DataFileError(f"{path}: does not match {model.__name__}: {exc}") from exc
