"""Segmentation: title, reports, overviews and activities.

A document is a title block, then paragraphs (non-empty lines). Some paragraphs
open a *section* (``【篇一】``, ``案例二｜``, ``…總結一``, ``Parte 2``); others open a
numbered *item* (``1、``, ``一、``, ``(一)``, ``1.``, ``Primero,``). A section
holding items is a report of its own (its introduction is an ``overview``, each
item an ``activity``); sections without items are the activities of one report
whose introduction is the text before them. A section opened as a part
(``【二】``, ``■ …``) rather than as a report of its own (``【篇二】``) stays in the
*volume* of the report before it: its dates take that report's years. The last
item of a report keeps its heading and one body paragraph: what follows is
closing remarks, which produce no record. All offsets are indices into the normalized text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import groupby, islice, pairwise
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .mention import doc_text
from .resources import compile_pattern, load_patterns

_LABEL_END = re.compile("[:：|]")  # where the first column of a table row ends
_LABEL_COLON = re.compile("[:：]")  # where the label of a labelled item ends
_ANNOUNCEMENT_TAIL = 80  # characters at the end of a paragraph that may announce its sessions
_EMOJI_CHARS = "\U0001F300-\U0001FAFF\u2600-\u27BF"  # (the ranges of pictographs and symbols)
_EMOJI = re.compile(f"[{_EMOJI_CHARS}]")
_SEPARATORS = "|｜:：–—【"  # the shape of a heading line: a date then its name (📅 3月6日｜…), a label (✂️【剪纸班】)
# (a post's headline may end with emoji after its exclamation: 📢 ¡GRACIAS POR PARTICIPAR! 🙌)
_HEADLINE_EXCLAMATION = re.compile(rf"[!！]+([】」』)）]*(?:\s*[{_EMOJI_CHARS}\uFE0F])*)\s*$")


@dataclass
class Paragraph:
    """One non-empty line: its trimmed extent and what opens it."""

    start: int
    end: int
    role: str = "text"  # text | section | item | meta | intro
    marker_end: int = 0  # end of the numbering marker (items and sections)
    numbered: bool = True  # false for an item recognised by its opening words or as a heading line
    marker_kind: int = -1  # which of the item markers numbers it (一、 vs （一）: two levels of a list)
    opens_part: bool = False  # a section that is a part of one report (【二】), not a report of its own


@dataclass
class Segment:
    """One future record: an overview or an activity, with offsets into the normalized text."""

    kind: str  # "overview" | "activity"
    report: int
    item: int | None
    start: int
    end: int
    heading: tuple[int, int] | None = None
    volume: int = 1  # the report of its own it belongs to: sections that are parts of one share it
    activity_types: list[str] = field(default_factory=list)
    type_evidence: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class Layout:
    """The title and the records of a document."""

    title: tuple[int, int] | None
    segments: list[Segment]
    markers: list[tuple[int, int]] = field(default_factory=list)  # numbering of items (3.2, 一、): no count

    @property
    def head_end(self) -> int:
        """End of the document's heading: the title block, up to where the first record starts."""
        first = min((seg.start for seg in self.segments), default=0)
        return max(first, self.title[1]) if self.title else first


class SegmentRules:
    """Compiled segmentation data for one language (``patterns/<lang>/segment.yaml``)."""

    def __init__(self, lang: str) -> None:
        data = load_patterns(lang, "segment")
        parts = data.get("parts", {})

        def compiled(key: str) -> list[re.Pattern[str]]:
            return [compile_pattern(p, parts) for p in data.get(key, [])]

        self.section_markers = compiled("section_markers")
        self.report_headings = compiled("report_headings")
        self.part_markers = compiled("part_markers")
        self.item_markers = compiled("item_markers")
        self.lead_decoration = compile_pattern(data.get("lead_decoration") or r"(?!)", parts)
        self.intro_labels = compiled("intro_labels")
        self.meta_lines = compiled("meta_lines")
        self.index_heading = compile_pattern(data.get("index_heading") or r"(?!)", parts)
        self.activity_openers = compiled("activity_openers")
        self.sequence_openers = compiled("sequence_openers")
        self.min_unnumbered_items = int(data.get("min_unnumbered_items", 2))
        self.closing_section = compile_pattern(data.get("closing_sections") or r"(?!)", parts)
        self.overview_section = compile_pattern(data.get("overview_sections") or r"(?!)", parts)
        self.list_heading = compile_pattern(data.get("activity_list_heading") or r"(?!)", parts)
        self.field_line = compile_pattern(data.get("field_line") or r"(?!)", parts)
        self.info_field = compile_pattern(data.get("info_field") or r"(?!)", parts)
        self.table_rows = compiled("table_rows")
        self.table_detail_min = int(data.get("table_detail_min", 20))
        self.rows_total = compile_pattern(data.get("rows_total") or r"(?!)")
        self.item_sequel = compile_pattern(data.get("item_sequel") or r"(?!)", parts)
        self.sessions_announced = compile_pattern(data.get("sessions_announced") or r"(?!)")
        self.sign_off_month = compile_pattern(data.get("sign_off_month") or r"(?!)", parts)
        self.session_date = compile_pattern(data.get("session_date") or r"(?!)", parts)
        self.table_row_kind = len(self.item_markers)  # the marker kind of table rows, after every item marker
        self.bullet_kind = self.table_row_kind + 1  # the marker kind of long bullets listed under an item
        self.field_block_kind = self.bullet_kind + 1  # the marker kind of blocks of labelled fields
        self.inner_section_kind = self.field_block_kind + 1  # the marker kind of sections under an upper item
        self.upper_item = compile_pattern(data.get("upper_items") or r"(?!)", parts)
        self.news_paragraph = compile_pattern(data.get("news_paragraph") or r"(?!)", parts)
        self.not_news = compile_pattern(data.get("not_news_opening") or r"(?!)", parts)
        self.news_contact = compile_pattern(data.get("news_contact") or r"(?!)", parts)
        self.news_paragraph_min = int(data.get("news_paragraph_min", 80))
        self.news_release = compile_pattern(data["news_release"], parts) if data.get("news_release") else None
        self.bullet_item = compile_pattern(data.get("bullet_item") or r"(?!)", parts)
        self.bullet_item_min = int(data.get("bullet_item_min", 80))
        self.heading_max = int(data.get("heading_max", 40))
        self.date_line_max = int(data.get("date_line_max", 30))
        self.post_line = compile_pattern(data.get("post_line") or r"(?!)", parts)
        self.post_audience = compile_pattern(data.get("post_audience") or r"(?!)", parts)
        self.sentence_closes_paragraph = bool(data.get("sentence_closes_paragraph", False))
        self.title_max_lines = int(data.get("title_max_lines", 3))
        self.title_max = int(data.get("title_max", 60))
        self.title_reject = compile_pattern(data.get("title_reject") or r"(?!)")
        self.title_stop = compile_pattern(data.get("title_stop") or r"(?!)", parts)
        self.sentence_end = compile_pattern(data.get("sentence_end", r"[.!?。！？]"))
        self.clause_end = compile_pattern(data.get("clause_end", r"[,;:，；：]"))


