"""Activities stage (placeholder until its issue lands): every record is typed ``other``."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.factory("extractor_activities", default_config={"lang": "zh"})
def make_activities(nlp: Language, name: str, lang: str):
    """spaCy factory for the activity typing stage."""
    return Typer(lang)


class Typer:
    """Pipeline component: sets ``activity_types`` and ``type_evidence`` of every segment."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, doc: Doc) -> Doc:
        for seg in doc._.layout.segments:
            seg.activity_types = ["other"]
        return doc
