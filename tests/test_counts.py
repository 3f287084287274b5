"""Counts stage: one table of cases per language (``tests/cases/<lang>/counts.yaml``).

Each case is a phrase written for these tests (never taken from the eval documents), its
language, and the counts expected in order. Every expected count states ``value``, ``approx``,
``unit`` and ``category``; ``counted``, ``currency``, ``per`` and ``text`` are checked when given.
``counts: []`` marks a negative: nothing there is a count.
"""

from __future__ import annotations

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from extractor.counts import Finder, read_digits, read_number
from extractor.normalize import normalize
from extractor.pipeline import register_extensions

from conftest import load_cases

REQUIRED = ("value", "approx", "unit", "category")
OPTIONAL = ("counted", "currency", "per", "text")
CASES = [(lang, case) for lang in ("zh", "es") for case in load_cases(lang, "counts")]


def find_counts(text: str, lang: str) -> list[dict]:
    """The counts stage alone on ``text`` (no date or community spans), as dicts with ``text``."""
    register_extensions()
    norm = normalize(text, lang)
    doc = Doc(Vocab(), words=[norm.text], spaces=[False])
    doc._.norm = norm
    doc._.dates, doc._.communities = [], []
    found = Finder(norm.base_lang).find(doc)
    return [{**m.attrs, "text": norm.original_text(m.start, m.end)} for m in found]


@pytest.mark.parametrize(("base", "case"), CASES, ids=[f"{b}:{c['text'][:30]}" for b, c in CASES])
def test_counts(base, case):
    got = find_counts(case["text"], case.get("lang", base))
    expected = case["counts"]
    shown = [{k: g.get(k) for k in (*REQUIRED, *OPTIONAL) if g.get(k) is not None} for g in got]
    assert len(got) == len(expected), f"found {shown}"
    for g, e in zip(got, expected, strict=True):
        assert all(k in e for k in REQUIRED), f"case must state {REQUIRED}: {e}"
        for key in REQUIRED:
            assert g.get(key) == e[key], f"{key}: {g.get(key)!r} != {e[key]!r} in {shown}"
        for key in OPTIONAL:
            if key in e:
                assert g.get(key) == e[key], f"{key}: {g.get(key)!r} != {e[key]!r} in {shown}"


def test_every_language_has_enough_cases():
    for lang in ("zh", "es"):
        cases = load_cases(lang, "counts")
        assert len(cases) >= 80
        assert sum(1 for c in cases if not c["counts"]) >= 15, "negatives included"
    scripts = {c.get("lang") for c in load_cases("zh", "counts")}
    assert {"zh-Hans", "zh-Hant"} <= scripts


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("16万9千", "zh", 169000), ("1.2万", "zh", 12000), ("两百", "zh", 200), ("二百五十", "zh", 250),
        ("一千二百", "zh", 1200), ("三万", "zh", 30000), ("十二", "zh", 12), ("一百零八", "zh", 108),
        ("一亿二千万", "zh", 120000000), ("15,272", "zh", 15272),
        ("1.000", "es", 1000), ("1,500", "es", 1500), ("2,5", "es", 2.5), ("1 000", "es", 1000),
        ("47.675", "es", 47675), ("veintitrés", "es", 23), ("dos mil quinientos", "es", 2500),
        ("cuatrocientos", "es", 400), ("treinta y dos", "es", 32),
    ],
)
def test_read_number(text, lang, value):
    assert read_number(text, lang) == value


def test_docstring_examples():
    import doctest

    import extractor.counts

    assert doctest.testmod(extractor.counts).failed == 0


def test_read_digits_keeps_decimals_and_groups_apart():
    assert read_digits("2.500,75") == 2500.75
    assert read_digits("3,25") == 3.25


def test_counts_reach_the_records(extractor):
    doc = extractor.extract("1、清洁家园\n阳光社区组织志愿者45人清理楼道，清运垃圾3吨。")
    counts = [c for r in doc.records for c in r.counts]
    assert [(c.value, c.category) for c in counts] == [(45, "people"), (3, "other")]
    for c in counts:
        assert c.text in ("45人", "3吨")


@pytest.mark.parametrize(
    "text",
    ["社區" * 200_000, "1" * 500_000, "(" * 300_000, "一二三四五六七八九十" * 50_000, "1,2" * 200_000,
     "más de " * 100_000, "dos y " * 100_000],
)
@pytest.mark.slow
def test_adversarial_inputs_finish(text):
    assert isinstance(find_counts(text, "es" if "m" in text[:8] or "dos" in text[:8] else "zh-Hans"), list)


@pytest.mark.parametrize(("text", "marker"), [
    ("Informe de la junta\nActividades del año:\n\n3.2 Brigadas de salud. Se atendieron 40 vecinos.\n", "3.2"),
    ("社区工作简报\n一、重点工作\n2.1 巡逻队夜间巡查，共出动12人次。\n", "2.1"),
])
def test_item_numbers_are_no_counts(text, marker):
    from extractor import extract

    counts = [c for record in extract(text).records for c in record.counts]
    assert counts, "the item's own counts are still found"
    assert not any(c.text.startswith(marker) for c in counts)


@pytest.mark.parametrize(("text", "expected"), [
    ("工作总结\n一、改厕\n全年新建卫生厕所412座，其中马家坪村146座、杏树岔村98座。\n",
     [(412, "items"), (146, "items"), (98, "items")]),
    ("工作总结\n一、市集\n来自阳光社区的12家商户设摊，枫林社区3个小组参加。\n", [(12, "organizations"), (3, "groups")]),
])
def test_a_place_named_before_the_number_is_no_counted_noun(text, expected):
    from extractor import extract

    counts = [(c.value, c.category) for record in extract(text).records for c in record.counts]
    assert counts == expected
