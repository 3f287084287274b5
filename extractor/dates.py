"""Dates stage: date expressions normalized to TIMEX3 values, in two phases (as HeidelTime).

1. **Find** (:meth:`DateRules.find`): the rules of ``patterns/<lang>/dates.yaml`` are run over
   the normalized text; each named group of a match fills one field of an underspecified
   value (:class:`When`): ``y``/``m``/``d`` for the first date, ``y2``/``m2``/``d2`` for the end
   of a range, ``wd`` a weekday, ``rel`` a relative year (今年, el año pasado), ``mod`` a part of
   a period, and ``freq``/``byday``/``bymonthday``/… for recurrences. Overlaps keep the longest
   match; times of day and weekdays that follow a date are joined to it (``after`` patterns).
2. **Anchor** (:func:`anchor`): missing years and months come from the nearest preceding date
   of the same report (or of the report it is a part of), then from the document's year (title
   or ``--reference-date``); relative years count from the report's stated year or the
   document's; masked years (``20××``) stay ``XXXX``; a weekday picks between day/month and
   month/day readings.

>>> rules = date_rules("zh")
>>> [(m.attrs["start"], m.attrs["end"]) for m in anchor(rules.find("20××年3月17日-26日", "zh-Hans"))]
[('XXXX-03-17', 'XXXX-03-26')]
"""

from __future__ import annotations

import re
from bisect import bisect_right
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .mention import Mention, Spans, doc_text
from .resources import compile_pattern, load_patterns, words_to_number

MASK = "X"
# a year alone this many years before the report's, or before HISTORY_BEFORE when the report has no year,
# is history: it anchors none of the dates after it
HISTORY_YEARS = 5
HISTORY_BEFORE = 2000
_GROUP = re.compile(r"^([a-z]+?)(2?)(?:__\w+)?$")
_PERIOD_MONTHS = {"half": 6, "quarter": 3}  # months in each period a rule may name (group `half`, `quarter`)
_TEMPLATE_REF = re.compile(r"\{([a-z_][a-z0-9_]*)#(\w*)\}")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DIGITS = re.compile(r"\d+")
_WORDS_ONLY = re.compile(r"[^\W\d_]+(?:\s+[^\W\d_]+)*")  # number words (dos mil veintitrés)
_WORD = re.compile(r"\w+")
_MONTHS_KEPT = 24  # stated months a weekday may go back to (el viernes 22 in the week of March told before)


@dataclass
class When:
    """An underspecified calendar value: each part is an int, ``MASK`` or None (not stated)."""

    year: int | str | None = None
    month: int | str | None = None
    day: int | str | None = None
    weekday: int | None = None  # 0 = Monday
    rel: int | None = None  # year offset from the anchor year (今年 = 0, el año pasado = -1)
    today: bool = False
    step: int = 0  # with a weekday and no day: the one before (-1) or after (+1) the last date (el pasado viernes)
    unit: str | None = None  # "year" | "month" | "day" when no part says it
    explicit: bool = False  # the year is written out (not inferred)
    mod: str | None = None  # the part of the period this end names (上旬, a mediados de)

    def precision(self) -> str:
        """The finest unit this value states: ``day``, ``month`` or ``year``."""
        if self.day is not None or self.today:
            return "day"
        if self.month is not None:
            return "month"
        return self.unit or "year"

    def top(self) -> int:
        """Index (0 year, 1 month, 2 day) of the coarsest part stated, 3 when none."""
        if self.year is not None or self.rel is not None:
            return 0
        if self.month is not None:
            return 1
        if self.day is not None:
            return 2
        return {"year": 0, "month": 1, "day": 2}.get(self.unit or "", 3)


@dataclass
class Found:
    """A match of one rule, before anchoring."""

    start: int
    end: int
    rule: str
    first: When
    last: When | None = None
    rrule: str | None = None
    days: int | None = None  # a range of this many days from ``first``
    swappable: bool = False  # numeric day and month may be read either way
    pair: bool = False  # its two ends are two dates of their own
    background: bool = False  # a birth or founding date, a year compared with: anchors nothing after it
    order: str | None = None  # slash dates: "dm" (19/10), "md" (10/19), "?" (5/10), None (not a slash date)

    @property
    def mod(self) -> str | None:
        """The part of a period the date names: its end's (5月至6月底), else its start's."""
        return (self.last.mod if self.last else None) or self.first.mod


@dataclass
class Rule:
    """One compiled rule of ``dates.yaml``."""

    name: str
    regex: re.Pattern[str]
    freq: str | None = None
    interval: int | None = None  # every second week (隔周三, cada quincena): INTERVAL=2
    rrule: str | None = None
    unit: str | None = None
    swappable: bool = False
    max_days: int | None = None  # a range of days kept only when this short (el 5 y 6 de junio)
    pair: bool = False  # two days named, two dates (el 21 y 22 de octubre), not one range
    before: re.Pattern[str] | None = None
    not_before: re.Pattern[str] | None = None
    not_after: re.Pattern[str] | None = None
    near: re.Pattern[str] | None = None  # every match holds one of these: only search near them
    fields: tuple[tuple[str, str, bool], ...] = ()  # (group, field, of the range end) per named group

    def __post_init__(self) -> None:
        keys = ((name, _GROUP.match(name)) for name in self.regex.groupindex)
        self.fields = tuple((name, key.group(1), key.group(2) == "2") for name, key in keys if key)


