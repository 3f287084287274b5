"""Counts stage (placeholder until its issue lands): finds nothing yet."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.factory("extractor_counts", default_config={"lang": "zh"})
def make_counts(nlp: Language, name: str, lang: str):
    """spaCy factory for the counts stage."""
    return Finder(lang)


class Finder:
    """Pipeline component: sets ``doc._.counts``."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, doc: Doc) -> Doc:
        doc._.counts = []
        return doc
