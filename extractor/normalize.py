"""Normalization for matching, with one offset map back to the decoded text.

The matching text differs from the original in three ways, all undone by
:meth:`NormalizedText.original_span`:

* pinyin notes inserted after Han characters are removed (``總結(jié)`` → ``總結``);
* full-width digits, letters and punctuation are folded to ASCII, one character
  for one (so the map stays a plain index list);
* Chinese is converted to Simplified with OpenCC (Traditional, Hong Kong and
  Taiwan variants), character for character where a phrase would change length.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from .errors import LanguageError
from .resources import compile_pattern, load_patterns

LANGUAGES = ("zh-Hant", "zh-Hans", "es")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_RUN = re.compile(r"[A-Za-zÀ-ÿ]+")


@dataclass(frozen=True)
class NormalizedText:
    """Matching text of a document and the map from its indices to the original."""

    original: str
    text: str
    offsets: tuple[int, ...]  # offsets[i] = original index of text[i]; offsets[len(text)] = len(original)
    language: str
    boilerplate_start: int  # index in ``text`` where trailing web boilerplate begins (len(text) if none)

    @property
    def base_lang(self) -> str:
        """``zh`` or ``es``: the folder of patterns/ that applies."""
        return "zh" if self.language.startswith("zh") else "es"

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """``[start, end)`` in the matching text as offsets into the original text."""
        if end <= start:
            pos = self.offsets[start]
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1

    def original_text(self, start: int, end: int) -> str:
        """The original characters behind ``text[start:end]``."""
        s, e = self.original_span(start, end)
        return self.original[s:e]


def normalize(original: str, lang: str | None = None) -> NormalizedText:
    """Normalize ``original`` for matching; ``lang`` forces the language (else detected)."""
    stripped, offsets = strip_pinyin_notes(original)
    language = lang_of(lang) if lang else detect_language(stripped)
    base = "zh" if language.startswith("zh") else "es"
    folded = fold_width(stripped)
    text = to_simplified(folded) if base == "zh" else folded
    return NormalizedText(
        original=original,
        text=text,
        offsets=tuple(offsets),
        language=language,
        boilerplate_start=find_boilerplate_start(text, base),
    )


def lang_of(lang: str) -> str:
    """Canonical language tag for a user's ``--lang`` value."""
    key = lang.strip().lower().replace("_", "-")
    aliases = {
        "zh-hant": "zh-Hant", "zh-tw": "zh-Hant", "zh-hk": "zh-Hant", "hant": "zh-Hant",
        "zh-hans": "zh-Hans", "zh-cn": "zh-Hans", "zh": "zh-Hans", "hans": "zh-Hans",
        "es": "es", "spa": "es", "spanish": "es",
    }
    if key not in aliases:
        raise LanguageError(f"unsupported language {lang!r} (use zh-Hant, zh-Hans or es)")
    return aliases[key]


def strip_pinyin_notes(original: str) -> tuple[str, list[int]]:
    """Text without pinyin notes, and for each of its characters the original index (plus the end)."""
    if not _HAN.search(original):
        return original, [*range(len(original)), len(original)]
    note = _pinyin_note()
    pieces: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in note.finditer(original):
        pieces.append(original[pos:m.start()])
        offsets.extend(range(pos, m.start()))
        pos = m.end()
    pieces.append(original[pos:])
    offsets.extend(range(pos, len(original)))
    offsets.append(len(original))
    return "".join(pieces), offsets


def fold_width(text: str) -> str:
    """Full-width and compatibility characters folded one for one (``１２３`` → ``123``)."""
    if not _foldable().search(text):
        return text  # most Spanish texts: no per-character table lookups
    # a circled number glued to a date is a bullet (①8月26日 is no 18月26日)
    text = _CIRCLED_BEFORE_DIGIT.sub("•", text)
    return text.translate(_width_table())


def to_simplified(text: str) -> str:
    """Simplified Chinese of ``text``, of the same length (character for character where needed)."""
    converter = _opencc()
    converted = converter.convert(text)
    if len(converted) == len(text):
        return converted
    lines = text.split("\n")
    out = []
    for line in lines:
        conv = converter.convert(line)
        out.append(conv if len(conv) == len(line) else "".join(_char_to_simplified(ch) for ch in line))
    return "\n".join(out)


