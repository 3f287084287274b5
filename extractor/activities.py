"""Activity typing: weighted cue lexicons decide the activity types of each record.

``patterns/<lang>/activities.yaml`` lists, for every type of the contract, cue regexes
grouped by weight. All cues of a language are compiled into one regex shaped as a
character trie over their literal prefixes, so a record is scanned once whatever the
size of the lexicon, and at one place the longest cue wins. Case is ignored by matching
the lowercased text (cues are written in lowercase). A cue with a weight <= 0
is a negative cue: it lowers the score of its type and masks the shorter cues it covers
(``宣传周`` names a period, not a campaign).

A record's score for a type is the sum of the weights of its cues; a cue in the heading
counts ``heading_factor`` times, and repeats of one cue in the body count at most
``max_repeats`` times. The best type wins when it passes ``threshold``; other types join
it only with strong evidence (``secondary_min``, ``secondary_ratio`` of the best score,
``secondary_support`` distinct cue words, a cue in the heading counting one more).
Overviews have their own, stricter rules. An activity with no winning type is ``other``;
an overview with none gets no type (an introduction is not an activity of another kind).
Its evidence is the first ``max_evidence`` cues of each chosen type.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import islice
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .errors import PatternError
from .mention import Mention, doc_text
from .resources import expand_parts, gc_paused, load_patterns

OTHER = "other"
_META = set(".^$*+?{}[]|()\\")
_QUANTIFIERS = set("?*+{")
_ESCAPE = re.compile(r"\\.")
_MAX_VARIANTS = 64


@dataclass(frozen=True)
class Choice:
    """How types are chosen from scores for one kind of record."""

    threshold: float  # the best type must reach this score
    secondary_min: float  # another type must reach this score ...
    secondary_ratio: float  # ... and this fraction of the best score ...
    secondary_support: int = 2  # ... from this many distinct cue words (a heading cue counts one more)
    max_types: int = 3
    fallback: str | None = OTHER  # the types when none passes: ``other``, or none at all (overviews)
    # when the best type says whom a record serves (children, the elderly), what is done for them
    # joins it with one cue of this weight (讲座 for 长者 is a talk); None: ``secondary_min`` only
    beside_audience_min: float | None = None
    beside_audience_types: tuple[str, ...] = ()  # the types that may join so (a talk, a health check …)
    # whom a record of another type serves joins it with one cue of this weight (32名小朋友 at a
    # science lesson); None: ``secondary_min`` only
    audience_join_min: float | None = None


@dataclass(frozen=True)
class CueHit:
    """One cue found in a record: its extent in the normalized text and the cue's index."""

    start: int
    end: int
    cue: int
    in_heading: bool = False


def top_level_alternatives(regex: str) -> list[str]:
    """``regex`` split at the ``|`` that are outside any group or character class.

    >>> top_level_alternatives("a|b(?:c|d)|[|]")
    ['a', 'b(?:c|d)', '[|]']
    """
    parts, last = [], 0
    for i, ch, depth in _syntax(regex):
        if ch == "|" and depth == 0:
            parts.append(regex[last:i])
            last = i + 1
    return [*parts, regex[last:]]


