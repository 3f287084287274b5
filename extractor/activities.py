"""Activity typing: weighted cue lexicons decide the activity types of each record.

``patterns/<lang>/activities.yaml`` lists, for every type of the contract, cue regexes
grouped by weight. All cues of a language are compiled into one regex shaped as a
character trie over their literal prefixes, so a record is scanned once whatever the
size of the lexicon, and at one place the longest cue wins. A cue with a weight <= 0
is a negative cue: it lowers the score of its type and masks the shorter cues it covers
(``宣传周`` names a period, not a campaign).

A record's score for a type is the sum of the weights of its cues; a cue in the heading
counts ``heading_factor`` times, and repeats of one cue in the body count at most
``max_repeats`` times. The best type wins when it passes ``threshold``; other types join
it only with strong evidence (``secondary_min`` and ``secondary_ratio`` of the best
score). Overviews have their own, stricter rules. A record with no winning type is
``other``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .errors import PatternError
from .mention import Mention
from .resources import expand_parts, load_patterns

OTHER = "other"
_META = set(".^$*+?{}[]|()\\")
_QUANTIFIERS = set("?*+{")


@dataclass(frozen=True)
class Choice:
    """How types are chosen from scores for one kind of record."""

    threshold: float  # the best type must reach this score
    secondary_min: float  # another type must reach this score ...
    secondary_ratio: float  # ... and this fraction of the best score
    max_types: int = 3


@dataclass(frozen=True)
class CueHit:
    """One cue found in a record: its extent in the normalized text and the cue's index."""

    start: int
    end: int
    cue: int
    in_heading: bool = False


def split_literal_prefix(source: str) -> tuple[str, str]:
    """``source`` split into a leading literal (no regex syntax) and the regex that follows.

    >>> split_literal_prefix("宣传(?:周|日)")
    ('宣传', '(?:周|日)')
    >>> split_literal_prefix("pancartas?")
    ('pancarta', 's?')
    >>> split_literal_prefix("a|b")
    ('', 'a|b')
    """
    depth, escaped = 0, False
    for ch in source:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "|" and depth == 0:
            return "", source
    i = 0
    while i < len(source) and source[i] not in _META:
        i += 1
    if 0 < i < len(source) and source[i] in _QUANTIFIERS:
        i -= 1  # the quantifier applies to the last literal character
    return source[:i], source[i:]


def trie_regex(sources: list[str], ignore_case: bool = False, word_bounded: bool = False) -> str:
    """One regex matching any of ``sources``; the match of ``sources[n]`` closes the group ``c<n>``.

    Sources sharing a literal prefix share a branch of the trie. At each node the branches
    holding longer sources are tried first, so at one place the longest (most specific) cue
    wins; among sources of equal length, the one listed first (callers list negative cues first).

    >>> m = re.search(trie_regex(["宣传", "宣传周", "横幅"]), "社工宣传周")
    >>> m.group(0), m.lastgroup
    ('宣传周', 'c1')
    """
    root: dict[str, Any] = {}
    for n, source in enumerate(sources):
        prefix, rest = split_literal_prefix(source)
        node = root
        for ch in prefix.lower() if ignore_case else prefix:
            node = node.setdefault(ch, {})
        node.setdefault("", []).append((rest, n))
    tail = r"(?!\w)" if word_bounded else ""

    def emit(node: dict[str, Any]) -> tuple[str, int]:
        """The regex of a trie node, and the length of its longest cue (alternatives are tried longest first)."""
        alternatives = []
        for ch, child in node.items():
            if ch:
                regex, size = emit(child)
                alternatives.append((size, re.escape(ch) + regex))
        for rest, n in node.get("", []):
            alternatives.append((len(sources[n]), f"(?:{rest}){tail}(?P<c{n}>)" if rest else f"{tail}(?P<c{n}>)"))
        alternatives.sort(key=lambda a: -a[0])  # stable: equal lengths keep the callers' order
        regex = "|".join(a[1] for a in alternatives)
        return (regex if len(alternatives) == 1 else f"(?:{regex})"), alternatives[0][0]

    head = r"(?<!\w)" if word_bounded else ""
    return head + emit(root)[0] if sources else r"(?!x)x"


