"""Pipeline: one spaCy pipeline per language, from text to validated :class:`Document`.

Each extraction stage is a registered spaCy component (``extractor_segment``,
``extractor_communities``, ``extractor_dates``, ``extractor_counts``,
``extractor_activities``) that reads and writes ``Doc`` extensions. The pipeline
runs on the normalized text; :mod:`extractor.records` maps every span back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from functools import cache
from pathlib import Path

from .errors import ModelError
from .normalize import lang_of, normalize
from .reading import DEFAULT_MAX_BYTES, read_file
from .records import Document, build_document
from .resources import gc_paused

STAGES = ("extractor_segment", "extractor_communities", "extractor_dates", "extractor_counts",
          "extractor_activities")
DOC_EXTENSIONS = ("norm", "layout", "dates", "counts", "communities", "reference_date")


def register_extensions() -> None:
    """Declare the ``Doc`` extensions the stages use (idempotent)."""
    from spacy.tokens import Doc

    for name in DOC_EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


@cache
def build_nlp(base_lang: str, model: str | None = None):
    """The spaCy pipeline for ``zh`` or ``es``: blank (or ``model``) plus the extractor's stages."""
    with gc_paused():
        return _new_nlp(base_lang, model)


def _new_nlp(base_lang: str, model: str | None):
    """A new pipeline for ``base_lang`` (see :func:`build_nlp`, which builds each one once)."""
    import spacy

    from . import activities, communities, counts, dates, segment  # noqa: F401  (registers the factories)

    register_extensions()
    if model:
        try:
            nlp = spacy.load(model)
        except OSError as exc:
            raise ModelError(f"spaCy model {model!r} is not installed (see README, 'Optional models')") from exc
    elif base_lang == "zh":
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
        nlp.tokenizer = CharTokenizer(nlp.vocab)
    else:
        nlp = spacy.blank("es")
    if base_lang != "zh":
        nlp.tokenizer = GuardedTokenizer(nlp.tokenizer)
    nlp.max_length = 4 * DEFAULT_MAX_BYTES  # the byte limit of reading is the real bound, not spaCy's 1M
    for stage in STAGES:
        nlp.add_pipe(stage, config={"lang": base_lang})
    return nlp


def doc_from_regex(vocab, text: str, token: re.Pattern[str]):
    """A ``Doc`` whose tokens are the matches of ``token`` (one linear pass), whitespace kept exact.

    A single space after a token is that token's trailing space; any other
    whitespace becomes a token of its own, as spaCy's tokenizers do.
    """
    from spacy.tokens import Doc

    words: list[str] = []
    spaces: list[bool] = []
    pos = 0
    for m in token.finditer(text):
        if m.start() > pos:
            words.append(text[pos:m.start()])
            spaces.append(False)
        words.append(m.group(0))
        follows_space = text.startswith(" ", m.end())
        spaces.append(follows_space)
        pos = m.end() + (1 if follows_space else 0)
    if pos < len(text):
        words.append(text[pos:])
        spaces.append(False)
    return Doc(vocab, words=words, spaces=spaces)


class CharTokenizer:
    """Chinese character segmentation: one token per non-space character.

    The same tokens as spaCy's ``char`` segmenter, built in one linear pass (spaCy's
    alignment of words to text grows faster than linearly on long documents).
    """

    _CHUNK = re.compile(r"(\S+)( ?)|\s+")

    def __init__(self, vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str):
        from spacy.tokens import Doc

        words: list[str] = []
        spaces: list[bool] = []
        for m in self._CHUNK.finditer(text):
            chars = m.group(1)
            if chars is None:  # whitespace that is not one space after a token: a token of its own
                words.append(m.group(0))
                spaces.append(False)
                continue
            words.extend(chars)
            spaces.extend([False] * (len(chars) - 1))
            spaces.append(bool(m.group(2)))
        return Doc(self.vocab, words=words, spaces=spaces)

    def pipe(self, texts, batch_size: int = 1000):
        """Tokenize a stream of texts."""
        for text in texts:
            yield self(text)


class GuardedTokenizer:
    """spaCy's rule tokenizer, except on texts with a very long run without whitespace.

    The rule tokenizer peels prefixes and suffixes off a whitespace-free chunk one at a
    time, which is quadratic in the chunk's length (16,000 ``(`` take close to a minute).
    Such texts are split with one linear regex instead: words and single punctuation marks.
    """

    MAX_RUN = 300
    _LONG_RUN = re.compile(rf"\S{{{MAX_RUN + 1}}}")
    _TOKEN = re.compile(r"\w+|[^\w\s]")

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer
        self.vocab = tokenizer.vocab

    def __call__(self, text: str):
        if not self._LONG_RUN.search(text):
            return self.tokenizer(text)
        return doc_from_regex(self.vocab, text, self._TOKEN)

    def pipe(self, texts, batch_size: int = 1000):
        """Tokenize a stream of texts."""
        for text in texts:
            yield self(text)


class Extractor:
    """Loads the pipelines once and extracts records from texts or files.

    >>> ex = Extractor()                                   # doctest: +SKIP
    >>> doc = ex.extract("2016年3月17日，陽光社區組織65人……")  # doctest: +SKIP
    """

    def __init__(self, lang: str | None = None, model: str | None = None,
                 reference_date: date | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.lang = lang_of(lang) if lang else None
        self.model = model
        self.reference_date = reference_date
        self.max_bytes = max_bytes

    def extract(self, text: str, source: str | None = None, warnings: list[str] | None = None) -> Document:
        """Records of one report given as text."""
        norm = normalize(text, self.lang)
        nlp = build_nlp(norm.base_lang, self.model)
        doc = nlp.make_doc(norm.text)
        doc._.norm = norm
        doc._.reference_date = self.reference_date
        for _, component in nlp.pipeline:
            doc = component(doc)
        notes = list(warnings or [])
        if norm.boilerplate_start < len(norm.text):
            notes.append("trailing block of related links ignored")
        return build_document(doc, source=source, warnings=notes)

    def extract_file(self, path: str | Path) -> Document:
        """Records of one report file (decoded with encoding detection)."""
        decoded = read_file(path, max_bytes=self.max_bytes)
        return self.extract(decoded.text, source=str(path), warnings=decoded.warnings)

    def pipe(self, texts: Iterable[str]) -> Iterator[Document]:
        """Records of each text, lazily, in order."""
        for text in texts:
            yield self.extract(text)


@cache
def default_extractor() -> Extractor:
    """The shared instance used by :func:`extract` and :func:`extract_file`."""
    return Extractor()


def extract(text: str) -> Document:
    """Records of one report given as text, with the default :class:`Extractor`."""
    return default_extractor().extract(text)


def extract_file(path: str | Path) -> Document:
    """Records of one report file, with the default :class:`Extractor`."""
    return default_extractor().extract_file(path)
