"""Names an article uses that the collection does not know: runs of capitalised words that look like people or
organisations ("Moscow Institute of Telecommunications", "Kremlin"), for the analyst to confirm. Countries are
told apart (they are nations, not candidates), and so are the words that are capitalised for other reasons: the
first word of a sentence, titles ("Prime Minister"), demonyms ("Malian"), months, regions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from brief.authoring.terms import fold_word, word_set
from brief.base.text import fold

# a word: letters, with inner apostrophes or hyphens ("d’Ivoire", "Russo-Malian", "Jama'at")
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
# between two capitalised words of one name: one space, or one of these little words
CONNECTORS = word_set("of de du des la le al el bin ben van von der da dos do y and et for pour")
# capitalised at the start of a sentence, never a name on their own
FUNCTION_WORDS = word_set(
    """
a an the this that these those there here it its he she they we our his her their my your i you and but or
nor yet so for if when while where whereas although though since because as after before during until unless
despite however indeed moreover furthermore meanwhile nevertheless nonetheless thus therefore hence also
still even only just both each every either neither some many most much more few all any no not none such one
two three four five several first second third last next then now today yesterday tomorrow according what
which who whom whose why how in on at by with from to into onto over under between among against about
without within through across toward towards upon via per than like unlike beyond le la les l un une des du
de d ce cet cette ces il elle ils elles nous vous on en dans pour par sur avec sans mais et ou donc or ni car
si quand lorsque alors ainsi selon depuis apres avant pendant malgre cependant toutefois pourtant enfin aussi
encore deja tandis puis comme entre contre vers chez sous leur leurs son sa ses notre nos votre vos aujourd
hui hier demain plusieurs certains certaines tous toutes tout toute chaque
"""
)
TITLES = word_set(
    """
president vice prime minister ministers secretary general gen colonel col captain capt lieutenant lt major
commander chief head defense defence foreign interior finance justice affairs ambassador envoy special mr mrs
ms dr sir dame king queen prince princess sheikh emir senator governor mayor premier chancellor deputy former
interim transitional acting spokesman spokeswoman spokesperson chairman chairwoman chair director president
ministre premier general capitaine commandant chef monsieur madame m mme senateur gouverneur maire
ambassadeur porte parole garde sceaux lieutenant-colonel marechal
"""
)
CALENDAR = word_set(
    """
january february march april may june july august september october november december janvier fevrier mars
avril mai juin juillet aout septembre octobre novembre decembre monday tuesday wednesday thursday friday
saturday sunday lundi mardi mercredi jeudi vendredi samedi dimanche
"""
)
# nouns capitalised as institutions, no name on their own
GENERIC = word_set("""
state etat government gouvernement republic republique ministry ministere army armee assembly assemblee
council conseil agency agence parliament parlement presidency presidence court cour senate senat union
affaires
""")
# adjectives of place, capitalised in English without being names
PLACE_ADJECTIVES = word_set(
    """
