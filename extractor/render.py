"""Render: one document's extractions as a self-contained HTML page.

The original text is shown as decoded, every date, community and count
highlighted from the record spans, with the normalized value on hover. Record
boundaries, headings, activity-type badges and the cue words behind them are
marked too. Like spaCy's displaCy span renderer, overlapping spans are drawn;
unlike it, each mention is one element (split only where another span crosses
it) so it can carry its normalized value. Every piece of document text is
escaped; the page needs no network, script or external font.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from html import escape
from typing import get_args

from .records import ActivityType, CommunityMention, CountMention, DateMention, Document, Record

MENTION_KINDS = ("dates", "communities", "counts")
# nesting order of inline marks: lower layers are drawn outside higher ones
LAYER_HEADING, LAYER_MENTION, LAYER_CUE = 0, 1, 2
# colours of the activity-type badges, by position in the contract's list of types
BADGE_COLOURS = ("#1f77b4", "#2ca02c", "#9467bd", "#d62728", "#8c564b", "#e377c2",
                 "#17becf", "#bcbd22", "#ff7f0e", "#7f7f7f", "#393b79", "#637939")


@dataclass(frozen=True)
class Mark:
    """An inline element to draw over ``text[start:end]``."""

    start: int
    end: int
    layer: int
    tag: str
    classes: str
    title: str | None = None

    def open_tag(self, first: bool) -> str:
        """The opening tag; continuations of a split mark get ``-cont`` classes and no ``hl`` class."""
        classes = self.classes if first else " ".join(c + "-cont" if c in ("hl", "heading") else c
                                                          for c in self.classes.split())
        title = f' title="{escape(self.title)}"' if self.title else ""
        return f'<{self.tag} class="{classes}" data-span="{self.start},{self.end}"{title}>'


def format_number(value: float | int) -> str:
    """``600.0`` → ``600``; other numbers as Python writes them.

    >>> format_number(600.0), format_number(2.5)
    ('600', '2.5')
    """
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def describe_date(date: DateMention) -> str:
    """The hover text of a date: ``XXXX-03-17``, ``XXXX-03-17 → XXXX-03-26``, ``XXXX-03 (END)``, rrule."""
    if date.rrule:
        value = f"every {date.rrule}"
    else:
        value = date.start or "?"
        if date.end:
            value += f" → {date.end}"
    return value + (f" ({date.mod})" if date.mod else "")


def describe_count(count: CountMention) -> str:
    """The hover text of a count: ``600 (more than) items``, then unit, counted, currency and per."""
    approx = f" ({count.approx.replace('_', ' ')})" if count.approx else ""
    lines = [f"{format_number(count.value)}{approx} {count.category}"]
    lines += [f"{name}: {val}" for name in ("unit", "counted", "currency", "per")
              if (val := getattr(count, name))]
    return "\n".join(lines)


def describe_community(community: CommunityMention) -> str:
    """The hover text of a community: ``阳光社区 / Yangguang Shequ``, then kind and masked."""
    value = community.name + (f" / {community.romanized}" if community.romanized else "")
    if community.kind != "community":
        value += f"\n{community.kind}"
    return value + ("\nmasked name" if community.masked else "")


DESCRIBE = {"dates": describe_date, "communities": describe_community, "counts": describe_count}
KIND_CLASS = {"dates": "date", "communities": "community", "counts": "count"}


def short_value(kind: str, mention) -> str:
    """The value shown in a record's header chips (first line of the hover text)."""
    return DESCRIBE[kind](mention).split("\n", 1)[0]