class CueLexicon:
    """Compiled activity cues and choice rules of one language (``patterns/<lang>/activities.yaml``)."""

    def __init__(self, lang: str) -> None:
        data = load_patterns(lang, "activities")
        parts = data.get("parts", {})
        weighted: dict[str, list[tuple[str, float]]] = {}
        for type_name, groups in (data.get("types") or {}).items():
            for weight, sources in (groups or {}).items():
                for source in sources or []:
                    cue = weighted.setdefault(expand_parts(str(source), parts), [])
                    if any(t == type_name for t, _ in cue):
                        raise PatternError(f"cue {source!r} listed twice for {type_name} in patterns/{lang}")
                    cue.append((type_name, float(weight)))
        # Negative cues first, so that they win over a positive cue ending at the same trie node.
        self.sources = sorted(weighted, key=lambda s: min(w for _, w in weighted[s]) > 0)
        self.weights = [tuple(weighted[s]) for s in self.sources]
        settings = data.get("settings", {})
        flags = re.IGNORECASE if settings.get("ignore_case", True) else 0
        regex = trie_regex(self.sources, bool(flags), bool(settings.get("word_bounded", False)))
        try:
            self.pattern = re.compile(regex, flags)
        except re.error as exc:
            raise PatternError(f"bad activity cue in patterns/{lang}/activities.yaml: {exc}") from exc
        self.heading_factor = float(settings.get("heading_factor", 3))
        self.max_repeats = int(settings.get("max_repeats", 3))
        self.choices = {kind: Choice(**settings[kind]) for kind in ("activity", "overview")}

    def find(self, text: str, start: int, end: int, heading: tuple[int, int] | None = None) -> list[CueHit]:
        """The cues in ``text[start:end]``, each marked when it starts inside ``heading``."""
        h_start, h_end = heading or (0, 0)
        return [CueHit(m.start(), m.end(), int(m.lastgroup[1:]), h_start <= m.start() < h_end)
                for m in self.pattern.finditer(text, start, end) if m.end() > m.start()]

    def cue_types(self, hit: CueHit) -> tuple[tuple[str, float], ...]:
        """``(type, weight)`` pairs of the cue found by ``hit``."""
        return self.weights[hit.cue]


@cache
def cue_lexicon(lang: str) -> CueLexicon:
    """Compiled cues for ``lang`` (``zh`` or ``es``), built once per process."""
    return CueLexicon(lang)


def score_types(hits: list[CueHit], lexicon: CueLexicon) -> dict[str, float]:
    """Score of each type from the cues of one record."""
    scores: dict[str, float] = defaultdict(float)
    repeats: Counter[int] = Counter()
    for hit in hits:
        factor = lexicon.heading_factor if hit.in_heading else 1.0
        if not hit.in_heading:
            repeats[hit.cue] += 1
            if repeats[hit.cue] > lexicon.max_repeats:
                continue
        for type_name, weight in lexicon.cue_types(hit):
            scores[type_name] += weight * factor
    return dict(scores)


def choose_types(scores: dict[str, float], choice: Choice) -> list[str]:
    """The winning types, best first; ``["other"]`` when none passes.

    >>> choose_types({"publicity": 9, "children_youth": 2}, Choice(3, 4, 0.4))
    ['publicity']
    >>> choose_types({"publicity": 9, "environmental_cleanup": 6}, Choice(3, 4, 0.4))
    ['publicity', 'environmental_cleanup']
    """
    ranked = sorted(((s, t) for t, s in scores.items() if s >= choice.threshold and t != OTHER), reverse=True)
    if not ranked:
        return [OTHER]
    best = ranked[0][0]
    chosen = [t for s, t in ranked if s == best or (s >= choice.secondary_min and s >= choice.secondary_ratio * best)]
    return chosen[: choice.max_types]


def type_record(text: str, start: int, end: int, heading: tuple[int, int] | None, kind: str,
                lexicon: CueLexicon) -> tuple[list[str], dict[str, list[Mention]]]:
    """Activity types of the record ``text[start:end]`` and, for each, the cues that decided it."""
    hits = lexicon.find(text, start, end, heading)
    types = choose_types(score_types(hits, lexicon), lexicon.choices[kind])
    evidence = {t: [Mention(h.start, h.end, {}) for h in hits
                    if any(c == t and w > 0 for c, w in lexicon.cue_types(h))]
                for t in types if t != OTHER}
    return types, evidence


@Language.factory("extractor_activities", default_config={"lang": "zh"})
def make_activities(nlp: Language, name: str, lang: str) -> Typer:
    """spaCy factory for the activity typing stage."""
    return Typer(lang)


class Typer:
    """Pipeline component: sets ``activity_types`` and ``type_evidence`` of every segment."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.lexicon = cue_lexicon(lang)

    def __call__(self, doc: Doc) -> Doc:
        norm = doc._.norm
        limit = norm.boilerplate_start if norm is not None else len(doc.text)
        for seg in doc._.layout.segments:
            types, evidence = type_record(doc.text, seg.start, min(seg.end, limit), seg.heading, seg.kind,
                                          self.lexicon)
            seg.activity_types = types
            seg.type_evidence = evidence
        return doc
