"""Reply templates and LLM prompts, one file each in this folder, one loader, one syntax.

Templates use ``string.Template`` syntax (``$name`` / ``${name}``); a missing variable raises ``KeyError``
(``Template.substitute``) so a broken template fails its test instead of reaching a litigant. Files are read
with ``Path.read_text`` on first use and cached.
"""

from __future__ import annotations

import functools
from pathlib import Path
from string import Template

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