@dataclass
class Reject:
    """A negative rule: drop a match whose context and text fit all the given tests."""

    before: re.Pattern[str] | None = None
    not_before: re.Pattern[str] | None = None
    text: re.Pattern[str] | None = None
    after: re.Pattern[str] | None = None


@dataclass
class Context:
    """What anchors the next date of one report."""

    doc_year: int | None
    heading_year: bool = False  # doc_year is stated in the document's heading (not a reference date)
    year: int | str | None = None  # the last written year (int or MASK)
    last: tuple[Any, Any, Any] = (None, None, None)  # year, month, day of the last date
    doc_date: date | None = None  # the date the document states in its heading (a page's date line)
    page_month: date | None = None  # the month of that date line (2025年1月 alone too), on its first day
    month: tuple[Any, Any] | None = None  # year, month of the last date stating a month
    months: list[tuple[Any, Any]] = field(default_factory=list)  # the (year, month)s stated last, in order
    segment: Any = None  # where the last date was
    last_in_activity: bool = False  # the last date was told of in an activity (not a heading or overview)

    def __post_init__(self) -> None:
        self.year = self.doc_year
        self.last = (self.doc_year, None, None)


class DateRules:
    """The date data of one language, compiled once."""

    def __init__(self, lang: str) -> None:
        data = load_patterns(lang, "dates")
        self.lang = lang
        flags = re.IGNORECASE if data.get("ignore_case") else 0
        parts = data.get("parts", {})
        templates = data.get("templates", {})
        tables = data.get("tables", {})

        def compiled(pattern: str | None, anchor: str = "") -> re.Pattern[str] | None:
            if not pattern:
                return None
            source = expand_templates(pattern, templates)
            return compile_pattern(f"(?:{source}){anchor}", parts, flags)

        self.rules = [
            Rule(name=r["name"], regex=compiled(r["regex"]), freq=r.get("freq"), interval=r.get("interval"),
                 rrule=r.get("rrule"),
                 unit=r.get("unit"), swappable=bool(r.get("swappable")), max_days=r.get("max_days"),
                 pair=bool(r.get("pair")),
                 before=compiled(r.get("before"), r"\Z"), not_before=compiled(r.get("not_before"), r"\Z"),
                 not_after=compiled(r.get("not_after")), near=compiled(r.get("near")))
            for r in data.get("rules", [])
        ]
        self.reach = int(data.get("reach", 60))
        self.after = [compiled(p) for p in data.get("after", [])]
        self.rejects = [Reject(compiled(r.get("before"), r"\Z"), compiled(r.get("not_before"), r"\Z"),
                               compiled(r.get("text")), compiled(r.get("after")))
                        for r in data.get("reject", [])]
        self.window = int(data.get("context_window", 30))
        self.heading_year = compile_pattern(data.get("heading_year") or r"(?!)")
        self.annual_year = compile_pattern(data["annual_year"]) if data.get("annual_year") else None
        self.background = compiled(data.get("background_after"))
        self.background_before = compiled(data.get("background_before"), r"\Z")
        masked = data.get("masked", "[xX]")  # a masked digit: 20××, 20xx
        self.masked = re.compile(rf"^(?:{masked}|\d)*{masked}(?:{masked}|\d)*$")
        self.roc_offset = int(data.get("roc_offset", 1911))
        self.roc_languages = set(data.get("roc_languages", []))
        self.day_first_cue = compile_pattern(data.get("day_first_cues") or r"(?!)")
        self.numerals = {str(k): int(v) for k, v in tables.get("numerals", {}).items()}
        self.numeral_ten = tables.get("numeral_ten")
        self.numeral_tens = {str(k): int(v) for k, v in tables.get("numeral_tens", {}).items()}
        self.words = {_key(k): int(v) for k, v in tables.get("numbers", {}).items()}
        self.words_lang = data.get("number_words_lang")  # number words read by text2num (es)
        self.months = {_key(k): int(v) for k, v in tables.get("months", {}).items()}
        self.weekdays = {_key(k): v for k, v in tables.get("weekdays", {}).items()}
        self.relative_years = {_key(k): int(v) for k, v in tables.get("relative_years", {}).items()}
        self.mods = {_key(k): v for k, v in tables.get("mods", {}).items()}
        self.ordinals = {_key(k): int(v) for k, v in tables.get("ordinals", {}).items()}
        self.steps = {_key(k): int(v) for k, v in tables.get("weekday_steps", {}).items()}
        self.weekday_words = re.compile("|".join(re.escape(w) for w in sorted(self.weekdays, key=len, reverse=True)),
                                        flags)

    # ------------------------------------------------------------------ find
    def find(self, text: str, language: str, limit: int | None = None,
             avoid: list[Mention] | None = None) -> list[Found]:
        """Dates of ``text[:limit]`` (underspecified), longest first on overlaps, in text order."""
        limit = len(text) if limit is None else limit
        candidates: list[tuple[Found, int]] = []
        windows: dict[Any, list[tuple[int, int]]] = {}
        avoided = Spans([(m.start, m.end) for m in avoid or []])
        for index, rule in enumerate(self.rules):
            if rule.near not in windows:
                windows[rule.near] = self._windows(text, rule.near, limit)
            for window_start, window_end in windows[rule.near]:
                pos = window_start
                while pos < window_end:
                    m = rule.regex.search(text, pos, window_end)
                    if m is None:
                        break
                    found = self._accept(text, m, rule, language, limit)
                    if found is None or avoided.overlaps(found.start, found.end):
                        pos = m.start() + 1
                        continue
                    candidates.append((found, index))
                    pos = max(m.end(), m.start() + 1)
        taken = bytearray(limit + 1)
        chosen: list[Found] = []
        for found, _ in sorted(candidates, key=lambda c: (c[0].start - c[0].end, c[0].start, c[1])):
            if taken.find(1, found.start, found.end) < 0:
                taken[found.start:found.end] = b"\x01" * (found.end - found.start)
                chosen.append(found)
        chosen.sort(key=lambda f: f.start)
        for i, found in enumerate(chosen):
            self._join_after(text, found, chosen[i + 1].start if i + 1 < len(chosen) else limit)
        return chosen

    def _windows(self, text: str, near: re.Pattern[str] | None, limit: int) -> list[tuple[int, int]]:
        """Stretches of ``text[:limit]`` within reach of a match of ``near`` (all of it if None)."""
        if near is None:
            return [(0, limit)]
        spans: list[tuple[int, int]] = []
        for m in near.finditer(text, 0, limit):
            start, end = max(0, m.start() - self.reach), min(limit, m.end() + self.reach)
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(spans[-1][1], end))
            else:
                spans.append((start, end))
        return spans

    def _accept(self, text: str, m: re.Match[str], rule: Rule, language: str, limit: int) -> Found | None:
        start, end = m.start(), m.start() + len(m.group(0).rstrip())
        if start == end:
            return None
        left = max(0, start - self.window)
        if rule.before and not rule.before.search(text, left, start):
            return None
        if rule.not_before and rule.not_before.search(text, left, start):
            return None
        if rule.not_after and rule.not_after.match(text, end, min(limit, end + self.window)):
            return None
        for reject in self.rejects:
            if ((reject.before is None or reject.before.search(text, left, start))
                    and (reject.not_before is None or not reject.not_before.search(text, left, start))
                    and (reject.text is None or reject.text.search(m.group(0)))
                    and (reject.after is None or reject.after.match(text, end, min(limit, end + self.window)))):
                return None
        found = self.interpret(m, rule, language)
        if found:
            found.end = end
            found.background = bool((self.background and self.background.match(text, end, limit))
                                    or (self.background_before and self.background_before.search(text, left, start)))
        return found

    def _join_after(self, text: str, found: Found, limit: int) -> None:
        """Extend ``found`` over the times of day, weekdays and day runs that follow it."""
        for _ in range(4):
            for pattern in self.after:
                m = pattern.match(text, found.end, limit)
                if m and m.group(0).strip():
                    self._fill_extras(found, m)
                    found.end = m.start() + len(m.group(0).rstrip())
                    break
            else:
                return

    def _fill_extras(self, found: Found, m: re.Match[str]) -> None:
        for name, value in m.groupdict().items():
            if value is None:
                continue
            key = _GROUP.match(name)
            kind = key.group(1) if key else name
            target = found.last or found.first
            if kind == "wd" and target.weekday is None and _key(value) in self.weekdays:
                target.weekday = _WEEKDAYS.index(self.weekdays[_key(value)])
            elif kind == "ndays" and not found.rrule and isinstance(self.number(value), int):
                found.days = self.number(value)

    # ------------------------------------------------------------------ interpret
    def interpret(self, m: re.Match[str], rule: Rule, language: str) -> Found | None:
        """The underspecified value of one match, or None when a part is impossible."""
        first, last = When(unit=rule.unit), When()
        found = Found(m.start(), m.end(), rule.name, first, swappable=rule.swappable, pair=rule.pair)
        recurrence: dict[str, Any] = {}
        has_last = False
        groups = m.groupdict()
        for name, kind, of_end in rule.fields:
            value = groups[name]
            if value is None:
                continue
            if kind in _PERIOD_MONTHS:  # 上半年, el tercer trimestre: a range of months
                if not self._fill_period(first, last, kind, value.strip()):
                    return None
                has_last = True
                continue
            has_last = has_last or of_end
            if not self._fill(found, last if of_end else first, kind, value.strip(), language, recurrence):
                return None
        if rule.rrule or rule.freq:
            found.rrule = rule.rrule or self.build_rrule(rule.freq, recurrence, rule.interval)
            return found if found.rrule else None
        if has_last:
            found.last = last
            if rule.max_days and not _short_run(first, last, rule.max_days):
                return None
        swapped = False
        for when in (first, last) if has_last else (first,):
            if when.top() == 3:
                return None
            if not _plausible(when):
                if not (found.swappable and _plausible(_swapped(when))):
                    return None
                _swap(when)
                swapped = True
        if found.swappable and "/" in m.group(0):
            day_over_12 = any(isinstance(w.day, int) and w.day > 12 for w in (first, last) if w.month is not None)
            found.order = "dm" if swapped else "md" if day_over_12 else "?"
        return found

    def _fill_period(self, first: When, last: When, kind: str, value: str) -> bool:
        """The first and last month of the ``value``-th half or quarter of a year."""
        n = self.ordinals.get(_key(value)) or self.number(value)
        size = _PERIOD_MONTHS[kind]
        if not isinstance(n, int) or not 1 <= n <= 12 // size:
            return False
        first.month, last.month = (n - 1) * size + 1, n * size
        return True

    def _fill(self, found: Found, when: When, kind: str, value: str, language: str,
              recurrence: dict[str, Any]) -> bool:
        if kind in ("y", "yy", "roc", "rocq"):
            if kind == "rocq" and language not in self.roc_languages:
                return False
            year = self.number(value)
            if year is None:
                return False
            if isinstance(year, int):
                year = (year + (2000 if year < 50 else 1900) if kind == "yy"
                        else year + self.roc_offset if kind in ("roc", "rocq") else year)
            when.year, when.explicit = year, True
        elif kind == "m":
            when.month = self.months.get(_key(value)) or self.number(value)
        elif kind == "d":
            when.day = self.number(value)
        elif kind == "wd":
            when.weekday = _WEEKDAYS.index(self.weekdays[_key(value)]) if _key(value) in self.weekdays else None
        elif kind == "rel":
            when.rel = self.relative_years.get(_key(value))
        elif kind == "today":
            when.today = True
        elif kind == "step":
            when.step = self.steps.get(_key(value), 0)
        elif kind == "mod":
            when.mod = self.mods.get(_key(value))
        elif kind == "ndays":
            days = self.number(value)
            found.days = days if isinstance(days, int) else None
        elif kind in ("byday", "bydayto"):
            recurrence[kind] = [self.weekdays[_key(w)] for w in self.weekday_words.findall(value)]
        elif kind == "ord":  # ord2: a second ordinal (el primer y el tercer jueves)
            recurrence.setdefault(kind, []).append(self.ordinals.get(_key(value)) or self.number(value))
        elif kind == "bymonthday":
            days = [self.number(x) for x in self._numbers_in(value)]
            recurrence[kind] = [d for d in days if isinstance(d, int) and 1 <= d <= 31]
        elif kind == "bymonth":  # one month, or a list of named months (jueves de octubre y noviembre)
            named = [self.months[_key(w)] for w in _WORD.findall(value) if _key(w) in self.months]
            recurrence[kind] = named if len(named) > 1 else self.months.get(_key(value)) or self.number(value)
        return True

    def _numbers_in(self, text: str) -> list[str]:
        chars = "".join(re.escape(c) for c in [*self.numerals, self.numeral_ten or ""] if c)
        return re.findall(rf"\d+|[{chars}]+", text) if chars else _DIGITS.findall(text)

    def number(self, text: str) -> int | str | None:
        """Integer value of digits, Chinese numerals or a number word; ``MASK`` when masked."""
        text = text.strip()
        if self.masked.match(text):
            return MASK
        digits = _DIGITS.findall(text)
        if digits:
            return int("".join(digits))
        if _key(text) in self.words:
            return self.words[_key(text)]
        if self.words_lang and _WORDS_ONLY.fullmatch(text):
            value = words_to_number(text, self.words_lang)
            return None if value is None else int(value)
        if text[:1] in self.numeral_tens:  # 廿二 (22), 卅 (30)
            rest = chinese_number(text[1:], self.numerals, None) if len(text) > 1 else 0
            return None if rest is None else self.numeral_tens[text[0]] + rest
        return chinese_number(text, self.numerals, self.numeral_ten)

    def build_rrule(self, freq: str | None, rec: dict[str, Any], interval: int | None = None) -> str | None:
        """RFC 5545 rule from the recurrence groups (``FREQ=YEARLY;BYMONTH=3;BYDAY=3TU``)."""
        if not freq:
            return None
        parts = [f"FREQ={freq}"] + ([f"INTERVAL={interval}"] if interval and interval > 1 else [])
        months = rec.get("bymonth")
        if isinstance(months, int):
            parts.append(f"BYMONTH={months}")
        elif isinstance(months, list):
            parts.append("BYMONTH=" + ",".join(str(m) for m in sorted(set(months))))
        days = rec.get("byday") or []
        if days and rec.get("bydayto"):
            a, b = _WEEKDAYS.index(days[0]), _WEEKDAYS.index(rec["bydayto"][0])
            days = list(_WEEKDAYS[a:b + 1]) if a <= b else [*_WEEKDAYS[a:], *_WEEKDAYS[:b + 1]]
        if days:
            # the first and third Thursday: one BYDAY entry per ordinal and weekday
            ordinals = [o for o in rec.get("ord", []) if isinstance(o, int)] or [""]
            parts.append("BYDAY=" + ",".join(f"{o}{d}" for o in ordinals for d in dict.fromkeys(days)))
        if rec.get("bymonthday"):
            parts.append("BYMONTHDAY=" + ",".join(str(d) for d in rec["bymonthday"]))
        return ";".join(parts)


