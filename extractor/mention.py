"""The one shape every extraction stage produces before records are built."""

from __future__ import annotations

from bisect import bisect_left
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


class Spans:
    """Disjoint, sorted union of spans, for overlap tests in logarithmic time."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for s, e in sorted(spans):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def overlaps(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` shares a character with one of the spans."""
        i = bisect_left(self.starts, end)
        return i > 0 and self.ends[i - 1] > start


def doc_text(doc: Any) -> str:
    """The text the stages match on: the normalized string when the pipeline set it.

    ``Doc.text`` rebuilds the string from every token on each access, which costs more than
    a whole extraction stage; the normalized text is the same string, built once.
    """
    norm = doc._.norm
    return norm.text if norm is not None else doc.text