@cache
def segment_rules(lang: str) -> SegmentRules:
    """Compiled rules for ``lang`` (``zh`` or ``es``), built once per process."""
    return SegmentRules(lang)


def split_paragraphs(text: str, limit: int) -> list[Paragraph]:
    """Non-empty lines of ``text[:limit]``, trimmed of surrounding whitespace."""
    paragraphs = []
    for m in re.finditer(r"[^\n]+", text[:limit]):
        line = m.group(0)
        stripped = line.strip()
        if not stripped:
            continue
        start = m.start() + (len(line) - len(line.lstrip()))
        paragraphs.append(Paragraph(start, start + len(stripped)))
    return paragraphs


def classify(text: str, paragraphs: list[Paragraph], rules: SegmentRules) -> None:
    """Set ``role`` and ``marker_end`` of each paragraph."""
    for p in paragraphs:
        line = text[p.start:p.end]
        if any(m.search(line) for m in rules.meta_lines):
            p.role = "meta"
            continue
        if any(m.search(line) for m in rules.intro_labels):
            p.role = "intro"
            continue
        section = next((m.match(line) for m in rules.section_markers if m.match(line)), None)
        if section or (len(line) <= rules.heading_max * 2 and any(m.search(line) for m in rules.report_headings)
                       and not rules.sentence_end.search(line[:-1])):
            p.role = "section"
            p.marker_end = p.start + (section.end() if section else 0)
            p.opens_part = bool(section) and any(m.match(line) for m in rules.part_markers)
            continue
        kind, marker_end = item_marker(line, rules)
        if 0 <= marker_end < len(line):
            p.role = "item"
            p.marker_end = p.start + marker_end
            p.marker_kind = kind
    _demote_inner_sections(text, paragraphs, rules)
    _unmark_bullet_sections(text, paragraphs, rules)
    _unmark_diary_dates(text, paragraphs, rules)
    _mark_index_lists(text, paragraphs, rules)
    long_bullets = _long_bullet_runs(text, paragraphs, rules)  # (bullets and lengths only: roles do not change them)
    _mark_bullet_run_items(paragraphs, long_bullets)
    _mark_headed_bullets(text, paragraphs, rules)
    _mark_sibling_bullets(text, paragraphs, rules)
    _mark_listed_bullets(text, paragraphs, rules, long_bullets)
    _unmark_lone_first_item(paragraphs)
    _mark_field_blocks(text, paragraphs, rules)
    _mark_table_rows(text, paragraphs, rules)


def item_marker(line: str, rules: SegmentRules) -> tuple[int, int]:
    """The kind of item marker ``line`` opens with and where the marker ends, after any leading
    decoration (✂️【剪纸班】…); ``(-1, -1)`` for none."""
    lead = rules.lead_decoration.match(line)
    for offset in (0, lead.end()) if lead and lead.end() else (0,):
        rest = line[offset:]  # (sliced: the markers are anchored with ^)
        for kind, rx in enumerate(rules.item_markers):
            if m := rx.match(rest):
                return kind, offset + m.end()
    return -1, -1


def _demote_inner_sections(text: str, paragraphs: list[Paragraph], rules: SegmentRules) -> None:
    """Part sections (【一】) under an item of the upper level (壹、 … 贰、办理情形 / 【一】… 【七】 /
    叁、…) are the sub-items of that item; they stand above it (are parts of their own) only when
    the upper numbering starts again after them."""
    upper = [(i, m.group(1)) for i, p in enumerate(paragraphs)
             if p.role == "item" and (m := rules.upper_item.match(text[p.start:p.end]))]
    if not upper:
        return
    first_number = upper[0][1]
    for i, p in enumerate(paragraphs[upper[0][0] + 1:], start=upper[0][0] + 1):
        if p.role != "section" or not p.opens_part:
            continue
        following = next((number for j, number in upper if j > i), None)
        if following != first_number:
            p.role, p.opens_part, p.marker_kind = "item", False, rules.inner_section_kind


def _unmark_bullet_sections(text: str, paragraphs: list[Paragraph], rules: SegmentRules) -> None:
    """A bulleted heading is a section only when all its bullets are: ``▪ 第二场（11月4日）…`` among
    ``▪ 第一场（10月21日，星期六，…）…`` lines too long for headings is one entry of their list."""
    listed = {_bullet_of(text, p, rules) for p in paragraphs if p.role != "section"}
    for p in paragraphs:
        if p.role == "section" and (bullet := _bullet_of(text, p, rules)) and bullet in listed:
            p.role, p.marker_end = "text", 0


def _unmark_diary_dates(text: str, paragraphs: list[Paragraph], rules: SegmentRules) -> None:
    """In a diary whose entries are date lines over their bodies (``20××年3月6日（周一）`` then
    ``上午到红星新村回访……``), a bare date line over a body (``20××年4月25日``) is one more entry,
    not the sign-off date it would be at the end of a report."""
    def dated_heading(i: int) -> bool:
        p = paragraphs[i]
        return (_heading_shaped(text, p, rules) and _opens_with_date(text, p, rules) and i + 1 < len(paragraphs)
                and paragraphs[i + 1].role == "text" and not _heading_shaped(text, paragraphs[i + 1], rules))

    if not any(p.role == "text" and dated_heading(i) for i, p in enumerate(paragraphs)):
        return
    for i, p in enumerate(paragraphs):
        if p.role == "meta" and dated_heading(i) and not rules.post_audience.search(text, p.start, p.end):
            p.role = "text"  # (a post's date line, 4月2日 14:35 · 🌏, stays metadata)


