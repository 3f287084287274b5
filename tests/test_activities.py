"""Activity typing: written records per type and language, the cue files, and the eval documents' evidence."""

from __future__ import annotations

import doctest
import re
from typing import get_args

import pytest

from extractor import activities
from extractor.activities import CueLexicon, cue_lexicon, split_literal_prefix, trie_regex, type_record
from extractor.normalize import normalize
from extractor.records import ActivityType

from conftest import eval_documents, load_cases

LANGS = ("zh", "es")
CASES = [(lang, case) for lang in LANGS for case in load_cases(lang, "activities")]
TYPES = [t for t in get_args(ActivityType) if t != "other"]


def typed(lang: str, case: dict) -> tuple[list[str], dict, str]:
    """Types and evidence of a written record (heading line, then body), and its normalized text."""
    heading = case.get("heading")
    norm = normalize(f"{heading}\n{case['text']}" if heading else case["text"])
    assert norm.base_lang == lang
    span = (0, norm.text.index("\n")) if heading else None
    types, evidence = type_record(norm.text, 0, len(norm.text), span, case.get("kind", "activity"), cue_lexicon(lang))
    return types, evidence, norm.text


@pytest.mark.parametrize(("lang", "case"), CASES, ids=[f"{lang}-{c['text'][:16]}" for lang, c in CASES])
def test_written_records(lang, case):
    types, evidence, text = typed(lang, case)
    expected, optional = set(case["types"]), set(case.get("optional", []))
    assert expected <= set(types) <= expected | optional, {t: [text[m.start:m.end] for m in evidence[t]]
                                                          for t in evidence}
    if types == ["other"]:
        assert evidence == {}
    else:
        for t in types:
            assert evidence[t], t


@pytest.mark.parametrize("lang", LANGS)
def test_every_type_has_five_written_records(lang):
    rows = load_cases(lang, "activities")
    for t in TYPES:
        assert sum(t in row["types"] for row in rows) >= 5, t
    assert sum(row["types"] == ["other"] for row in rows) >= 5


@pytest.mark.parametrize("lang", LANGS)
def test_cue_files_name_contract_types(lang):
    lexicon = cue_lexicon(lang)
    named = {t for cue in lexicon.weights for t, _ in cue}
    assert named <= set(get_args(ActivityType))
    assert set(TYPES) <= named


def test_duplicate_cue_is_rejected(monkeypatch):
    data = {"settings": {"activity": {"threshold": 1, "secondary_min": 1, "secondary_ratio": 0.5},
                         "overview": {"threshold": 1, "secondary_min": 1, "secondary_ratio": 0.5}},
            "types": {"publicity": {2: ["横幅"], 3: ["横幅"]}}}
    monkeypatch.setattr(activities, "load_patterns", lambda lang, name: data)
    with pytest.raises(activities.PatternError):
        CueLexicon("zh")


# (cue regexes, text, the cue that must win at the first match)
TRIE_CASES = [
    (["宣传", "宣传周", "横幅"], "社工宣传周", "宣传周"),
    (["宣传", "宣传周", "横幅"], "挂横幅宣传", "横幅"),
    (["examen\\w*", "ex[aá]men(?:es)? m[eé]dicos?"], "un examen médico", "ex[aá]men(?:es)? m[eé]dicos?"),
    (["limpi\\w*", "limpieza de (?:playas)"], "limpieza de playas", "limpieza de (?:playas)"),
    (["a|b", "c"], "xxb", "a|b"),
    (["(?:入户|上门)宣传", "宣传"], "上门宣传", "(?:入户|上门)宣传"),
]


# (cue regexes, text, the cues found, in order)
BOUNDED_CASES = [
    (["basura", "limpi\\w*"], "La basura; limpiaron.", ["basura", "limpi\\w*"]),
    (["basura"], "basurero debasura", []),
    (["(?:recog|junt)\\w* basura", "basura"], "juntaron basura", ["(?:recog|junt)\\w* basura"]),
]


