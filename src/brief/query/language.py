"""The search language: `wagner "choguel maiga" OR goita -tag:draft nation:ML date:2021..2022 title:coup sahel*`
parsed into free-text terms and metadata filters. Parsing only: no SQL here (query/search.py runs it).
"""

from __future__ import annotations

import re

from brief.query.filters import Filters, QueryError, check_filters, merge_filters

# search-language field names -> filter attribute (metadata) or FTS column (text scopes)


# search-language field names -> filter attribute (metadata) or FTS column (text scopes)
METADATA_FIELDS = {
    "nation": "nations", "region": "regions", "domain": "domains", "tag": "tags", "actor": "actors",
    "issue": "issues", "lang": "langs", "language": "langs", "author": "authors", "stance": "stances",
    "date": "dates", "since": "since", "until": "until", "id": "ids", "tlp": "tlps",
}  # fmt: skip


TEXT_SCOPES = {"title": "title", "summary": "summary", "bluf": "summary", "body": "body", "judgment": "judgments",
               "judgments": "judgments", "text": None}  # fmt: skip


class Term:
    __slots__ = ("phrase", "prefix", "scope", "text")

    def __init__(self, text: str, phrase: bool = False, prefix: bool = False, scope: str | None = None) -> None:
        self.text = text
        self.phrase = phrase
        self.prefix = prefix
        self.scope = scope  # FTS column


class SearchQuery:
    __slots__ = ("exclude", "groups", "include", "negated")

    def __init__(self) -> None:
        self.groups: list[list[Term]] = []  # AND of ORs
        self.negated: list[Term] = []
        self.include = Filters()
        self.exclude: list[Filters] = []  # each negated metadata term excludes on its own

    @property
    def words(self) -> list[str]:
        return [term.text for group in self.groups for term in group]


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Split on white space, keeping "quoted phrases" together (an unclosed quote runs to the end)."""
    tokens: list[tuple[str, bool]] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        start = i
        buffer = ""
        quoted = False
        while i < len(text) and not text[i].isspace():
            if text[i] in '"“”':
                quoted = True
                end = len(text)
                for closing in '"“”':
                    found = text.find(closing, i + 1)
                    if found != -1:
                        end = min(end, found)
                buffer += text[i + 1 : end]
                i = end + 1
            else:
                buffer += text[i]
                i += 1
        del start
        tokens.append((buffer, quoted))
    return tokens


def parse_search(text: str) -> SearchQuery:
    """Parse `wagner "choguel maiga" OR goita -tag:draft nation:ML date:2021..2022 title:coup prefix*`."""
    query = SearchQuery()
    pending_or = False
    negate_next = False
    for raw, quoted in _tokens(text):
        token = raw
        if not quoted and token == "OR":
            if not query.groups or negate_next:
                raise QueryError("OR needs a search term on each side")
            pending_or = True
            continue
        if not quoted and token == "AND":
            continue
        if not quoted and token == "NOT":
            negate_next = True
            continue
        negate = negate_next
        negate_next = False
        if not quoted and token.startswith("-") and len(token) > 1:
            negate = True
            token = token[1:]
        scope_name, sep, value = token.partition(":")
        key = scope_name.lower()
        if sep and not quoted and (key in METADATA_FIELDS or key in TEXT_SCOPES) and value:
            if key in METADATA_FIELDS:
                if pending_or:
                    raise QueryError(f"OR cannot join a metadata term ({token}); repeat the field instead")
                target = Filters()
                _set_filter(target, METADATA_FIELDS[key], value.strip('"“”'))
                if negate:
                    query.exclude.append(target)
                else:
                    merge_filters(query.include, target)
                continue
            term = _term(value, quoted or '"' in raw, TEXT_SCOPES[key])
        else:
            term = _term(token, quoted, None)
        if term is None:
            continue  # a stray `*` or punctuation alone: nothing to search for
        if negate:
            query.negated.append(term)
        elif pending_or:
            query.groups[-1].append(term)
        else:
            query.groups.append([term])
        pending_or = False
    if pending_or:
        raise QueryError("OR needs a search term on each side")
    if negate_next:
        raise QueryError("NOT needs a search term after it")
    return query


def check_search(query: SearchQuery, schema_path: str | None = None) -> SearchQuery:
    """Check a parsed query's metadata terms as the list filters are checked (in place; returns it)."""
    query.include = check_filters(query.include, schema_path)
    query.exclude = [check_filters(f, schema_path) for f in query.exclude]
    return query


def _term(text: str, quoted: bool, scope: str | None) -> Term | None:
    prefix = not quoted and text.endswith("*")
    text = text.rstrip("*") if prefix else text
    if not re.search(r"\w", text):
        return None
    return Term(text, phrase=quoted or " " in text, prefix=prefix, scope=scope)


def _set_filter(target: Filters, name: str, value: str) -> None:
    if name == "dates":
        low, sep, high = value.partition("..")
        target.since = low or None
        target.until = (high or None) if sep else low
    elif name in ("since", "until"):
        setattr(target, name, value)
    else:
        getattr(target, name).append(value)
