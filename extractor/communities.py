"""Communities stage: neighbourhood-level names, with their boundaries, lists, masks and romanization.

Chinese: a name followed by a suffix word (陽光社區, ××苑社區, 青楓邨, 松柏里). The suffix is easy to find;
the work is the left boundary (after punctuation, a verb or preposition, an administrative unit, or the
previous item of a list) and telling names from generic uses (各社區, 服務社區, 美好家園).

Spanish: a trigger word followed by a capitalized name (la Comunidad Monte Verde, colonia 5 de Mayo),
lists after a trigger (los barrios A, B y C), and a few trigger-less cues (an alias, "300 viviendas en X",
places coordinated with a mention, an item heading that is only a place).

Both: names confirmed in one place fix their other occurrences (one name per document), and the entities
of an optional spaCy model (``--model``) are extra candidates under the same rules. Every word and regex
lives in ``patterns/<lang>/communities.yaml``. The component sets ``doc._.communities`` to
:class:`~extractor.mention.Mention` objects whose attrs are ``name``, ``kind``, ``masked``, ``romanized``.
"""

from __future__ import annotations

import bisect
import os
import re
import sys
from dataclasses import dataclass
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from .mention import Mention, doc_text
from .resources import compile_pattern, load_patterns, word_alternation

_HAN = re.compile(r"[\u4e00-\u9fff]")
_YEAR = re.compile(r"(?:19|20)\d{2}")
_HAN_ONLY = re.compile(r"[\u4e00-\u9fff]*")


@dataclass
class Candidate:
    """A community found in the normalized text: ``[start, end)`` and its normalized values."""

    start: int
    end: int
    name: str
    kind: str
    weak: bool = False  # a generic-looking use, kept only when the name is confirmed elsewhere
    masked: bool = False

    def overlaps(self, other: Candidate) -> bool:
        """True when the two candidates share a character."""
        return self.start < other.end and other.start < self.end


@Language.factory("extractor_communities", default_config={"lang": "zh"})
def make_communities(nlp: Language, name: str, lang: str):
    """spaCy factory for the communities stage."""
    return Finder(lang)


class Finder:
    """Pipeline component: sets ``doc._.communities`` (find, then write)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.rules = chinese_rules() if lang == "zh" else spanish_rules()

    def __call__(self, doc: Doc) -> Doc:
        doc._.communities = [self.rules.mention(c) for c in self.find(doc)]
        return doc

    def find(self, doc: Doc) -> list[Candidate]:
        """Communities of ``doc``, in text order, without overlaps."""
        text = doc_text(doc)
        norm = doc._.norm
        limit = norm.boilerplate_start if norm is not None else len(text)
        found = self.rules.find(doc, text, limit)
        return [c for c in without_overlaps(found) if c.start < limit]


def without_overlaps(candidates: list[Candidate]) -> list[Candidate]:
    """Candidates sorted by start; of two overlapping ones the earlier (then longer) one stays."""
    kept: list[Candidate] = []
    for c in sorted(candidates, key=lambda c: (c.start, -(c.end - c.start))):
        if not kept or not kept[-1].overlaps(c):
            kept.append(c)
    return kept


def entity_spans(doc: Doc, labels: list[str], limit: int) -> list[tuple[int, int]]:
    """Character spans of the model's entities with one of ``labels`` (none without a model)."""
    return [(e.start_char, e.end_char) for e in doc.ents if e.label_ in labels and e.end_char <= limit]