def collect_marks(document: Document, text: str) -> list[Mark]:
    """Headings, mentions and cue words of every record, as marks on the original text."""
    marks = []
    for record in document.records:
        heading = find_heading(record, text)
        if heading:
            marks.append(Mark(*heading, LAYER_HEADING, "span", "heading", "heading"))
        for kind in MENTION_KINDS:
            for mention in getattr(record, kind):
                masked = " masked" if getattr(mention, "masked", False) else ""
                marks.append(Mark(mention.span[0], mention.span[1], LAYER_MENTION, "mark",
                                  f"hl hl-{KIND_CLASS[kind]}{masked}", DESCRIBE[kind](mention)))
        for type_name, cues in record.type_evidence.items():
            for cue in cues:
                marks.append(Mark(cue.span[0], cue.span[1], LAYER_CUE, "span", "cue", f"cue: {type_name}"))
    return marks


def find_heading(record: Record, text: str) -> tuple[int, int] | None:
    """Where the record's heading is in the original text.

    Headings are given without pinyin notes, so when the exact string is not in
    the record, its characters are matched in order, allowing a few extra ones.
    """
    if not record.heading:
        return None
    lo, hi = record.span
    found = text.find(record.heading, lo, hi)
    if found >= 0:
        return found, found + len(record.heading)
    start = text.find(record.heading[0], lo, hi)
    if start < 0:
        return None
    pos = start
    for char in record.heading[1:]:
        pos = text.find(char, pos + 1, min(hi, start + 3 * len(record.heading)))
        if pos < 0:
            return None
    return start, pos + 1


@dataclass(frozen=True)
class Block:
    """A stretch of the text: one record, or text outside records (``blank`` when only whitespace)."""

    start: int
    end: int
    record: Record | None = None
    blank: bool = False

    def open_html(self) -> str:
        """The opening tags, with the record's header."""
        span = f'data-span="{self.start},{self.end}"'
        if self.blank:
            return f'<div class="gap" {span}>'
        if self.record is None:
            return (f'<section class="outside" {span}><header class="rec-head">'
                    '<span class="rkind">outside records</span></header><div class="rec-text">')
        rec = self.record
        return (f'<section class="record kind-{escape(rec.kind)}" id="{escape(rec.id)}" {span}>'
                f'{record_header(rec)}<div class="rec-text">')

    def close_html(self) -> str:
        """The closing tags."""
        return "</div>\n" if self.blank else "</div></section>\n"


def blocks_of(document: Document, text: str) -> list[Block]:
    """The text cut into record blocks and the text outside records, in order, covering all of it."""
    blocks: list[Block] = []
    pos = 0

    def outside(start: int, end: int) -> list[Block]:
        """Text outside records, its surrounding whitespace split off as quiet gaps."""
        piece = text[start:end]
        lead, trail = len(piece) - len(piece.lstrip()), len(piece) - len(piece.rstrip())
        if lead == len(piece):
            return [Block(start, end, None, True)]
        parts = [Block(start, start + lead, None, True), Block(start + lead, end - trail),
                 Block(end - trail, end, None, True)]
        return [b for b in parts if b.end > b.start]

    for record in sorted(document.records, key=lambda r: r.span[0]):
        start, end = max(record.span[0], pos), min(record.span[1], len(text))
        if start > pos:
            blocks += outside(pos, start)
        blocks.append(Block(start, max(start, end), record))
        pos = max(pos, end)
    if pos < len(text) or not blocks:
        blocks += outside(pos, len(text))
    return blocks


