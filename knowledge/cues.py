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
def compiled(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled once (cached: cue patterns are few and read on every story)."""
    return re.compile(pattern)


def check_patterns(patterns: list[str]) -> list[str]:
    """``patterns`` unchanged where every one compiles; a ValueError naming the first that does not."""
    for pattern in patterns:
        try:
            compiled(pattern)
        except re.error as exc:
            raise ValueError(f"bad cue pattern {pattern!r}: {exc}") from exc
    return patterns


def any_hit(patterns: list[str], text: str) -> bool:
    """Whether one of ``patterns`` (regular expressions) is found in ``text``."""
    return any(compiled(p).search(text) for p in patterns)


def cue_hits(any_of: list[str], unless: list[str], text: str) -> bool:
    """One ``any_of`` pattern found in ``text`` and no ``unless`` pattern."""
    return not any_hit(unless, text) and any_hit(any_of, text)


class CueSet(DataModel):
    """Hits when one ``any`` pattern is found and no ``unless`` pattern is, after ``negated`` phrases are cut out."""

    any: list[str]
    unless: list[str] = Field(default_factory=list)
    negated: list[str] = Field(default_factory=list)

    @field_validator("any", "unless", "negated")
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        return check_patterns(patterns)

    def strip_negated(self, text: str) -> str:
        for pattern in self.negated:
            text = compiled(pattern).sub("，", text)
        return text

    def hits(self, text: str) -> bool:
        return cue_hits(self.any, self.unless, self.strip_negated(text))