# ----------------------------------------------------------------------------------------------- Chinese
class ChineseRules:
    """Suffix-based rules for Chinese (``patterns/zh/communities.yaml``)."""

    def __init__(self) -> None:
        data = load_patterns("zh", "communities")
        parts = data.get("parts", {})
        self.suffixes = {s["word"]: s for s in data["suffixes"]}
        self.suffix_re = re.compile(word_alternation(list(self.suffixes)))
        self.outer = tuple(w for w, s in self.suffixes.items() if s.get("outer"))
        self.inner = tuple(sorted((w for w, s in self.suffixes.items() if not s.get("outer")), key=len,
                                  reverse=True))
        self.weak = tuple(w for w, s in self.suffixes.items() if s.get("weak"))
        self.weak_word = re.compile(word_alternation(list(self.weak)))
        self.all_suffixes = tuple(self.suffixes)
        self.strong_suffixes = tuple(w for w in self.suffixes if w not in self.weak)
        self.phase = compile_pattern(data["phase"], parts)
        self.phase_end = compile_pattern("(?:" + data["phase"] + r")\Z", parts)
        self.unit = compile_pattern(data["name_unit"], parts)
        # a run of name units ending at the suffix; it does not begin with a bracketed number ((1)某某新村)
        # (\Z, not $: searched up to a suffix, $ would also match before a line break there)
        self.run = compile_pattern("(?:" + data["name_start_unit"] + ")(?:" + data["name_unit"] + r")*\Z", parts)
        self.mask = compile_pattern(parts["mask"])
        self.name_min = int(data.get("name_min", 2))
        self.name_max = int(data.get("name_max", 4))
        # Strong boundaries: words of two or more characters and administrative units; single-character
        # words may also begin a name (和平, 向阳, 回春岭) and get a second look.
        admin = set(data.get("admin_units", []))
        self.left_words = tuple(w for w in data["left_boundaries"] if len(w) > 1)
        self.left_strong = self.left_words + tuple(admin)
        # no name holds a verb or a generic word: a longer candidate may not reach over one (建设新社区)
        self.inside_stops = self.left_words + tuple(data.get("generic_words", []))
        self.left_single = {w for w in data["left_boundaries"] if len(w) == 1} - admin
        # single-character boundaries that begin no name even after another boundary (共有宝达邨, 邻近之文北里)
        self.left_never_joins = set(data.get("left_never_joins", []))
        self.forbidden = set(data.get("forbidden_chars", ""))
        self.generic = tuple(data.get("generic_words", []))
        self.not_suffix = tuple(data.get("not_suffix_words", []))
        self.places_before = {w: tuple(v) for w, v in (data.get("places_before") or {}).items()}
        self.suffix_names = tuple(data.get("names_ending_like_words", []))
        self.office_followers = {w: tuple(v) for w, v in (data.get("office_followers") or {}).items()}
        reject = data.get("right_reject", {})
        self.right_reject = {w: tuple(reject.get("all", []) + reject.get(w, []) + (reject.get("weak", [])
                                     if s.get("weak") else [])) for w, s in self.suffixes.items()}
        self.institutions = tuple(reject.get("weak", []))  # (a list item ending so is no place: ××小学、A社区)
        self.weak_right_ok = tuple(data.get("weak_right_ok", []))
        self.followers = {w: tuple(v) for w, v in data.get("weak_followers", {}).items()}
        self.follower_venues = tuple(data.get("follower_venues", []))
        self.separators = tuple(data["list_separators"])
        self.sentence_ends = tuple(data.get("sentence_ends", []))
        self.person_words = tuple(data.get("person_words", []))
        self.shared_marker = data["shared_suffix_marker"]
        self.shared_count = compile_pattern("(?:" + (data.get("shared_suffix_count") or "(?!)") + r")\Z", parts)
        self.conjunctions = set(data.get("conjunction_chars", ""))
        self.joined_words = tuple(data.get("boundary_joined_words") or ())
        self.model_labels = data.get("model_labels", [])
        self.pinyin_overrides = data.get("pinyin_overrides", {})
        self.romanized: dict[str, str] = {}

    # -- find
    def find(self, doc: Doc, text: str, limit: int) -> list[Candidate]:
        """Candidates from suffixes, shared-suffix lists and model entities, made consistent."""
        norm = doc._.norm
        language = norm.language if norm is not None else "zh-Hans"
        entities = entity_spans(doc, self.model_labels, limit)
        found: list[Candidate] = []
        suffix_ends = []
        for m in self.suffix_re.finditer(text, 0, limit):
            suffix_ends.append(m.end())
            found.extend(self.at_suffix(text, m, norm, language, entities))
        return self.consistent(found, text, suffix_ends)

    def at_suffix(self, text: str, m: re.Match[str], norm, language: str,
                  entities: list[tuple[int, int]]) -> list[Candidate]:
        """The community ending with the suffix ``m`` (and the bare items of a list sharing it)."""
        word, s = m.group(), m.start()
        info = self.suffixes[word]
        if not info.get("outer") and self.outer_follows(text, m.end()):
            return []  # 翠湖花园社区: the outer suffix takes the whole name
        end = s + len(info["keep"]) if info.get("keep") else m.end()
        if info.get("keep") and text.endswith(info["keep"], 0, s):
            end = s  # 桂花村村委会: the name already holds the kept word (桂花村)
        if not info.get("outer"):
            phase = self.phase.match(text, end)
            end = phase.end() if phase else end
        if not self.suffix_fits(text, word, s, end, norm, language):
            return []
        if text.endswith(self.shared_marker, 0, s):
            return self.list_items(text, s - len(self.shared_marker), word, info["kind"], own=False)
        count = self.shared_count.search(text, max(0, s - 4), s)
        if count:
            # a count shares the suffix only with a list of names (A、B、C三个社区, not 共有3个社区)
            items = self.list_items(text, count.start(), word, info["kind"], own=False)
            return items if len(items) > 1 else []
        start = self.name_start(text, s, entities, info.get("name_max", self.name_max), info.get("modifiers", ""),
                                self.places_before.get(word, ()))
        if start is None:
            return []
        if word in self.weak and not self.clean_right_edge(text, end) and not self.after_word(text, start):
            return []  # 某某园公益…: a weak suffix needs a clean right edge or a boundary word on its left
        name = text[start:end]
        if name.startswith(self.person_words):
            return []  # 志愿者王家园, 歌手刘新村: a person named after a role
        found = [Candidate(start, end, name, info["kind"], weak=self.generic_follower(text, word, end),
                           masked=bool(self.mask.search(name)))]
        if text.startswith(self.separators, start - 1):
            found.extend(self.list_items(text, start - 1, word, info["kind"], own=True))
        return found

    def outer_follows(self, text: str, end: int) -> bool:
        """True when an outer suffix that makes a name follows ``end`` (not 社区会堂, a hall: 逸东邨社区会堂)."""
        return any(text.startswith(w, end) and not text.startswith(self.right_reject[w], end + len(w))
                   for w in self.outer)

    def generic_follower(self, text: str, word: str, end: int) -> bool:
        """True when a word after the suffix suggests a generic use (社区居民), unless a venue follows
        it (某某社区文化广场, 某某社区卫生服务中心 belong to that community)."""
        for follower in self.followers.get(word, ()):
            if text.startswith(follower, end):
                return not text.startswith(self.follower_venues, end + len(follower))
        return False

    def suffix_fits(self, text: str, word: str, s: int, end: int, norm, language: str) -> bool:
        """True when the suffix at ``[s, end)`` is a community suffix here, not part of another word."""
        info = self.suffixes[word]
        stop = s + len(word)
        if ((text.endswith(self.not_suffix, 0, stop) and not text.endswith(self.suffix_names, 0, stop)
             and not text.startswith(self.office_followers.get(word, ()), stop))
                or text.startswith(self.right_reject[word], end)):
            return False
        if info.get("languages") and language not in info["languages"]:
            return False
        return not info.get("original") or norm is None or norm.original[norm.offsets[s]] == info["original"]

    def clean_right_edge(self, text: str, end: int) -> bool:
        """True when a weak suffix ending at ``end`` is followed by a non-Han character or a fitting word."""
        return not _HAN.match(text[end:end + 1]) or text.startswith(self.weak_right_ok, end)

    def name_start(self, text: str, s: int, entities: list[tuple[int, int]] = (), name_max: int | None = None,
                   modifiers: str = "", places: tuple[str, ...] = ()) -> int | None:
        """Start of the name before index ``s``, or None when there is no name (a generic use).

        The shortest candidate of at least ``name_min`` units that starts at a boundary wins; a
        single-character boundary that itself follows a boundary (前往回春岭社区) joins the name if it can.
        A model entity ending at ``s`` (or at the suffix end) gives the start directly. ``name_max`` and
        ``modifiers`` are the suffix's own limits (an estate name before 邨 is short); ``places`` are
        districts its names follow (长洲长贵邨).
        """
        if text.endswith(self.generic, max(0, s - 8), s):
            return None  # 服务社区, 美好家园: a generic use, whatever stands before
        run = self.run.search(text, max(0, s - 24), s)
        if not run:
            return None
        for e_start, e_end in entities:
            if run.start() <= e_start < s <= e_end and self.valid_name(text[e_start:s]):
                return e_start
        chunk = text[run.start():s]
        starts = (range(run.start(), s) if _HAN_ONLY.fullmatch(chunk)
                  else [u.start() for u in self.unit.finditer(text, run.start(), s)])
        # a run right after a digit begins with a measure word (8月1日由里…: 日), not a name
        run_start_is_edge = run.start() == 0 or not (self.unit.match(text, run.start() - 1)
                                                      or text[run.start() - 1].isdigit())
        # units not counted: an inner suffix (翠湖花园: 花园) or a modifier of the suffix (某某上邨: 上)
        inner = next((len(w) for w in self.inner if chunk.endswith(w)), 0) or int(chunk[-1:] in modifiers)
        name_max = name_max or self.name_max
        pending = None
        n = len(starts)
        for k in range(1, n + 1):
            p = starts[n - k]
            q = starts[n - k + 1] if k > 1 else s  # start of the previous, shorter candidate
            if (self.forbidden.intersection(text[p:q]) or (k - inner if s - p > inner else k) > name_max
                    or (k > 1 and (text.endswith(self.inside_stops, 0, q) or self.suffix_inside(text, q, s)))
                    or (s - p > 2 and text[s - 1] in self.conjunctions)):
                return pending  # longer names would hold a non-name character, a verb, or another name
            if text[p:s] in self.suffixes or (k < self.name_min and not self.mask.fullmatch(text, p, s)):
                continue
            edge = ((p == run.start() and run_start_is_edge) or text.endswith(self.left_strong, 0, p)
                    or (places and text.endswith(places, 0, p)))
            # (和 opens a name in 和平里社区: a word of names, not the conjunction)
            single = not edge and text[p - 1:p] in self.left_single and not text.startswith(self.joined_words, p - 1)
            if pending is not None:
                return p if edge or single else pending
            if edge:
                return p
            if single:
                before = p - 1
                sandwiched = (before == 0 or not self.unit.match(text, before - 1)
                              or text.endswith(self.left_words, 0, before) or text[before - 1] in self.left_single)
                if not sandwiched or text[p - 1] in self.forbidden or text[p - 1] in self.left_never_joins:
                    return p
                pending = p
        return pending

    def after_word(self, text: str, start: int) -> bool:
        """True when a boundary word, a list separator or the end of a sentence (not other punctuation)
        stands before ``start``."""
        return (text.endswith(self.left_strong, 0, start) or text.startswith(self.separators, start - 1)
                or text[start - 1:start] in self.left_single or text.startswith(self.sentence_ends, start - 1))

    def valid_name(self, name: str) -> bool:
        """True when ``name`` (before a suffix) may be a community name: its own start is accepted."""
        return len(name) >= self.name_min and self.name_start(name, len(name)) == 0

    def suffix_inside(self, text: str, q: int, s: int) -> bool:
        """True when a weak suffix starting at ``q`` ends before ``s`` (某某园公益社区): a name that has a
        character before ``q`` would run past another name."""
        m = self.weak_word.match(text, q)
        return bool(m and m.end() < s and not self.phase.match(text, m.end())
                    and not text.startswith(self.outer, m.end()))

    def list_items(self, text: str, end: int, word: str, kind: str, own: bool) -> list[Candidate]:
        """Bare items of a list sharing ``word``: "A、B、C等社区" (end at 等), "A、B、C小区" (end at 、)."""
        bare: list[tuple[int, int]] = []
        mixed, suffixed = False, own  # suffixed: the last item carries the suffix (A、B、C小区), not 等
        # after 等 a weak suffix stays in the name (沿河、南苑、茶南等社区); it ends a list of its own
        own_suffixes = self.all_suffixes if suffixed else self.strong_suffixes
        pos = end + (1 if own else 0)
        while True:
            if own:
                pos -= 1  # the separator
            if text.endswith(own_suffixes, 0, pos):
                mixed = True  # the item before is a mention of its own; the list shares no further
                break
            start = self.name_start(text, pos)
            if start is None:
                break
            item = text[start:pos]
            if self.phase_end.search(item):
                mixed = True  # an item with its own phase (某某苑二期) is a mention of its own
                break
            if item.endswith(self.institutions):
                break  # a school or a company listed beside the place shares nothing (××小学、彩虹社区)
            bare.append((start, pos))
            if not text.startswith(self.separators, start - 1):
                break
            pos, own = start, True
        # in a list of places of several kinds that ends with the suffix (长乐小区、华新公寓、宛平新村), a bare
        # item is a name as it stands; a weak suffix is shared by no other list (东门巷、南关、铁路新村)
        if suffixed and word in self.weak and not mixed:
            return []
        shared = "" if mixed and suffixed else word
        return [Candidate(s, e, text[s:e] + shared, kind, masked=bool(self.mask.search(text[s:e]))) for s, e in bare]

    def consistent(self, found: list[Candidate], text: str, suffix_ends: list[int]) -> list[Candidate]:
        """One name per document: the other occurrences of a confirmed name are mentions too (连夸松涛社区
        工作者), a mention ending with a shorter name found elsewhere is cut to it (某市松涛社区 -> 松涛社区),
        and a weak mention stays only when its name is confirmed or masked."""
        names = {c.name: c for c in found if not c.weak and c.name == text[c.start:c.end] and len(c.name) >= 3}
        lengths = {len(n) for n in names}
        for e in suffix_ends:
            for length in lengths:
                same = names.get(text[max(0, e - length):e])
                if same is not None:
                    found.append(Candidate(e - length, e, same.name, same.kind, masked=same.masked))
        strong = {self.core(c.name) for c in found if not c.weak}
        out = []
        for c in found:
            own = text[c.start:c.end]
            if own == c.name:
                shorter = next((own[i:] for i in range(1, len(own) - 2) if own[i:] in names), None)
                if shorter:
                    c = Candidate(c.end - len(shorter), c.end, shorter, c.kind, c.weak, c.masked)
            if c.weak and not c.masked and self.core(c.name) not in strong:
                continue
            out.append(c)
        return out

    def core(self, name: str) -> str:
        """``name`` without its outer suffix (松涛社区 -> 松涛), to compare names."""
        word = next((w for w in self.outer if name.endswith(w) and len(name) > len(w)), "")
        return name[: len(name) - len(word)]

    # -- write
    def mention(self, c: Candidate) -> Mention:
        """The contract's attributes of a candidate."""
        return Mention(c.start, c.end, {"name": c.name, "kind": c.kind, "masked": c.masked,
                                        "romanized": self.romanize(c.name)})

    def romanize(self, name: str) -> str:
        """Pinyin: the proper name joined and capitalized, each suffix its own word (Cuihu Huayuan Shequ)."""
        if name not in self.romanized:
            self.romanized[name] = self.pinyin_of(name)
        return self.romanized[name]

    def pinyin_of(self, name: str) -> str:
        """The romanization of ``name``, computed (see :meth:`romanize`)."""
        tail: list[str] = []
        rest = name
        phase = self.phase_end.search(rest)
        if phase and phase.start() > 0:
            tail.append(rest[phase.start():])
            rest = rest[:phase.start()]
        for _ in range(2):
            word = next((w for w in sorted(self.suffixes, key=len, reverse=True)
                         if rest.endswith(w) and len(rest) > len(w)), None)
            if word is None:
                break
            tail.insert(0, word)
            rest = rest[:-len(word)]
        words = [self.pinyin_word(p) for p in re.split(f"({self.mask.pattern})", rest) if p]
        return " ".join([w for w in words if w] + [self.pinyin_word(t) for t in tail])

    def pinyin_word(self, part: str) -> str:
        """One capitalized pinyin word for a run of characters (``XX`` for a mask)."""
        if self.mask.fullmatch(part):
            return "XX"
        syllables = [self.pinyin_overrides.get(ch, syl) for ch, syl in zip(part, _pinyin(part), strict=True)]
        return "".join(syllables).capitalize()


