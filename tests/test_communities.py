"""Communities: names, boundaries, lists, masks and romanization, from written cases (both languages)."""

from __future__ import annotations

import pytest

from extractor.normalize import normalize
from extractor.pipeline import build_nlp

from conftest import load_cases

CASES = [(lang, case) for lang in ("zh", "es") for case in load_cases(lang, "communities")]


def communities_of(text: str, lang: str | None = None, model: str | None = None):
    """The community mentions of ``text`` (the pipeline run up to the communities stage) and its norm."""
    norm = normalize(text, lang)
    nlp = build_nlp(norm.base_lang, model)
    doc = nlp.make_doc(norm.text)
    doc._.norm = norm
    doc._.reference_date = None
    for name, component in nlp.pipeline:
        doc = component(doc)
        if name == "extractor_communities":
            break
    return doc._.communities, norm


@pytest.mark.parametrize(("lang", "case"), CASES, ids=[f"{lang}:{c['text'][:30]}" for lang, c in CASES])
def test_written_cases(lang, case):
    mentions, norm = communities_of(case["text"], case.get("lang"))
    assert [m.attrs["name"] for m in mentions] == case["names"]
    if "texts" in case:
        assert [norm.original_text(m.start, m.end) for m in mentions] == case["texts"]
    for key in ("masked", "kind", "romanized"):
        if key + ("s" if key == "kind" else "") in case:
            expected = case[key + ("s" if key == "kind" else "")]
            assert [m.attrs[key] for m in mentions] == expected


def test_case_tables_are_large_enough():
    for lang in ("zh", "es"):
        cases = load_cases(lang, "communities")
        assert sum(1 for c in cases if c["names"]) >= 40
        assert sum(1 for c in cases if not c["names"]) >= 40


def test_both_chinese_scripts_are_covered():
    texts = [c["text"] for c in load_cases("zh", "communities")]
    scripts = {normalize(t).language for t in texts}
    assert scripts == {"zh-Hant", "zh-Hans"}


def test_records_carry_original_evidence(extractor):
    text = ("陽光社區活動總結\n"
            "今年以來，翠湖花園社區圍繞居民需求開展了多項志願服務。\n"
            "1、清潔家園\n"
            "4月8日，××苑社區組織志願者清理樓道雜物。\n")
    document = extractor.extract(text)
    found = [c for r in document.records for c in r.communities]
    assert [(c.text, c.name, c.masked) for c in found] == [("翠湖花園社區", "翠湖花园社区", False),
                                                           ("××苑社區", "××苑社区", True)]
    for c in found:
        assert text[c.span[0]:c.span[1]] == c.text
    assert found[0].romanized == "Cuihu Huayuan Shequ"


def test_heading_that_is_a_place(extractor):
    text = ("Boletín de mingas\n"
            "Presentamos aquí dos jornadas organizadas por líderes barriales.\n"
            "1. Pueblo Nuevo, en Cartago\n"
            "Más de cien vecinos limpiaron las quebradas y las áreas verdes.\n"
            "2. Jornada en el mercado\n"
            "Los comerciantes barrieron los pasillos.\n")
    document = extractor.extract(text)
    assert [c.name for r in document.records for c in r.communities] == ["Pueblo Nuevo"]


@pytest.mark.parametrize(("lang", "text"), [
    ("zh-Hant", "社區" * 25_000),
    ("zh-Hans", "社区工作者" * 10_000),
    ("zh-Hans", "(" * 50_000 + "阳光社区"),
    ("zh-Hans", "××" * 25_000 + "社区"),
    ("zh-Hans", "在" + "和" * 50_000 + "小区"),
    ("zh-Hans", "阳光社区、" * 10_000),
    ("es", "la comunidad " + "de " * 20_000),
    ("es", "los barrios " + "Alto, " * 10_000),
    ("es", "en " + "Alto y " * 10_000 + "la colonia Baja"),
])
def test_adversarial_inputs_finish(lang, text):
    """Long repetitive inputs end (in linear time: no regex here backtracks over the whole text)."""
    mentions, _ = communities_of(text, lang)
    assert all(m.end - m.start < 200 for m in mentions)


def _save_model(tmp_path, lang: str, patterns: list[dict]):
    import spacy

    nlp = spacy.blank(lang, config={"nlp": {"tokenizer": {"segmenter": "char"}}}) if lang == "zh" else spacy.blank(lang)
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(patterns)
    path = tmp_path / f"model_{lang}"
    nlp.to_disk(path)
    return str(path)


def test_model_entities_join_lists_es(tmp_path):
    text = "Los vecinos de Monte Alegre y de la colonia Las Brisas limpiaron la quebrada."
    assert [m.attrs["name"] for m in communities_of(text)[0]] == ["Las Brisas"]
    model = _save_model(tmp_path, "es", [{"label": "LOC", "pattern": "Monte Alegre"},
                                         {"label": "ORG", "pattern": "Club Alegre"}])
    assert [m.attrs["name"] for m in communities_of(text, model=model)[0]] == ["Monte Alegre", "Las Brisas"]
    club = "El Club Alegre y la colonia Las Brisas limpiaron."
    assert [m.attrs["name"] for m in communities_of(club, model=model)[0]] == ["Las Brisas"]


def test_model_entities_give_left_edge_zh(tmp_path):
    text = "局长到沙湾翠竹邨探访独居长者。"  # 沙湾翠竹: too long for an estate name, no left edge found
    assert [m.attrs["name"] for m in communities_of(text)[0]] == []
    model = _save_model(tmp_path, "zh", [{"label": "FAC", "pattern": "翠竹邨"}])
    assert [m.attrs["name"] for m in communities_of(text, model=model)[0]] == ["翠竹邨"]