def render_marked_text(text: str, marks: list[Mark], blocks: list[Block]) -> str:
    """``text`` cut into ``blocks``, with ``marks`` drawn as properly nested elements.

    Where two marks cross, the inner one is closed and reopened; the first piece
    of each mark carries its ``hl``/``heading`` class, later pieces ``-cont``
    classes, so each mark is counted once.
    """
    length = len(text)
    clipped = [m if 0 <= m.start <= m.end <= length
               else replace(m, start=min(max(m.start, 0), length), end=min(max(m.end, m.start, 0), length))
               for m in marks]
    clipped.sort(key=lambda m: (m.start, m.layer, -m.end))
    order = {id(m): (m.layer, m.start, -m.end, i) for i, m in enumerate(clipped)}
    cuts = sorted({0, length} | {b.start for b in blocks} | {b.end for b in blocks}
                  | {m.start for m in clipped} | {m.end for m in clipped})
    out: list[str] = []
    drawn: set[int] = set()
    active: list[Mark] = []
    next_mark = 0
    for index, block in enumerate(blocks):
        out.append(block.open_html())
        stack: list[Mark] = []
        last = index == len(blocks) - 1
        i = bisect.bisect_left(cuts, block.start)
        while i < len(cuts) and (cuts[i] < block.end or last):
            pos = cuts[i]
            stop = cuts[i + 1] if i + 1 < len(cuts) else pos
            i += 1
            while next_mark < len(clipped) and clipped[next_mark].start <= pos:
                active.append(clipped[next_mark])
                next_mark += 1
            for m in active:
                if m.start == m.end and id(m) not in drawn:
                    out.append(m.open_tag(True) + f"</{m.tag}>")
                    drawn.add(id(m))
            active = [m for m in active if m.end > pos]
            if stop <= pos:
                continue
            wanted = sorted(active, key=lambda m: order[id(m)])
            keep = 0
            while keep < min(len(stack), len(wanted)) and stack[keep] is wanted[keep]:
                keep += 1
            out.extend(f"</{m.tag}>" for m in reversed(stack[keep:]))
            for m in wanted[keep:]:
                out.append(m.open_tag(id(m) not in drawn))
                drawn.add(id(m))
            stack = wanted
            out.append(escape(text[pos:stop], quote=False))
        out.extend(f"</{m.tag}>" for m in reversed(stack))
        out.append(block.close_html())
    return "".join(out)


def record_header(record: Record) -> str:
    """The bar above a record: id, kind, activity-type badges and the values found."""
    parts = [f'<span class="rid">{escape(record.id)}</span>',
             f'<span class="rkind">{escape(record.kind)}</span>']
    for type_name in record.activity_types:
        cues = ", ".join(dict.fromkeys(c.text for c in record.type_evidence.get(type_name, [])))
        title = f' title="{escape("cues: " + cues)}"' if cues else ""
        parts.append(f'<span class="badge t-{escape(type_name)}"{title}>{escape(type_name)}</span>')
    chips = [f'<span class="val v-{KIND_CLASS[kind]}{" masked" if getattr(m, "masked", False) else ""}"'
             f' title="{escape(DESCRIBE[kind](m))}">{escape(short_value(kind, m))}</span>'
             for kind in MENTION_KINDS for m in getattr(record, kind)]
    values = f'<div class="vals">{"".join(chips)}</div>' if chips else ""
    return f'<header class="rec-head">{" ".join(parts)}{values}</header>'


def legend() -> str:
    """The key to the colours and marks (samples use ``key-*`` classes: they are not extractions)."""
    items = [("key-date", "date", ""), ("key-community", "community", ""), ("key-count", "count", ""),
             ("key-community masked", "×× community", "masked name"), ("key-heading", "heading", ""),
             ("key-cue", "cue word", "decides an activity type")]
    cells = "".join(f'<span class="key"><span class="{cls}">{escape(sample)}</span> {escape(note)}</span>'
                    for cls, sample, note in items)
    return f'<div class="legend">{cells} <span class="hint">hover a mark for its normalized value</span></div>'


def badge_css() -> str:
    """One colour per activity type, in the order of the contract's list."""
    return "\n".join(f".badge.t-{name}{{background:{BADGE_COLOURS[i % len(BADGE_COLOURS)]}}}"
                     for i, name in enumerate(get_args(ActivityType)))


