"""Report: a self-contained HTML summary of the JSON-lines output of ``extractor batch``.

Documents and records by language, records per activity type, the communities
with the most records, people reached per activity type, a timeline of dated
records, a sortable and filterable table of all records, and the error lines.
Charts are drawn by matplotlib's SVG backend (imported lazily) and inlined.
"""

from __future__ import annotations

import io
import json
import re
import warnings
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from html import escape
from pathlib import Path

from .errors import MissingFileError

LOWER_BOUND = ("more_than", "at_least")  # qualifiers that make a sum a lower bound
TOP_COMMUNITIES = 15
MAX_TIMELINE_ROWS = 25  # more documents than this: one timeline row per language
_TIMEX = re.compile(r"(\d{4}|X{4})(?:-(\d{2}|XX)(?:-(\d{2}|XX))?)?")


def read_batch_output(path: str | Path) -> list[dict]:
    """The lines of a batch output, one dict each; unreadable lines become error lines."""
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MissingFileError(f"{p}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MissingFileError(f"{p}: cannot be read ({exc})") from None
    lines = []
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            item = {"source": f"{p}:{number}", "error": {"type": "JSONDecodeError", "message": str(exc)}}
        if not isinstance(item, dict):
            item = {"source": f"{p}:{number}", "error": {"type": "BadLine", "message": "not a JSON object"}}
        lines.append(item)
    return lines


@dataclass
class PeopleReached:
    """People counted in the records of one activity type."""

    total: float = 0
    records: int = 0
    lower_bound: bool = False
    approximate: bool = False


@dataclass
class BatchStats:
    """The numbers shown in the report."""

    documents: Counter = field(default_factory=Counter)  # language -> documents
    records: Counter = field(default_factory=Counter)  # language -> records
    types: Counter = field(default_factory=Counter)  # activity type -> records
    communities: Counter = field(default_factory=Counter)  # community name -> records
    masked_communities: int = 0  # records naming a masked community (not ranked)
    people: dict[str, PeopleReached] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)


def documents_of(lines: Iterable[dict]) -> list[dict]:
    """The lines that are documents (not error lines)."""
    return [line for line in lines if "error" not in line]


def people_in(record: dict) -> PeopleReached | None:
    """The sum of a record's ``people`` counts, or None when it has none.

    >>> people_in({"counts": [{"value": 30, "category": "people", "approx": "more_than"},
    ...                       {"value": 5, "category": "people"}, {"value": 9, "category": "items"}]})
    PeopleReached(total=35, records=1, lower_bound=True, approximate=False)
    """
    counts = [c for c in record.get("counts") or [] if c.get("category") == "people"]
    if not counts:
        return None
    return PeopleReached(
        total=sum(v for c in counts if isinstance(v := c.get("value"), int | float)),
        records=1,
        lower_bound=any(c.get("approx") in LOWER_BOUND for c in counts),
        approximate=any(c.get("approx") and c.get("approx") not in LOWER_BOUND for c in counts))


def summarize_batch(lines: Iterable[dict]) -> BatchStats:
    """Count documents, records, types, communities and people over the batch lines."""
    stats = BatchStats()
    for line in lines:
        if "error" in line:
            stats.errors.append(line)
            continue
        lang = line.get("language") or "?"
        stats.documents[lang] += 1
        for record in line.get("records") or []:
            stats.records[lang] += 1
            types = record.get("activity_types") or []
            stats.types.update(types)
            names = {c.get("name") for c in record.get("communities") or [] if not c.get("masked")}
            stats.communities.update(n for n in names if n)
            stats.masked_communities += any(c.get("masked") for c in record.get("communities") or [])
            people = people_in(record)
            for name in types if people else []:
                reached = stats.people.setdefault(name, PeopleReached())
                reached.total += people.total
                reached.records += 1
                reached.lower_bound |= people.lower_bound
                reached.approximate |= people.approximate
    return stats


