"""Cue sets: the words (regular expressions) by which a rule recognises itself in a litigant's story.

A :class:`CueSet` is data (``any``, ``unless``, ``negated``) loaded with the rule it belongs to; the patterns are
compiled when the file is loaded, so a broken pattern stops start-up instead of failing on a story.
"""

from __future__ import annotations

import functools
import re

from pydantic import Field, field_validator

from knowledge._base import DataModel


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


class CueSet(DataModel):
    """Hits when one ``any`` pattern is found and no ``unless`` pattern is, after ``negated`` phrases are cut out."""

    any: list[str]
    unless: list[str] = Field(default_factory=list)
    negated: list[str] = Field(default_factory=list)

    @field_validator("any", "unless", "negated")
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                _compiled(pattern)
            except re.error as exc:
                raise ValueError(f"bad cue pattern {pattern!r}: {exc}") from exc
        return patterns

    def strip_negated(self, text: str) -> str:
        for pattern in self.negated:
            text = _compiled(pattern).sub("，", text)
        return text

    def hits(self, text: str) -> bool:
        text = self.strip_negated(text)
        if any(_compiled(p).search(text) for p in self.unless):
            return False
        return any(_compiled(p).search(text) for p in self.any)


def any_hit(patterns: list[str], text: str) -> bool:
    """Whether one of ``patterns`` (regular expressions) is found in ``text``."""
    return any(_compiled(p).search(text) for p in patterns)
