"""Property: any Unicode text yields a valid Document whose every span lies inside the text.

Hypothesis draws arbitrary Unicode, and text assembled from the genre's building
blocks (numbers, dates, markers, community words, brackets, line breaks, pinyin
notes, full-width forms) so that the stages actually fire on it.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor import Extractor
from extractor.records import Document

PIECES = [
    "社區", "社区", "小區", "花園", "村", "里", "邨", "苑", "××", "XX", "20××年", "年", "月", "日", "号", "號",
    "上旬", "月底", "至", "-", "~", "、", "，", "。", "：", "（", "）", "(", ")", "【", "】", "“", "”",
    "一", "二", "十", "百", "千", "万", "萬", "余", "多", "约", "近", "人", "户", "戶", "名", "份", "元",
    "志愿者", "志願者", "宣傳", "活動", "總結", "(zǒng jié)", "１２", "３月", "\n", "\r\n", " ", "\t", "\u3000",
    "barrio", "colonia", "comunidad", "Villa", "de", "del", "marzo", "enero", "1.º", "el", "15", "2021",
    "más de", "unos", "personas", "familias", "voluntarios", "Primero,", "1.", "2)", "$", "€", ".", ",", ";",
]
genre_text = st.lists(
    st.one_of(st.sampled_from(PIECES), st.integers(0, 99999).map(str), st.text(max_size=3)),
    max_size=60,
).map("".join)
LANGS = st.sampled_from([None, "zh-Hant", "zh-Hans", "es"])
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def extractors() -> dict[str | None, Extractor]:
    return {lang: Extractor(lang=lang) for lang in (None, "zh-Hant", "zh-Hans", "es")}


def check_spans(document: Document, text: str) -> None:
    """Every span of ``document`` lies inside ``text`` and its ``text`` is the slice."""
    assert document.language in ("zh-Hant", "zh-Hans", "es")
    for record in document.records:
        assert 0 <= record.span[0] <= record.span[1] <= len(text)
        evidence = [*record.dates, *record.communities, *record.counts,
                    *(e for found in record.type_evidence.values() for e in found)]
        for mention in evidence:
            start, end = mention.span
            assert 0 <= start <= end <= len(text)
            assert mention.text == text[start:end]
    Document.model_validate_json(document.model_dump_json())  # the JSON round-trips through the schema


@SETTINGS
@given(text=st.text(max_size=400), lang=LANGS)
def test_any_unicode_text_gives_valid_spans(extractors, text, lang):
    check_spans(extractors[lang].extract(text), text)


@SETTINGS
@given(text=genre_text, lang=LANGS)
def test_genre_like_text_gives_valid_spans(extractors, text, lang):
    check_spans(extractors[lang].extract(text), text)