def _syntax(regex: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """``(index, character, group depth after it)`` for each character of ``regex`` from ``start``
    that is neither escaped nor inside a character class."""
    depth, in_class, escaped = 0, False, False
    for i in range(start, len(regex)):
        ch = regex[i]
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        else:
            depth += (ch == "(") - (ch == ")")
            yield i, ch, depth


def _group_end(regex: str, start: int) -> int:
    """Index of the ``)`` closing the group opened at ``regex[start]``."""
    for i, ch, depth in _syntax(regex, start):
        if ch == ")" and depth == 0:
            return i
    raise PatternError(f"unbalanced group in cue {regex!r}")


def expand_alternatives(source: str) -> list[str]:
    """Variants of ``source`` that do not open with an alternation, so each joins the trie by its literal.

    >>> expand_alternatives("(?:入户|上门)宣传")
    ['入户宣传', '上门宣传']
    >>> expand_alternatives("a|(?:b|c)d?")
    ['a', 'bd?', 'cd?']
    >>> expand_alternatives("(?:a|b)?c")
    ['(?:a|b)?c']
    """
    alternatives = top_level_alternatives(source)
    if len(alternatives) > 1:
        variants = [v for a in alternatives for v in expand_alternatives(a)]
    elif source.startswith("(?:"):
        end = _group_end(source, 0)
        after = source[end + 1:]
        if after[:1] and after[0] in _QUANTIFIERS:
            return [source]
        variants = [v for a in top_level_alternatives(source[3:end]) for v in expand_alternatives(a + after)]
    else:
        return [source]
    return variants if len(variants) <= _MAX_VARIANTS else [source]


def split_literal_prefix(source: str) -> tuple[str, str]:
    """``source`` split into a leading literal (no regex syntax) and the regex that follows.

    >>> split_literal_prefix("宣传(?:周|日)")
    ('宣传', '(?:周|日)')
    >>> split_literal_prefix("pancartas?")
    ('pancarta', 's?')
    >>> split_literal_prefix("a|b")
    ('', 'a|b')
    """
    if len(top_level_alternatives(source)) > 1:
        return "", source
    i = 0
    while i < len(source) and source[i] not in _META:
        i += 1
    if 0 < i < len(source) and source[i] in _QUANTIFIERS:
        i -= 1  # the quantifier applies to the last literal character
    return source[:i], source[i:]


def trie_regex(sources: list[str], word_bounded: bool = False) -> tuple[str, dict[str, int]]:
    """One regex matching any of ``sources``, and the index of the source behind each marker group.

    Each source is expanded into variants without a leading alternation; variants sharing
    a literal prefix share a branch of a character trie, so at each place of the text only
    the branch of its first character is tried. A match of a variant of ``sources[n]``
    ends by closing an empty group whose name maps to ``n`` (read it with ``lastgroup``).
    At each node the branches holding longer sources are tried first, so at one place the
    longest (most specific) cue wins; among equal lengths, the source listed first.
    ``word_bounded`` cues start and end at word boundaries.

    >>> regex, cue_of = trie_regex(["宣传", "宣传周", "横幅"])
    >>> m = re.search(regex, "社工宣传周")
    >>> m.group(0), cue_of[m.lastgroup]
    ('宣传周', 1)
    """
    root: dict[str, Any] = {}
    cue_of: dict[str, int] = {}
    for n, source in enumerate(sources):
        for k, variant in enumerate(expand_alternatives(source)):
            prefix, rest = split_literal_prefix(variant)
            node = root
            for ch in prefix:
                node = node.setdefault(ch, {})
            name = f"c{n}_{k}"
            cue_of[name] = n
            node.setdefault("", []).append((len(source), rest, name))
    tail = r"(?!\w)" if word_bounded else ""

    def emit(node: dict[str, Any], top: bool = False) -> tuple[str, int]:
        """The regex of a trie node, and the length of its longest source."""
        alternatives = []
        for ch, child in node.items():
            if ch:
                regex, size = emit(child)
                # At the top, (?<!\w)x is written x(?<!\w.): the branch still opens with a plain literal.
                bound = r"(?<!\w.)" if top and word_bounded else ""
                alternatives.append((size, re.escape(ch) + bound + regex))
        for size, rest, name in node.get("", []):
            bound = r"(?<!\w)" if top and word_bounded else ""
            alternatives.append((size, f"{bound}(?:{rest}){tail}(?P<{name}>)" if rest else f"{tail}(?P<{name}>)"))
        alternatives.sort(key=lambda a: -a[0])  # stable: equal lengths keep the callers' order
        regex = "|".join(a[1] for a in alternatives)
        return (regex if len(alternatives) == 1 else f"(?:{regex})"), alternatives[0][0]

    return (emit(root, top=True)[0] if sources else r"(?!x)x"), cue_of


class CueLexicon:
    """Compiled activity cues and choice rules of one language (``patterns/<lang>/activities.yaml``)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        data = load_patterns(lang, "activities")
        parts = data.get("parts", {})
        settings = data.get("settings", {})
        self.ignore_case = bool(settings.get("ignore_case", True))
        weighted: dict[str, list[tuple[str, float]]] = {}
        for type_name, groups in (data.get("types") or {}).items():
            for weight, sources in (groups or {}).items():
                for source in sources or []:
                    regex = expand_parts(str(source), parts)
                    if self.ignore_case and _ESCAPE.sub("", regex) != _ESCAPE.sub("", regex).lower():
                        raise PatternError(f"cue {source!r} in patterns/{lang}/activities.yaml: write it in lowercase")
                    cue = weighted.setdefault(regex, [])
                    if any(t == type_name for t, _ in cue):
                        raise PatternError(f"cue {source!r} listed twice for {type_name} in patterns/{lang}")
                    cue.append((type_name, float(weight)))
        # Negative cues first, so that they win over a positive cue of the same length at the same place.
        self.sources = sorted(weighted, key=lambda s: min(w for _, w in weighted[s]) > 0)
        self.weights = [tuple(weighted[s]) for s in self.sources]
        self.positive = [frozenset(t for t, w in cue if w > 0) for cue in self.weights]
        regex, self.cue_of = trie_regex(self.sources, bool(settings.get("word_bounded", False)))
        self.pattern = _compile(regex, lang)
        self._regex = regex
        self.heading_factor = float(settings.get("heading_factor", 3))
        self.max_repeats = int(settings.get("max_repeats", 3))
        self.max_hits = int(settings.get("max_hits", 2000))
        self.max_evidence = int(settings.get("max_evidence", 20))
        self.choices = {kind: Choice(**{k: tuple(v) if isinstance(v, list) else v for k, v in settings[kind].items()})
                        for kind in ("activity", "overview")}
        audience = settings.get("audience") or {}
        self.audience_types = tuple(audience.get("types") or ())
        self.audience_min = float(audience.get("min_score", 4))
        self.theme_min = float((settings.get("theme") or {}).get("min_score", float("inf")))

    @cached_property
    def pattern_ignoring_case(self) -> re.Pattern[str]:
        """The cue regex for texts whose lowercase form changes length (rare letters such as İ)."""
        return _compile(self._regex, self.lang, re.IGNORECASE)

    def find(self, text: str, start: int, end: int, heading: tuple[int, int] | None = None) -> list[CueHit]:
        """The cues in ``text[start:end]`` (at most ``max_hits``), each marked when it starts inside ``heading``."""
        chunk, pattern = text[start:end], self.pattern
        if self.ignore_case:
            lowered = chunk.lower()
            if len(lowered) == len(chunk):
                chunk = lowered
            else:
                pattern = self.pattern_ignoring_case
        h_start, h_end = heading or (0, 0)
        hits = []
        for m in islice(pattern.finditer(chunk), self.max_hits):
            if m.end() > m.start():
                s = start + m.start()
                hits.append(CueHit(s, start + m.end(), self.cue_of[m.lastgroup], h_start <= s < h_end))
        return hits

    def cue_types(self, hit: CueHit) -> tuple[tuple[str, float], ...]:
        """``(type, weight)`` pairs of the cue found by ``hit``."""
        return self.weights[hit.cue]


def _compile(regex: str, lang: str, flags: int = 0) -> re.Pattern[str]:
    """Compile the cue regex; the garbage collector is paused meanwhile (parsing thousands of
    nodes next to spaCy's heap otherwise spends most of its time in collections)."""
    try:
        with gc_paused():
            return re.compile(regex, flags)
    except re.error as exc:
        raise PatternError(f"bad activity cue in patterns/{lang}/activities.yaml: {exc}") from exc


@cache
def cue_lexicon(lang: str) -> CueLexicon:
    """Compiled cues for ``lang`` (``zh`` or ``es``), built once per process."""
    return CueLexicon(lang)


@dataclass
class TypeScore:
    """The evidence for one type in one record: summed cue weights and its distinct positive cue words."""

    score: float = 0.0
    words: set[str] = field(default_factory=set)
    in_heading: bool = False
    strongest: float = 0.0  # the weight of its strongest cue

    @property
    def support(self) -> int:
        """Distinct cue words, plus one when a cue is in the heading."""
        return len(self.words) + self.in_heading


def score_types(text: str, hits: list[CueHit], lexicon: CueLexicon) -> dict[str, TypeScore]:
    """Score of each type from the cues ``hits`` found in ``text``."""
    scores: dict[str, TypeScore] = defaultdict(TypeScore)
    repeats: Counter[int] = Counter()
    for hit in hits:
        factor = lexicon.heading_factor if hit.in_heading else 1.0
        if not hit.in_heading:
            repeats[hit.cue] += 1
            if repeats[hit.cue] > lexicon.max_repeats:
                continue
        for type_name, weight in lexicon.cue_types(hit):
            scores[type_name].score += weight * factor
            if weight > 0:
                scores[type_name].words.add(text[hit.start:hit.end].casefold())
                scores[type_name].in_heading |= hit.in_heading
                scores[type_name].strongest = max(scores[type_name].strongest, weight)
    return dict(scores)


def choose_types(scores: dict[str, TypeScore], choice: Choice, audience: tuple[str, ...] = ()) -> list[str]:
    """The winning types, best first; ``[choice.fallback]`` (or none) when none passes.

    >>> rules = Choice(threshold=3, secondary_min=6, secondary_ratio=0.25, secondary_support=2)
    >>> top = TypeScore(20, {"横幅", "宣传"})
    >>> choose_types({"publicity": top, "children_youth": TypeScore(4, {"学生"})}, rules)
    ['publicity']
    >>> choose_types({"publicity": top, "environmental_cleanup": TypeScore(8, {"垃圾", "清扫"})}, rules)
    ['publicity', 'environmental_cleanup']
    >>> choose_types({"publicity": top, "volunteer_mobilization": TypeScore(6, {"志愿者"})}, rules)
    ['publicity']
    >>> choose_types({"volunteer_mobilization": TypeScore(2, {"志愿者"})}, rules)
    ['other']
    >>> choose_types({}, Choice(threshold=3, secondary_min=12, secondary_ratio=0.8, fallback=None))
    []
    >>> choose_types({"other": TypeScore(8, {"居民议事会"}), "children_youth": TypeScore(4, {"学生"})}, rules)
    ['other']
    >>> choose_types({"elderly_disability_care": TypeScore(12, {"长者", "独居"}),
    ...               "other": TypeScore(8, {"加装电梯", "协调会"})}, rules)
    ['elderly_disability_care', 'other']
    >>> beside = Choice(threshold=3, secondary_min=6, secondary_ratio=0.15, secondary_support=1,
    ...                 beside_audience_min=4, beside_audience_types=("lecture_training",))
    >>> talk = {"elderly_disability_care": TypeScore(8, {"长者"}, strongest=4),
    ...         "lecture_training": TypeScore(4, {"讲座"}, strongest=4)}
    >>> choose_types(talk, beside, audience=("elderly_disability_care",))
    ['elderly_disability_care', 'lecture_training']
    >>> choose_types(talk, beside)
    ['elderly_disability_care']
    >>> join = Choice(threshold=3, secondary_min=6, secondary_ratio=0.15, secondary_support=1, audience_join_min=4)
    >>> lesson = {"lecture_training": TypeScore(8, {"讲解", "老师"}, strongest=4),
    ...           "children_youth": TypeScore(4, {"小朋友"}, strongest=4)}
    >>> choose_types(lesson, join, audience=("children_youth",))
    ['lecture_training', 'children_youth']
    >>> choose_types(lesson, join)
    ['lecture_training']
    """
    ranked = sorted(((ts.score, t, ts.support, ts.strongest) for t, ts in scores.items()
                     if ts.score >= choice.threshold), reverse=True)
    if not ranked or ranked[0][1] == OTHER:
        # (cues of `other`, such as a meeting or an election, may outweigh what the record mentions in
        # passing; they join a record of another type as any type does: 加装电梯 beside elderly care)
        return [choice.fallback] if choice.fallback else []
    best = ranked[0][0]
    beside = choice.beside_audience_min if ranked[0][1] in audience else None
    joins = choice.audience_join_min if ranked[0][1] not in audience else None
    chosen = [t for s, t, n, top in ranked
              if s == best or (n >= choice.secondary_support and s >= choice.secondary_ratio * best
                               and (s >= choice.secondary_min
                                    or (beside is not None and top >= beside and t in choice.beside_audience_types)
                                    or (joins is not None and top >= joins and t in audience)))]
    return chosen[: choice.max_types]


def type_record(text: str, start: int, end: int, heading: tuple[int, int] | None, kind: str,
                lexicon: CueLexicon, audience: dict[str, list[Mention]] | None = None,
                theme: dict[str, list[Mention]] | None = None) -> tuple[list[str], dict[str, list[Mention]]]:
    """Activity types of the record ``text[start:end]`` and, for each, the cues that decided it.

    ``audience`` (types with their cues in the title) joins the types; ``theme`` (the same for the
    types the title names strongly) gives them to a record with no cue of its own (both given for
    activities).
    """
    hits = lexicon.find(text, start, end, heading)
    scores = score_types(text, hits, lexicon)
    choice = lexicon.choices[kind]
    types = choose_types(scores, choice, lexicon.audience_types)
    title_cues = dict(audience or {})
    if audience:
        types = with_audience(types, scores, list(audience), choice.max_types)
    if theme and types == [OTHER] and OTHER not in scores:
        types = list(theme)
        title_cues = {**theme, **title_cues}
    # `other` alone is what is left (no evidence); beside another type it was chosen by its cues
    evidence: dict[str, list[Mention]] = {t: [] for t in types if t != OTHER or len(types) > 1}
    for hit in hits:
        for t in lexicon.positive[hit.cue]:
            if t in evidence and len(evidence[t]) < lexicon.max_evidence:
                evidence[t].append(Mention(hit.start, hit.end, {}))
    for t, cues in title_cues.items():
        if t in evidence:
            evidence[t].extend(cues[: lexicon.max_evidence - len(evidence[t])])
    return types, evidence


def with_audience(types: list[str], scores: dict[str, TypeScore], audience: list[str], max_types: int) -> list[str]:
    """``types`` joined by the audience types of the report; ``other`` given only for want of a type
    (no meeting or election cue) gives way to them."""
    if types == [OTHER]:
        if OTHER in scores:
            return types
        types = []
    return (types + [t for t in audience if t not in types])[:max_types]


def title_types(text: str, title: tuple[int, int] | None, lexicon: CueLexicon,
                ) -> tuple[dict[str, list[Mention]], dict[str, list[Mention]]]:
    """The types a report's title names, each with its cues in the title: whom the report serves
    (青少年暑期…: they join every activity), and the types it names strongly (开学爱心书包捐赠: charity,
    children; they are the types of an activity with no cue of its own)."""
    if title is None:
        return {}, {}
    hits = lexicon.find(text, *title)
    scores = score_types(text, hits, lexicon)
    audience = [t for t in lexicon.audience_types if t in scores and scores[t].score >= lexicon.audience_min]
    theme = [t for t in choose_types(scores, lexicon.choices["activity"], lexicon.audience_types)
             if t != OTHER and scores[t].score >= lexicon.theme_min]

    def cues(types: list[str]) -> dict[str, list[Mention]]:
        return {t: [Mention(h.start, h.end, {}) for h in hits if t in lexicon.positive[h.cue]] for t in types}

    return cues(audience), cues(theme)


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
        text = doc_text(doc)
        limit = norm.boilerplate_start if norm is not None else len(text)
        layout = doc._.layout
        audience, theme = title_types(text, layout.title, self.lexicon)
        for seg in layout.segments:
            activity = seg.kind == "activity"
            types, evidence = type_record(text, seg.start, min(seg.end, limit), seg.heading, seg.kind,
                                          self.lexicon, audience if activity else None, theme if activity else None)
            seg.activity_types = types
            seg.type_evidence = evidence
        return doc