# ---------------------------------------------------------------------- phase 2: anchoring
def anchor(found: list[Found], doc_year: int | None = None, locate=None, heading_year: bool = False,
           doc_date: date | None = None, page_month: date | None = None, day_first: bool = False) -> list[Mention]:
    """Mentions with TIMEX3 values: each date anchored to the previous ones of its report.

    ``locate(offset)`` gives the (report, segment, in an activity) of an offset (see
    :func:`reports_locator`); ``day_first``: the document's place writes slash dates day first.
    """
    contexts: dict[Any, Context] = {}
    mentions = []
    _day_first_throughout(found, day_first)
    for f in found:
        if f.rrule:
            mentions.append(Mention(f.start, f.end, {"start": None, "end": None, "mod": None, "rrule": f.rrule}))
            continue
        report, segment, in_activity = locate(f.start) if locate else (None, None, False)
        ctx = contexts.setdefault(report, Context(doc_year, heading_year, doc_date=doc_date,
                                                  page_month=page_month or doc_date))
        if f.first.today and ctx.segment != segment:
            continue  # 今天 repeats the date of its own item only
        stated = (True, True)  # (whether each end of a range states its year)
        if f.last:
            stated = (f.first.year is not None, f.last.year is not None)
            _inherit(f.last, f.first)
            _inherit(f.first, f.last)
            _cross_new_year(f.first, f.last, stated)
        if not all(_resolve(w, ctx, f.swappable) for w in (f.first, f.last) if w):
            continue
        if f.last and stated == (False, False) and _ends_before_start(f.first, f.last):
            f.last.year += 1  # 12月28日至1月3日: the end is in the next year
        if f.days and f.days > 1 and f.last is None and _is_full(f.first):
            end = date(f.first.year, f.first.month, f.first.day) + timedelta(days=f.days - 1)
            f.last = When(end.year, end.month, end.day, explicit=f.first.explicit)
        _remember(ctx, f, segment, in_activity)
        start = timex(f.first)
        end = timex(f.last) if f.last else None
        if f.last and (f.pair or (f.first.mod and f.last.mod)):
            # 4月上旬至5月底: each end is a part of its own month, which one range cannot say;
            # el 21 y 22 de octubre: two days, each a date
            mentions.extend(Mention(f.start, f.end, {"start": timex(w), "end": None, "mod": w.mod, "rrule": None})
                            for w in (f.first, f.last))
            continue
        mentions.append(Mention(f.start, f.end, {"start": start, "end": end if end != start else None,
                                                 "mod": f.mod, "rrule": None}))
    return mentions


