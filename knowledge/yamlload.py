"""A strict YAML loader: safe, and refusing duplicate mapping keys.

PyYAML's ``safe_load`` silently keeps the last of two equal keys, which hides data mistakes (two entries for
the same cause, two values for the same fee band). Every data file in ``knowledge/data`` is read through
:func:`load_yaml`, then validated by a pydantic model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode

from knowledge.errors import DataFileError, DuplicateKeyError


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader whose mappings refuse repeated keys."""


def _construct_mapping(loader: _StrictLoader, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError as exc:
            raise ConstructorError(
                "while constructing a mapping", node.start_mark, "found an unhashable key", key_node.start_mark
            ) from exc
        if key in mapping:
            mark = key_node.start_mark
            raise DuplicateKeyError(f"duplicate key {key!r} at line {mark.line + 1}, column {mark.column + 1}")
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def loads_yaml(text: str, *, source: str = "<string>") -> Any:
    """Parse YAML text strictly. Raises :class:`DuplicateKeyError` or :class:`DataFileError`."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - _StrictLoader derives from SafeLoader
    except DuplicateKeyError as exc:
        raise DuplicateKeyError(f"{source}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise DataFileError(f"{source}: invalid YAML: {exc}") from exc


def load_yaml(path: Path) -> Any:
    """Read and parse one YAML file strictly."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"cannot read {path}: {exc}") from exc
    return loads_yaml(text, source=str(path))
