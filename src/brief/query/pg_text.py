"""PostgreSQL's full text as `brief sync` writes it and `search --db` reads it: which fields go into which weight
class of the two tsvectors, the words brief folds (as the local index tokenizes them), a search term as a
tsquery literal, and ts_rank's class weights. Shared by the rows a sync writes (remote/rows.py, remote/binary.py),
the schema (remote/schema.py) and the search (query/postgres.py), and light: it imports no database driver."""

from __future__ import annotations

import re

from brief.base.text import fold
from brief.query.language import Term
from brief.query.ranking import WEIGHTS

SEARCH_CLASS = {"title": "A", "actors": "A", "summary": "B", "judgments": "B", "body": "C", "other": "D"}
SCOPE_CLASS = {"title": "A", "summary": "B", "judgments": "C", "actors": "D"}
# field:term of the search language -> where it is looked for
SCOPE_OF = {"title": ("scopes", "A"), "summary": ("scopes", "B"), "judgments": ("scopes", "C"), "body": ("search", "C")}
FIELD_TEST = {**{f: ("scopes", c) for f, c in SCOPE_CLASS.items()}, "body": ("search", "C"), "other": ("search", "D")}

_WORD = re.compile(r"[^\W_]+")  # what SQLite's unicode61 tokenizer keeps: letters and digits
MAX_POSITION = 16383  # PostgreSQL's largest word position
MAX_POSITIONS = 256  # positions PostgreSQL keeps per lexeme
MAX_LEXEME = 500  # characters; a longer "word" is not indexed (PostgreSQL refuses lexemes over 2 KB)
FIELD_GAP = 2  # positions left between fields: a phrase never spans two of them
MAX_TSVECTOR = 900_000  # bytes, estimated: PostgreSQL's limit is 1 MB


def words(text: str) -> list[str]:
    """The folded words of a text, as the local full-text index tokenizes it: _WORD.findall(fold(text)), made
    one white-space-separated token at a time and remembered (a sync folds every brief's whole text; its tokens
    recur). The same words: fold maps each character apart (NFKD, marks dropped, case folded) and then splits
    on white space, which no word spans (tests/test_sync.py checks the two against each other)."""
    out: list[str] = []
    known = _TOKEN_WORDS
    for token in text.split():
        found = known.get(token)
        if found is None:
            if len(known) >= _TOKEN_CACHE:
                known.clear()  # bounded: a hostile text of distinct tokens does not grow it without end
            found = known[token] = token_words(token)
        out += found
    return out


def token_words(token: str) -> list[str]:
    """The folded words of one white-space-free token (the unit `words` remembers)."""
    return _WORD.findall(fold(token))


_TOKEN_WORDS: dict[str, list[str]] = {}
_TOKEN_CACHE = 200_000


def term_query(term: Term, weight: str = "") -> str | None:
    """A term as a tsquery literal: its words as a phrase (the last one a prefix for `word*`), restricted to the
    weight classes given; None when it has no word at all."""
    found = [word for word in words(term.text) if len(word) <= MAX_LEXEME]
    if not found:
        return None
    parts = [f"{word}:{weight}" if weight else word for word in found]
    if term.prefix:
        parts[-1] = f"{found[-1]}:*{weight}"
    return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"


def rank_weights() -> list[float]:
    """ts_rank's weights {D, C, B, A}: each class the mean of its fields' weights in query/ranking.py, over the
    largest."""
    means = {c: sum(WEIGHTS[f] for f in SEARCH_CLASS if SEARCH_CLASS[f] == c) / list(SEARCH_CLASS.values()).count(c)
             for c in "ABCD"}  # fmt: skip
    top = max(means.values())
    return [round(means[c] / top, 3) for c in "DCBA"]