def _day_first_throughout(found: list[Found], day_first: bool = False) -> None:
    """A document that writes slash dates day first (19/10), or whose place does so (``day_first``),
    and never month first (10/19) writes its ambiguous ones (5/10) day first too."""
    orders = {f.order for f in found}
    if "md" in orders or not ("dm" in orders or day_first):
        return
    for f in found:
        if f.order == "?":
            for when in (f.first, f.last):
                if when is not None:
                    _swap(when)
            f.order = "dm"


def _cross_new_year(first: When, last: When, stated: tuple[bool, bool]) -> None:
    """A range whose one year was given to both ends and whose end then falls before its start
    crosses a new year: De octubre a febrero de 2022 starts in 2021."""
    if stated[0] == stated[1] or not all(isinstance(w.year, int) and isinstance(w.month, int) for w in (first, last)):
        return
    if _month_day(first) > _month_day(last):
        if stated[1]:
            first.year -= 1
        else:
            last.year += 1


def _ends_before_start(first: When, last: When) -> bool:
    """True when both ends have the same year and a month, and the end's day comes first."""
    return (isinstance(first.year, int) and first.year == last.year
            and all(isinstance(w.month, int) for w in (first, last)) and _month_day(first) > _month_day(last))


def _month_day(when: When) -> tuple[int, int]:
    return when.month, when.day if isinstance(when.day, int) else 0