western eastern northern southern central french dutch swiss greek thai british english irish scottish welsh
danish swedish finnish polish turkish spanish kurdish jewish arab arabic burkinabe burkinabè iraqi pakistani
israeli saudi yemeni kuwaiti omani qatari emirati somali bangladeshi afghan uzbek kazakh tajik islamic
european african asian american sahelian
"""
)
_DEMONYM = re.compile(r"(?:ian|ean|ese|ienne?s?|aise?s?|oise?s?|aine?s?|ains)$")
# the end of a sentence, then closing and opening quotes or brackets, up to where a word starts
_SENTENCE_END = re.compile(r"[.!?:;…]['\"’”»)\]]*\s+['\"“‘«(\[]*$")
_ITEM_START = re.compile(r"\s*(?:[-*+•>]|#{1,6}|\d{1,3}[.)])?\s*['\"“‘«(\[]*$")  # where an item starts
_POSSESSIVE = re.compile(r"['’]s$")
MAX_CANDIDATES = 30


@dataclass
class Candidate:
    name: str
    count: int


@dataclass
class Names:
    """What the capitalised names of an article are: unknown names (candidates) and countries, with counts."""

    candidates: list[Candidate]
    countries: dict[str, int]  # ISO code -> mentions


def _is_capitalised(word: str) -> bool:
    """ "Kremlin", "ECOWAS", and the elided "d’Ivoire" of "Côte d’Ivoire"."""
    return word[:1].isupper() or (len(word) > 2 and word[0] in "dlDL" and word[1] in "'’" and word[2].isupper())


def _demonym(folded: str) -> bool:
    last = folded.rsplit("-", 1)[-1]
    return last in PLACE_ADJECTIVES or bool(_DEMONYM.search(last))


def find_names(
    paragraphs: list[str],
    known: Callable[[str], list[tuple[int, int, str]]],
    country: Callable[[str], str | None],
    other_terms: Callable[[str], bool],
) -> Names:
    """Capitalised names in `paragraphs` that the collection does not know. `known` gives the spans of the names
    it knows in a paragraph: a run of capitalised words made only of them is no candidate ("Choguel Maïga"),
    one that goes beyond them is ("Moscow Institute of Telecommunications"); known names that are countries
    count as named. `country` tells countries apart; `other_terms` other words of the format (regions)."""
    counts: dict[str, int] = {}
    spelling: dict[str, str] = {}
    countries: dict[str, int] = {}
    for paragraph in paragraphs:
        covered = bytearray(len(paragraph))
        for start, end, _ in known(paragraph):
            code = country(paragraph[start:end])
            if code:
                countries[code] = countries.get(code, 0) + 1
            covered[start:end] = b"\x01" * (end - start)
        for run, initial in _runs(paragraph):
            name = _trim(run, initial)
            if not name:
                continue
            parts = [name] if country(" ".join(word for word, _, _ in name)) else _split_at_and(name)
            for part in parts:  # "Dakar and Abuja" are two names; "Trinidad and Tobago" is one country
                if not all(all(covered[start:end]) for word, start, end in part if fold(word) not in CONNECTORS):
                    _count(" ".join(word for word, _, _ in part), country, other_terms, counts, spelling, countries)
    ordered = sorted(counts, key=lambda key: -counts[key])  # stable: first mentions first among equals
    candidates = [Candidate(spelling[key], counts[key]) for key in ordered[:MAX_CANDIDATES]]
    return Names(candidates, countries)


def _count(
    text: str, country: Callable[[str], str | None], other_terms: Callable[[str], bool],
    counts: dict[str, int], spelling: dict[str, str], countries: dict[str, int],
) -> None:  # fmt: skip
    """Count `text` as a candidate unless it is a country (counted as such) or no name."""
    code = country(text)
    if code:
        countries[code] = countries.get(code, 0) + 1
        return
    if other_terms(text) or (" " not in text and _single_word_is_not_a_name(text)):
        return
    key = fold(text)
    counts[key] = counts.get(key, 0) + 1
    spelling.setdefault(key, text)


def _split_at_and(name: list[Word]) -> list[list[Word]]:
    """The names a run joins with "and" or "et"."""
    parts: list[list[Word]] = [[]]
    for entry in name:
        if fold_word(entry[0]) in ("and", "et"):
            parts.append([])
        else:
            parts[-1].append(entry)
    return [part for part in parts if part]


def _single_word_is_not_a_name(word: str) -> bool:
    folded = fold(word)
    if len(folded) < 2:
        return True
    return folded in CALENDAR or folded in TITLES or folded in GENERIC or (_demonym(folded) and not word.isupper())


Word = tuple[str, int, int]  # a word and where it is in its paragraph


def _runs(paragraph: str) -> list[tuple[list[Word], bool]]:
    """Runs of capitalised words (with connectors between them), each with whether it starts a sentence."""
    runs: list[tuple[list[Word], bool]] = []
    current: list[Word] = []
    pending: list[Word] = []  # connectors seen since the last capitalised word
    initial = False
    last_end = 0
    for match in _WORD.finditer(paragraph):
        word = _POSSESSIVE.sub("", match.group())
        start = match.start()
        entry = (word, start, start + len(word))
        joined = bool(current) and paragraph[last_end:start] == " "
        last_end = match.end()
        if _is_capitalised(word):
            if joined:
                current += [*pending, entry]
            else:
                if current:
                    runs.append((current, initial))
                initial = bool(_ITEM_START.match(paragraph, 0, start)) or bool(
                    _SENTENCE_END.search(paragraph, max(0, start - 12), start)
                )
                current = [entry]
            pending = []
            if len(word) != len(match.group()):  # "Benin’s Alibori": a possessive ends the name
                runs.append((current, initial))
                current = []
        elif joined and fold_word(word) in CONNECTORS and len(pending) < 2:
            pending.append(entry)
        else:
            if current:
                runs.append((current, initial))
            current, pending = [], []
    if current:
        runs.append((current, initial))
    return runs


def _trim(run: list[Word], initial: bool) -> list[Word]:
    """A run less its leading function words and titles ("While France" → France, "Prime Minister Choguel
    Maïga" → Choguel Maïga), its connectors at either end and an elision ("d’Imouraren" → Imouraren); a lone
    capitalised word that starts a sentence is left out (it may be any word)."""
    words = list(run)
    if words and fold_word(words[0][0]) in FUNCTION_WORDS:
        initial = False
    while words and fold_word(words[0][0]) in FUNCTION_WORDS:
        words.pop(0)
    while len(words) > 1 and fold_word(words[0][0]) in TITLES:
        words.pop(0)
        initial = False
    while words and fold_word(words[-1][0]) in CONNECTORS:
        words.pop()
    while words and fold_word(words[0][0]) in CONNECTORS:
        words.pop(0)
    if words:
        word, start, end = words[0]
        if len(word) > 2 and word[1] in "'’" and word[0] in "dlDL":
            words[0] = (word[2:], start + 2, end)
    if len(words) == 1 and initial and len(run) == 1:
        return []
    return words