CSS = """
:root{--date:#ffd36b;--date-b:#c98a00;--community:#9fd3f5;--community-b:#2b7bb9;
 --count:#b9e89a;--count-b:#4c9a2a}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC","PingFang SC",
 "Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;color:#1d1d1f;background:#f4f5f7}
main{max-width:1100px;margin:0 auto;padding:18px 24px 40px}
h1{font-size:1.45em;margin:.2em 0 .1em}
.meta{color:#555;font-size:.9em;margin-bottom:.5em}
.meta b{color:#1d1d1f}
.warnings{color:#8a4b00;font-size:.9em;margin:.3em 0}
.legend{position:sticky;top:0;z-index:2;background:#fff;border:1px solid #ddd;border-radius:6px;
 padding:6px 10px;margin:8px 0 14px;font-size:.85em;
 display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center}
.legend .hint{color:#777}
section{background:#fff;border:1px solid #d9dce1;border-left:5px solid #6b7a90;border-radius:6px;
 margin:0 0 12px;overflow:hidden}
section.kind-overview{border-left-color:#b07cc6}
section.outside{background:transparent;border-style:dashed;border-left-width:1px;color:#777}
.rec-head{background:#eef0f3;padding:5px 10px;font-size:.82em;
 display:flex;flex-wrap:wrap;gap:4px 8px;align-items:center}
section.outside .rec-head{background:transparent;font-style:italic}
.rid{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-weight:600}
.rkind{color:#555;text-transform:uppercase;letter-spacing:.04em;font-size:.9em}
.badge{color:#fff;background:#6b7a90;border-radius:10px;padding:0 8px;font-size:.95em;white-space:nowrap}
.vals{flex-basis:100%;display:flex;flex-wrap:wrap;gap:3px 6px}
.val{border-radius:3px;padding:0 5px;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.95em}
.v-date{background:var(--date)}.v-community{background:var(--community)}.v-count{background:var(--count)}
.gap{white-space:normal}
.rec-text{white-space:pre-wrap;overflow-wrap:anywhere;padding:8px 12px 10px;line-height:2}
mark,.legend [class^=key-]{color:inherit;border-radius:3px;padding:1px 0;border-bottom:2px solid transparent}
.hl-date,.key-date{background:var(--date);border-bottom-color:var(--date-b)}
.hl-community,.key-community{background:var(--community);border-bottom-color:var(--community-b)}
.hl-count,.key-count{background:var(--count);border-bottom-color:var(--count-b)}
mark mark{padding:0;box-shadow:0 0 0 1px #0006}
.masked{background-image:repeating-linear-gradient(135deg,#0000 0 4px,#0002 4px 6px);outline:1px dashed #b00}
.hl.masked::after,.key-community.masked::after{content:"masked";font-size:.6em;vertical-align:super;
 color:#b00;margin-left:1px}
.heading,.heading-cont,.key-heading{font-weight:700;text-decoration:underline 2px #6b7a90;text-underline-offset:4px}
.cue,.key-cue{text-decoration:underline dotted 2px #8e44ad;text-underline-offset:3px}
"""


def render_document_html(document: Document, text: str) -> str:
    """A self-contained HTML page showing ``text`` with ``document``'s extractions marked."""
    marks = collect_marks(document, text)
    body = render_marked_text(text, marks, blocks_of(document, text))
    totals = {kind: sum(len(getattr(r, kind)) for r in document.records) for kind in MENTION_KINDS}
    name = (document.source or "text").replace("\\", "/").rsplit("/", 1)[-1]
    heading = document.title or name
    meta = (f'<b>{escape(document.source or "(text)")}</b> · {escape(document.language)} · '
            f'{len(document.records)} records · {totals["dates"]} dates · '
            f'{totals["communities"]} communities · {totals["counts"]} counts')
    warnings = "".join(f"<div>warning: {escape(w)}</div>" for w in document.warnings)
    return f"""<!DOCTYPE html>
<html lang="{escape(document.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="extractor render">
<title>{escape(f"extractor · {name}")}</title>
<style>{CSS}{badge_css()}</style>
</head>
<body>
<main>
<h1>{escape(heading)}</h1>
<div class="meta">{meta}</div>
<div class="warnings">{warnings}</div>
{legend()}
<div class="document">
{body}</div>
</main>
</body>
</html>
"""