def _pinyin(text: str) -> list[str]:
    """One pinyin syllable per character (others kept), via pypinyin without its phrase dictionary."""
    if "pypinyin" not in sys.modules:
        os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")  # its 0.3 s phrase table is not needed here
    from pypinyin import lazy_pinyin

    out: list[str] = []
    for ch in text:
        out.append(lazy_pinyin(ch)[0] if _HAN.match(ch) else ch)
    return out


@cache
def chinese_rules() -> ChineseRules:
    """Compiled Chinese rules, built once per process."""
    return ChineseRules()


# ----------------------------------------------------------------------------------------------- Spanish
@dataclass
class Item:
    """A name found at some position: the span of the name and its normalized form."""

    start: int
    end: int
    name: str
    quoted: bool = False


class SpanishRules:
    """Trigger-based rules for Spanish (``patterns/es/communities.yaml``)."""

    def __init__(self) -> None:
        data = load_patterns("es", "communities")
        parts = data.get("parts", {})
        self.triggers: dict[str, tuple[dict, bool]] = {}
        for t in data["triggers"]:
            self.triggers[t["singular"].lower()] = (t, False)
            self.triggers[t["plural"].lower()] = (t, True)
        words = sorted(self.triggers, key=len, reverse=True)
        alternation = "|".join(re.escape(w).replace(r"\ ", "[ ]+") for w in words)
        self.trigger = re.compile(rf"(?<![\w])(?i:{alternation})(?![\w])")
        self.trigger_prefix = compile_pattern(rf"(?i:{alternation})(?:{parts['open_singular']})", parts)
        self.name = compile_pattern(parts["name"], parts)
        self.quoted = compile_pattern(parts["quoted"], parts)
        self.article = compile_pattern(parts["lower_article"], parts)
        self.preposition = compile_pattern(parts["preposition"], parts)
        self.cap_article = compile_pattern(parts["capital_article"], parts)
        self.open_plural = compile_pattern(parts["open"], parts)
        self.open_singular = compile_pattern(parts["open_singular"], parts)
        self.open_singular_no_de = compile_pattern(r"[ ]+")
        self.sep = compile_pattern(parts["sep"], parts)
        self.coordinator = compile_pattern(parts["coordinator"], parts)
        self.between = compile_pattern(data["trigger_between"], parts)
        self.reject_before = compile_pattern(data["reject_before"], parts)
        self.not_community_before = compile_pattern(data["not_community_before"], parts)
        self.reject_first = set(data.get("reject_first", []))
        self.reject_last = set(data.get("reject_last", []))
        self.reject_name = compile_pattern(data["reject_name"], parts)
        self.reject_context = compile_pattern(
            r"\b(?:" + word_alternation(sorted(self.reject_first)) + r")[ ]+(?:(?:{connector})[ ]+)?\Z", parts)
        self.trailing_place = compile_pattern(data["trailing_place"], parts)
        heads = word_alternation(sorted(self.reject_first | {w[0].upper() + w[1:] for w in self.triggers}))
        self.inner_place = compile_pattern(rf"[ ](?:{{connector}})[ ](?:{heads})\b", parts)
        self.alias = compile_pattern(data["alias"], parts)
        self.count_place = compile_pattern(data["count_place"], parts)
        self.count_place_next = compile_pattern(data["count_place_next"], parts)
        self.place_list = compile_pattern(
            data["place_list_opening"] + r"(?P<list>{name}(?:{sep}{name})*)" + data["place_list_bridge"], parts)
        self.heading_place = compile_pattern(data["heading_place"], parts)
        self.closers = compile_pattern(data["list_closers"], parts)
        self.numbered = compile_pattern(parts["numbered"], parts)
        self.quantity = compile_pattern(parts["quantity_after"], parts)
        self.motto = compile_pattern(parts.get("motto_after") or r"(?!)", parts)
        self.mask = compile_pattern(parts["mask"])
        self.model_labels = data.get("model_labels", [])
        self.sentence_openers = set(data.get("sentence_openers", []))
        self.free_name = compile_pattern(r"(?<![\w'’-])(?:{name})", parts)

    # -- find
    def find(self, doc: Doc, text: str, limit: int) -> list[Candidate]:
        """Candidates from triggers, then trigger-less cues, then their other occurrences."""
        found: list[Candidate] = []
        triggers = list(self.trigger.finditer(text, 0, limit))
        for m in triggers:
            found.extend(self.after_trigger(text, m))
        anchored = list(found)
        for c in anchored:
            found.extend(self.alias_of(text, c))
        found.extend(self.count_places(text, limit))
        for m in triggers:
            found.extend(self.places_before(text, m.start()))
        found.extend(self.heading_places(doc, text, limit))
        found.extend(self.entity_partners(doc, text, found, limit))
        found.extend(self.other_occurrences(text, found, limit))
        return self.without_other_uses(text, found, limit)

    def after_trigger(self, text: str, m: re.Match[str]) -> list[Candidate]:
        """The name (or list of names) governed by the trigger ``m``."""
        word = m.group()
        info, plural = self.trigger_of(word)
        if self.reject_before.search(text, max(0, m.start() - 40), m.start()):
            return []
        pos = m.end()
        between = self.between.match(text, pos)
        pos = between.end() if between else pos
        opening = (self.open_plural if plural else
                   self.open_singular_no_de if info.get("no_de") else self.open_singular).match(text, pos)
        if not opening:
            return []
        first = self.item_at(text, opening.end(), generic_trigger=bool(info.get("named_after_place")))
        if first is None:
            return []
        kind = info["kind"]
        if not plural:
            name = first.name
            keep = info.get("keep_capitalized")
            if keep and word[0].isupper() and not between and (keep == "always" or " " not in name):
                name = text[m.start():opening.end()] + name  # Villa del Arroyo keeps its "del"
            first = Item(m.start(), first.end + first.quoted, name)  # the closing quote too
        items, closed = self.list_after(text, first)
        if plural and not items and word.istitle() and ":" not in opening.group():
            return []  # a name beginning with a plural (Colonias Unidas por la Alimentación, A.C.)
        found = [first] + (items if plural or closed else [])
        return [self.candidate(it, kind) for it in found]

    def trigger_of(self, word: str) -> tuple[dict, bool]:
        """The trigger entry of a matched trigger ``word`` and whether it is the plural."""
        return self.triggers[" ".join(word.lower().split())]

    def item_at(self, text: str, pos: int, generic_trigger: bool = False) -> Item | None:
        """A valid community name starting at ``pos`` (after an optional lowercase article), or None."""
        article = self.article.match(text, pos)
        pos = article.end() if article else pos
        quoted = self.quoted.match(text, pos)
        m = quoted or self.name.match(text, pos)
        if not m:
            return None
        start, end = (m.start("q"), m.end("q")) if quoted else m.span()
        name = text[start:end]
        nested = self.trigger_prefix.match(name)
        if nested and nested.end() < len(name) and self.nested_trigger_drops(name, nested.end(), generic_trigger):
            start, name = start + nested.end(), name[nested.end():]  # junta de vecinos del Ensanche X -> X
        if name.isdigit() and (self.quantity.match(text, end) or _YEAR.fullmatch(name)):
            return None  # 200 casas: a quantity, not a name; en los barrios 2023: a year
        if not quoted and " " not in name and self.motto.match(text, end):
            return None  # consejo comunal Unidos por La Ceibita: a motto, not a place
        cut = self.inner_place.search(name) or self.trailing_place.search(name)
        if cut and cut.start() > 0:
            end, name = start + cut.start(), name[:cut.start()]  # X del Municipio de Y, X de Villa Y -> X
        return Item(start, end, name, quoted=bool(quoted)) if self.valid_name(name) else None

    def nested_trigger_drops(self, name: str, rest: int, generic_trigger: bool) -> bool:
        """True when the trigger opening ``name`` (up to ``rest``) is no part of it: always, unless the
        trigger keeps its capital; then only where it is generic (in the name of a body named after its
        place, or after an article in a list), before a capitalized article (Junta de Vecinos Villa Los
        Aromos, la Población X y la Villa El Rocío -> Los Aromos, El Rocío; barrio Villa Los Aromos and
        Junta de Vecinos Villa Primavera keep their Villa)."""
        if not self.trigger_of(self.trigger.match(name).group())[0].get("keep_capitalized"):
            return True
        rest_text = name[rest:]
        return generic_trigger and bool(self.cap_article.match(rest_text + " ")) and " " in rest_text.strip()

    def valid_name(self, name: str) -> bool:
        """True unless ``name`` is an organisation, street, office, administrative unit or a bare article."""
        article = self.cap_article.match(name + " ")
        bare = name[article.end():] if article else name
        words = bare.split()
        if not words or len(bare) < 2 or not (words[0][0].isupper() or words[0][0].isdigit()
                                               or self.mask.match(bare)):
            return False
        if len(words) == 1 and len(bare) > 2 and bare.isupper() and not self.mask.match(bare):
            return False  # an acronym (la comunidad LGBTI), not a place
        return (words[0] not in self.reject_first and words[-1] not in self.reject_last
                and not self.reject_name.search(bare))

    def list_after(self, text: str, first: Item) -> tuple[list[Item], bool]:
        """Items coordinated after ``first`` and whether the list is closed by "y ..." or "entre otros"."""
        items: list[Item] = []
        closed = False
        previous, pos = first, first.end + first.quoted
        while True:
            if self.closers.match(text, pos):
                return items, True
            sep = self.sep.match(text, pos)
            if not sep:
                break
            at = sep.end()
            article = self.article.match(text, at)
            at = article.end() if article else at
            trigger = self.trigger.match(text, at)
            if trigger and trigger.group()[0].islower():  # a capitalized one may be part of the name
                opening = self.open_singular.match(text, trigger.end())
                at = opening.end() if opening else at
            item = self.item_at(text, at, generic_trigger=bool(article))
            coordinated = bool(self.coordinator.search(sep.group()))
            if item is None:
                skipped = self.name.match(text, at)
                if skipped and not coordinated and self.sep.match(text, skipped.end()):
                    pos = skipped.end()  # a listed name that looks like something else (La Estación): skip it
                    continue
                closed = closed or coordinated
                break
            if self.numbered.fullmatch(item.name):
                stem = previous.name.rsplit(" ", 1)
                if len(stem) < 2 or not self.numbered.fullmatch(stem[1]):
                    break  # a bare number that continues no numbered name
                item = Item(item.start, item.end, f"{stem[0]} {item.name}")  # Los Robles I y II
            items.append(item)
            closed = closed or coordinated
            previous, pos = item, item.end + item.quoted
        return items, closed

    def candidate(self, item: Item, kind: str) -> Candidate:
        """A candidate for ``item``."""
        return Candidate(item.start, item.end, item.name, kind, masked=bool(self.mask.search(item.name)))

    def alias_of(self, text: str, c: Candidate) -> list[Candidate]:
        """", conocido como X" right after a mention."""
        m = self.alias.match(text, c.end)
        item = self.item_at(text, m.end()) if m else None
        return [self.candidate(item, c.kind)] if item else []

    def count_places(self, text: str, limit: int) -> list[Candidate]:
        """"300 viviendas en X, 120 en Y": places counted by their homes."""
        found = []
        for m in self.count_place.finditer(text, 0, limit):
            item = self.item_at(text, m.end())
            while item is not None:
                found.append(self.candidate(item, "neighbourhood"))
                nxt = self.count_place_next.match(text, item.end)
                item = self.item_at(text, nxt.end()) if nxt else None
        return found

    def places_before(self, text: str, trigger_start: int) -> list[Candidate]:
        """"en A y la colonia B", "en A y B, del sector C": places coordinated before a trigger phrase."""
        m = self.place_list.search(text, max(0, trigger_start - 200), trigger_start)
        if not m:
            return []
        found, pos = [], m.start("list")
        while pos < m.end("list"):
            item = self.item_at(text, pos)
            if item is None:
                return []
            found.append(self.candidate(item, "neighbourhood"))
            sep = self.sep.match(text, item.end)
            if not sep:
                break
            pos = sep.end()
        return found

    def heading_places(self, doc: Doc, text: str, limit: int) -> list[Candidate]:
        """An item heading that is only a place: "Pueblo Nuevo, en Cartago"."""
        layout = doc._.layout
        found = []
        for seg in layout.segments if layout is not None else []:
            if seg.heading is None or seg.heading[1] > limit:
                continue
            m = self.heading_place.fullmatch(text, *seg.heading)
            item = self.item_at(text, m.start("name")) if m else None
            if item and item.end == m.end("name") and not self.trigger_prefix.match(item.name):
                found.append(self.candidate(item, "neighbourhood"))
        return found

    def entity_partners(self, doc: Doc, text: str, found: list[Candidate], limit: int) -> list[Candidate]:
        """Model entities coordinated with a found mention ("Monte Alegre y la colonia X"), in chains."""
        items = [it for it in (self.item_at(text, start) for start, _ in entity_spans(doc, self.model_labels, limit))
                 if it is not None]
        known = sorted((c.start, c.end) for c in found)
        partners: list[Candidate] = []
        changed = True
        while changed:
            changed = False
            for item in items:
                i = bisect.bisect_left(known, (item.start, item.start))
                after = known[i] if i < len(known) else None
                before = known[i - 1] if i > 0 else None
                if (after and after[0] < item.end) or (before and before[1] > item.start):
                    continue  # already a mention, or overlapping one
                if ((after and self.coordinated(text, item.end, after[0]))
                        or (before and self.coordinated(text, before[1], item.start))):
                    partners.append(self.candidate(item, "neighbourhood"))
                    bisect.insort(known, (item.start, item.end))
                    changed = True
        return partners

    def coordinated(self, text: str, left_end: int, right_start: int) -> bool:
        """True when only a list separator (with an article or trigger) stands between the two spans."""
        if not 0 < right_start - left_end <= 40:
            return False
        between = text[left_end:right_start]
        sep = self.sep.match(between)
        if not sep:
            return False
        rest = between[sep.end():]
        for pattern in (self.preposition, self.article, self.trigger, self.open_singular):
            m = pattern.match(rest)
            rest = rest[m.end():] if m else rest
        return rest == ""

    def name_occurrences(self, text: str, limit: int):
        """Every maximal capitalized name of the text as ``(start, end, name)``, without a sentence opener."""
        for m in self.free_name.finditer(text, 0, limit):
            start, value = m.start(), m.group()
            first, _, rest = value.partition(" ")
            if first in self.sentence_openers and rest:
                start, value = start + len(first) + 1, rest
            yield start, m.end(), value

    def other_occurrences(self, text: str, found: list[Candidate], limit: int) -> list[Candidate]:
        """Other occurrences of the names found (one name per document), unless inside a longer name."""
        kinds = {c.name: c.kind for c in found if len(c.name) >= 4 and not c.masked}
        if not kinds:
            return []
        more = []
        for start, end, value in self.name_occurrences(text, limit):
            if value in kinds:
                before = text[max(0, start - 40):start]
                if not (self.reject_before.search(before) or self.reject_context.search(before)):
                    more.append(Candidate(start, end, value, kinds[value]))
        return more

    def without_other_uses(self, text: str, found: list[Candidate], limit: int) -> list[Candidate]:
        """Candidates whose name nowhere names a programme, street, school or city (el programa X)."""
        names = {c.name for c in found}
        other = {value for start, _, value in self.name_occurrences(text, limit)
                 if value in names and self.not_community_before.search(text, max(0, start - 40), start)}
        return [c for c in found if c.name not in other]

    # -- write
    def mention(self, c: Candidate) -> Mention:
        """The contract's attributes of a candidate (no romanization for Spanish names)."""
        return Mention(c.start, c.end, {"name": c.name, "kind": c.kind, "masked": c.masked, "romanized": None})


@cache
def spanish_rules() -> SpanishRules:
    """Compiled Spanish rules, built once per process."""
    return SpanishRules()
