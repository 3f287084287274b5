"""Counts stage: every quantity with its number, qualifier, unit, category and what is counted.

The language data lives in ``patterns/<lang>/counts.yaml``: what to find (regexes with named
groups built from tables of units, qualifiers and currencies), what it means (unit -> category,
qualifier -> approx, currency word -> ISO 4217, counted noun -> category), and what to reject
(ordinals, times, durations, addresses …). The code below is the same for every language:

* :meth:`CountRules.candidates` finds quantity expressions with the ``patterns``;
* :meth:`CountRules.accept` drops those that overlap a ``not_counts`` match, a date or a
  community span, the trailing link block, or that are an article (``一场``, ``una``);
* :meth:`CountRules.describe` turns a match into the contract fields;
* :meth:`CountRules.ellipses` adds bare numbers that repeat the unit of the count before them.

>>> from extractor.counts import read_number
>>> read_number("16万9千", "zh"), read_number("1.000", "es"), read_number("2,5", "es")
(169000, 1000, 2.5)
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from .mention import Mention, Spans, doc_text
from .resources import compile_pattern, load_patterns, word_alternation, words_to_number

if TYPE_CHECKING:
    from .normalize import NormalizedText

_ARABIC = re.compile(r"\d+(?:[.,\s]\d+)*")
_CIRCLED = re.compile("[\u2460-\u2473\u2474-\u2487\u24f5-\u24fe\u2776-\u2793]")  # ① ⑴ ⓵ ❶
_PLURAL = re.compile(r"\((\w+)\)")  # a plural ending written after its singular: persona(s), panel(es)
_AT_NUMBER = "(?:{number})"  # how a not_counts pattern that opens with a number begins
_BARS = re.compile(r"[ \t]*\|[ \t]*")  # the columns of a flattened table
_SPACES = re.compile(r"[ \t]+")


@Language.factory("extractor_counts", default_config={"lang": "zh"})
def make_counts(nlp: Language, name: str, lang: str):
    """spaCy factory for the counts stage."""
    return Finder(lang)


class Finder:
    """Pipeline component: sets ``doc._.counts`` (a list of :class:`Mention`)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.rules = count_rules(lang)

    def __call__(self, doc: Doc) -> Doc:
        doc._.counts = self.find(doc)
        return doc

    def find(self, doc: Doc) -> list[Mention]:
        """Count mentions of ``doc`` (offsets into the normalized text)."""
        norm = doc._.norm
        text = doc_text(doc)
        limit = norm.boilerplate_start if norm is not None else len(text)
        skip = sorted((m.start, m.end) for m in [*(doc._.dates or []), *(doc._.communities or [])])
        if doc._.layout is not None:
            skip += doc._.layout.markers  # 3.2 Brigada de salud: an item number, not two brigades
        if norm is not None:
            skip += circled_numbers(norm)
        render = (lambda s, e: "".join(norm.original[i] for i in norm.offsets[s:e])) if norm is not None else None
        return self.rules.find(text, limit, skip, render)


def circled_numbers(norm: NormalizedText) -> list[tuple[int, int]]:
    """Spans of the matching text written as circled numbers (①组织…, ④ 家居探访): list markers, never counts."""
    spans = []
    for m in _CIRCLED.finditer(norm.original):
        i = bisect_left(norm.offsets, m.start())
        if i < len(norm.offsets) - 1 and norm.offsets[i] == m.start():
            spans.append((i, i + 1))
    return spans


# ---------------------------------------------------------------- numbers
def read_number(text: str, lang: str) -> int | float | None:
    """The value of a number as written in ``lang`` (digits, Han numerals, Spanish words), or None."""
    value = count_rules(lang).read_number(text)
    return None if value is None else _plain(value)


def read_digits(text: str) -> float:
    """Arabic digits: a separator followed by exactly three digits groups thousands, else it is decimal;
    an apostrophe always groups (the millions of 4'850,000.00).

    >>> read_digits("1,500"), read_digits("1.000"), read_digits("2,5"), read_digits("1 000"), read_digits("1.2")
    (1500.0, 1000.0, 2.5, 1000.0, 1.2)
    >>> read_digits("4'850,000.00"), read_digits("1’200,000")
    (4850000.0, 1200000.0)
    """
    text = text.replace("'", "").replace("’", "")
    groups = re.split(r"[.,\s]", text)
    seps = re.findall(r"[.,\s]", text)
    if len(groups) == 1:
        return float(text)
    if len(groups[-1]) == 3 and not (seps[-1] != seps[0] and len(seps) > 1):
        return float("".join(groups))
    return float("".join(groups[:-1]) + "." + groups[-1])


