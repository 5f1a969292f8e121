"""Words analysts write → the format's values: domains and regions (in English or French, from the tables of
base/vocabulary.py), nations (base/countries.py), languages and tags.

"Défense Sécurité" is defence-security and "Afrique de l’Ouest" west-africa: accents, case, word order and the
little words ("and", "et", "de", "l’") do not count. A line may hold several values, with or without
separators ("Diplomatie, Défense et sécurité" or "Sahel Afrique de l'Ouest"): the longest run of words that
names a value wins. What names nothing is returned as it was written, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache

from brief.base.text import fold
from brief.base.vocabulary import DOMAINS, REGIONS

_FOLDED: dict[str, str] = {}


def fold_word(word: str) -> str:
    """base.text.fold for one word, remembered: articles repeat their words, and linking folds every one."""
    folded = _FOLDED.get(word)
    if folded is None:
        folded = word.lower() if word.isascii() else fold(word)
        if len(_FOLDED) >= 200_000:
            _FOLDED.clear()
        _FOLDED[word] = folded
    return folded


def word_set(text: str) -> frozenset[str]:
    """The words of a text, as a set: word lists are written as prose."""
    return frozenset(text.split())


_WORD = re.compile(r"\w+")
_SEPARATORS = re.compile(r"\s*[,;|/·•\n]+\s*")
# little words that do not distinguish one value from another, in English and in French
LITTLE_WORDS = word_set("a an and the of in on for to et de des du d l la le les en au aux pour sur dans")
MAX_WORDS = 6  # the longest name of a value, in words


@dataclass
class Mapping:
    """What a line of words became: the values, which words gave each, and what named nothing."""

    values: list[str] = field(default_factory=list)
    mapped: list[tuple[str, str]] = field(default_factory=list)  # (words as written, value)
    unmapped: list[str] = field(default_factory=list)  # words as written


def _key(text: str) -> tuple[str, ...]:
    """Order-insensitive key of a name: its folded words less the little ones."""
    return tuple(sorted(word for word in _WORD.findall(fold(text)) if word not in LITTLE_WORDS))


@cache
def _table(name: str) -> dict[tuple[str, ...], str]:
    source = {"domains": DOMAINS, "regions": REGIONS}[name]
    table: dict[tuple[str, ...], str] = {}
    for value, (english, french, others) in source.items():
        for label in (value.replace("-", " "), english, french, *others):
            key = _key(label)
            if key:
                table.setdefault(key, value)
    return table


def label(name: str, value: str, language: str = "en") -> str:
    """The English (or French) label of a domain or region value."""
    source = {"domains": DOMAINS, "regions": REGIONS}[name]
    english, french, _ = source[value]
    return french if language == "fr" else english


def _vocabulary_lookup(name: str) -> Callable[[str], str | None]:
    table = _table(name)

    def lookup(words: str) -> str | None:
        key = _key(words)
        return table.get(key) if key else None

    return lookup


@lru_cache(maxsize=65536)
def nation(words: str) -> str | None:
    """The ISO code of a country named by these words (a name in English or French, or a code in capitals);
    remembered, as an article's capitalised names are all asked about."""
    from brief.base.countries import to_code

    stripped = words.strip()
    # a short lower-case word is a word ("de", "la", "in"), not a country code
    if len(stripped) <= 3 and not stripped.isupper():
        return None
    return to_code(stripped)


def _map(text: str, lookup: Callable[[str], str | None]) -> Mapping:
    result = Mapping()
    for chunk in _SEPARATORS.split(text):
        chunk = " ".join(chunk.split())
        if not chunk:
            continue
        whole = lookup(chunk)
        if whole is not None:
            _add(result, chunk, whole)
            continue
        words = list(_WORD.finditer(chunk))
        start, leftover = 0, []
        while start < len(words):
            for end in range(min(len(words), start + MAX_WORDS), start, -1):
                span = chunk[words[start].start() : words[end - 1].end()]
                value = lookup(span)
                if value is not None:
                    _add(result, span, value)
                    start = end
                    break
            else:
                word = words[start].group()
                if fold(word) not in LITTLE_WORDS:
                    leftover.append(word)
                start += 1
                continue
            if leftover:
                result.unmapped.append(" ".join(leftover))
                leftover = []
        if leftover:
            result.unmapped.append(" ".join(leftover))
    return result


def _add(result: Mapping, words: str, value: str) -> None:
    result.mapped.append((words, value))
    if value not in result.values:
        result.values.append(value)


def domains(text: str) -> Mapping:
    """Domains named in a line of English or French words."""
    return _map(text, _vocabulary_lookup("domains"))


def regions(text: str) -> Mapping:
    """Regions named in a line of English or French words."""
    return _map(text, _vocabulary_lookup("regions"))


def nations(text: str) -> Mapping:
    """ISO codes of the countries named (codes, English or French names) in a line."""
    return _map(text, nation)


def tags(text: str) -> Mapping:
    """Tags from a line of keywords: each one lower-case with hyphens ("Private military company" →
    private-military-company)."""
    result = Mapping()
    for chunk in _SEPARATORS.split(text):
        tag = slug(chunk)
        if tag:
            _add(result, chunk.strip(), tag)
        elif chunk.strip():
            result.unmapped.append(chunk.strip())
    return result


def slug(text: str) -> str:
    """Lower-case letters and digits joined by single hyphens, accents folded ("Côte d’Ivoire" → cote-divoire)."""
    folded = fold(text).replace("'", "")
    return "-".join(re.findall(r"[a-z0-9]+", folded))


def language(value: str) -> str | None:
    """An ISO 639-1 code from a code or an English or French language name."""
    from brief.format.checker import language_code

    cleaned = value.strip()
    if re.fullmatch(r"[A-Za-z]{2}", cleaned):
        return cleaned.lower()
    return language_code(cleaned)


# what the fields of `new` and `import` accept, by field name
MAPPERS: dict[str, Callable[[str], Mapping]] = {
    "domains": domains,
    "regions": regions,
    "nations": nations,
    "tags": tags,
}


def is_region(words: str) -> bool:
    """Whether these words are, all of them, a region's name ("Sahel", "Afrique de l'Ouest")."""
    mapping = regions(words)
    return bool(mapping.values) and not mapping.unmapped


def suggestions(name: str, value: str) -> list[str]:
    """The values nearest to one that maps to nothing, for a "did you mean"."""
    from brief.base.text import closest

    if name == "nations":
        from brief.base.countries import suggest

        return suggest(value)
    source = {"domains": DOMAINS, "regions": REGIONS}.get(name)
    if source is None:
        return []
    return closest(slug(value), list(source), n=3, cutoff=0.5)
