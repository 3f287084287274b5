"""Loading language data from ``patterns/<lang>/*.yaml``.

Every word list, regular expression and cue lives in those files; the code that
uses them is generic. Regexes may be composed from named parts: a YAML file may
hold a ``parts:`` mapping, and ``{name}`` inside any regex (or inside another
part) is replaced by that part, wrapped in a non-capturing group.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .errors import PatternError

SUPPORTED_LANGS = ("zh", "es")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: same result, faster
_PART_REF = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def patterns_dir() -> Path:
    """Directory holding the language data (inside the wheel, or the source tree)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "patterns", here.parent / "patterns"):
        if candidate.is_dir():
            return candidate
    raise PatternError(f"patterns directory not found next to {here}")


@cache
def load_patterns(lang: str, name: str) -> dict[str, Any]:
    """The parsed ``patterns/<lang>/<name>.yaml`` file (cached)."""
    path = patterns_dir() / lang / f"{name}.yaml"
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except FileNotFoundError as exc:
        raise PatternError(f"missing pattern file {path}") from exc
    except yaml.YAMLError as exc:
        raise PatternError(f"malformed pattern file {path}: {exc}") from exc
    return data or {}


def expand_parts(pattern: str, parts: dict[str, str], _depth: int = 0) -> str:
    """``pattern`` with every ``{part}`` reference replaced by its regex."""
    if _depth > 20:
        raise PatternError(f"recursive pattern parts in {pattern!r}")

    def replace(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in parts:
            return m.group(0)  # a quantifier such as {2} or an unknown name stays as is
        return "(?:" + expand_parts(parts[name], parts, _depth + 1) + ")"

    return _PART_REF.sub(replace, pattern)


def compile_pattern(pattern: str, parts: dict[str, str] | None = None, flags: int = 0) -> re.Pattern[str]:
    """Compile ``pattern`` after expanding named parts; errors name the pattern."""
    source = expand_parts(pattern, parts or {})
    try:
        return re.compile(source, flags)
    except re.error as exc:
        raise PatternError(f"bad regex {pattern!r}: {exc}") from exc


def word_alternation(words: list[str]) -> str:
    """A regex alternation matching any of ``words``, longest first."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def words_to_number(text: str, lang: str) -> float | None:
    """Value of number words (``dos mil veintitrés`` → 2023.0), or None when they are not a number."""
    from text_to_num import text2num  # imported on first use: start-up stays cheap

    try:
        return float(text2num(re.sub(r"\s+", " ", text.lower()), lang))
    except (ValueError, TypeError):
        return None


@contextmanager
def gc_paused() -> Iterator[None]:
    """Garbage collection off for the duration, then back as it was.

    Importing spaCy and compiling the patterns allocate many objects that all live on;
    the collections they trigger find nothing and cost a tenth of a second at start-up.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