@pytest.mark.parametrize(("sources", "text", "found"), BOUNDED_CASES)
def test_word_bounded_cues(sources, text, found):
    regex, cue_of = trie_regex(sources, word_bounded=True)
    assert [sources[cue_of[m.lastgroup]] for m in re.finditer(regex, text.lower())] == found


@pytest.mark.parametrize(("sources", "text", "winner"), TRIE_CASES)
def test_trie_regex_prefers_the_longest_cue(sources, text, winner):
    regex, cue_of = trie_regex(sources)
    m = re.search(regex, text)
    assert m is not None and sources[cue_of[m.lastgroup]] == winner


def test_literal_prefix_split():
    assert split_literal_prefix("横幅") == ("横幅", "")
    assert split_literal_prefix("folletos?") == ("folleto", "s?")
    assert split_literal_prefix("(?:a|b)c") == ("", "(?:a|b)c")
    assert split_literal_prefix("宣传(?=周)") == ("宣传", "(?=周)")


def test_case_is_ignored_and_cues_must_be_lowercase(monkeypatch):
    hits = cue_lexicon("es").find("PANCARTAS y Folletos", 0, 20)
    assert [(h.start, h.end) for h in hits] == [(0, 9), (12, 20)]
    data = {"settings": {"activity": {"threshold": 1, "secondary_min": 1, "secondary_ratio": 0.5},
                         "overview": {"threshold": 1, "secondary_min": 1, "secondary_ratio": 0.5}},
            "types": {"publicity": {2: ["Pancartas"]}}}
    monkeypatch.setattr(activities, "load_patterns", lambda lang, name: data)
    with pytest.raises(activities.PatternError):
        CueLexicon("es")


def test_doctests():
    assert doctest.testmod(activities).failed == 0


@pytest.mark.parametrize("text", ["社區" * 50_000, "宣傳垃圾老人" * 20_000, "(" * 100_000, "1" * 100_000,
                                  "basura limpieza " * 10_000])
def test_hostile_inputs_finish(text):
    norm = normalize(text)
    types, _ = type_record(norm.text, 0, len(norm.text), None, "activity", cue_lexicon(norm.base_lang))
    assert types


@pytest.mark.parametrize("path", eval_documents(), ids=lambda p: p.stem)
def test_eval_records_have_evidence_that_slices_to_cues(extractor, path):
    document = extractor.extract_file(path)
    original = path.read_bytes().decode("utf-8-sig")
    norm = normalize(original, document.language)
    lexicon = cue_lexicon(norm.base_lang)
    cue_spans = {t: set() for t in (*TYPES, "other")}
    for hit in lexicon.find(norm.text, 0, norm.boilerplate_start):
        for t, weight in lexicon.cue_types(hit):
            if weight > 0:
                cue_spans[t].add(norm.original_span(hit.start, hit.end))
    for record in document.records:
        assert record.activity_types or record.kind == "overview", record.id
        if record.activity_types in (["other"], []):
            assert record.type_evidence == {}
            continue
        assert set(record.type_evidence) == set(record.activity_types), record.id
        for t, items in record.type_evidence.items():
            assert items, (record.id, t)
            for ev in items:
                assert original[ev.span[0]:ev.span[1]] == ev.text
                if not record.span[0] <= ev.span[0] < ev.span[1] <= record.span[1]:
                    # a cue of the title: whom the report serves (an audience type), or its theme
                    assert ev.text in (document.title or ""), (record.id, t, ev)
                assert tuple(ev.span) in cue_spans[t], (record.id, t, ev)


