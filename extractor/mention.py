"""The one shape every extraction stage produces before records are built."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Mention:
    """A found expression: offsets into the *normalized* text and its normalized values.

    ``attrs`` holds the stage's fields (``start``/``end``/``mod``/``rrule`` for dates,
    ``value``/``unit``/... for counts, ``name``/``kind``/... for communities); the
    records stage adds ``text`` and ``span`` from the original document.
    """

    start: int
    end: int
    attrs: dict[str, Any] = field(default_factory=dict)

    def overlaps(self, other: Mention) -> bool:
        """True when the two mentions share at least one character."""
        return self.start < other.end and other.start < self.end


def overlaps_any(start: int, end: int, mentions: list[Mention]) -> bool:
    """True when ``[start, end)`` shares a character with any of ``mentions``."""
    return any(start < m.end and m.start < end for m in mentions)


def doc_text(doc: Any) -> str:
    """The text the stages match on: the normalized string when the pipeline set it.

    ``Doc.text`` rebuilds the string from every token on each access, which costs more than
    a whole extraction stage; the normalized text is the same string, built once.
    """
    norm = doc._.norm
    return norm.text if norm is not None else doc.text