def _mark_index_lists(text: str, paragraphs: list[Paragraph], rules: SegmentRules) -> None:
    """The list under an index heading (an agenda, ``议程：`` / ``Orden del día``; a table of
    contents, ``【本期要目】``) names what a meeting will discuss or what follows: the heading and
    its list are page metadata, not activities."""
    def list_key(p: Paragraph) -> tuple[str, Any] | None:
        if p.role == "item":
            return ("item", p.marker_kind)
        if p.role == "section" or (p.role == "text" and _is_bullet(text, p, rules)):
            return (p.role, text[p.start])
        return None

    for i, p in enumerate(paragraphs[:-1]):
        if p.role == "meta" or not rules.index_heading.match(text[p.start:p.end]):
            continue
        key = list_key(paragraphs[i + 1])
        if key is None:
            continue
        p.role = "meta"
        for q in paragraphs[i + 1:]:
            if list_key(q) != key:
                break
            q.role, q.marker_end, q.marker_kind = "meta", 0, -1


def _unmark_lone_first_item(paragraphs: list[Paragraph]) -> None:
    """A first line marked like no other line (【成果分享】某某社区…) is the title, not an item."""
    first = paragraphs[0] if paragraphs else None
    if first and first.role == "item" and not any(p.marker_kind == first.marker_kind for p in paragraphs[1:]):
        first.role, first.marker_end, first.marker_kind = "text", 0, -1


def _mark_sibling_bullets(text: str, paragraphs: list[Paragraph], rules: SegmentRules) -> None:
    """Heading lines with the bullet of a bulleted item are items too: ``▪ Sábado 15 de julio – Feria``
    makes ``▪ Agosto (todo el mes) – Mejoras al salón`` (over its own body) one as well. Emoji are one
    bullet when the line is shaped like the items (``📅 3月6日｜…`` makes ``📌 每周三下午｜…`` an item), or,
    when the items have no shape, over a body as long as a long bullet's (``🔁 每月固定服务``)."""
    kinds: dict[str, int] = {}
    chars: set[str] = set()  # the bullets of the items
    shapes: dict[str, set[str]] = {}  # the separators every item of a kind of bullet has (📅 3月6日｜…)
    for p in paragraphs:
        if p.role == "item" and _is_bullet(text, p, rules):
            key = _bullet_key(text[p.start])
            kinds.setdefault(key, p.marker_kind)
            chars.add(text[p.start])
            shapes[key] = shapes.get(key, set(_SEPARATORS)) & set(text[p.start:p.end])
    if not kinds:
        return
    for i, p in enumerate(paragraphs[:-1]):
        body = paragraphs[i + 1]
        line = text[p.start:p.end]
        bullet = rules.bullet_item.match(line) if p.role == "text" else None
        key = _bullet_key(text[p.start])
        if (bullet and key in kinds and _heading_shaped(text, p, rules)
                and (text[p.start] in chars or shapes[key] & set(line)
                     or (not shapes[key] and body.end - body.start >= rules.bullet_item_min))
                and not rules.not_news.match(line) and not rules.closing_section.match(line[bullet.end():])
                and body.role == "text" and not _is_bullet(text, body, rules)):
            p.role, p.marker_end, p.marker_kind = "item", p.start + bullet.end(), kinds[key]


def _bullet_key(char: str) -> str:
    """What makes two bullets the same: their character, or being emoji."""
    return "emoji" if _EMOJI.match(char) else char


def _mark_bullet_run_items(paragraphs: list[Paragraph], runs: dict[int, int]) -> None:
    """A long bullet in a run (``runs``: see `_long_bullet_runs`) with a bulleted item is an item too:
    ``• 6 y 7 de junio – …`` between the dated bullets ``• Lunes 3 de junio – …`` and ``• 18 de junio – …``."""
    for run in _consecutive(sorted(runs)):
        kinds = {paragraphs[k].marker_kind for k in run if paragraphs[k].role == "item"}
        if len(kinds) != 1 or not all(paragraphs[k].role in ("item", "text") for k in run):
            continue
        kind = kinds.pop()
        for k in run:
            q = paragraphs[k]
            if q.role == "text":
                q.role, q.marker_end, q.marker_kind = "item", runs[k], kind


def _consecutive(indexes: list[int]) -> list[list[int]]:
    """``indexes`` (sorted) cut into runs of consecutive numbers."""
    out: list[list[int]] = []
    for k in indexes:
        if out and out[-1][-1] == k - 1:
            out[-1].append(k)
        else:
            out.append([k])
    return out


def _mark_headed_bullets(text: str, paragraphs: list[Paragraph], rules: SegmentRules) -> None:
    """In a report with numbered items, bulleted heading lines each over a body of its own
    (``•「我愛晴峰」相片展（1月6日至20日）`` then ``於商場大堂展出……``) are sub-items, one activity
    each, when every line with that bullet is such a heading."""
    if not any(p.role == "item" for p in paragraphs):
        return
    headed: dict[str, list[int]] = {}
    for i, p in enumerate(paragraphs):
        if p.role == "text" and (bullet := _bullet_of(text, p, rules)):
            headed.setdefault(bullet, []).append(i)
    for lines in headed.values():
        if len(lines) < 2 or not all(_is_bullet_heading(text, paragraphs, i, rules) for i in lines):
            continue
        for i in lines:
            p = paragraphs[i]
            marker = rules.bullet_item.match(text[p.start:p.end])
            p.role, p.marker_end, p.marker_kind = "item", p.start + (marker.end() if marker else 0), rules.bullet_kind


def _is_bullet_heading(text: str, paragraphs: list[Paragraph], i: int, rules: SegmentRules) -> bool:
    """True when paragraph ``i`` is a heading line over an unbulleted body paragraph."""
    body = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
    return (body is not None and _heading_shaped(text, paragraphs[i], rules) and body.role == "text"
            and not _is_bullet(text, body, rules) and not _heading_shaped(text, body, rules))


def _mark_listed_bullets(text: str, paragraphs: list[Paragraph], rules: SegmentRules, runs: dict[int, int]) -> None:
    """Long bullets listed under an item that announces them (``Punto 2. Memoria de actividades:``
    or ``II. Actividades realizadas``, then ``– Del 10 al 14 de junio se celebraron …``) are its
    sub-items, one activity each."""
    for i, p in enumerate(paragraphs[:-1]):
        if p.role != "item" or i + 2 not in runs or i + 1 not in runs or not _announces_list(text, p, rules):
            continue
        for k in range(i + 1, len(paragraphs)):
            if k not in runs:
                break
            q = paragraphs[k]
            q.role, q.marker_end, q.marker_kind = "item", runs[k], rules.bullet_kind