def _inherit(target: When, source: When) -> None:
    """Fill the parts of ``target`` coarser than the coarsest it states, from ``source``."""
    top = target.top()
    if top > 0 and target.year is None and target.rel is None:
        target.year, target.rel, target.explicit = source.year, source.rel, source.explicit
    if top > 1 and target.month is None:
        target.month = source.month


def _resolve(when: When, ctx: Context, swappable: bool) -> bool:
    """Fill ``when`` from the report context; False when it cannot stand (a lone 今天)."""
    if when.today and when.day is None:
        if not all(isinstance(x, int) for x in ctx.last):
            return False
        when.year, when.month, when.day = ctx.last
    if when.step and when.day is None and when.weekday is not None:
        return _step_to_weekday(when, ctx)
    if when.rel is not None:
        base = ctx.year if isinstance(ctx.year, int) else ctx.doc_year
        when.year = base + when.rel if isinstance(base, int) else MASK
    unstated_year = when.year is None and when.rel is None
    inherited_month = unstated_year and when.month is None and when.precision() != "year" and bool(ctx.month)
    if inherited_month:
        when.year, when.month = ctx.month
    if when.year is None and when.rel is None:
        # a month without a year is in the year the document's heading states, even after a date of
        # another year (an annual report approved the next January); a lone day follows the last date
        # (unless the text masks its years: 20××年3月5日 … 3月底 stays XXXX)
        heading_year = (when.month is not None and ctx.heading_year and ctx.year != MASK
                        and not _goes_on_into_next_year(when, ctx))
        when.year = ctx.doc_year if heading_year else ctx.last[0]
        if heading_year and _after_page_month(when, ctx.page_month):
            when.year -= 1  # a page dated 2 January tells of the December before
    if when.weekday is not None and _is_full(when) and _weekday(when) != when.weekday:
        readings = [_swapped(when)] if swappable else []
        if inherited_month and isinstance(when.year, int) and isinstance(when.month, int):
            # a weekday and a day under a range across two months (lunes 24 … after 24 de junio al 5 de
            # julio): the month before or after the one in context, then a month stated earlier (el
            # viernes 22 after a mention of May, in a week of March), before another year
            readings += [_month_step(when, -1), _month_step(when, 1)]
            readings += [When(y, m, when.day) for y, m in reversed(ctx.months) if isinstance(y, int)]
        if not when.explicit:
            readings += [When(when.year + 1, when.month, when.day), When(when.year - 1, when.month, when.day)]
        for r in readings:
            if _is_full(r) and _plausible(r) and _weekday(r) == when.weekday:
                when.year, when.month, when.day = r.year, r.month, r.day
                break
    return True


