"""The HTML views: ``render_document_html`` (one document) and ``render_report_html`` (a batch).

Pages are parsed back with ``html.parser`` and compared with what the extractor
returns, never with fixed numbers: one highlight per date, community and count,
the page text equal to the original text, every record drawn, text escaped.
"""

from __future__ import annotations

import doctest
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from extractor import render, report
from extractor.reading import read_file
from extractor.records import CommunityMention, CountMention, DateMention, Document, Evidence, Record
from extractor.render import describe_community, describe_count, describe_date, find_heading, render_document_html
from extractor.report import (
    parse_timex,
    place_date,
    read_batch_output,
    render_report_html,
    summarize_batch,
)

from conftest import SAMPLES, eval_documents

HOSTILE = '<script>alert(1)</script> "quotes" & <b>bold</b>'
VOID = {"meta", "br", "input", "img", "hr", "link", "path", "use", "rect", "circle", "stop", "line"}


class Page(HTMLParser):
    """What the tests look at in a page: elements by class, the document text, titles, scripts."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, set[str], dict]] = []
        self.elements: list[tuple[str, set[str], dict]] = []
        self.text_parts: list[str] = []
        self.mark_text: dict[str, list[str]] = {}
        self.title = ""
        self.scripts: list[str] = []
        self.unbalanced: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        element = (tag, set((attrs.get("class") or "").split()), attrs)
        self.elements.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, set((attrs.get("class") or "").split()), attrs))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.unbalanced.append(tag)
            return
        self.stack.pop()

    def inside(self, cls: str) -> bool:
        return any(cls in classes for _, classes, _ in self.stack)

    def handle_data(self, data):
        tags = [t for t, _, _ in self.stack]
        if tags and tags[-1] == "title":
            self.title += data
        if tags and tags[-1] == "script":
            self.scripts.append(data)
        if self.inside("rec-text") or self.inside("gap"):
            self.text_parts.append(data)
            for tag, _, attrs in self.stack:
                if tag == "mark":
                    self.mark_text.setdefault(attrs["data-span"], []).append(data)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def count(self, tag: str | None = None, cls: str | None = None) -> int:
        return sum(1 for t, classes, _ in self.elements
                   if (tag is None or t == tag) and (cls is None or cls in classes))


def mentions_of(document: Document) -> dict[str, int]:
    return {kind: sum(len(getattr(r, kind)) for r in document.records) for kind in ("dates", "communities", "counts")}


def check_document_page(document: Document, text: str) -> Page:
    """The structure every rendered document page must have."""
    page = Page(render_document_html(document, text))
    assert not page.unbalanced and not page.stack, (page.unbalanced, page.stack[-3:])
    totals = mentions_of(document)
    assert page.count("mark", "hl") == sum(totals.values())
    assert page.count("mark", "hl-date") == totals["dates"]
    assert page.count("mark", "hl-community") == totals["communities"]
    assert page.count("mark", "hl-count") == totals["counts"]
    assert page.count("section", "record") == len(document.records)
    assert page.text.replace("\r\n", "\n") == text.replace("\r\n", "\n")
    assert page.scripts == []
    for span, pieces in page.mark_text.items():
        start, end = map(int, span.split(","))
        assert "".join(pieces).replace("\r\n", "\n") == text[start:end].replace("\r\n", "\n")
    return page


# ---------------------------------------------------------------- one document, made by hand

def _at(text: str, piece: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return start, start + len(piece)


def _document(text: str, dates=(), communities=(), counts=(), heading=None, cues=()) -> Document:
    """One record over ``text`` whose mentions are the given substrings."""
    record = Record(
        id="invented#1.1", kind="activity", report=1, item=1, heading=heading, span=(0, len(text)),
        activity_types=["publicity", "children_youth"],
        type_evidence={"publicity": [Evidence(text=c, span=_at(text, c)) for c in cues]},
        dates=[DateMention(text=d, span=_at(text, d), start="XXXX-05-04") for d in dates],
        communities=[CommunityMention(text=c, span=_at(text, c), name=c, masked="××" in c) for c in communities],
        counts=[CountMention(text=c, span=_at(text, c), value=12, category="people") for c in counts],
    )
    return Document(source="invented.txt", language="zh-Hans", title="<i>title</i>", records=[record])


LAYOUTS = [  # text, dates, communities, counts, heading, cue words
    ("5月4日在青松社区组织12人宣传", ["5月4日"], ["青松社区"], ["12人"], None, ["宣传"]),
    # a date that contains a community, a count that crosses a cue word, a heading over a date
    ("一、5月4日青松社区活动 志愿者12人宣传", ["5月4日青松社区"], ["青松社区"], ["12人宣"], "5月4日青松社区活动",
     ["人宣传"]),
    # two mentions over the same characters
    ("在××村开展", [], ["××村"], ["××村开"], None, []),
    ("", [], [], [], None, []),
    (HOSTILE + " 12 personas", ["<script>"], ['"quotes" & <b>'], ["12 personas"], None, ["alert(1)"]),
]


@pytest.mark.parametrize(("text", "dates", "communities", "counts", "heading", "cues"), LAYOUTS)
def test_marks_nest_split_and_count_once(text, dates, communities, counts, heading, cues):
    document = _document(text, dates, communities, counts, heading, cues)
    page = check_document_page(document, text)
    assert page.count(cls="cue") >= len(cues)
    assert page.count(cls="heading") == (1 if heading else 0)
    assert page.count("mark", "masked") == sum("××" in c for c in communities)


def test_text_outside_records_is_shown_and_whitespace_gaps_are_quiet():
    text = "Title line\n\n1. first item 3 personas\n\n2. second item\n\nclosing words"
    first, second = _at(text, "1. first item 3 personas"), _at(text, "2. second item")
    records = [Record(id=f"t#1.{i}", kind="activity", report=1, item=i, span=span,
                      counts=[CountMention(text="3 personas", span=_at(text, "3 personas"), value=3)] if i == 1 else [])
               for i, span in ((1, first), (2, second))]
    page = check_document_page(Document(language="es", records=records), text)
    assert page.count("section", "outside") == 2  # the title and the closing words
    assert page.count("div", "gap") == 3  # the whitespace around and between records


def test_hostile_text_is_escaped():
    text = f"Informe\n1. {HOSTILE} en la colonia Las Brisas con 12 personas.\n"
    document = _document(text, communities=["<b>bold</b>"])
    document.records[0].communities[0].romanized = '"><script>alert(2)</script>'
    html = render_document_html(document, text)
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp;" in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<i>" not in html  # the title
    check_document_page(document, text)


@pytest.mark.parametrize(("mention", "describe", "expected"), [
    (DateMention(text="x", span=(0, 1), start="XXXX-05-04"), describe_date, "XXXX-05-04"),
    (DateMention(text="x", span=(0, 1), start="2019-05-04", end="2019-05-09"), describe_date,
     "2019-05-04 → 2019-05-09"),
    (DateMention(text="x", span=(0, 1), start="XXXX-05", mod="END"), describe_date, "XXXX-05 (END)"),
    (DateMention(text="x", span=(0, 1), rrule="FREQ=YEARLY;BYMONTH=5"), describe_date, "every FREQ=YEARLY;BYMONTH=5"),
    (CountMention(text="x", span=(0, 1), value=350.0, approx="more_than", category="items"), describe_count,
     "350 (more than) items"),
    (CountMention(text="x", span=(0, 1), value=2.5, unit="吨", category="other"), describe_count,
     "2.5 other\nunit: 吨"),
    (CommunityMention(text="x", span=(0, 1), name="青松社区", romanized="Qingsong Shequ"), describe_community,
     "青松社区 / Qingsong Shequ"),
    (CommunityMention(text="x", span=(0, 1), name="××村", kind="village", masked=True), describe_community,
     "××村\nvillage\nmasked name"),
])
def test_hover_text(mention, describe, expected):
    assert describe(mention) == expected


@pytest.mark.parametrize(("text", "heading", "expected"), [
    ("1、青松社区活动总结\n正文", "青松社区活动总结", "青松社区活动总结"),
    ("1、活(huó)動總結\n正文", "活動總結", "活(huó)動總結"),  # pinyin notes are not in the heading
    ("1、完全不同的文字", "另一个标题", None),
])
def test_find_heading(text, heading, expected):
    record = Record(id="t#1", kind="activity", report=1, heading=heading, span=(0, len(text)))
    found = find_heading(record, text)
    assert (text[found[0]:found[1]] if found else None) == expected


def test_doctests():
    for module in (render, report):
        assert doctest.testmod(module).failed == 0


# ---------------------------------------------------------------- the eval documents

DOCUMENTS = eval_documents() or sorted(SAMPLES.glob("*.txt"))


@pytest.mark.parametrize("path", eval_documents(), ids=lambda p: p.stem)
def test_render_eval_document(extractor, path):
    text = read_file(path).text
    document = extractor.extract(text, source=str(path))
    page = check_document_page(document, text)
    assert page.title == f"extractor · {path.name}"


# ---------------------------------------------------------------- the batch report

def _line(language: str, *records: dict, source: str = "docs/invented.txt") -> dict:
    return {"source": source, "language": language, "title": None, "warnings": [],
            "records": [{"id": f"invented#{i}", "kind": "activity", "report": 1, "item": i, "span": [0, 1],
                         "heading": None, "dates": [], "communities": [], "counts": [], **r}
                        for i, r in enumerate(records, 1)]}


def _people(value, approx=None, category="people"):
    return {"text": "x", "span": [0, 1], "value": value, "approx": approx, "category": category}


def _community(name, masked=False):
    return {"text": name, "span": [0, 1], "name": name, "masked": masked}


def test_summarize_batch():
    lines = [
        _line("es",
              {"activity_types": ["publicity", "children_youth"], "counts": [_people(40, "more_than"), _people(5)],
               "communities": [_community("Las Brisas"), _community("Las Brisas")]},
              {"activity_types": ["publicity"], "counts": [_people(10, "about"), _people(99, category="items")],
               "communities": [_community("Las Brisas"), _community("XX", masked=True)]},
              {"activity_types": ["health_service"], "communities": [_community("El Mirador")]}),
        _line("zh-Hans", {"activity_types": ["children_youth"], "counts": [_people(7)]}),
        _line("zh-Hans", {"activity_types": []}),
        {"source": "broken.txt", "error": {"type": "DecodingError", "message": "cannot decode"}},
    ]
    stats = summarize_batch(lines)
    assert stats.documents == {"es": 1, "zh-Hans": 2}
    assert stats.records == {"es": 3, "zh-Hans": 2}
    # an untyped overview counts for no type
    assert stats.types == {"publicity": 2, "children_youth": 2, "health_service": 1}
    assert stats.communities.most_common() == [("Las Brisas", 2), ("El Mirador", 1)]
    assert stats.masked_communities == 1
    people = {t: (p.total, p.records, p.lower_bound, p.approximate) for t, p in stats.people.items()}
    assert people == {"publicity": (55, 2, True, True), "children_youth": (52, 2, True, False)}
    assert [e["source"] for e in stats.errors] == ["broken.txt"]


@pytest.mark.parametrize(("value", "expected"), [
    ("2019-05-04", (2019, 5, 4)), ("XXXX-05-04", (None, 5, 4)), ("XXXX-05-XX", (None, 5, None)),
    ("2019", (2019, None, None)), ("XXXX", (None, None, None)), ("2019-13", None), ("May", None), (None, None),
])
def test_parse_timex(value, expected):
    assert parse_timex(value) == expected


@pytest.mark.parametrize(("mention", "expected"), [
    ({"start": "2019-05-04"}, ("2019-05-04", None, True)),
    ({"start": "2019-05-04", "end": "2019-05-09"}, ("2019-05-04", "2019-05-09", True)),
    ({"start": "XXXX-05-04", "end": "XXXX-05-09"}, ("2000-05-04", "2000-05-09", False)),
    ({"start": "XXXX-05-04", "end": "2019-06-01"}, ("2000-05-04", "2000-06-01", False)),
    ({"start": "2019-05", "mod": "END"}, ("2019-05-01", None, True)),
    ({"start": "XXXX-02-30"}, "unreadable"),
    ({"start": "XXXX"}, "no year or month"),
    ({"start": None, "rrule": "FREQ=YEARLY;BYMONTH=5"}, "recurring"),
])
def test_place_date(mention, expected):
    placed = place_date(mention)
    if isinstance(placed, tuple):
        placed = (placed[0].isoformat(), placed[1] and placed[1].isoformat(), placed[2])
    assert placed == expected


def test_read_batch_output(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_text(json.dumps(_line("es", {})) + "\n\n{not json\n[1, 2]\n"
                    + json.dumps({"source": "a.txt", "error": {"type": "X", "message": "m"}}) + "\n", encoding="utf-8")
    lines = read_batch_output(path)
    assert len(lines) == 4
    assert ["error" in line for line in lines] == [False, True, True, True]
    assert lines[1]["source"].endswith(":3")


def write_batch(path: Path, extractor, documents: list[Path]) -> list[dict]:
    """A batch output made from ``documents``, a hostile document and an error line."""
    lines = [json.loads(extractor.extract_file(p).model_dump_json()) for p in documents]
    hostile = path.parent / "hostile.txt"
    hostile.write_text(f"{HOSTILE}\n1、{HOSTILE} 在青松社区组织12人宣传\n2、另一项活动\n", encoding="utf-8")
    lines.append(json.loads(extractor.extract_file(hostile).model_dump_json()))
    lines.append({"source": str(path.parent / "<script>alert(3)</script>.txt"),
                  "error": {"type": "DecodingError", "message": 'cannot decode "x" & <b>'}})
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return lines


def check_report_page(html: str, lines: list[dict]) -> Page:
    """The structure every report page must have."""
    page = Page(html)
    assert not page.unbalanced and not page.stack
    documents = [line for line in lines if "error" not in line]
    errors = [line for line in lines if "error" in line]
    records = sum(len(d["records"]) for d in documents)
    assert page.title == f"extractor report · {len(documents)} documents"
    table = html[html.index('<table id="records">'):].split("</table>", 1)[0]
    assert table.count("<tr>") - 1 == records
    links = [attrs["href"] for tag, _, attrs in page.elements if tag == "a"]
    assert len(links) == records and all(href.startswith("file://") for href in links)
    assert len(page.scripts) == 1 and "alert" not in page.scripts[0]
    assert "<script>alert" not in html
    assert html.count("<li>") == len(errors)
    return page


def test_report_of_eval_batch(tmp_path, extractor):
    out = tmp_path / "out.jsonl"
    lines = write_batch(out, extractor, DOCUMENTS)
    read = read_batch_output(out)
    assert read == lines
    html = render_report_html(read)
    page = check_report_page(html, read)
    assert page.count("svg", "chart") >= 2  # languages and activity types at least
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html
    assert "cannot decode &quot;x&quot; &amp; &lt;b&gt;" in html or "cannot decode \"x\" &amp; &lt;b&gt;" in html


def test_report_of_errors_only():
    lines = [{"source": "a.txt", "error": {"type": "EmptyInputError", "message": "empty input"}}]
    html = render_report_html(lines)
    page = check_report_page(html, lines)
    assert page.count("svg") == 0
    assert "1 document(s) could not be processed" in html


def test_report_charts_are_matplotlib_svg():
    lines = [_line("zh-Hans", {"activity_types": ["publicity"], "counts": [_people(12, "at_least")],
                               "communities": [_community("青松社区")], "dates": [
                                   {"text": "x", "span": [0, 1], "start": "XXXX-05-04", "end": None}]})]
    html = render_report_html(lines)
    assert html.count('<svg xmlns:xlink="http://www.w3.org/1999/xlink" class="chart"') == 5
    assert "Matplotlib" in html  # the generator named in each SVG's metadata
    assert "≥12" in html and "青松社区" in html


def test_spans_past_the_end_are_clipped():
    text = "Informe breve con 7 personas"
    record = Record(id="t#1", kind="activity", report=1, span=(0, len(text) + 10),
                    counts=[CountMention(text="7 personas", span=(len(text) - 10, len(text) + 4), value=7)],
                    dates=[DateMention(text="", span=(len(text) + 3, len(text) + 3), start="XXXX")])
    page = Page(render_document_html(Document(language="es", records=[record]), text))
    assert not page.unbalanced and page.count("mark", "hl") == 2
    assert page.text == text


def test_cli_writes_both_pages(tmp_path):
    import subprocess
    import sys

    exe = Path(sys.executable).parent / "extractor"
    sample = SAMPLES / "es_dia-trabajo-social.txt"
    page, batch, summary = tmp_path / "page.html", tmp_path / "out.jsonl", tmp_path / "report.html"
    batch.write_text(json.dumps(_line("es", {"activity_types": ["publicity"]}, source=str(sample))) + "\n"
                     + json.dumps({"source": "gone.txt", "error": {"type": "MissingFileError", "message": "gone"}})
                     + "\n", encoding="utf-8")
    for args, out in ((["render", str(sample), "--html", str(page)], page),
                      (["report", str(batch), "--html", str(summary)], summary)):
        proc = subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert Page(summary.read_text(encoding="utf-8")).title == "extractor report · 1 documents"
    proc = subprocess.run([str(exe), "report", str(tmp_path / "missing.jsonl"), "--html", str(summary)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stderr.startswith("error:") and "Traceback" not in proc.stderr