def parse_timex(value: str | None) -> tuple[int | None, int | None, int | None] | None:
    """Year, month and day of a TIMEX3-style value (None where unknown or masked).

    >>> parse_timex("XXXX-03-17"), parse_timex("2016-03"), parse_timex("nonsense")
    ((None, 3, 17), (2016, 3, None), None)
    """
    m = _TIMEX.fullmatch(value or "")
    if not m:
        return None
    year, month, day = (int(g) if g and g.isdigit() else None for g in m.groups())
    if month is not None and not 1 <= month <= 12:
        return None
    return year, month, day


@dataclass
class TimelinePoint:
    """One dated record on the timeline."""

    row: str
    start: date
    end: date | None
    year_known: bool


def _as_date(year: int | None, month: int | None, day: int | None) -> date | None:
    try:
        return date(year or 2000, month or 1, day or 1)
    except ValueError:
        return None


def place_date(mention: dict) -> tuple[date, date | None, bool] | str:
    """Start, end and whether the year is known, for one date mention; or why it cannot be placed.

    An unknown year is placed in the year 2000 (the chart shows only its month).

    >>> place_date({"start": "XXXX-03-17", "end": "XXXX-03-26"})
    (datetime.date(2000, 3, 17), datetime.date(2000, 3, 26), False)
    >>> place_date({"start": None, "rrule": "FREQ=YEARLY;BYMONTH=3"})
    'recurring'
    """
    if mention.get("rrule"):
        return "recurring"
    start = parse_timex(mention.get("start"))
    if not start:
        return "unreadable"
    year, month, day = start
    if year is None and month is None:
        return "no year or month"
    first = _as_date(year, month, day)
    if first is None:
        return "unreadable"
    end = parse_timex(mention.get("end"))
    # an unknown start year is not mixed with a known end year: the range keeps the start's year
    last = _as_date(end[0] if year else first.year, end[1] or first.month, end[2]) if end else None
    return first, (last if last and last > first else None), year is not None


def timeline_points(lines: Iterable[dict]) -> tuple[list[TimelinePoint], Counter]:
    """Dates of every record placed on a calendar, and how many could not be placed, by reason.

    Rows are documents, or languages when there are many documents.
    """
    docs = documents_of(lines)
    by_document = len(docs) <= MAX_TIMELINE_ROWS
    points, skipped = [], Counter()
    for doc in docs:
        row = _stem(doc.get("source")) if by_document else doc.get("language") or "?"
        for record in doc.get("records") or []:
            for mention in record.get("dates") or []:
                placed = place_date(mention)
                if isinstance(placed, str):
                    skipped[placed] += 1
                else:
                    points.append(TimelinePoint(row, *placed))
    return points, skipped


# ---------------------------------------------------------------- charts (matplotlib, SVG backend)