def _announces_list(text: str, p: Paragraph, rules: SegmentRules) -> bool:
    """True when the item ``p`` announces a list: it ends with a colon or is a heading naming the
    activities (``II. Actividades realizadas``, ``二、活动开展情况``)."""
    heading = text[p.marker_end:p.end]
    return text[p.end - 1] in ":：" or (len(heading) <= rules.heading_max and not rules.sentence_end.search(heading)
                                       and bool(rules.list_heading.search(heading)))


def _mark_field_blocks(text: str, paragraphs: list[Paragraph], rules: SegmentRules) -> None:
    """A run of labelled field lines whose first label comes back (Fecha: … / Actividad: … /
    Detalle: … / Fecha: …) is a list of blocks: each line with that label opens an item, even a label
    that alone marks page metadata (Fecha:); the other fields are its body."""
    def label(p: Paragraph) -> str | None:
        if p.role not in ("text", "meta", "item"):
            return None
        m = rules.field_line.match(text[p.start:p.end])
        return m.group(0).rstrip(":： \t").lower() if m else None

    labels = [label(p) for p in paragraphs]
    i = 0
    while i < len(paragraphs):
        j = i
        while j < len(paragraphs) and labels[j] is not None:
            j += 1
        run = range(i, j)
        if j - i > 2 and sum(labels[k] == labels[i] for k in run) >= 2:
            for k in run:
                p = paragraphs[k]
                if labels[k] == labels[i]:
                    p.role, p.marker_end, p.marker_kind = "item", p.start, rules.field_block_kind
                else:
                    p.role = "text"
        i = max(j, i + 1)


def _mark_table_rows(text: str, paragraphs: list[Paragraph], rules: SegmentRules) -> None:
    """Consecutive labelled rows of a flattened table (走访慰问：… / 健康义诊：…) are items, one per
    row; a single labelled line (a title, 李家湾村：…) is not, nor one about problems or plans
    (存在问题：… 下一步：…)."""
    rows = [_first_match(rules.table_rows, text[p.start:p.end])
            if p.role == "text" and not rules.closing_section.match(text, p.start) else None for p in paragraphs]
    for i, p in enumerate(paragraphs):
        if (row := rows[i]) and ((i > 0 and rows[i - 1]) or (i + 1 < len(rows) and rows[i + 1])):
            p.role, p.marker_kind = "item", rules.table_row_kind
            p.marker_end = p.start + (row.end("marker") if "marker" in row.re.groupindex else 0)


def title_block(text: str, paragraphs: list[Paragraph], rules: SegmentRules) -> int:
    """Number of leading paragraphs that form the title block (title, subtitle, page metadata)."""
    n = 0
    for i, p in enumerate(paragraphs[: rules.title_max_lines]):
        line = text[p.start:p.end]
        if p.role == "meta":
            n += 1
            continue
        # (a headline may end with an exclamation: 【运动会圆满结束！】)
        inner = _HEADLINE_EXCLAMATION.sub(r"\1", line) if i == 0 else line
        if (p.role != "text" or len(line) > rules.title_max or rules.sentence_end.search(inner)
                or (i > 0 and rules.title_stop.match(line)) or rules.info_field.match(line)):
            break  # (a dated line under the title opens the first entry of a diary: 11月1日（星期二）晴)
        # a headline may hold a comma when the publication line follows it (…，千余名志愿者走上街头)
        headline = i == 0 and len(paragraphs) > 1 and paragraphs[1].role == "meta"
        if rules.title_reject.search(line) and not headline:
            break
        n += 1
    return n


def segment_document(text: str, limit: int, lang: str) -> Layout:
    """The title and the overview/activity segments of ``text[:limit]``."""
    rules = segment_rules(lang)
    paragraphs = split_paragraphs(text, limit)
    if not paragraphs:
        return Layout(None, [])
    classify(text, paragraphs, rules)
    n_title = title_block(text, paragraphs, rules)
    if n_title == 0 and paragraphs[0].role == "section" and len(paragraphs) > 1:
        n_title = 1 if paragraphs[1].role != "section" and _is_short(text, paragraphs[0], rules) else 0
    title = (paragraphs[0].start, paragraphs[0].end) if n_title else None
    body = [p for p in paragraphs[n_title:] if p.role != "meta"]
    if body and rules.sign_off_month.match(text[body[-1].start:body[-1].end]):
        body.pop()  # a report's last line, its month (阳光社区居委会 / 2023年11月), is a sign-off

    blocks = _split_sections(body)
    preamble, sections = blocks[0], blocks[1:]
    if not any(_has_items(b) for b in blocks):
        promote_unnumbered_items(text, preamble, rules)
    elif not sections and (first := _first_rows(preamble, rules)):
        promote_unnumbered_items(text, preamble[:first], rules)  # news paragraphs, then a table of dates
    segments: list[Segment] = []
    if not any(_lists_items(s[1:], text, rules) for s in sections):
        # One report: the preamble introduces it; each section is one activity.
        report_items = _items_of(preamble, text, rules) + [_section_as_item(s) for s in sections]
        intro = _intro_of(preamble)
        segments.extend(_report_segments(1, None, intro, report_items, text, rules))
    else:
        report = volume = 0
        # a preamble without items introduces the first section's report (20××年，我中心… 第一部分 …)
        pending = [] if _has_items(preamble) else [p for p in preamble if p.role == "text"]
        if _has_items(preamble):
            report = volume = 1
            segments.extend(_report_segments(report, None, _intro_of(preamble),
                                             _items_of(preamble, text, rules), text, rules))
        for section in sections:
            report += 1
            head, rest = section[0], section[1:]
            if not (head.opens_part and volume):
                volume += 1
            if _lists_items(rest, text, rules):
                intro = [*pending, head, *_intro_of(rest)]
                found = _report_segments(report, head, intro, _items_of(rest, text, rules), text, rules)
            else:
                # closing remarks end the document: a section that other sections follow keeps all of it
                found = _report_segments(report, None, pending, [_section_as_item(section)], text, rules,
                                         closing=section is sections[-1])
            segments.extend(replace(seg, volume=volume) for seg in found)
            pending = []
    markers = [(p.start, p.marker_end) for p in paragraphs if p.numbered and p.marker_end > p.start]
    return Layout(title, segments, markers)


