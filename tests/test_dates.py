"""Dates stage: written cases (tests/cases/<lang>/dates.yaml), negatives included, and unit checks."""

from __future__ import annotations

from datetime import date
from functools import cache

import pytest

from extractor.dates import chinese_number, date_rules, expand_templates, timex
from extractor.normalize import normalize
from extractor.pipeline import STAGES, register_extensions

from conftest import load_cases

CASES = [(lang, case) for lang in ("zh", "es") for case in load_cases(lang, "dates")]
FIELDS = ("text", "start", "end", "mod", "rrule")


@cache
def pipeline_to_dates(base_lang: str):
    """The stages up to the dates stage (dates reads segments and communities)."""
    import spacy

    from extractor import communities, dates, segment  # noqa: F401  (registers the factories)

    register_extensions()
    config = {"nlp": {"tokenizer": {"segmenter": "char"}}} if base_lang == "zh" else {}
    nlp = spacy.blank(base_lang, config=config)
    for stage in STAGES[: STAGES.index("extractor_dates") + 1]:
        nlp.add_pipe(stage, config={"lang": base_lang})
    return nlp


def dates_of(text: str, lang: str | None = None, reference: date | None = None) -> list[tuple]:
    """Every date the pipeline finds in ``text``: (original text, start, end, mod, rrule)."""
    norm = normalize(text, lang)
    nlp = pipeline_to_dates(norm.base_lang)
    doc = nlp.make_doc(norm.text)
    doc._.norm = norm
    doc._.reference_date = reference
    for _, component in nlp.pipeline:
        doc = component(doc)
    return [(norm.original_text(m.start, m.end), *(m.attrs[k] for k in FIELDS[1:])) for m in doc._.dates]


def expected(row: list) -> tuple:
    values = [None if v is None else str(v) for v in row]
    return tuple(values + [None] * (len(FIELDS) - len(values)))


@pytest.mark.parametrize(("lang", "case"), CASES, ids=[f"{lang}-{c['name']}" for lang, c in CASES])
def test_written_cases(lang, case):
    reference = case.get("ref")
    got = dates_of(case["text"], case.get("lang"), reference)
    assert got == [expected(row) for row in case["dates"]]


def test_enough_cases():
    for lang in ("zh", "es"):
        cases = load_cases(lang, "dates")
        assert sum(len(c["dates"]) for c in cases) >= 60
        assert sum(1 for c in cases if not c["dates"]) >= 20


def test_traditional_and_simplified_both_covered():
    texts = [c["text"] for c in load_cases("zh", "dates")]
    assert any(normalize(t).language == "zh-Hant" for t in texts)
    assert any(normalize(t).language == "zh-Hans" for t in texts)


@pytest.mark.parametrize(("text", "value"), [("十七", 17), ("二十", 20), ("三十一", 31), ("十", 10),
                                             ("二〇一六", 2016), ("七", 7), ("十X", None)])
def test_chinese_number(text, value):
    numerals = {"〇": 0, "一": 1, "二": 2, "三": 3, "六": 6, "七": 7}
    assert chinese_number(text, numerals, "十") == value


def test_templates_number_their_groups():
    templates = {"d": "(?P<day#>\\d+)(?P<x#__a>a)?", "pair": "{d#}-{d#}"}
    assert expand_templates("{d#}~{d#2}", templates) == "(?:(?P<day>\\d+)(?P<x__a>a)?)~(?:(?P<day2>\\d+)(?P<x2__a>a)?)"


def test_timex_precision():
    rules = date_rules("zh")
    found = rules.find("3月", "zh-Hans")
    assert timex(found[0].first) == "XXXX-03"


def test_community_spans_are_not_dates():
    from extractor.mention import Mention

    text = "El domingo 3 de mayo de 2020 la colonia 21 de Octubre celebró."
    avoid = [Mention(text.index("colonia"), text.index(" celebró"), {})]
    found = date_rules("es").find(text, "es", avoid=avoid)
    assert [text[f.start:f.end] for f in found] == ["El domingo 3 de mayo de 2020"]


def test_long_adversarial_inputs_finish():
    rules = date_rules("zh")
    for text in ("社區" * 50000, "1" * 100000, "(" * 100000, "3月" * 30000, "年" * 100000):
        rules.find(text, "zh-Hant")
    es = date_rules("es")
    for text in ("de " * 50000, "1 de " * 20000, "el lunes " * 20000):
        es.find(text, "es")
