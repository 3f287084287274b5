"""Dates stage (placeholder until its issue lands): finds nothing yet."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.factory("extractor_dates", default_config={"lang": "zh"})
def make_dates(nlp: Language, name: str, lang: str):
    """spaCy factory for the dates stage."""
    return Finder(lang)


class Finder:
    """Pipeline component: sets ``doc._.dates``."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, doc: Doc) -> Doc:
        doc._.dates = []
        return doc
