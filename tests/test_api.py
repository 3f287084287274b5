"""The Python API: Extractor loads once; extract, extract_file and pipe return pydantic models."""

from __future__ import annotations

import json

import pytest

import extractor
from extractor.errors import ExtractorError, MissingFileError
from extractor.records import Document

from conftest import SAMPLES

ZH = "阳光社区活动总结\n1、4月8日，阳光社区组织志愿者清扫楼道。\n2、社区为独居老人送去米面油。\n"
ES = "Informe\nLa junta de vecinos trabajó en el barrio.\n1. Limpieza\nLos vecinos limpiaron el parque.\n"


def test_module_level_functions_return_documents():
    doc = extractor.extract(ZH)
    assert isinstance(doc, Document)
    assert doc.language == "zh-Hans"
    assert [r.kind for r in doc.records] == ["activity", "activity"]


def test_extract_file_sets_the_source():
    path = SAMPLES / "es_dia-trabajo-social.txt"
    doc = extractor.extract_file(path)
    assert doc.source == str(path) and doc.language == "es"
    assert doc.records[1].id == "es_dia-trabajo-social#1.1"


def test_pipe_is_a_lazy_generator(extractor):
    results = extractor.pipe([ZH, ES])
    assert iter(results) is results
    assert [d.language for d in results] == ["zh-Hans", "es"]


def test_forced_language():
    from extractor import Extractor

    assert Extractor(lang="zh-Hant").extract(ZH).language == "zh-Hant"


def test_errors_are_library_errors(tmp_path):
    with pytest.raises(MissingFileError):
        extractor.extract_file(tmp_path / "missing.txt")
    assert issubclass(MissingFileError, ExtractorError)


def test_output_round_trips_through_json():
    doc = extractor.extract(ES)
    assert Document.model_validate(json.loads(doc.model_dump_json())) == doc


def test_schema_names_the_contract_fields():
    schema = json.dumps(Document.model_json_schema())
    for field in ("records", "activity_types", "type_evidence", "dates", "communities", "counts", "span",
                  "approx", "rrule", "romanized", "masked"):
        assert f'"{field}"' in schema