def _goes_on_into_next_year(when: When, ctx: Context) -> bool:
    """True when an activity has moved the report into the year after its heading's and ``when``
    goes on from there (2023年暖冬行动: …2024年1月6日… 1月13日), not back into the heading's year."""
    last_year, last_month = ctx.last[0], ctx.last[1]
    return (ctx.last_in_activity and isinstance(ctx.doc_year, int) and last_year == ctx.doc_year + 1
            and isinstance(last_month, int) and isinstance(when.month, int)
            and 0 <= when.month - last_month <= 1)


def _after_page_month(when: When, page: date | None) -> bool:
    """True when ``when`` falls more than half a year after the page's date line, in its year: the
    same month of the year before is nearer (a page of 2 January tells of December; one of June
    may announce August)."""
    return (page is not None and when.year == page.year and isinstance(when.month, int)
            and when.month - page.month > 6)


def _month_step(when: When, step: int) -> When:
    """``when`` moved ``step`` months (the day kept)."""
    index = when.year * 12 + when.month - 1 + step
    return When(index // 12, index % 12 + 1, when.day)


def _step_to_weekday(when: When, ctx: Context) -> bool:
    """``el pasado viernes``: the Friday before the last full date (or the page's date); False
    when there is none to count from."""
    base = _as_date(*ctx.last) or ctx.doc_date
    if base is None:
        return False
    if when.step < 0:
        target = base - timedelta(days=(base.weekday() - when.weekday) % 7 or 7)
    else:
        target = base + timedelta(days=(when.weekday - base.weekday()) % 7 or 7)
    when.year, when.month, when.day = target.year, target.month, target.day
    return True


def _as_date(year: Any, month: Any, day: Any) -> date | None:
    """The calendar date of three known parts, or None (a part unknown, masked or impossible)."""
    if not all(isinstance(x, int) for x in (year, month, day)):
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _remember(ctx: Context, f: Found, segment: Any, in_activity: bool = False) -> None:
    latest = f.last or f.first
    if f.background or (latest.year is None and latest.month is None) or _historical_year(latest, ctx):
        return
    if latest.rel:
        return  # last or next year (明年3月起, el año pasado) is an aside: the dates after it stay in the report's year
    # with no year anywhere, a stated month still anchors the days after it (3月5日、6日 → XXXX-03-06)
    year = latest.year if latest.year is not None else MASK
    ctx.last, ctx.segment = (year, latest.month, latest.day), segment
    ctx.last_in_activity = in_activity
    if latest.month is not None:
        ctx.month = (year, latest.month)
        for month in ((f.first.year, f.first.month), ctx.month):
            if month[1] is not None and month not in ctx.months:
                ctx.months.append(month)
        del ctx.months[:-_MONTHS_KEPT]
    if latest.explicit and latest.rel is None:
        ctx.year = latest.year


def _historical_year(when: When, ctx: Context) -> bool:
    """A year alone well before the report's (1949年牺牲的烈士), or a masked year alone after a stated
    one (本中心自20××年起服务): history, no anchor for the dates after it."""
    if when.month is None and when.year == MASK and isinstance(ctx.year, int):
        return True
    if when.month is not None or not isinstance(when.year, int):
        return False
    return when.year < (ctx.doc_year - HISTORY_YEARS if isinstance(ctx.doc_year, int) else HISTORY_BEFORE)


def timex(when: When) -> str:
    """TIMEX3 value: ``2009-03-17``, ``XXXX-03``, ``2016`` … at the value's precision."""
    year = f"{when.year:04d}" if isinstance(when.year, int) else "XXXX"
    if when.precision() == "year":
        return year
    month = f"{when.month:02d}" if isinstance(when.month, int) else "XX"
    if when.precision() == "month":
        return f"{year}-{month}"
    day = f"{when.day:02d}" if isinstance(when.day, int) else "XX"
    return f"{year}-{month}-{day}"


def _short_run(first: When, last: When, max_days: int) -> bool:
    """True when ``first``..``last`` are days of one month at most ``max_days`` long."""
    if not (isinstance(first.day, int) and isinstance(last.day, int)):
        return False
    if first.month is not None and first.month != last.month:
        return False
    return 0 < last.day - first.day < max_days


def _is_full(when: When) -> bool:
    return all(isinstance(x, int) for x in (when.year, when.month, when.day))


def _weekday(when: When) -> int | None:
    try:
        return date(when.year, when.month, when.day).weekday()
    except ValueError:
        return None


def _plausible(when: When) -> bool:
    if isinstance(when.month, int) and not 1 <= when.month <= 12:
        return False
    if isinstance(when.day, int) and not 1 <= when.day <= 31:
        return False
    if isinstance(when.month, int) and isinstance(when.day, int) and when.day > monthrange(2000, when.month)[1]:
        return False  # 31 de septiembre, 9月31日: no such day in any year (2000 was a leap year)
    return not (_is_full(when) and _weekday(when) is None)


def _swapped(when: When) -> When:
    return When(when.year, when.day, when.month, when.weekday, when.rel, explicit=when.explicit)


def _swap(when: When) -> None:
    when.month, when.day = when.day, when.month


# ---------------------------------------------------------------------- helpers
def chinese_number(text: str, numerals: dict[str, int], ten: str | None) -> int | None:
    """Value of a Chinese numeral: ``十七`` → 17, ``二十`` → 20, ``二〇一六`` → 2016.

    >>> chinese_number("二十七", {"二": 2, "七": 7, "〇": 0, "一": 1, "六": 6}, "十")
    27
    """
    if not text:
        return None
    if ten and ten in text:
        left, _, right = text.partition(ten)
        if (left and left not in numerals) or (right and right not in numerals):
            return None
        return (numerals[left] if left else 1) * 10 + (numerals[right] if right else 0)
    if not all(ch in numerals for ch in text):
        return None
    return int("".join(str(numerals[ch]) for ch in text))


def expand_templates(pattern: str, templates: dict[str, str], _depth: int = 0) -> str:
    """``pattern`` with ``{name#suffix}`` replaced by template ``name``, its ``#`` group names suffixed."""
    if _depth > 10:
        raise ValueError(f"recursive date templates in {pattern!r}")

    def replace(m: re.Match[str]) -> str:
        name, suffix = m.group(1), m.group(2)
        if name not in templates:
            return m.group(0)
        body = templates[name]
        body = re.sub(r"\(\?P<(\w*)#(\w*)>", lambda g: f"(?P<{g.group(1)}{suffix}{g.group(2)}>", body)
        body = re.sub(r"\(\?P=(\w*)#\)", lambda g: f"(?P={g.group(1)}{suffix})", body)
        body = _TEMPLATE_REF.sub(lambda g: "{" + g.group(1) + "#" + (g.group(2) or suffix) + "}", body)
        return "(?:" + expand_templates(body, templates, _depth + 1) + ")"

    return _TEMPLATE_REF.sub(replace, pattern)


def _key(text: str) -> str:
    return " ".join(str(text).lower().split())


@cache
def date_rules(lang: str) -> DateRules:
    """Compiled date rules for ``zh`` or ``es``, built once per process."""
    return DateRules(lang)


def document_year(found: list[Found], head: str, heading_year: re.Pattern[str],
                  annual: re.Pattern[str] | None = None, roc_offset: int | None = None) -> int | None:
    """The year a document states before its first record (title, subtitle: ``Memoria 2023``;
    the latest one, since a founding year may stand there too), or None. A year the heading names
    as the report's own (112年度) wins over the date it was submitted on (提报113年1月份大会), and a
    year of the title over the full date of a page's date line. ``roc_offset`` reads the bare ROC
    years of the heading (翠湖里113年「…」成果报告: the ``roc`` group of ``heading_year``)."""
    stated = [f for f in found if f.start < len(head) and f.first.explicit and isinstance(f.first.year, int)]
    own = [f.first.year for f in stated if annual and annual.search(head, f.start, f.end)]
    if own:
        return max(own)
    # a full date there is the page's (发布时间：2024-01-08): the title's year wins over it
    titled = [f.first.year for f in stated if f.first.day is None or f.last is not None]
    years = (titled or [f.first.year for f in stated]) + [
        year for m in heading_year.finditer(head) if (year := _heading_year(m, roc_offset)) is not None]
    return max(years, default=None)


def _heading_year(m: re.Match[str], roc_offset: int | None) -> int | None:
    """The year a match of ``heading_year`` names; a ROC year only where ``roc_offset`` reads it."""
    roc = m.groupdict().get("roc")
    if roc is None:
        return int(m.group(0))
    return int(roc) + roc_offset if roc_offset is not None else None


def reports_locator(segments):
    """A function mapping a text offset to (report, segment index, in an activity): the segment
    holding it, the report of its own (volume) it belongs to, and whether it lies inside an
    activity segment.

    Text outside every segment (a title, a preamble, closing remarks) counts with the segment
    that follows it (after the last segment, with the last one).
    """
    spans = sorted((s.start, s.end, s.volume, s.kind == "activity") for s in segments)
    starts = [s[0] for s in spans]

    def locate(pos: int) -> tuple[Any, int, bool]:
        if not spans:
            return None, -1, False
        i = bisect_right(starts, pos) - 1
        if i >= 0 and pos < spans[i][1]:
            return spans[i][2], i, spans[i][3]
        j = min(i + 1, len(spans) - 1)
        return spans[j][2], j, False

    return locate


# ---------------------------------------------------------------------- spaCy component
@Language.factory("extractor_dates", default_config={"lang": "zh"})
def make_dates(nlp: Language, name: str, lang: str):
    """spaCy factory for the dates stage."""
    return Finder(lang)


class Finder:
    """Pipeline component: sets ``doc._.dates`` (a list of :class:`Mention`)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.rules = date_rules(lang)

    def __call__(self, doc: Doc) -> Doc:
        found = self.match(doc)
        self.set_annotations(doc, found)
        return doc

    def match(self, doc: Doc) -> list[Found]:
        """Underspecified dates of the document, outside communities and boilerplate."""
        norm = doc._.norm
        return self.rules.find(doc_text(doc), norm.language, norm.boilerplate_start, doc._.communities or [])

    def set_annotations(self, doc: Doc, found: list[Found]) -> None:
        """Anchor ``found`` per report and store the mentions on ``doc._.dates``."""
        layout = doc._.layout
        roc_offset = self.rules.roc_offset if doc._.norm.language in self.rules.roc_languages else None
        year = document_year(found, doc_text(doc)[:layout.head_end] if layout else "", self.rules.heading_year,
                             self.rules.annual_year, roc_offset)
        stated = year is not None
        if year is None and doc._.reference_date:
            year = doc._.reference_date.year
        locate = reports_locator(layout.segments) if layout else None
        limit = doc._.norm.boilerplate_start
        doc._.dates = anchor(found, year, locate, heading_year=stated,
                             doc_date=heading_date(found, layout.head_end if layout else 0),
                             page_month=heading_month(found, layout.head_end if layout else 0),
                             day_first=bool(self.rules.day_first_cue.search(doc_text(doc), 0, limit)))


def heading_month(found: list[Found], head_end: int) -> date | None:
    """The first month written alone in the document's heading (撰文：…｜2025年1月), on its first day, if any:
    a report dated so tells of the months before it (11月 is the November before)."""
    heading = (f for f in found if f.start < head_end and f.rrule is None and f.last is None and f.first.day is None)
    return next((d for f in heading if (d := _as_date(f.first.year, f.first.month, 1))), None)


def heading_date(found: list[Found], head_end: int) -> date | None:
    """The first full date written in the document's heading (a page's date line), if any."""
    heading = (f for f in found if f.start < head_end and f.rrule is None and f.last is None)
    return next((d for f in heading if (d := _as_date(f.first.year, f.first.month, f.first.day))), None)