def promote_unnumbered_items(text: str, paragraphs: list[Paragraph], rules: SegmentRules) -> None:
    """In a report without numbered items, mark the paragraphs that open an activity as items.

    News-style reports describe one activity per paragraph (``5月20日上午，…``, ``El pasado
    sábado 12 de junio …``, a dateline ``Celaya, Gto., 14 de junio de 2021.-``, then
    ``Asimismo, …``), put a short heading line over each (``Minga en el barrio X`` then its
    body) or make each a long bullet (``- Minga de emergencia (domingo 26 de marzo). …``).
    When at least ``min_unnumbered_items`` paragraphs open that way, each starts an activity
    and the paragraphs before the first one are the overview.
    """
    starts: dict[int, int] = {}  # paragraph index -> end of its opening connective (or its start)
    headed: set[int] = set()
    news = rules.news_release is None  # (where a release must say it is one, once it has: 本报讯…)
    long_bullets = _long_bullet_runs(text, paragraphs, rules)
    for i, p in enumerate(paragraphs):
        if p.role != "text" or i - 1 in headed:
            continue  # the body under a heading line belongs to it, even when it opens with a date
        news = news or bool(rules.news_release and rules.news_release.match(text, p.start, p.end))
        if opener := _first_match(rules.activity_openers, text[p.start:p.end]):
            # an opener may mark what is not the activity's name (a dateline): the heading follows it
            starts[i] = _opening_end(p, opener)
            if _is_heading_line(text, paragraphs, i, rules) and not (
                    _has_digit(text[p.start:p.end]) and _opens_with_date(text, paragraphs[i + 1], rules)):
                # a heading line over its body: 端午慰问送温暖 over 6月8日，…; Martes 8/8 over Charla sobre …
                # (a dated line over another dated paragraph is an activity of its own)
                headed.add(i)
        elif i in long_bullets and not rules.not_news.match(text, long_bullets[i]):
            starts[i] = long_bullets[i]  # - Minga de emergencia (domingo 26 de marzo). Desde las 7:00 …
            if _is_heading_line(text, paragraphs, i, rules):
                headed.add(i)  # a long bulleted heading over its body (📍 Colonia Obrera, … (del 12 al 16 de junio))
        elif _is_heading_line(text, paragraphs, i, rules):
            starts[i] = p.start
            headed.add(i)  # its body follows: the next paragraph is not a new activity
        elif starts and (sequel := _first_match(rules.sequence_openers, text[p.start:p.end])):
            starts[i] = p.start + sequel.end()  # Asimismo, … / Por otra parte, … after a first activity
        elif news and starts and i - 1 not in headed and not _is_bullet(text, p, rules) \
                and _is_news_paragraph(text, p, rules):
            starts[i] = p.start  # a further paragraph of a news release that reports figures or dates
    if len(starts) < rules.min_unnumbered_items:
        return
    for i, marker_end in starts.items():
        _mark_unnumbered_item(paragraphs[i], marker_end)


def _opening_end(p: Paragraph, opener: re.Match[str]) -> int:
    """Where the heading of an item opened by ``opener`` starts: after its ``marker`` group (a
    dateline, 问：), else at the paragraph's start."""
    return p.start + (opener.end("marker") if "marker" in opener.re.groupindex else 0)


def _has_digit(line: str) -> bool:
    return any(c.isdigit() for c in line)


def _opens_with_date(text: str, p: Paragraph, rules: SegmentRules) -> bool:
    """True when ``p`` opens with an activity opener that holds a figure (6月8日，…; not 春节前，…)."""
    opener = _first_match(rules.activity_openers, text[p.start:p.end])
    return bool(opener) and _has_digit(opener.group())


def _long_bullet_runs(text: str, paragraphs: list[Paragraph], rules: SegmentRules) -> dict[int, int]:
    """Bullet paragraphs in runs of bullets that are all long, each with the end of its bullet.

    A run with a short bullet lists the details or results of one activity (✅ 38 bolsas …).
    """
    bullets = [rules.bullet_item.match(text[p.start:p.end]) for p in paragraphs]
    out: dict[int, int] = {}
    # a run is one kind of bullet (📌 活动重温： over ▪ items is a heading, not a short bullet of the run)
    for bullet, group in groupby(range(len(paragraphs)), key=lambda k: bullets[k] and bullets[k].group().strip()):
        run = list(group)
        if bullet and all(paragraphs[k].end - paragraphs[k].start >= rules.bullet_item_min for k in run):
            out.update((k, paragraphs[k].start + bullets[k].end()) for k in run)
    return out


def _mark_unnumbered_item(p: Paragraph, marker_end: int) -> None:
    """Make ``p`` an item whose opening words up to ``marker_end`` are not part of its heading."""
    p.role, p.marker_end, p.numbered = "item", marker_end, False


def _is_news_paragraph(text: str, p: Paragraph, rules: SegmentRules) -> bool:
    """A long paragraph that reports figures or dates and does not open with a quotation or an
    information line (Más información, Inscripciones …), nor tells how to get in touch."""
    return (p.end - p.start >= rules.news_paragraph_min and not rules.not_news.match(text, p.start)
            and bool(rules.news_paragraph.search(text, p.start, p.end))
            and not rules.news_contact.search(text, p.start, p.end))


def _is_heading_line(text: str, paragraphs: list[Paragraph], i: int, rules: SegmentRules) -> bool:
    """A short line without a closing mark, followed by a body paragraph that is not one itself."""
    p = paragraphs[i]
    if i + 1 >= len(paragraphs) or not _heading_shaped(text, p, rules) or rules.clause_end.match(text, p.end - 1):
        return False
    if i > 0 and _same_bullets(text, p, paragraphs[i - 1], rules):
        return False  # the last of a list of short bullets (- 80 frazadas / - 45 chamarras), not a heading
    if i > 0 and _is_table_row(text, p) and _is_table_row(text, paragraphs[i - 1]):
        return False  # the last row of a flattened table (中心花园|6个|节气), not a heading
    body = paragraphs[i + 1]
    if rules.info_field.match(text[p.start:p.end]) and rules.info_field.match(text[body.start:body.end]):
        return False  # a run of labelled facts (服务时间：… / 本月概况：…), not a heading over its body
    if text[body.end - 1] in ":：" and rules.info_field.match(text[p.start:p.end]):
        return False  # a credit (主办：…) over the paragraph announcing the list (以下为各场重点：)
    return body.role == "text" and not _heading_shaped(text, body, rules)


