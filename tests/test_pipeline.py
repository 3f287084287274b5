"""The spaCy pipelines: stages in order, results on Doc extensions, a tokenizer that stays linear."""

from __future__ import annotations

import contextlib
import gc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.pipeline import STAGES, build_nlp, gc_paused


@pytest.mark.parametrize("lang", ["zh", "es"])
def test_every_stage_is_a_registered_component(lang):
    assert build_nlp(lang).pipe_names[-len(STAGES):] == list(STAGES)


@pytest.mark.parametrize(
    "text",
    [
        "(" * 2000,
        "  hola (mundo)  \n\n x" + "(" * 400 + " fin ",
        "a" * 1000 + " b\n",
        " \t" + "x" * 400,
        "La colonia Las Palmas, el sábado 12 de junio." + "-" * 500 + "\r\n",
    ],
)
def test_long_runs_are_tokenized_without_losing_text(text):
    doc = build_nlp("es").make_doc(text)
    assert doc.text == text
    assert len(doc) >= 2


def test_ordinary_text_keeps_spacys_tokens():
    doc = build_nlp("es").make_doc("Más de 1,500 despensas (kits) el sábado.")
    assert [t.text for t in doc] == ["Más", "de", "1,500", "despensas", "(", "kits", ")", "el", "sábado", "."]


def assert_spacys_char_segmentation(text: str) -> None:
    import spacy

    ours = build_nlp("zh").make_doc(text)
    theirs = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}}).make_doc(text)
    assert [(t.text, t.whitespace_) for t in ours] == [(t.text, t.whitespace_) for t in theirs]
    assert ours.text == text


@pytest.mark.parametrize(
    "text",
    ["阳光社区", "社区 活动\n\n  1、清洁", " 前后 ", "a b  c\r\n", "社" * 5000, "", " ", "\n", "社 ",
     "\t社\u3000区 \t", "ab  \n cd", "社区\n \n社区 "],
)
def test_chinese_tokens_are_spacys_char_segmentation(text):
    assert_spacys_char_segmentation(text)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("社区a1，。 \n\t\r\u3000")), max_size=30))
def test_chinese_tokens_are_spacys_char_segmentation_on_any_spacing(text):
    assert_spacys_char_segmentation(text)


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize("fails", [False, True])
def test_gc_paused_restores_the_collectors_state(enabled, fails):
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(RuntimeError) if fails else contextlib.nullcontext(), gc_paused():
            assert not gc.isenabled()
            if fails:
                raise RuntimeError
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