def read_han(text: str, digits: dict[str, int], small: dict[str, int], big: dict[str, int]) -> float | None:
    """Han numerals, possibly mixed with Arabic literals (``二百五十``, ``1.2万``, ``16万9千``, ``一百零八``).

    Adjacent digits (``七八个``, ``三四次``) are an approximate range, not a number: None.
    """
    result = section = number = 0.0
    last_digit = False
    pos = 0
    while pos < len(text):
        ch = text[pos]
        lit = _ARABIC.match(text, pos)
        if lit:
            number = read_digits(lit.group(0))
            pos = lit.end()
            last_digit = True
            continue
        if ch in digits:
            if last_digit and digits[ch] and number % 10:
                return None  # 七八个, 三四次: an approximate range, not one number
            number = number * 10 + digits[ch] if last_digit else digits[ch]
            last_digit = True
        elif ch in small:
            section += (number or 1) * small[ch]
            number, last_digit = 0, False
        elif ch in big:
            chunk = section + number
            result = (result + (chunk or 1)) * big[ch] if big[ch] > 10000 else result + (chunk or 1) * big[ch]
            section = number = 0
            last_digit = False
        else:
            return None
        pos += 1
    return result + section + number


def _plain(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 4)


# ---------------------------------------------------------------- rules
class _Noun(NamedTuple):
    """A counted noun: its span in the matching text and its category."""

    start: int
    end: int
    category: str


@dataclass
class _Found:
    """A candidate before it becomes a mention."""

    start: int
    end: int
    num_start: int
    num_end: int
    match: re.Match[str]