def _is_table_row(text: str, p: Paragraph) -> bool:
    """True when ``p`` holds three cells or more separated by bars."""
    return text.count("|", p.start, p.end) >= 2


def _is_bullet(text: str, p: Paragraph, rules: SegmentRules) -> bool:
    return bool(rules.bullet_item.match(text[p.start:p.end]))


def _bullet_of(text: str, p: Paragraph, rules: SegmentRules) -> str | None:
    """The bullet ``p`` opens with (``‧``, ``📅``), or None."""
    m = rules.bullet_item.match(text[p.start:p.end])
    return m.group().strip() if m else None


def _same_bullets(text: str, p: Paragraph, q: Paragraph, rules: SegmentRules) -> bool:
    """True when ``p`` and ``q`` open with the same bullet (a post's 👍 line is no bullet of the 📅 lines)."""
    a = _bullet_of(text, p, rules)
    return a is not None and a == _bullet_of(text, q, rules)


def _heading_shaped(text: str, p: Paragraph, rules: SegmentRules) -> bool:
    """Short and without a sentence end."""
    return p.end - p.start <= rules.heading_max and not rules.sentence_end.search(text, p.start, p.end)


def _split_sections(body: list[Paragraph]) -> list[list[Paragraph]]:
    blocks: list[list[Paragraph]] = [[]]
    for p in body:
        if p.role == "section":
            blocks.append([p])
        else:
            blocks[-1].append(p)
    return blocks


def _has_items(paragraphs: list[Paragraph]) -> bool:
    return any(p.role == "item" for p in paragraphs)


def _first_rows(paragraphs: list[Paragraph], rules: SegmentRules) -> int:
    """Index of the first item when the only items are the rows of a table at the end (0 otherwise)."""
    first = next((i for i, p in enumerate(paragraphs) if p.role == "item"), 0)
    rows = [p for p in paragraphs[first:] if p.role == "item"]
    return first if rows and all(p.marker_kind == rules.table_row_kind for p in rows) else 0


def _lists_items(section: list[Paragraph], text: str, rules: SegmentRules) -> bool:
    """True when the body of a section lists items: numbered ones, or the rows of a table or the
    dated lines that are not the detail of a text above it (講座詳情如下： then a row per session;
    本季派發日期及地點如下： then a dated line per session)."""
    items = [i for i, p in enumerate(section) if p.role == "item"]
    if not items:
        return False
    before = section[:items[0]]
    if all(section[i].marker_kind == rules.table_row_kind for i in items):
        return not _tells_of_activity(text, before, rules)
    # dated lines under a text announcing one activity's sessions (派发日期及地点如下：)
    sessions = before and _announces_sessions(text, before[-1], rules) and all(
        section[i].marker_kind == rules.table_row_kind or _is_session_line(text, section[i], rules) for i in items)
    return not (sessions and _tells_of_activity(text, before, rules))


def _tells_of_activity(text: str, paragraphs: Iterable[Paragraph], rules: SegmentRules) -> bool:
    """True when one of ``paragraphs`` is a text (no table row) long enough to tell of an activity,
    not just announce a list (开展活动如下：)."""
    return any(p.role == "text" and p.end - p.start >= rules.table_detail_min and not _is_table_row(text, p)
               for p in paragraphs)


def _intro_of(paragraphs: list[Paragraph]) -> list[Paragraph]:
    intro = []
    for p in paragraphs:
        if p.role == "item":
            break
        intro.append(p)
    return intro


def _section_as_item(section: list[Paragraph]) -> list[Paragraph]:
    return section


def _items_of(paragraphs: list[Paragraph], text: str, rules: SegmentRules) -> list[list[Paragraph]]:
    """Groups of paragraphs, one per activity: a numbered item with its body, or an unnumbered activity."""
    items: list[list[Paragraph]] = []
    for p in paragraphs:
        if p.role == "item" and items and _awaits_body(text, items[-1], rules):
            items[-1].append(p)  # a post's date line over a labelled body (5月8日 19:47 / 【义诊进社区】5月6日…)
        elif p.role == "item" and items and _details_item(text, items[-1], p, rules):
            items[-1].append(p)  # a table under an item's account of one activity lists its sessions
        elif p.role == "item":
            items.append([p])
        elif not items and rules.post_line.match(text[p.start:p.end]):
            _mark_unnumbered_item(p, p.start)  # the first post of a page, before its labelled ones
            items.append([p])
        elif items:
            current = items[-1]
            # (a table row holds its own body)
            has_body = (len(current) > 1 or not _is_short(text, current[0], rules)
                        or current[0].marker_kind == rules.table_row_kind)
            line = text[p.start:p.end]
            # Whole-paragraph items (Primero, …) go on with Por último, …; an item that has a
            # heading line and a body keeps such a paragraph as part of its body.
            whole = len(current) == 1 and rules.sentence_end.match(text, current[0].end - 1)
            sequel = _first_match(rules.sequence_openers, line) if whole else None
            if sequel:
                _mark_unnumbered_item(p, p.start + sequel.end())
                items.append([p])
            elif _details_item(text, current, p, rules):
                current.append(p)  # a dated line under an item's account of one activity: a session
            elif has_body and not _is_closing_heading(text, current[-1], rules) and (
                    opener := _first_match(rules.activity_openers, line)):
                _mark_unnumbered_item(p, _opening_end(p, opener))
                items.append([p])
            else:
                current.append(p)
    return items


def _details_item(text: str, item: list[Paragraph], row: Paragraph, rules: SegmentRules) -> bool:
    """True when ``row`` is a table row or a short dated line under a numbered item whose text
    tells of one activity (三、疏散演练 / 本次共组织演练4场，安排如下： / 日期｜地点｜人数 / 11月9日｜…;
    四、银发课堂 / 街道开设防诈课堂，共办三期： / 9月8日　第1期：…): the rows are its sessions. Dated
    lines must follow a line announcing sessions (共办三期：, en las siguientes fechas:), not
    activities (开展活动如下：); under a short line that only announces them, rows are activities."""
    head = item[0]
    if not (head.numbered and head.marker_kind != rules.table_row_kind and row.marker_kind != head.marker_kind
            and _tells_of_activity(text, islice(item, 1, None), rules)):
        return False
    if row.marker_kind == rules.table_row_kind:
        return True
    last = item[-1]
    return _is_session_line(text, row, rules) and (
        _is_session_line(text, last, rules) or _announces_sessions(text, last, rules))


