"""Actors linked from the collection: which known actors an article names, and which capitalised names it uses
that the collection does not know (candidates for the analyst to confirm).

A name matches as whole words, whatever the case and accents (but a short name the collection only writes in
capitals, such as "US", only in capitals): both the article and every name and alias of the
collection are folded (base.text.fold) and cut into words, and the article's words are looked up in a
dictionary of the labels' word sequences, longest first, starting only at words that begin some label. The
labels are loaded once per run (a few thousand distinct ones even at 100,000 briefs), so linking an article
costs a dictionary lookup per word, never a pass over every actor.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

from brief.authoring.terms import fold_word
from brief.base.text import fold
from brief.query.actors import ActorProfile, labels, profile

_WORD = re.compile(r"\w+")
_ACTOR_ID = re.compile(r"^[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*$")


@dataclass
class Mention:
    """A name of the collection's actors found in an article: its words (folded), how it was written first,
    how often it occurs, and which actor ids go by it."""

    key: str
    written: str
    count: int
    actor_ids: list[str]


class Directory:
    """The names and aliases of a collection's actors, by their folded words."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self.keys: dict[str, list[str]] = {}  # folded words joined by spaces -> actor ids
        self.spellings: dict[str, str] = {}  # folded words -> the label as the collection writes it
        # short labels only ever written in capitals ("US", "AES"): matched only in capitals, or "us" and
        # "aes" in running text would be taken for them
        self.acronyms: set[str] = set()
        lower_case: set[str] = set()
        starts: dict[str, set[int]] = {}
        for actor_id, label in entries:
            if not _ACTOR_ID.match(actor_id):
                continue  # an invalid brief's actor: nothing a draft could use
            words = _WORD.findall(fold(label))
            if not words or (len(words) == 1 and len(words[0]) < 2):
                continue
            key = " ".join(words)
            ids = self.keys.setdefault(key, [])
            if actor_id not in ids:
                ids.append(actor_id)
            self.spellings.setdefault(key, label)
            if len(key) <= 4 and label.isupper():
                self.acronyms.add(key)
            else:
                lower_case.add(key)
            starts.setdefault(words[0], set()).add(len(words))
        self.acronyms -= lower_case
        # first word -> the lengths of the labels it starts, longest first
        self.starts = {word: sorted(lengths, reverse=True) for word, lengths in starts.items()}

    def __len__(self) -> int:
        return len(self.keys)

    def scan(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, folded words) of every label `text` holds as whole words, leftmost-longest."""
        spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        folded = [fold_word(text[start:end]) for start, end in spans]
        found: list[tuple[int, int, str]] = []
        index, total = 0, len(folded)
        while index < total:
            for length in self.starts.get(folded[index], ()):
                if index + length <= total:
                    key = " ".join(folded[index : index + length])
                    start, end = spans[index][0], spans[index + length - 1][1]
                    if key in self.keys and (key not in self.acronyms or text[start:end].isupper()):
                        found.append((start, end, key))
                        index += length
                        break
            else:
                index += 1
        return found

    def find(self, text: str) -> list[Mention]:
        """The labels `text` holds, each once with its count, in order of first occurrence."""
        found: dict[str, Mention] = {}
        for start, end, key in self.scan(text):
            mention = found.get(key)
            if mention is None:
                found[key] = Mention(key, text[start:end], 1, list(self.keys[key]))
            else:
                mention.count += 1
        return list(found.values())

    def knows(self, words: str) -> bool:
        """Whether these words are a name or alias of some actor."""
        return " ".join(_WORD.findall(fold(words))) in self.keys


@dataclass
class Linked:
    """An actor of the collection that an article names."""

    profile: ActorProfile
    written: list[str] = field(default_factory=list)  # how the article wrote it, each way once
    count: int = 0


class Linker:
    """Links articles to a collection's actors; profiles are read from the index once per actor per run."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.directory = Directory(labels(db))
        self._profiles: dict[str, ActorProfile | None] = {}

    def profile(self, actor_id: str) -> ActorProfile | None:
        if actor_id not in self._profiles:
            self._profiles[actor_id] = profile(self.db, actor_id)
        return self._profiles[actor_id]

    def link(self, text: str) -> list[Linked]:
        """The actors `text` names, in order of first mention, one entry per actor."""
        linked: dict[str, Linked] = {}
        for mention in self.directory.find(text):
            chosen = self._choose(mention)
            if chosen is None:
                continue
            entry = linked.setdefault(chosen.actor_id, Linked(chosen))
            if mention.written not in entry.written:
                entry.written.append(mention.written)
            entry.count += mention.count
        return list(linked.values())

    def _choose(self, mention: Mention) -> ActorProfile | None:
        """The actor a name means when several go by it ("Niger": the state, or its government's alias): the
        one whose usual name it is, else the one in most briefs."""
        profiles = [p for p in (self.profile(actor_id) for actor_id in mention.actor_ids) if p is not None]
        if not profiles:
            return None
        return min(
            profiles, key=lambda p: (" ".join(_WORD.findall(fold(p.name))) != mention.key, -p.briefs, p.actor_id)
        )
