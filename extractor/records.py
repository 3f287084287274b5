"""Records: the pydantic models of the output (the one source of truth) and their assembly.

``extractor schema`` prints the JSON Schema of :class:`Document`.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .mention import Mention

ActivityType = Literal[
    "publicity", "environmental_cleanup", "elderly_disability_care", "charity_donation",
    "safety_patrol", "lecture_training", "volunteer_mobilization", "professional_certification",
    "cultural_recreation", "health_service", "children_youth", "other",
]
Approx = Literal["more_than", "about", "nearly", "at_least", "less_than"]
CountCategory = Literal["people", "households", "groups", "organizations", "items", "money", "events", "other"]
Span = tuple[int, int]


class Evidence(BaseModel):
    """A piece of the original text: its characters and ``[start, end)`` offsets."""

    model_config = ConfigDict(extra="forbid")
    text: str
    span: Span

    @model_validator(mode="after")
    def _ordered(self):
        if not 0 <= self.span[0] <= self.span[1]:
            raise ValueError(f"bad span {self.span}")
        return self


class DateMention(Evidence):
    """A date, range or recurrence, normalized to TIMEX3-style values."""

    start: str | None = Field(None, description="TIMEX3 value: 2009-03-17, 2009-03, 2009, XXXX-03-17 …")
    end: str | None = Field(None, description="end of a range; null for a single date")
    mod: Literal["START", "MID", "END"] | None = None
    rrule: str | None = Field(None, description="RFC 5545 recurrence for repeating dates")


class CommunityMention(Evidence):
    """A neighbourhood-level unit named in the text."""

    name: str = Field(description="Simplified Chinese, or the Spanish proper name without the generic word")
    kind: Literal["community", "residential", "village", "neighbourhood"] = "community"
    masked: bool = False
    romanized: str | None = None


class CountMention(Evidence):
    """A quantity: number, qualifier, unit, category and what is counted."""

    value: float | int
    approx: Approx | None = None
    unit: str | None = None
    category: CountCategory = "other"
    counted: str | None = None
    currency: str | None = None
    per: str | None = None


class Record(BaseModel):
    """One activity, or one report's introduction (``overview``)."""

    id: str
    kind: Literal["activity", "overview"]
    report: int
    item: int | None = None
    heading: str | None = None
    span: Span
    activity_types: list[ActivityType] = Field(default_factory=list)
    type_evidence: dict[ActivityType, list[Evidence]] = Field(default_factory=dict)
    dates: list[DateMention] = Field(default_factory=list)
    communities: list[CommunityMention] = Field(default_factory=list)
    counts: list[CountMention] = Field(default_factory=list)


class Document(BaseModel):
    """Everything extracted from one report file."""

    source: str | None = None
    language: Literal["zh-Hant", "zh-Hans", "es"]
    title: str | None = None
    records: list[Record] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


def build_document(doc, source: str | None = None, warnings: list[str] | None = None) -> Document:
    """The :class:`Document` for a processed spaCy ``doc`` (spans mapped to the original text)."""
    norm = doc._.norm
    layout = doc._.layout
    stem = _stem(source)
    title = _clean_text(norm, *layout.title) if layout.title else None
    per_kind = {k: _by_start(ms or []) for k, ms in
                (("dates", doc._.dates), ("communities", doc._.communities), ("counts", doc._.counts))}
    records = []
    for seg in layout.segments:
        rec_id = f"{stem}#{seg.report}" + (f".{seg.item}" if seg.item is not None else "")
        inside = {k: ms[bisect_left(starts, seg.start):bisect_left(starts, seg.end)]
                  for k, (ms, starts) in per_kind.items()}
        records.append(Record(
            id=rec_id,
            kind=seg.kind,
            report=seg.report,
            item=seg.item,
            heading=_clean_text(norm, *seg.heading) if seg.heading else None,
            span=norm.original_span(seg.start, seg.end),
            activity_types=seg.activity_types,
            type_evidence={t: [_evidence(norm, m, Evidence) for m in ms] for t, ms in seg.type_evidence.items()},
            dates=[_evidence(norm, m, DateMention) for m in inside["dates"]],
            communities=[_evidence(norm, m, CommunityMention) for m in inside["communities"]],
            counts=[_evidence(norm, m, CountMention) for m in inside["counts"]],
        ))
    return Document(source=source, language=norm.language, title=title, records=records,
                    warnings=list(warnings or []))


def _by_start(mentions: list[Mention]) -> tuple[list[Mention], list[int]]:
    """``mentions`` in text order (a stable sort) and their starts, for slicing by offset."""
    ordered = sorted(mentions, key=lambda m: m.start)
    return ordered, [m.start for m in ordered]


def _evidence(norm, mention: Mention, model: type[Evidence]):
    span = norm.original_span(mention.start, mention.end)
    return model(text=norm.original[span[0]:span[1]], span=span, **mention.attrs)


def _clean_text(norm, start: int, end: int) -> str:
    """Original characters of ``[start, end)`` without pinyin notes (for headings and titles)."""
    return "".join(norm.original[i] for i in norm.offsets[start:end])


def _stem(source: str | None) -> str:
    if not source:
        return "text"
    name = source.replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name
