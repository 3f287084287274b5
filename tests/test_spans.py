"""Every value carries its evidence: ``original[start:end] == text`` for every span of every eval document."""

from __future__ import annotations

import pytest

from conftest import SAMPLES, eval_documents

DOCS = eval_documents() or sorted(SAMPLES.glob("*.txt"))


def spans_of(document):
    for record in document.records:
        yield "record", record.span, None
        for field in ("dates", "communities", "counts"):
            for mention in getattr(record, field):
                yield field, mention.span, mention.text
        for cues in record.type_evidence.values():
            for cue in cues:
                yield "type_evidence", cue.span, cue.text


@pytest.mark.parametrize("path", DOCS, ids=[p.stem for p in DOCS])
def test_every_span_slices_to_its_text(extractor, path):
    original = path.read_bytes().decode("utf-8-sig")
    document = extractor.extract_file(path)
    assert document.records
    for field, (start, end), text in spans_of(document):
        assert 0 <= start <= end <= len(original), field
        if text is not None:
            assert original[start:end] == text, (field, start, end)


@pytest.mark.parametrize("path", DOCS, ids=[p.stem for p in DOCS])
def test_mentions_lie_inside_their_record(extractor, path):
    for record in extractor.extract_file(path).records:
        for field in ("dates", "communities", "counts"):
            for mention in getattr(record, field):
                assert record.span[0] <= mention.span[0] < record.span[1], field
