"""The language data files: YAML keeps the last of two equal keys without a word, so a second
``4:`` list of cues, or a second ``other:`` section, would silently drop the first."""

from __future__ import annotations

import pytest
import yaml

from extractor.resources import patterns_dir

FILES = sorted(patterns_dir().glob("*/*.yaml"))


class _StrictLoader(yaml.SafeLoader):
    """A loader that refuses a mapping holding the same key twice."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    keys = [loader.construct_object(k, deep=deep) for k, _ in node.value]
    repeated = {k for k in keys if keys.count(k) > 1}
    if repeated:
        raise yaml.constructor.ConstructorError(None, None, f"repeated keys {sorted(map(str, repeated))}",
                                                node.start_mark)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_pattern_file_has_no_repeated_keys(path):
    yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)


def test_repeated_keys_are_caught():
    with pytest.raises(yaml.constructor.ConstructorError, match="repeated keys"):
        yaml.load("types:\n  other:\n    4: [a]\n    4: [b]\n", Loader=_StrictLoader)


def test_every_language_has_its_files():
    names = {lang: {p.stem for p in FILES if p.parent.name == lang} for lang in ("zh", "es")}
    assert names["zh"] == names["es"] >= {"activities", "communities", "counts", "dates", "normalize", "segment"}


@pytest.mark.parametrize("lang", ["zh", "es"])
def test_every_activity_cue_opens_with_a_literal(lang):
    """A cue opening with a lookbehind or an optional group (``(?<!开)展出``, ``(?:mega)?minga``) is tried
    at every character of every record; written after its literal (``展出(?<!开展出)``) it costs nothing."""
    from extractor.activities import cue_lexicon, expand_alternatives, split_literal_prefix

    lexicon = cue_lexicon(lang)
    assert [v for s in lexicon.sources for v in expand_alternatives(s) if not split_literal_prefix(v)[0]] == []


@pytest.mark.parametrize("lang", ["zh", "es"])
@pytest.mark.parametrize("table", ["units", "nouns"])
def test_every_count_word_has_one_category(lang, table):
    """A unit or noun listed twice keeps its first category: a second listing would silently do nothing."""
    from extractor.counts import _expand_words
    from extractor.resources import load_patterns

    listed: dict[str, list[str]] = {}
    for category, words in (load_patterns(lang, "counts").get(table) or {}).items():
        for word in _expand_words(words or []):
            listed.setdefault(word.lower(), []).append(category)
    assert {w: c for w, c in listed.items() if len(c) > 1} == {}