def _font_families(texts: Iterable[str]) -> list[str]:
    """The default sans-serif font, then system fonts that have most non-Latin characters of ``texts``."""
    from matplotlib import rcParams

    needed = {c for t in texts for c in t if ord(c) > 0x2FF}
    covering = [name for name, font in _system_fonts()
                if sum(bool(font.get_char_index(ord(c))) for c in needed) > len(needed) // 2] if needed else []
    return [rcParams["font.sans-serif"][0], *covering]


@cache
def _system_fonts() -> list[tuple[str, object]]:
    """One loaded font per family installed on the system.

    Fonts bundled with matplotlib are left out: the browser that shows the SVG does not have them.
    """
    from matplotlib import font_manager, ft2font, get_data_path

    bundled, fonts, seen = str(Path(get_data_path()).resolve()), [], set()
    for entry in font_manager.fontManager.ttflist:
        if entry.name in seen or str(Path(entry.fname).resolve()).startswith(bundled):
            continue
        seen.add(entry.name)
        try:
            fonts.append((entry.name, ft2font.FT2Font(entry.fname)))
        except (OSError, RuntimeError, ValueError):
            continue
    return fonts


def _svg(fig) -> str:
    """The figure as an inline ``<svg>`` element that scales to its container."""
    buf = io.StringIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from")
        fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    return re.sub(r'^<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 class="chart"', svg, count=1)


def _figure(width: float, height: float):
    """A matplotlib figure drawn by the SVG backend (no display, no global backend switch)."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasSVG(fig)
    return fig


def _chart_context(texts: Iterable[str], salt: str):
    import matplotlib

    return matplotlib.rc_context({
        "svg.fonttype": "none", "svg.hashsalt": salt, "font.size": 9,
        "font.family": "sans-serif", "font.sans-serif": _font_families(texts),
        "axes.spines.top": False, "axes.spines.right": False, "axes.titlesize": 10,
    })


def barh_chart(labels: list[str], values: list[float], salt: str,
               hatched: list[bool] | None = None, value_labels: list[str] | None = None) -> str:
    """A horizontal bar chart (largest on top) as inline SVG."""
    from matplotlib.ticker import MaxNLocator

    with _chart_context(labels, salt):
        fig = _figure(6.4, 0.6 + 0.28 * max(len(labels), 1))
        ax = fig.subplots()
        positions = list(range(len(labels)))[::-1]
        bars = ax.barh(positions, values, color="#4c78a8", height=0.7)
        for bar, hatch in zip(bars, hatched or [], strict=False):
            if hatch:
                bar.set_hatch("///")
                bar.set_facecolor("#9ecae1")
        ax.set_yticks(positions, labels, parse_math=False)
        ax.bar_label(bars, labels=value_labels or [_num(v) for v in values], padding=3, fontsize=8)
        ax.margins(x=0.15)
        ax.tick_params(axis="y", length=0)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        return _svg(fig)


def language_chart(stats: BatchStats, salt: str) -> str:
    """Documents and records per language, side by side."""
    from matplotlib.ticker import MaxNLocator

    langs = sorted(stats.documents)
    with _chart_context(langs, salt):
        fig = _figure(6.4, 0.9 + 0.45 * len(langs))
        axes = fig.subplots(1, 2, sharey=True)
        positions = list(range(len(langs)))[::-1]
        for ax, counter, name, colour in ((axes[0], stats.documents, "documents", "#4c78a8"),
                                          (axes[1], stats.records, "records", "#f58518")):
            bars = ax.barh(positions, [counter[lang] for lang in langs], color=colour, height=0.6)
            ax.bar_label(bars, padding=3, fontsize=8)
            ax.set_title(name, loc="left")
            ax.margins(x=0.2)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        axes[0].set_yticks(positions, langs, parse_math=False)
        return _svg(fig)


def timeline_chart(points: list[TimelinePoint], salt: str) -> str:
    """Dated records per row: one panel on the calendar, one on a month-of-year axis for unknown years."""
    from matplotlib import dates as mdates

    panels = [(True, "dates with a year"), (False, "year unknown or masked: month of year")]
    panels = [(k, t) for k, t in panels if any(p.year_known == k for p in points)]
    rows = sorted({p.row for p in points})
    with _chart_context(rows, salt):
        fig = _figure(11, 0.4 + len(panels) * (0.6 + 0.22 * len(rows)))
        axes = fig.subplots(len(panels), 1, squeeze=False)[:, 0]
        for ax, (known, title) in zip(axes, panels, strict=True):
            chosen = [p for p in points if p.year_known == known]
            y = {row: len(rows) - 1 - i for i, row in enumerate(rows)}
            ranges = [p for p in chosen if p.end]
            if ranges:
                ax.hlines([y[p.row] for p in ranges], [p.start for p in ranges], [p.end for p in ranges],
                          color="#f58518", linewidth=4, alpha=0.6)
            ax.plot([p.start for p in chosen], [y[p.row] for p in chosen], "o", color="#4c78a8",
                    markersize=5, alpha=0.8)
            ax.set_yticks(range(len(rows))[::-1], rows, parse_math=False)
            ax.set_ylim(-0.7, len(rows) - 0.3)
            ax.set_title(title, loc="left")
            ax.grid(axis="x", color="#ddd")
            if known:
                locator = mdates.AutoDateLocator(maxticks=8)
                ax.xaxis.set_major_locator(locator)
                ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
            else:
                ax.set_xlim(date(2000, 1, 1), date(2000, 12, 31))
                ax.xaxis.set_major_locator(mdates.MonthLocator())
                ax.xaxis.set_major_formatter(mdates.DateFormatter("%b"))
        fig.tight_layout()
        return _svg(fig)


# ---------------------------------------------------------------- HTML

def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _people_text(people: PeopleReached) -> str:
    """``≥120`` for a lower bound, ``~120`` for an approximate sum, else ``120``."""
    return ("≥" if people.lower_bound else "~" if people.approximate else "") + _num(people.total)


def _stem(source: str | None) -> str:
    name = (source or "?").replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


def source_link(source: str | None) -> str:
    """A ``file://`` link to the source file (relative paths are taken from the current directory)."""
    if not source:
        return ""
    try:
        uri = Path(source).absolute().as_uri()
    except ValueError:
        return escape(source)
    return f'<a href="{escape(uri)}" title="{escape(source)}">{escape(_stem(source))}</a>'


def _date_text(d: dict) -> str:
    if d.get("rrule"):
        return f"every {d['rrule']}"
    value = d.get("start") or "?"
    return value + (f"→{d['end']}" if d.get("end") else "") + (f" ({d['mod']})" if d.get("mod") else "")


def records_table(lines: list[dict]) -> str:
    """Every record as a table row, with a link to its source file."""
    columns = ["document", "record", "lang", "kind", "heading", "activity types", "dates", "communities",
               "people", "counts"]
    head = "".join(f'<th data-col="{i}" title="click to sort">{escape(c)}</th>'
                   for i, c in enumerate(columns))
    rows = []
    for doc in documents_of(lines):
        link = source_link(doc.get("source"))
        for record in doc.get("records") or []:
            people = people_in(record)
            communities = ", ".join(dict.fromkeys(
                (c.get("name") or "") + (" (masked)" if c.get("masked") else "")
                for c in record.get("communities") or []))
            first_date = next((d.get("start") for d in record.get("dates") or [] if d.get("start")), "")
            cells = [
                (link, _stem(doc.get("source"))),
                (escape(record.get("id") or ""), None),
                (escape(doc.get("language") or ""), None),
                (escape(record.get("kind") or ""), None),
                (escape(record.get("heading") or ""), None),
                ("".join(f'<span class="badge">{escape(t)}</span> '
                         for t in record.get("activity_types") or []), None),
                (escape("; ".join(_date_text(d) for d in record.get("dates") or [])), first_date),
                (escape(communities), None),
                (escape(_people_text(people) if people else ""), _num(people.total) if people else ""),
                (escape(str(len(record.get("counts") or []))), None),
            ]
            rows.append("<tr>" + "".join(
                f'<td data-sort="{escape(str(key))}">{html}</td>' if key is not None else f"<td>{html}</td>"
                for html, key in cells) + "</tr>")
    return (f'<table id="records"><thead><tr>{head}</tr></thead>\n<tbody>\n' + "\n".join(rows)
            + "\n</tbody></table>")


def errors_section(errors: list[dict]) -> str:
    """The batch error lines: count and list."""
    if not errors:
        return "<p>No errors.</p>"
    items = "".join(
        f'<li><code>{escape(str(e.get("source") or "?"))}</code>: '
        f'<b>{escape(str((e.get("error") or {}).get("type", "error")))}</b> '
        f'{escape(str((e.get("error") or {}).get("message", e.get("error"))))}</li>' for e in errors)
    return (f'<p class="bad">{len(errors)} document(s) could not be processed.</p>'
            f'<ul class="errors">{items}</ul>')


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="small"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _empty(what: str) -> str:
    return f'<p class="empty">No {escape(what)} in this batch.</p>'


CSS = """
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC","PingFang SC",
 "Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;color:#1d1d1f;background:#f4f5f7}
main{max-width:1240px;margin:0 auto;padding:18px 24px 40px}
h1{font-size:1.5em;margin:.2em 0}
h2{font-size:1.1em;margin:0 0 .4em}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0 16px}
.card{background:#fff;border:1px solid #d9dce1;border-radius:6px;padding:8px 16px;min-width:120px}
.card b{display:block;font-size:1.6em}
.card.bad b{color:#b00}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:14px}
.panel{background:#fff;border:1px solid #d9dce1;border-radius:6px;padding:12px 14px;margin-bottom:14px;
 overflow:auto}
svg.chart{width:100%;height:auto;max-height:560px}
#timeline svg.chart{max-height:none}
.note{color:#666;font-size:.88em}
.empty{color:#888;font-style:italic}
.bad{color:#b00}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border-bottom:1px solid #e3e5e8;padding:3px 6px;text-align:left;vertical-align:top}
table.small{width:auto;margin-top:6px}
#records th{position:sticky;top:0;background:#eef0f3;cursor:pointer;user-select:none;white-space:nowrap}
#records th.asc::after{content:" ▲"}#records th.desc::after{content:" ▼"}
#records tbody tr:hover{background:#f7f9fc}
.badge{display:inline-block;background:#6b7a90;color:#fff;border-radius:9px;padding:0 7px;margin:1px;
 font-size:.9em}
#filter{width:320px;padding:4px 8px;font:inherit;margin:0 8px 8px 0}
ul.errors{font-size:.9em}
"""

SCRIPT = """
(function(){
  var table=document.getElementById("records"), body=table.tBodies[0], heads=table.tHead.rows[0].cells,
      filter=document.getElementById("filter"), shown=document.getElementById("shown"),
      rows=Array.prototype.slice.call(body.rows), number=/^-?\\d+(\\.\\d+)?$/;
  function key(row,col){
    var c=row.cells[col];return c.hasAttribute("data-sort")?c.getAttribute("data-sort"):c.textContent;
  }
  function update(){
    var q=filter.value.toLowerCase(), n=0;
    rows.forEach(function(r){var ok=!q||r.textContent.toLowerCase().indexOf(q)>=0;r.hidden=!ok;if(ok)n++;});
    shown.textContent=n+" of "+rows.length+" records shown";
  }
  function sortBy(th,asc){
    var col=+th.getAttribute("data-col");
    Array.prototype.forEach.call(heads,function(h){h.classList.remove("asc","desc");});
    th.classList.add(asc?"asc":"desc");
    rows.sort(function(a,b){  // empty cells last, numbers as numbers, the rest as text
      var x=key(a,col), y=key(b,col);
      if(x===""||y==="") return (x==="")-(y==="");
      var r=number.test(x)&&number.test(y)?x-y:x.localeCompare(y);
      return asc?r:-r;
    });
    rows.forEach(function(r){body.appendChild(r);});
  }
  Array.prototype.forEach.call(heads,function(th){
    th.addEventListener("click",function(){sortBy(th,!th.classList.contains("asc"));});
  });
  filter.addEventListener("input",update);
  // REPORT.html#q=text&sort=3 (or sort=-3 for descending) opens the table filtered and sorted
  var q=/[#&]q=([^&]*)/.exec(location.hash), s=/[#&]sort=(-?)(\\d+)/.exec(location.hash);
  if(q){try{filter.value=decodeURIComponent(q[1]);}catch(e){filter.value=q[1];}}
  if(s&&heads[+s[2]]) sortBy(heads[+s[2]],!s[1]);
  update();
})();
"""


def render_report_html(lines: list[dict]) -> str:
    """A self-contained HTML page summarizing the batch ``lines`` (see :func:`read_batch_output`)."""
    stats = summarize_batch(lines)
    n_docs, n_records = sum(stats.documents.values()), sum(stats.records.values())
    langs = sorted(stats.documents)
    cards = "".join(
        f'<div class="card{" bad" if bad else ""}"><b>{value}</b>{escape(label)}</div>'
        for value, label, bad in ((n_docs, "documents", False), (n_records, "records", False),
                                  (len(stats.errors), "errors", bool(stats.errors)),
                                  (len(langs), "languages", False)))

    by_lang = _table(["language", "documents", "records"],
                     [[lang, str(stats.documents[lang]), str(stats.records[lang])] for lang in langs])
    lang_html = (language_chart(stats, "languages") + by_lang) if langs else _empty("documents")

    types = stats.types.most_common()
    types_html = (barh_chart([t for t, _ in types], [n for _, n in types], "types") if types
                  else _empty("records"))

    top = stats.communities.most_common(TOP_COMMUNITIES)
    masked_note = (f'<p class="note">{stats.masked_communities} record(s) name a masked community '
                   f'(not ranked).</p>' if stats.masked_communities else "")
    communities_html = (barh_chart([n for n, _ in top], [c for _, c in top], "communities") if top
                        else _empty("communities")) + masked_note

    people = sorted(stats.people.items(), key=lambda kv: -kv[1].total)
    if people:
        labels = [_people_text(p) for _, p in people]
        people_html = barh_chart([t for t, _ in people], [p.total for _, p in people], "people",
                                 hatched=[p.lower_bound for _, p in people], value_labels=labels)
        people_html += _table(["activity type", "people", "records with people counts", "lower bound"],
                              [[t, lab, str(p.records), "yes" if p.lower_bound else ""]
                               for (t, p), lab in zip(people, labels, strict=True)])
        people_html += ('<p class="note">Sum of the <code>people</code> counts of the records of each '
                        'type (a record with several types counts for each). ≥ and hatched bars: lower '
                        'bounds, some counts say “more than” or “at least”; ~: some counts are '
                        'approximate.</p>')
    else:
        people_html = _empty("people counts")

    points, skipped = timeline_points(lines)
    skipped_note = "; ".join(f"{n} {why}" for why, n in sorted(skipped.items()))
    timeline_html = (timeline_chart(points, "timeline") if points else _empty("placeable dates"))
    timeline_html += (f'<p class="note">{len(points)} dates placed (dots; bars are ranges)'
                      + (f"; not placed: {escape(skipped_note)}" if skipped_note else "") + ".</p>")

    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="extractor report">
<title>extractor report · {n_docs} documents</title>
<style>{CSS}</style>
</head>
<body>
<main>
<h1>Batch report</h1>
<div class="cards">{cards}</div>
<div class="grid">
<section class="panel" id="languages"><h2>Documents and records by language</h2>{lang_html}</section>
<section class="panel" id="types"><h2>Records per activity type</h2>{types_html}</section>
<section class="panel" id="communities"><h2>Communities with the most records</h2>{communities_html}</section>
<section class="panel" id="people"><h2>People reached per activity type</h2>{people_html}</section>
</div>
<section class="panel" id="timeline"><h2>Timeline of dated records</h2>{timeline_html}</section>
<section class="panel" id="all-records"><h2>All records</h2>
<input id="filter" type="search" placeholder="filter records (any text; or open REPORT.html#q=text)…"
 aria-label="filter records">
<span id="shown" class="note"></span>
{records_table(lines)}
</section>
<section class="panel" id="errors"><h2>Errors</h2>{errors_section(stats.errors)}</section>
</main>
<script>{SCRIPT}</script>
</body>
</html>
"""