def _announces_sessions(text: str, p: Paragraph, rules: SegmentRules) -> bool:
    """True when ``p`` ends announcing the sessions of one activity (共办三期：, 本季派发日期及地点如下：)."""
    # (the announcement ends the paragraph: only its tail is searched, in bounded time)
    return bool(rules.sessions_announced.search(text, max(p.start, p.end - _ANNOUNCEMENT_TAIL), p.end))


def _is_session_line(text: str, p: Paragraph, rules: SegmentRules) -> bool:
    """True for a heading-length line that opens with a date (9月8日　第1期：…; – Lunes 19: colonia …)."""
    start = max(p.start, p.marker_end)
    if bullet := rules.bullet_item.match(text[start:p.end]):
        start += bullet.end()
    return p.end - start <= rules.heading_max and (
        _opens_with_date(text, Paragraph(start, p.end), rules) or bool(rules.session_date.match(text[start:p.end])))


def _awaits_body(text: str, item: list[Paragraph], rules: SegmentRules) -> bool:
    """True for an unnumbered item that is only a date line so far (a post's date and time over its body)."""
    p = item[0]
    return (len(item) == 1 and not p.numbered and p.role == "item" and p.end - p.start <= rules.date_line_max
            and _is_short(text, p, rules))


def _first_match(patterns: list[re.Pattern[str]], line: str) -> re.Match[str] | None:
    return next((m for m in (p.search(line) for p in patterns) if m), None)


def _is_short(text: str, p: Paragraph, rules: SegmentRules) -> bool:
    """True for a heading line (its body follows), false for a paragraph that is complete in itself."""
    if p.end - p.start > rules.heading_max:
        return False
    return not (rules.sentence_closes_paragraph and rules.sentence_end.match(text, p.end - 1))


def _report_segments(report: int, head: Paragraph | None, intro: list[Paragraph],
                     items: list[list[Paragraph]], text: str, rules: SegmentRules,
                     closing: bool = True) -> list[Segment]:
    """The overview and activities of one report (``closing``: closing remarks may end its last item)."""
    segments = []
    if len(items) > 1 and items[0][0].numbered and rules.overview_section.match(_title_of(text, items[0][0])):
        intro, items = [*intro, *items[0]], items[1:]  # 一、基本情况 / 1. Antecedentes: the report's overview
    while len(items) > 1 and items[0][0].numbered and rules.info_field.match(_title_of(text, items[0][0])):
        intro, items = [*intro, *items[0]], items[1:]  # minutes: 一、时间：… 二、地点：… 三、出席人员：…
    intro_text = [p for p in intro if p.role != "section" or p is head]
    has_intro_body = any(p is not head for p in intro_text) or (head and not _is_short(text, head, rules))
    if intro_text and (has_intro_body or not items):
        heading = _heading_of(text, head, rules) if head else None
        if heading is None and intro_text[0].role == "intro" and _is_short(text, intro_text[0], rules):
            heading = (intro_text[0].start, intro_text[0].end)
        segments.append(Segment("overview", report, None, intro_text[0].start, intro_text[-1].end, heading))
    if items and closing:
        items = [*items[:-1], _without_closing(items[-1], text, rules, items[:-1])]
    for n, group in enumerate(activity_groups(items, text, rules), start=1):
        segments.append(Segment("activity", report, n, group[0].start, group[-1].end,
                                _heading_of(text, group[0], rules)))
    return segments


def activity_groups(groups: list[list[Paragraph]], text: str, rules: SegmentRules) -> list[list[Paragraph]]:
    """The item groups that describe activities.

    Dropped: a section on problems or plans (``二、存在的问题``, ``三、下一步工作打算``,
    ``Próximos pasos``) with the sub-items under it, and a bare heading that only groups the
    sub-items after it (``一、深化环境整治`` then ``（一）…（二）…``): those sub-items are the records.
    """
    kept: list[list[Paragraph]] = []
    grouping_kinds: set[int] = set()  # marker kinds of the headings that only group sub-items
    skipping = None  # marker kind of the closing section being skipped
    announced = None  # marker kind of a list of what is to come, under a heading of plans
    for i, group in enumerate(groups):
        head = group[0]
        if announced is not None and head.marker_kind == announced:
            continue
        announced = None
        if skipping is None and kept and kept[-1] is groups[i - 1] and len(kept[-1]) > 1 and _is_closing_heading(
                text, kept[-1][-1], rules):
            # an unnumbered heading of plans at the end of an item opens a list of what is to come
            # (Próximas actividades (junio) then - Sábado 8 de junio: …): none of it is a record
            kept[-1] = kept[-1][:-1]
            announced = head.marker_kind
            continue
        if skipping is not None:
            if head.marker_kind != skipping or not head.numbered:
                continue
            skipping = None
        title = _title_of(text, head)
        if bullet := rules.bullet_item.match(title):
            title = title[bullet.end():]  # ⚠️ 贴心提醒
        if closing := rules.closing_section.match(title):
            if head.numbered:
                skipping = head.marker_kind
                continue
            if _heading_shaped(text, head, rules) or head.marker_end > head.start:
                continue  # an unnumbered heading line over problems, thanks or contacts (or 问：下一步…？)
            if title[closing.end():].lstrip()[:1] in (":", "："):
                continue  # a labelled closing paragraph (Observaciones: para el próximo trimestre …)
        following = groups[i + 1][0] if i + 1 < len(groups) else None
        bare = all(_heading_shaped(text, p, rules) for p in group[1:])  # at most a table's header row
        # (a following marker of a grouping heading before is a return to the upper level, not a
        # sub-item: 二、重点活动 / 1｜… 7｜… then 三、…)
        deeper = following is not None and following.marker_kind not in grouping_kinds
        # (the last of a run of one-line rows is a row too: - 4 feb. / vereda … / 112 kits, then a) …)
        row = bool(kept) and kept[-1] is groups[i - 1] and len(kept[-1]) == 1 \
            and kept[-1][0].marker_kind == head.marker_kind and not _announces_list(text, head, rules)
        if (bare and head.numbered and deeper and not row and following.numbered
                and following.marker_kind != head.marker_kind and _is_short(text, head, rules)
                and not rules.sentence_end.match(text, head.end - 1)):
            grouping_kinds.add(head.marker_kind)
            continue
        kept.append(group)
    return kept


