"""Dates stage vs ``dateparser.search_dates``: throughput and false positives on the same texts.

    .venv/bin/python benchmarks/dates_bench.py [--repeat 5] [--docs DIR --gold DIR]

Texts: the eval documents (``../shared/eval/docs``, scored against ``../shared/eval/gold``
when present) and the negative rows of ``tests/cases/<lang>/dates.yaml`` (phrases holding
no date: every hit there is a false positive).

A hit in a gold document counts as right when its value agrees with a gold date (required
or optional) of the region it falls in, at year, month or day precision (lenient towards
search_dates, which fills missing parts with today's date); a hit in an ``empty`` region,
or with no matching gold date, is a false positive. ``ignore`` regions are not counted.
The dates stage is timed from the raw text (normalization included); search_dates gets
the raw text and the document's language.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "eval"


def our_dates(text: str) -> list[tuple[int, str, dict]]:
    """(original offset, original text, attrs) of every date the stage finds."""
    from extractor.dates import anchor, date_rules, document_year, reports_locator
    from extractor.normalize import normalize
    from extractor.segment import segment_document

    norm = normalize(text)
    layout = segment_document(norm.text, norm.boilerplate_start, norm.base_lang)
    found = date_rules(norm.base_lang).find(norm.text, norm.language, norm.boilerplate_start)
    mentions = anchor(found, document_year(found, layout.title, None), reports_locator(layout.segments))
    out = []
    for m in mentions:
        s, e = norm.original_span(m.start, m.end)
        out.append((s, text[s:e], m.attrs))
    return out


def parser_dates(text: str, lang: str) -> list[tuple[int, str, dict]]:
    """(offset, text, attrs) of every hit of ``dateparser.search_dates``."""
    from dateparser.search import search_dates

    hits = search_dates(text, languages=[lang]) or []
    out, cursor = [], 0
    for found, value in hits:
        pos = text.find(found, cursor) if found else -1
        if pos >= 0:
            cursor = pos + len(found)
        out.append((max(pos, cursor), found, {"start": value.strftime("%Y-%m-%d"), "rrule": None}))
    return out


def load_scorer():
    """The shared scorer module (region location and TIMEX matching), or None."""
    path = SHARED / "score.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("eval_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def judge(hits, raw: str, gold: dict, scorer) -> tuple[int, int]:
    """(right, false positives) of ``hits`` against the gold regions of one document."""
    located = scorer.locate_regions(raw, gold["regions"])
    right = wrong = 0
    for pos, _, attrs in hits:
        k = scorer.region_of(pos, located)
        if k is None:
            continue
        region = located[k][2]
        if region["kind"] == "ignore":
            continue
        golds = [] if region["kind"] == "empty" else region.get("dates", []) + region.get("optional_dates", [])
        if attrs.get("rrule"):
            ok = any(g.get("rrule") and scorer.norm_rrule(g["rrule"]) == scorer.norm_rrule(attrs["rrule"])
                     for g in golds)
        else:
            value = attrs.get("start") or ""
            parts = value.split("-")
            values = {"-".join(parts[:n]) for n in (1, 2, 3)}
            ok = any(scorer.timex_match(str(g.get(key)), v) for g in golds for key in ("start", "end")
                     if g.get(key) for v in values)
        right += ok
        wrong += not ok
    return right, wrong


def timed(fn, repeat: int) -> tuple[float, object]:
    result = fn()  # warm-up (imports, caches)
    start = time.perf_counter()
    for _ in range(repeat):
        result = fn()
    return (time.perf_counter() - start) / repeat, result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--docs", type=Path, default=SHARED / "docs")
    ap.add_argument("--gold", type=Path, default=SHARED / "gold")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(REPO))
    scorer = load_scorer()

    rows = []
    docs = sorted(args.docs.glob("*.txt")) if args.docs.is_dir() else []
    for doc in docs:
        raw = doc.read_bytes().decode("utf-8-sig")
        lang = "es" if doc.stem.startswith("es") else "zh"
        gold_path = args.gold / f"{doc.stem}.yaml"
        gold = yaml.load(gold_path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) if gold_path.exists() else None
        rows.append((doc.stem, raw, lang, gold))
    for lang in ("zh", "es"):
        cases = yaml.safe_load((REPO / "tests" / "cases" / lang / "dates.yaml").read_text(encoding="utf-8"))
        negatives = [c["text"] for c in cases if not c["dates"]]
        rows.append((f"negatives-{lang} ({len(negatives)} phrases)", negatives, lang, "none"))

    header = (f"{'texts':<34}{'chars':>7} | {'stage ms':>8}{'kchar/s':>9}{'found':>6}{'FP':>4} | "
              f"{'search_dates ms':>15}{'kchar/s':>9}{'found':>6}{'FP':>4}")
    print(header)
    print("-" * len(header))
    totals = [0, 0.0, 0, 0, 0.0, 0, 0]
    for name, raw, lang, gold in rows:
        texts = raw if isinstance(raw, list) else [raw]
        t_ours, ours = timed(lambda texts=texts: [d for t in texts for d in our_dates(t)], args.repeat)
        t_dp, theirs = timed(lambda texts=texts, lang=lang: [d for t in texts for d in parser_dates(t, lang)],
                             args.repeat)
        raw = "".join(texts)
        if gold == "none":
            fp_ours, fp_dp = len(ours), len(theirs)
        elif gold and scorer:
            fp_ours, fp_dp = judge(ours, raw, gold, scorer)[1], judge(theirs, raw, gold, scorer)[1]
        else:
            fp_ours = fp_dp = None
        fp_a, fp_b = ("-" if x is None else str(x) for x in (fp_ours, fp_dp))
        print(f"{name[:33]:<34}{len(raw):>7} | {t_ours * 1000:>8.1f}{len(raw) / t_ours / 1000:>9.0f}{len(ours):>6}"
              f"{fp_a:>4} | {t_dp * 1000:>15.1f}{len(raw) / t_dp / 1000:>9.0f}{len(theirs):>6}{fp_b:>4}")
        for i, v in enumerate((len(raw), t_ours, len(ours), fp_ours or 0, t_dp, len(theirs), fp_dp or 0)):
            totals[i] += v
    print("-" * len(header))
    chars, t_ours, n_ours, fp_ours, t_dp, n_dp, fp_dp = totals
    print(f"{'total':<34}{chars:>7} | {t_ours * 1000:>8.1f}{chars / t_ours / 1000:>9.0f}{n_ours:>6}{fp_ours:>4} | "
          f"{t_dp * 1000:>15.1f}{chars / t_dp / 1000:>9.0f}{n_dp:>6}{fp_dp:>4}")
    print(f"\nsearch_dates is {t_dp / t_ours:.0f}x slower; false positives: stage {fp_ours}, search_dates {fp_dp}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