def detect_language(text: str) -> str:
    """``zh-Hant``, ``zh-Hans`` or ``es`` from the characters of ``text``."""
    sample = text[:20000]
    han_chars = "".join(_HAN_RUN.findall(sample))
    if not han_chars:
        return "es"
    latin = sum(map(len, _LATIN_RUN.findall(sample)))
    if len(han_chars) < 0.15 * latin:
        return "es"
    chars = set(han_chars)
    traditional = _count_changed(chars, _opencc(), "t2s")
    simplified = _count_changed(chars, _opencc_s2t(), "s2t")
    return "zh-Hant" if traditional > simplified else "zh-Hans"


# Which characters each converter changes, learnt across documents: most characters of a
# corpus recur, so detection soon costs two set intersections.
_SEEN: dict[str, set[str]] = {"t2s": set(), "s2t": set()}
_CHANGED: dict[str, set[str]] = {"t2s": set(), "s2t": set()}


def _count_changed(chars: set[str], converter, direction: str) -> int:
    """How many of ``chars`` the converter changes (new characters in one call, one per line)."""
    seen, changed = _SEEN[direction], _CHANGED[direction]
    new = sorted(chars - seen)
    if new:
        converted = converter.convert("\n".join(new)).split("\n")
        if len(converted) != len(new):
            converted = [converter.convert(ch) for ch in new]
        changed.update(a for a, b in zip(new, converted, strict=True) if a != b)
        seen.update(new)
    return len(chars & changed)


def find_boilerplate_start(text: str, base_lang: str) -> int:
    """Index where a trailing block of related links begins, or ``len(text)``."""
    data = load_patterns(base_lang, "normalize")
    markers = _boilerplate_markers(base_lang)
    decoration = _line_decoration(base_lang)
    max_line = int(data.get("boilerplate_max_line", 60))
    lines = list(_lines_with_offsets(text))
    for i, (start, line) in enumerate(lines):
        stripped = decoration.sub("", line.strip(), count=1)
        if not stripped or not any(m.search(stripped) for m in markers):
            continue
        rest = [ln.strip() for _, ln in lines[i + 1:] if ln.strip()]
        if all(len(ln) <= max_line or any(m.search(ln) for m in markers) for ln in rest):
            return start
    return len(text)


def _lines_with_offsets(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


@cache
def _boilerplate_markers(base_lang: str) -> tuple[re.Pattern[str], ...]:
    data = load_patterns(base_lang, "normalize")
    return tuple(compile_pattern(p) for p in data.get("boilerplate_markers", []))


@cache
def _line_decoration(base_lang: str) -> re.Pattern[str]:
    """Leading emoji a marker line may carry (📎 延伸阅读, 📌 También te puede interesar:)."""
    return compile_pattern(load_patterns(base_lang, "normalize").get("line_decoration") or r"(?!)")


@cache
def _pinyin_note() -> re.Pattern[str]:
    return compile_pattern(load_patterns("zh", "normalize")["pinyin_note"])


_CIRCLED_BEFORE_DIGIT = re.compile("[\u2460-\u2473](?=[0-9\uff10-\uff19])")


@cache
def _width_table() -> dict[int, str]:
    table: dict[int, str] = {0x3000: " "}
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0)
    for code in [*range(0x2460, 0x2474), 0x00A0, 0x2002, 0x2003, 0x2009, 0x202F]:
        folded = unicodedata.normalize("NFKC", chr(code))
        if len(folded) == 1:
            table[code] = folded
    return table


@cache
def _foldable() -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(chr(code)) for code in _width_table()) + "]")


@cache
def _opencc():
    import opencc

    return opencc.OpenCC("hk2s")


@cache
def _opencc_s2t():
    import opencc

    return opencc.OpenCC("s2t")


@cache
def _char_to_simplified(ch: str) -> str:
    conv = _opencc().convert(ch)
    return conv if len(conv) == 1 else ch