AUDIENCE_DOCUMENTS = [
    # a title naming children gives children_youth to every activity, with the title's cue as evidence
    ("“快乐成长”青少年暑期托管班工作小结\n"
     "一、7月8日，社工带领大家到湿地公园捡拾垃圾，清理白色垃圾约20公斤。\n"
     "二、7月15日，举办书法培训班，由书法老师授课。\n",
     [{"environmental_cleanup", "children_youth"}, {"lecture_training", "cultural_recreation", "children_youth"}]),
    # an activity with no cue at all takes the audience instead of `other`
    ("長者鄰舍中心十月活動回顧\n一、10月3日，中心舉行開放日。\n二、10月9日，中心派發單張並張貼海報宣傳防騙。\n",
     [{"elderly_disability_care"}, {"publicity", "elderly_disability_care"}]),
    # a meeting stays `other`
    ("青少年服务中心季度小结\n一、4月2日，召开居民议事会，讨论楼道改造方案。\n",
     [{"other"}]),
    # a title naming no audience adds nothing
    ("××社区三月工作小结\n一、3月5日，志愿者清扫楼道。\n二、3月12日，开展植树活动，补种树苗30棵。\n",
     [{"environmental_cleanup"}, {"environmental_cleanup"}]),
    ("Programa de Atención al Adulto Mayor: informe de marzo\n"
     "1. El sábado 9 de marzo se realizó una jornada de limpieza en la plaza.\n"
     "2. El 16 de marzo hubo una charla sobre prevención de estafas telefónicas.\n",
     [{"environmental_cleanup", "elderly_disability_care"}, {"lecture_training", "elderly_disability_care"}]),
    ("Junta de Vecinos Villa Las Acacias: informe de marzo\n"
     "1. El sábado 9 de marzo se realizó una jornada de limpieza en la plaza.\n",
     [{"environmental_cleanup"}]),
]


THEME_DOCUMENTS = [
    # a title naming a type strongly gives it to the activities with no cue of their own; a meeting
    # keeps its own type
    ("开学季爱心助学捐赠活动总结\n一、8月20日，社工入户摸排，建立需求档案。\n"
     "二、8月25日，在社区活动室集中举行仪式。\n三、9月1日，召开居民议事会。\n",
     [{"charity_donation"}, {"charity_donation"}, {"other"}]),
    ("Jornadas de limpieza y recolección de basura: informe de abril\n"
     "1. El sábado 6 de abril nos reunimos en la plaza de la colonia.\n"
     "2. El 20 de abril hubo asamblea de vecinos.\n",
     [{"environmental_cleanup"}, {"other"}]),
    # a title naming a type only in passing gives nothing
    ("社区三月宣传工作小结\n一、3月5日，社工入户摸排，建立需求档案。\n",
     [{"other"}]),
]


@pytest.mark.parametrize(("text", "expected"), AUDIENCE_DOCUMENTS + THEME_DOCUMENTS,
                         ids=lambda v: v[:12] if isinstance(v, str) else "")
def test_title_audience_and_theme_reach_the_activities(extractor, text, expected):
    document = extractor.extract(text)
    activities_ = [r for r in document.records if r.kind == "activity"]
    assert [set(r.activity_types) for r in activities_] == expected
    for record in activities_:
        for t in set(record.activity_types) & {"children_youth", "elderly_disability_care"}:
            assert all(text[ev.span[0]:ev.span[1]] == ev.text for ev in record.type_evidence[t])


def test_an_overview_keeps_its_own_evidence(extractor):
    text = ("青少年暑期托管班工作小结\n"
            "今年暑假，社区为辖区儿童和青少年开办托管班，共招收小学生60名，开展课业辅导和兴趣活动。\n"
            "一、7月8日，社工带领孩子们到湿地公园捡拾垃圾。\n"
            "二、7月15日，举办书法培训班。\n")
    document = extractor.extract(text)
    overview = document.records[0]
    assert overview.kind == "overview" and "children_youth" in overview.activity_types
    for items in overview.type_evidence.values():
        assert all(overview.span[0] <= ev.span[0] < ev.span[1] <= overview.span[1] for ev in items)
    assert all("children_youth" in r.activity_types for r in document.records[1:])