def _title_of(text: str, p: Paragraph) -> str:
    """The line of ``p`` after its marker."""
    return text[max(p.start, p.marker_end):p.end].lstrip(" \t|｜:：.、,，-–—【[")


def _without_closing(group: list[Paragraph], text: str, rules: SegmentRules,
                     earlier: list[list[Paragraph]]) -> list[Paragraph]:
    """The last item of a report: its heading and one body paragraph (or its run of field lines:
    日期：… 人數：… 內容：…, and the body under them when the earlier items have one), then the
    bullets of the kind the earlier items' bodies list their results with (‧ 共有義工856名…), the
    table rows or dated lines its text announces with the line summing them up, and the
    paragraphs up to a later one that goes on with figures (此外，…共42人); the rest is closing
    remarks."""
    keep = 2 if _is_heading(text, group[0], rules) else 1

    def is_field(p: Paragraph) -> bool:
        return p.marker_kind != rules.table_row_kind and bool(rules.field_line.match(text[p.start:p.end]))

    while keep < len(group) and is_field(group[keep - 1]) and is_field(group[keep]):
        keep += 1
    # field lines over a body, as in the earlier items (地點：… then 舉辦「滅鼠知多啲」攤位遊戲……)
    if keep < len(group) and is_field(group[keep - 1]) and any(
            is_field(a) and not is_field(b) for g in earlier for a, b in pairwise(g[1:])):
        keep += 1
    listed = {_bullet_of(text, p, rules) for g in earlier for p in g[1:]} - {None}
    while keep < len(group) and _bullet_of(text, group[keep], rules) in listed:
        keep += 1
    # the rows of a table or the dated lines the kept lines open or announce (活动名称 | 场次 | 参与人次,
    # then a row per activity; 各站详情如下： then the table; … en las siguientes fechas: – martes 26 …)
    def is_row(p: Paragraph) -> bool:
        return _is_table_row(text, p) or _is_session_line(text, p, rules)

    while keep < len(group) and is_row(group[keep]) and (
            is_row(group[keep - 1]) or text[group[keep - 1].end - 1] in ":："):
        keep += 1
    if 0 < keep < len(group) and is_row(group[keep - 1]) and rules.rows_total.match(text, group[keep].start):
        keep += 1  # … En total, 348 mujeres recibieron el apoyo.
    # a later paragraph that goes on telling of the activity with its figures (此外，社区还……共42人;
    # Además, …) keeps those before it
    # (never past a heading of closing remarks: Lo que viene / En agosto el programa continúa …)
    end = next((i for i in range(keep, len(group)) if _is_closing_heading(text, group[i], rules)), len(group))
    sequels = [i for i in range(keep, end) if _has_digit(text[group[i].start:group[i].end]) and (
        rules.item_sequel.match(text, group[i].start) or _opens_with_date(text, group[i], rules))]
    if sequels:
        keep = sequels[-1] + 1
    return group[:keep]


def _is_closing_heading(text: str, p: Paragraph, rules: SegmentRules) -> bool:
    """True for a heading line over closing remarks or plans (Lo que viene, 下一步工作打算)."""
    return _is_short(text, p, rules) and bool(rules.closing_section.match(_title_of(text, p)))


def _is_heading(text: str, p: Paragraph, rules: SegmentRules) -> bool:
    """True when ``p`` heads a body that follows: a short numbered line (Spanish ones may end
    with a period), or a short unnumbered line that is not a sentence of its own."""
    if p.marker_kind == rules.table_row_kind:
        return False  # a table row holds its own body
    return _is_short(text, p, rules) and (p.numbered or not rules.sentence_end.match(text, p.end - 1))


def _heading_of(text: str, p: Paragraph, rules: SegmentRules) -> tuple[int, int] | None:
    """Heading of a record opened by ``p``: the line without its marker, or its first sentence."""
    start = max(p.start, p.marker_end)
    while start < p.end and text[start] in " \t|｜:：.、,，-–—【":
        start += 1
    if bullet := rules.bullet_item.match(text[start:p.end]):
        start += bullet.end()  # 📅 14 de marzo: the date names it
    if start >= p.end:
        return (p.start, p.end)
    end = p.end
    if p.marker_kind == rules.table_row_kind and (label_end := _LABEL_END.search(text, start, end)):
        end = label_end.start()  # a table row: its label names it
    elif not _heading_shaped(text, p, rules) and (label := _item_label(text, start, end, rules)):
        end = label  # a labelled item: （一）环境整治：一季度共清理楼道杂物80余处…
    # an unnumbered activity: its opening phrase names it (a heading line is a name as a whole)
    if (p.role == "text" or not p.numbered) and not _heading_shaped(text, p, rules):
        c = rules.clause_end.search(text, start, end)
        end = c.start() if c else end
    m = rules.sentence_end.search(text, start, end)
    if m:
        end = m.start()
    if end - start > rules.heading_max:
        c = rules.clause_end.search(text, start, end)
        end = c.start() if c else start + rules.heading_max
    while end > start and text[end - 1] in " .。:：;；,，】|｜":
        end -= 1
    return (start, end) if end > start else (p.start, p.end)


def _item_label(text: str, start: int, end: int, rules: SegmentRules) -> int | None:
    """End of a short label closed by a colon at ``start`` (环境整治：…), if the line opens with one."""
    colon = _LABEL_COLON.search(text, start, min(end, start + rules.heading_max // 2))
    if (colon is None or text[start].isdigit() or rules.clause_end.search(text, start, colon.start())
            or rules.sentence_end.search(text, start, colon.start())):
        return None  # (a date before a colon opens the text, it names nothing: 14 de septiembre: …)
    return colon.start()


@Language.factory("extractor_segment", default_config={"lang": "zh"})
def make_segmenter(nlp: Language, name: str, lang: str) -> Segmenter:
    """spaCy factory for the segmentation stage."""
    return Segmenter(lang)


class Segmenter:
    """Pipeline component: sets ``doc._.layout`` (title and record segments)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        segment_rules(lang)

    def __call__(self, doc: Doc) -> Doc:
        norm = doc._.norm
        text = doc_text(doc)
        limit = norm.boilerplate_start if norm is not None else len(text)
        doc._.layout = segment_document(text, limit, self.lang)
        return doc