class _NounBefore:
    """A classifier right after a noun no table knows, at the end of its clause (插座2个): what the
    `noun_before` entry of a counts file says it counts."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.units = set(data.get("units", []))
        self.before = compile_pattern(data.get("before") or "(?!)")
        self.after = compile_pattern(data.get("after") or "(?!)")
        self.gap = compile_pattern(data.get("between_reject") or "(?!)")
        self.category = data.get("category", "other")

    def applies(self, text: str, found: _Found, unit: str) -> bool:
        """True when the count ``found`` with ``unit`` follows such a noun and ends its clause."""
        return (unit in self.units and bool(self.after.match(text, found.end))
                and bool(self.before.search(text, max(0, found.start - 1), found.start))
                and not self.gap.search(text, found.start, found.num_start))


def _expand_words(words: list[str]) -> list[str]:
    """``persona(s)`` -> ``persona``, ``personas``; ``arreglo(s) floral(es)`` -> ``arreglo floral``,
    ``arreglos florales``; other words unchanged."""
    out = []
    for w in words:
        if _PLURAL.search(w):
            out.extend([_PLURAL.sub("", w), _PLURAL.sub(r"\1", w)])
        else:
            out.append(w)
    return out


def trie_alternation(words: list[str]) -> str:
    """A regex matching any of ``words``, shaped as a prefix tree (fast on long lists), longest first.

    >>> trie_alternation(["persona", "personas", "pan"])
    'p(?:an|ersona(?:s)?)'
    """
    trie: dict[str, Any] = {}
    for word in {w for w in words if w}:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_regex(trie) or "(?!)"


def _trie_regex(node: dict[str, Any]) -> str:
    ends = "" in node
    branches = []
    for ch in sorted(k for k in node if k):
        child = node[ch]
        while len(child) == 1 and "" not in child:  # a chain of single letters stays literal
            (nxt, child), = child.items()
            ch += nxt
        branches.append(re.escape(ch) + _trie_regex(child))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if ends else body


def _regex_alternation(keys: list[str]) -> str:
    """Alternation of regex keys, longest source first (so 将近 is tried before 近)."""
    return "|".join(f"(?:{k})" for k in sorted(keys, key=len, reverse=True)) or "(?!)"


class CountRules:
    """Compiled counts data for one language (``patterns/<lang>/counts.yaml``)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        data = load_patterns(lang, "counts")
        self.flags = 0
        for name in data.get("flags", []):
            self.flags |= getattr(re, name)
        self.fold = (lambda s: s.lower()) if self.flags & re.IGNORECASE else (lambda s: s)

        self.units: dict[str, str] = {}
        for category, words in (data.get("units") or {}).items():
            for w in _expand_words(words or []):
                self.units.setdefault(self.fold(w), category)
        self.classifiers = set(data.get("classifiers", []))
        self.regrouping = {self.fold(k): set(v) for k, v in (data.get("regrouping_units") or {}).items()}
        self.nouns: dict[str, str] = {}
        for category, words in (data.get("nouns") or {}).items():
            for w in words or []:
                self.nouns.setdefault(w, category)
        quals = data.get("qualifiers") or {}
        self.qualifiers = {slot: [(compile_pattern(k, None, self.flags), v) for k, v in (quals.get(slot) or {}).items()]
                           for slot in ("before", "bare", "mid", "after")}
        self.currencies = {self.fold(k): v for k, v in (data.get("currencies") or {}).items()}
        self.collectives = {self.fold(k): v for k, v in (data.get("collectives") or {}).items()}
        self.fractions = {self.fold(k): float(v) for k, v in (data.get("fractions") or {}).items()}
        self.multipliers = {self.fold(k): float(v) for k, v in (data.get("multipliers") or {}).items()}
        numerals = data.get("numerals") or {}
        self.han = (numerals.get("digits") or {}, numerals.get("small_units") or {}, numerals.get("big_units") or {})
        self.words_lang = data.get("number_words_lang")
        self.measure_categories = set(data.get("measure_categories", []))
        self.complement_categories = set(data.get("complement_categories", []))
        self.per_words = {self.fold(k): v for k, v in (data.get("per_words") or {}).items()}
        self.category_per = data.get("category_per") or {}
        self.per_window = int(data.get("per_window", 12))
        self.topic_window = int(data.get("topic_window", 0))
        self.topic_classifiers = set(data.get("topic_classifiers", []))
        self.topic_categories = set(data.get("topic_categories", []))
        self.topic_blockers = compile_pattern(word_alternation(data.get("topic_blockers") or []) or r"(?!)")
        self.counted_window = int(data.get("counted_window", 8))
        self.noun_before = _NounBefore(data.get("noun_before") or {})
        self.article_words = {self.fold(w) for w in data.get("article_words", [])}

        money_words = [w for w, c in self.units.items() if c == "money"]
        parts = dict(data.get("parts") or {})
        parts.update({
            "unit": trie_alternation(list(self.units)),
            "money_word": trie_alternation(money_words),
            "qual_before": _regex_alternation(list((quals.get("before") or {}).keys())),
            "qual_mid": _regex_alternation(list((quals.get("mid") or {}).keys())),
            "qual_after": _regex_alternation(list((quals.get("after") or {}).keys())),
            "currency": word_alternation([k for k in data.get("currencies") or {}
                                          if k not in set(data.get("currency_symbols", []))]) or "(?!)",
            "currency_symbol": word_alternation(data.get("currency_symbols", [])) or "(?!)",
            "mult": word_alternation(list(data.get("multipliers") or {})) or "(?!)",
            "coll": word_alternation(list(data.get("collectives") or {})) or "(?!)",
            "number_word": trie_alternation(data.get("number_words", [])),
        })
        self.patterns = [compile_pattern(p, parts, self.flags) for p in data.get("patterns", [])]
        # a rejection that opens with a number can only start where a number does: it is tried there
        # instead of being scanned over every window
        not_counts = data.get("not_counts", [])
        self.not_counts = [compile_pattern(p, parts, self.flags) for p in not_counts
                           if not p.startswith(_AT_NUMBER)]
        self.not_counts_at_number = [compile_pattern(p, parts, self.flags) for p in not_counts
                                     if p.startswith(_AT_NUMBER)]
        self.ellipsis = compile_pattern(data["ellipsis"], parts, self.flags) if data.get("ellipsis") else None
        self.names = compile_pattern(data["names"], parts, self.flags) if data.get("names") else None
        self.starts = compile_pattern(data["starts"], parts, self.flags) if data.get("starts") else None
        self.chunk_before = int(data.get("chunk_before", 60))
        self.chunk_after = int(data.get("chunk_after", 200))
        self.reject_before = int(data.get("reject_before", self.chunk_before))
        self.reject_after = int(data.get("reject_after", self.chunk_after))
        self.max_mentions = int(data.get("max_mentions", 10000))
        self.ellipsis_window = int(data.get("ellipsis_window", 200))
        self.ellipsis_skips = set(data.get("ellipsis_skips", []))
        self.sentence_break = compile_pattern(data.get("sentence_break", r"[.!?。！？]|\n"), parts, self.flags)
        self.ellipsis_anaphora = compile_pattern(data.get("ellipsis_anaphora") or r"(?!)", parts, self.flags)
        self.ellipsis_partitive = compile_pattern(data.get("ellipsis_partitive") or r"(?!)", parts, self.flags)
        self.ellipsis_disagreement = {k: compile_pattern(v, parts, self.flags)
                                      for k, v in (data.get("ellipsis_disagreement") or {}).items()}
        self.per_before = compile_pattern(data["per_before"], parts, self.flags) if data.get("per_before") else None
        self.article_cue = compile_pattern(data.get("article_cue_before") or "(?!)", parts, self.flags)
        self.noun_re = compile_pattern(trie_alternation(list(self.nouns)))
        self.noun_end_re = compile_pattern(f"(?:{trie_alternation(list(self.nouns))})\\Z")
        self.chain_categories = set(data.get("chain_categories", []))
        self.head_gap = int(data.get("head_gap", 0))
        self.counted_stop = compile_pattern(data.get("counted_stop") or "(?!)")
        self.counted_open = compile_pattern(data.get("counted_open") or "(?!)")
        self.subset_before = compile_pattern(data.get("subset_before") or "(?!)")
        self.clause_break = compile_pattern(data.get("clause_break") or r"[,.;:!?。、]")
        table = data.get("table_columns") or {}
        self.table_cell = compile_pattern(table.get("cell") or "(?!)")
        self.table_total = compile_pattern(table.get("total") or "(?!)", parts, self.flags)
        self.table_split_spaces = bool(table.get("split_spaces"))
        self.table_headers = [(compile_pattern(rx, parts, self.flags), category)
                              for category, rx in (table.get("headers") or {}).items()]
        # where cue words start words (chilen- for chileno, chilena), a \b lets the scan skip ahead fast
        start = r"\b" if data.get("region_cues_start_words") else ""
        regions = data.get("regions", [])
        self.regions = [(r.get("currencies") or {}, bool(r.get("default"))) for r in regions]
        # one scan of one prefix tree for the cues of every region (lower-cased when matching ignores case)
        self.cue_fold = str.lower if self.flags & re.IGNORECASE else str
        self.cue_regions: dict[str, set[int]] = {}
        for i, r in enumerate(regions):
            for cue in r.get("cues") or []:
                self.cue_regions.setdefault(self.cue_fold(cue), set()).add(i)
        self.region_cues = compile_pattern(rf"{start}(?:{trie_alternation(list(self.cue_regions))})")

    # ------------------------------------------------------------ find
    def find(self, text: str, limit: int, skip: list[tuple[int, int]],
             render: Callable[[int, int], str] | None = None) -> list[Mention]:
        """Count mentions in ``text[:limit]``, none overlapping a ``skip`` span.

        ``render(start, end)`` gives the output text of a span (the counted noun); by default the
        matching text itself.
        """
        body = text[:limit]
        starts = self.start_positions(body)
        matched = list(self.candidates(body, starts))
        bare = self.bare_numbers(body, starts) if matched else []
        numbers = [(f.num_start, f.num_end) for f in matched] + [m.span("num") for m in bare]
        windows = self.reject_windows(body, numbers)
        names = {m.group(0): (m.start(), m.end()) for m in _scan(self.names, body, windows)} if self.names else {}
        blocked = Spans(skip + self.rejected_spans(body, windows, starts) + list(names.values()))
        local: dict[str, str] | None = None
        mentions: list[Mention] = []
        names_end = frozenset(end for _, end in skip)  # where a date or a place ends
        accepted = (f for f in matched if self.accept(body, f, blocked) and body[f.num_start:f.end] not in names)
        for found in self.longest_first(accepted):
            if len(mentions) >= self.max_mentions:
                break
            if local is None and self.may_be_money(found):
                local = self.local_currencies(body)
            attrs = self.describe(body, found, local or {}, mentions, names_end)
            if attrs is not None:
                mentions.append(Mention(found.start, self.span_end(found, attrs["category"]), attrs))
        mentions.extend(self.ellipses(body, bare, mentions, blocked))
        self.nouns_from_headers(body, mentions)
        mentions.extend(self.table_cells(body, Spans(skip + [(m.start, m.end) for m in mentions])))
        mentions.sort(key=lambda m: m.start)
        render = render or (lambda s, e: text[s:e])
        for m in mentions:
            if "counted" in m.attrs:
                m.attrs["counted"] = render(*m.attrs["counted"])
        return mentions

    def start_positions(self, text: str) -> list[int]:
        """Where a quantity expression may begin (``starts``): the only places a pattern is tried.

        One scan for all patterns, instead of one scan per pattern over the whole text.
        """
        if self.starts is None:
            return list(range(len(text)))
        return [m.start() for m in self.starts.finditer(text)]

    def reject_windows(self, text: str, numbers: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Stretches of ``text`` around the numbers of candidates: where a rejection may overlap one."""
        out: list[list[int]] = []
        for start, end in sorted(numbers):
            lo, hi = max(0, start - self.reject_before), min(len(text), end + self.reject_after)
            if out and lo <= out[-1][1]:
                out[-1][1] = hi
            else:
                out.append([lo, hi])
        return [(lo, hi) for lo, hi in out]

    def rejected_spans(self, text: str, windows: list[tuple[int, int]], starts: list[int]) -> list[tuple[int, int]]:
        """Spans of ``not_counts`` matches (ordinals, times, durations, addresses …)."""
        spans = [m.span() for rx in self.not_counts for m in _scan(rx, text, windows) if m.end() > m.start()]
        if not self.not_counts_at_number:
            return spans
        for lo, hi in windows:
            for pos in starts[bisect_left(starts, lo):bisect_left(starts, hi)]:
                for rx in self.not_counts_at_number:
                    m = rx.match(text, pos, hi)
                    if m and m.end() > pos:
                        spans.append((pos, m.end()))
        return spans

    def span_end(self, found: _Found, category: str) -> int:
        """End of the mention: the unit and what qualifies it; a measure's complement (de basura) too."""
        m = found.match
        names = [g for g in m.re.groupindex if m.group(g) is not None
                 and (g != "of" or category in self.measure_categories | self.complement_categories)]
        return max((m.end(g) for g in names), default=found.end)

    def may_be_money(self, found: _Found) -> bool:
        """True when the match has a currency word or a money unit (the region is then worth finding)."""
        g = found.match.groupdict()
        return bool(g.get("cur") or g.get("cur2") or self.units.get(self.fold(g.get("unit") or "")) == "money")

    def candidates(self, text: str, starts: list[int]):
        """Quantity expressions matched by every pattern at every start (they may overlap)."""
        span = self.chunk_before + self.chunk_after
        for pos in starts:
            for rx in self.patterns:
                m = rx.match(text, pos, pos + span)
                if m is None or m.end() == pos or (m.group("num") is None and "coll" not in rx.groupindex):
                    continue
                num_span = m.span("num") if m.group("num") is not None else m.span("coll")
                yield _Found(m.start(), m.end(), num_span[0], num_span[1], m)

    def bare_numbers(self, text: str, starts: list[int]) -> list[re.Match[str]]:
        """Matches of ``ellipsis`` (numbers that may repeat the unit of a count before them)."""
        if self.ellipsis is None:
            return []
        matches = (self.ellipsis.match(text, pos, pos + self.chunk_after) for pos in starts)
        return [m for m in matches if m is not None and m.end() > m.start()]

    @staticmethod
    def longest_first(candidates) -> list[_Found]:
        """The candidates without overlaps: the earliest, then the longest, wins."""
        found = sorted(candidates, key=lambda f: (f.start, -(f.end - f.start)))
        kept: list[_Found] = []
        for f in found:
            if kept and f.start < kept[-1].end:
                continue
            kept.append(f)
        return kept

    def accept(self, text: str, found: _Found, blocked: Spans) -> bool:
        """False for an article, or a number inside a rejected, date or community span."""
        if blocked.overlaps(found.num_start, found.num_end):
            return False
        groups = found.match.groupdict()
        num = groups.get("num")
        if num is not None and self.fold(num.strip()) in self.article_words and not groups.get("coll") \
                and not groups.get("mult"):
            return bool(self.article_cue.search(text, max(0, found.num_start - 12), found.num_start))
        return True

    # ------------------------------------------------------------ meaning
    def describe(self, text: str, found: _Found, local: dict[str, str],
                 previous: list[Mention], names_end: frozenset[int] = frozenset()) -> dict[str, Any] | None:
        """The contract fields of one match, or None when it has no usable value (``names_end``:
        where the names of places and dates end)."""
        g = found.match.groupdict()
        value = self.value_of(g)
        if not value:
            return None
        unit = g.get("unit")
        symbol = g.get("cur")
        category = self.units.get(self.fold(unit), "other") if unit else ("money" if symbol else "other")
        counted = None
        if unit and self.nouns:
            counted, category = self.counted_noun(text, found, unit, category, names_end)
            if counted is None and unit in self.classifiers and previous:
                counted, category = self.subset_of(text, found, previous[-1], category)
        elif unit:
            counted = self.counted_phrase(found, category)
        attrs: dict[str, Any] = {"value": _plain(value), "approx": self.approx_of(g), "unit": unit or symbol,
                                 "category": category}
        if counted:
            attrs["counted"] = (counted.start, counted.end)  # a span until ``find`` renders it
        if category == "money":
            currency = self.currency_of(g, local)
            if currency:
                attrs["currency"] = currency
        per = self.per_of(text, found, g, previous)
        if per:
            attrs["per"] = per
        return attrs

    def value_of(self, g: dict[str, str | None]) -> float | None:
        """Number × multiplier × collective."""
        num = g.get("num")
        value: float | None = 1.0
        if num is not None:
            key = self.fold(num.strip())
            value = self.fractions.get(key) if key in self.fractions else self.read_number(num)
        if value is None:
            return None
        if g.get("mult"):
            value *= self.multipliers.get(self.fold(g["mult"]), 1.0)
        coll = g.get("coll")
        if coll:
            base = self._collective(coll)
            if base is None or (num is None and self.fold(coll) not in self.collectives):
                return None  # plural without a number ("decenas de") is vague
            value *= float(base["value"])
        return value

    def _collective(self, word: str) -> dict[str, Any] | None:
        key = self.fold(word)
        for name, entry in self.collectives.items():
            if key == name or (key.startswith(name) and len(key) - len(name) <= 2):
                return entry
        return None

    def read_number(self, text: str) -> float | None:
        """Digits, Han numerals (mixed with digits) or number words of this language."""
        text = text.strip()
        if re.fullmatch(r"\d[\d.,\s'’]*", text):
            return read_digits(text)
        if self.words_lang and re.search(r"[^\W\d_]", text) and not any(c in self.han[0] for c in text):
            return self._read_words(text)
        return read_han(text, *self.han)

    def _read_words(self, text: str) -> float | None:
        """Number words, or digits with multiplier words between them (2 mil 500)."""
        if not re.search(r"\d", text):
            return words_to_number(text, self.words_lang)
        total = current = 0.0
        for token in text.split():
            factor = self.multipliers.get(self.fold(token))
            if factor:
                total += (current or 1) * factor
                current = 0
            elif re.fullmatch(r"\d[\d.,]*", token):
                current = read_digits(token)
            else:
                return None
        return total + current

    def approx_of(self, g: dict[str, str | None]) -> str | None:
        """The qualifier (before, between, after the number, or carried by a collective noun)."""
        for slot, group in (("before", "pre"), ("mid", "mid"), ("after", "post")):
            word = g.get(group)
            if not word:
                continue
            table = self.qualifiers["bare"] if slot == "before" and self._is_bare(g) else self.qualifiers[slot]
            approx = next((a for rx, a in table if rx.fullmatch(word.strip())), None)
            if approx is not None:  # a total (共计) leaves the others to decide
                return approx
        coll = g.get("coll")
        if coll:
            entry = self._collective(coll)
            return entry.get("approx") if entry else None
        return None

    def _is_bare(self, g: dict[str, str | None]) -> bool:
        num = g.get("num") or ""
        return len(num) == 1 and num in self.han[1] | self.han[2]

    def currency_of(self, g: dict[str, str | None], local: dict[str, str]) -> str | None:
        """ISO code from the currency word or symbol, resolving ``@local`` codes by region."""
        for key in ("cur", "cur2", "unit"):
            word = g.get(key)
            if word and self.fold(word) in self.currencies:
                code = self.currencies[self.fold(word)]
                code = local.get(code) if code.startswith("@") else code
                if code:  # else a later word may tell ($250,000 MXN)
                    return code
        return None

    def local_currencies(self, text: str) -> dict[str, str]:
        """What ``@yuan``, ``@peso`` … mean in this document: the region with the most cue words."""
        hits = Counter(i for m in self.region_cues.finditer(self.cue_fold(text)) for i in self.cue_regions[m.group(0)])
        best, best_hits = {}, 0
        for region, (currencies, default) in enumerate(self.regions):
            if default and best_hits == 0:
                best = currencies
            if hits[region] > best_hits:
                best, best_hits = currencies, hits[region]
        return best

    def per_of(self, text: str, found: _Found, g: dict[str, str | None], previous: list[Mention]) -> str | None:
        """``person`` for 每人送去1000元, ``group`` for 400 personas cada uno (the count before: grupos)."""
        phrase = g.get("per")
        if phrase:
            words = self.fold(phrase).split()
            if words[0] == "por" and words[-1] in self.per_words:
                return self.per_words[words[-1]]
            if previous:
                return self.category_per.get(previous[-1].attrs.get("category"))
            return None
        if self.per_before is None:
            return None
        start = max(0, found.start - self.per_window)
        clause = text[start:found.start]
        breaks = list(self.sentence_break.finditer(clause))
        clause = clause[breaks[-1].end():] if breaks else clause
        clause = self.clause_break.split(clause)[-1]
        last = None
        for last in self.per_before.finditer(clause):  # noqa: B007  (the last cue before the number)
            pass
        word = next((v for v in last.groupdict().values() if v), None) if last else None
        return self.per_words.get(self.fold(word)) if word else None

    def counted_noun(self, text: str, found: _Found, unit: str, category: str,
                     names_end: frozenset[int] = frozenset()) -> tuple[_Noun | None, str]:
        """The counted noun and the category: a classifier (个, 家) takes its noun's category; another
        unit keeps its own and only accepts a noun of that category (30人参加培训: no counted noun),
        or of a category it regroups (30组家庭: households). A classifier after a noun no table
        knows, at the end of its clause, takes the `noun_before` category (插座2个: items); one
        with no noun at all takes its clause's topic (据点……已有90处). A place's name right before
        the number is where, not what, it counts (其中马家坪村146座)."""
        classifier = unit in self.classifiers
        regrouped = self.regrouping.get(unit, set())
        before = self.counted_before(text, found.start)
        if before and before.end in names_end:
            before = None
        for noun in (self.counted_after(text, found.end), before):
            if noun and (classifier or noun.category == category or noun.category in regrouped):
                return noun, category if noun.category == category else noun.category
        if self.noun_before.applies(text, found, unit):
            return None, self.noun_before.category  # 插座2个: a noun of no table right before the number
        if unit in self.topic_classifiers:
            noun = self.counted_topic(text, found.start)
            if noun:
                return noun, noun.category
        return None, category

    def subset_of(self, text: str, found: _Found, before: Mention, category: str) -> tuple[_Noun | None, str]:
        """A part of the count before it in the sentence (粽子800个，其中500个送给老人): its noun and
        category; otherwise no noun and ``category``."""
        lo = max(0, found.start - self.counted_window)
        if self.sentence_break.search(text, before.end, found.start) \
                or not self.subset_before.search(text, lo, found.start):
            return None, category
        span = before.attrs.get("counted")
        return (_Noun(*span, before.attrs["category"]) if span else None), before.attrs["category"]

    def counted_after(self, text: str, pos: int) -> _Noun | None:
        """The counted noun after a measure word: a chain of known nouns (区议员办事处 -> 办事处)."""
        opener = self.counted_open.match(text, pos)
        if opener:
            pos = opener.end()
        window = text[pos:pos + self.counted_window]
        stop = self.counted_stop.search(window)
        window = window[:stop.start()] if stop else window
        head = None
        for m in self.noun_re.finditer(window):
            if head is None:
                if m.start() > 4:
                    break
                head = m
            elif m.start() <= head.end() and self.nouns[m.group(0)] in self.chain_categories:
                head = m
            else:
                break
        if head and self.nouns[head.group(0)] not in self.chain_categories:
            head = self.phrase_head(text[pos:pos + self.counted_window + self.head_gap], head) or head
        return _Noun(pos, pos + head.end(), self.nouns[head.group(0)]) if head else None

    def phrase_head(self, phrase: str, first: re.Match[str]) -> re.Match[str] | None:
        """The noun that closes ``phrase`` (up to a stop) at most ``head_gap`` characters after its
        ``first`` noun, which then only says where or what about (楼道安全志愿服务队 -> 服务队)."""
        stop = self.counted_stop.search(phrase)
        if stop is None:
            return None
        phrase = phrase[:stop.start()]
        last = None
        for m in self.noun_re.finditer(phrase, first.end()):
            last = m
        if (last and last.end() == len(phrase) and len(last.group(0)) > 1
                and last.start() - first.end() <= self.head_gap and self.nouns[last.group(0)] in self.chain_categories):
            return last
        return None

    def counted_before(self, text: str, pos: int) -> _Noun | None:
        """The counted noun right before the number (宣传材料600余份)."""
        lo = max(0, pos - self.counted_window)
        stops = list(self.counted_stop.finditer(text, lo, pos))
        m = self.noun_end_re.search(text, stops[-1].end() if stops else lo, pos)
        return _Noun(m.start(), m.end(), self.nouns[m.group(0)]) if m else None

    def counted_topic(self, text: str, pos: int) -> _Noun | None:
        """The last known noun of the clause before the number (共餐据点到10月底已有90处 -> 据点)."""
        lo = max(0, pos - self.topic_window)
        breaks = list(self.clause_break.finditer(text, lo, pos))
        last = None
        for m in self.noun_re.finditer(text, breaks[-1].end() if breaks else lo, pos):
            if self.nouns[m.group(0)] in self.topic_categories:
                last = m
        if last and self.topic_blockers.search(text, last.end(), pos):
            return None  # the noun does something to what is counted: 社区开展了5个趣味项目
        return _Noun(last.start(), last.end(), self.nouns[last.group(0)]) if last else None

    def counted_phrase(self, found: _Found, category: str) -> _Noun | None:
        """Where no noun table applies (Spanish): the unit with its adjectives (and complement, for
        kits de higiene), or the complement of a measure (toneladas de basura)."""
        m = found.match
        if m.group("unit") is None:
            return None
        has_of = "of" in m.re.groupindex and m.group("of") is not None
        if has_of and category in self.measure_categories:
            return _Noun(m.start("of"), m.end("of"), category)
        end = max(m.end(g) for g in ("unit", "adj") if g in m.re.groupindex and m.group(g) is not None)
        if has_of and category in self.complement_categories:
            end = m.end("of")
        return _Noun(m.start("unit"), end, category)

    # ------------------------------------------------------------ ellipsis
    def ellipses(self, text: str, bare: list[re.Match[str]], mentions: list[Mention],
                 blocked: Spans) -> list[Mention]:
        """Bare numbers repeating the unit of the count before them in the same sentence (or before
        it, for one that points back to it: 26 de ellas)."""
        if self.ellipsis is None or not mentions:
            return []
        taken = Spans([(m.start, m.end) for m in mentions])
        ordered = sorted(mentions, key=lambda m: m.end)
        ends = [m.end for m in ordered]
        out: list[Mention] = []
        for m in bare:
            if len(mentions) + len(out) >= self.max_mentions:
                break
            s, e = m.span("num")
            if blocked.overlaps(s, e) or taken.overlaps(s, e):
                continue
            i = bisect_right(ends, s)
            if part := self.ellipsis_partitive.match(text, e):
                if mention := self.part_of(text, part, ordered[i] if i < len(ordered) else None, m.group("num"), s, e):
                    out.append(mention)
                continue
            before = sorted((*ordered[max(0, i - 3):i], *out[-1:]), key=lambda x: x.end, reverse=True)
            anaphora = self.ellipsis_anaphora.match(text, e)
            agreeing = [x for x in before if self.agrees(x, anaphora)] if anaphora else before
            anchor = agreeing[0] if agreeing else None
            if anchor is None or s - anchor.end > self.ellipsis_window:
                continue
            if anchor.attrs.get("category") in self.ellipsis_skips:
                continue  # (an amount is no unit a bare number repeats: $3,500 para 10 de ellas)
            if self.sentence_break.search(text, anchor.end, s) and not anaphora:
                continue  # (but "26 de ellas" points back across the sentence: Casi 30 madres … Al final, 26 de ellas)
            if mention := self.repeated(anchor, m.group("num"), s, e):
                out.append(mention)
        return out

    def part_of(self, text: str, part: re.Match[str], following: Mention | None, number: str,
                start: int, end: int) -> Mention | None:
        """A part of the count right after it (187 de los 230 presentes) or of the group a known
        unit names (120 de los vecinos), with that unit; None for another partitive."""
        if following is not None and following.start == part.end():
            return self.repeated(following, number, start, end)
        noun = part.groupdict().get("noun")
        category = self.units.get(self.fold(noun)) if noun else None
        value = self.read_number(number) if category else None
        if not value:
            return None
        return Mention(start, end, {"value": _plain(value), "approx": None, "unit": noun, "category": category,
                                    "counted": part.span("noun")})

    def repeated(self, anchor: Mention, number: str, start: int, end: int) -> Mention | None:
        """The count ``number`` at ``start:end`` with the unit of ``anchor`` (None for no value)."""
        value = self.read_number(number)
        if not value:
            return None
        attrs = {k: v for k, v in anchor.attrs.items() if k not in ("approx", "per")}
        attrs.update(value=_plain(value), approx=None)
        return Mention(start, end, attrs)

    def agrees(self, anchor: Mention, anaphora: re.Match[str]) -> bool:
        """True when the pronoun of ``anaphora`` (de ellos) may point back to the unit of ``anchor``
        (not to a feminine noun: 42 dirigentes de siete comunidades, 18 de ellos …)."""
        disagreeing = self.ellipsis_disagreement.get(anaphora.group(0).split()[-1].casefold())
        return not (disagreeing and disagreeing.search(str(anchor.attrs.get("unit") or "")))

    # ------------------------------------------------------------ tables
    def table_cells(self, text: str, taken: Spans) -> list[Mention]:
        """Bare numbers under the column headers of a flattened table that say what they count
        (序号 社区名称 活动场次 参与人次 over 1 东风社区 68 5,230: 68 events, 5,230 people)."""
        if not self.table_headers or "\n" not in text:
            return []
        lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", text)]
        out: list[Mention] = []
        local: dict[str, str] | None = None
        i = 0
        while i < len(lines):
            header = self.table_columns(text, *lines[i])
            kinds = [self.column_category(text[s:e]) for s, e in header]
            i += 1
            if len(header) < 2 or not any(kinds):
                continue
            while i < len(lines) and len(row := self.table_columns(text, *lines[i])) == len(header):
                i += 1
                if self.table_total.match(text, *row[0]):
                    continue  # 合计 412 36,000 repeats the rows
                for (s, e), kind, (hs, he) in zip(row, kinds, header, strict=True):
                    cell = self.table_cell.fullmatch(text, s, e) if kind else None
                    if cell and not taken.overlaps(s, e):
                        category, unit = kind
                        groups = cell.groupdict()
                        number = groups.get("num") or cell.group(0)
                        attrs = {"value": _plain(read_digits(number)), "approx": self.approx_of(groups), "unit": unit,
                                 "category": category, "counted": (hs, he)}
                        if category == "money" and unit:
                            local = local if local is not None else self.local_currencies(text)
                            currency = self.currency_of({"unit": unit}, local)
                            if currency:
                                attrs["currency"] = currency
                        out.append(Mention(s, e, attrs))
        return out[: self.max_mentions]

    def nouns_from_headers(self, text: str, mentions: list[Mention]) -> None:
        """A classifier count with no noun in a cell of a flattened table takes the noun its column's
        header names (安装扶手｜LED感应夜灯 over 42支｜60盏: 扶手, items)."""
        if not self.nouns or "|" not in text:
            return
        open_cells = {m.start: m for m in mentions if "counted" not in m.attrs and m.attrs["unit"] in self.classifiers}
        if not open_cells:
            return
        header: list[tuple[int, int]] = []
        for line in re.finditer(r"[^\n]+", text):
            cells = self.table_columns(text, *line.span()) if "|" in line.group() else []
            if len(cells) < 2:
                header = []
            elif not any(ch.isdigit() for ch in line.group()):
                header = cells
            elif len(cells) == len(header):
                for (s, _), (hs, he) in zip(cells, header, strict=True):
                    mention = open_cells.get(s)
                    noun = mention and self.head_noun(text, hs, he)
                    # (a thing the column counts, not whom: 人数／数量 over 2处)
                    if noun and self.nouns[noun.group(0)] in self.topic_categories:
                        mention.attrs["category"] = self.nouns[noun.group(0)]
                        mention.attrs["counted"] = noun.span()

    def table_columns(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """The cells of one line of a flattened table (split at bars, or at spaces where the data says so)."""
        line = text[start:end].strip()
        split = _BARS if "|" in line else _SPACES if self.table_split_spaces else None
        if split is None or not split.search(line):
            return []
        cells, pos = [], start
        for sep in split.finditer(text, start, end):
            if sep.start() > pos:
                cells.append((pos, sep.start()))
            pos = sep.end()
        if pos < end:
            cells.append((pos, end))
        return cells

    def head_noun(self, text: str, start: int, end: int) -> re.Match[str] | None:
        """The last known noun of ``text[start:end]``: the head of a header (楼栋服务小组 -> 小组)."""
        found = list(self.noun_re.finditer(text, start, end))
        return found[-1] if found else None

    def column_category(self, header: str) -> tuple[str, str | None] | None:
        """The category a column header names and the unit it gives its cells (参与人次: people;
        金额（元）: money in 元; 小组（个）: the noun's category), or None."""
        for rx, category in self.table_headers:
            if m := rx.search(header):
                unit = m.groupdict().get("unit")
                if unit in self.classifiers and (noun := self.head_noun(header, 0, len(header))):
                    category = self.nouns[noun.group(0)]
                return category, unit
        return None


def _scan(rx: re.Pattern[str], text: str, windows: list[tuple[int, int]]):
    """``rx.finditer`` over each window of ``text`` (look-behinds still see the text before a chunk)."""
    for lo, hi in windows:
        yield from rx.finditer(text, lo, hi)


@cache
def count_rules(lang: str) -> CountRules:
    """Compiled counts data for ``lang`` (``zh`` or ``es``), built once per process."""
    return CountRules(lang)
