"""Communities stage (placeholder until its issue lands): finds nothing yet."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.factory("extractor_communities", default_config={"lang": "zh"})
def make_communities(nlp: Language, name: str, lang: str):
    """spaCy factory for the communities stage."""
    return Finder(lang)


class Finder:
    """Pipeline component: sets ``doc._.communities``."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, doc: Doc) -> Doc:
        doc._.communities = []
        return doc
