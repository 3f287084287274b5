"""Adversarial inputs finish in bounded time (no catastrophic backtracking) with valid spans.

The budget is loose on purpose (no timing asserts in unit tests): it only catches a
pattern that goes quadratic or exponential. The inputs are 256 KB here so that
``make test`` stays short (a quadratic step already takes minutes at that size);
``EXTRACTOR_HOSTILE_BYTES=1000000 pytest tests/test_hostile.py`` runs the 1 MB versions,
and ``make bench`` measures those stage by stage.
"""

from __future__ import annotations

import os

import pytest

from extractor.batch import DocumentTimeoutError, time_budget

SIZE = int(os.environ.get("EXTRACTOR_HOSTILE_BYTES", 256_000))  # bytes of UTF-8
BUDGET = 60.0 * max(1.0, SIZE / 256_000)  # seconds per input, generous: a linear pipeline needs a few

# name: (repeated unit, forced language or None to detect)
HOSTILE = {
    "shequ": ("社區", None),
    "item-markers": ("1、", None),
    "item-markers-zh": ("1、", "zh-Hans"),
    "digits": ("1234567890", None),
    "digits-zh": ("1234567890", "zh-Hant"),
    "open-parens": ("(", None),
    "open-parens-zh": ("(", "zh-Hans"),
    "masks": ("××", "zh-Hans"),
    "line-zh": ("居民参加活动志愿者服务社区花园清洁宣传", None),
    "line-es": ("vecinos de la colonia participaron en la jornada ", None),
    # many lines: dated rows of one activity, and numbered items each with a record of its own
    "dated-rows-es": ("- martes 26 de marzo: colonia Las Flores, 420 despensas;\n", None),
    "items-zh": ("1、社区开展活动\n9月8日，社区开展活动，参加居民30人。\n", None),
}


def hostile_text(unit: str, size: int = SIZE) -> str:
    """``unit`` repeated to about ``size`` bytes of UTF-8 (one line unless ``unit`` ends one)."""
    return unit * max(1, size // len(unit.encode("utf-8")))


@pytest.mark.slow
@pytest.mark.parametrize(("unit", "lang"), list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_input_finishes_with_valid_spans(unit, lang):
    from extractor import Extractor

    text = hostile_text(unit)
    try:
        with time_budget(BUDGET):
            document = Extractor(lang=lang).extract(text)
    except DocumentTimeoutError:
        pytest.fail(f"{len(text)} characters of {unit!r} took over {BUDGET:g}s: a stage backtracks or loops")
    for record in document.records:
        assert 0 <= record.span[0] <= record.span[1] <= len(text)
        for mention in [*record.dates, *record.communities, *record.counts]:
            assert text[mention.span[0]:mention.span[1]] == mention.text
