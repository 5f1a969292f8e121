"""brief as a library: the stable way in (docs/api.md), also reachable as `brief.check`, `brief.search`, …

Each function calls the core function its command calls, returns plain data, and raises `BriefError` (a
`ConfigError` for a bad configuration, a `QueryError` for a bad query or filter, a `RefError` for a REF that
names no brief) rather than printing or exiting. The core modules are imported when a function first needs them.

    import brief

    result = brief.check("briefs/mali-wagner-2021.md")        # FileResult: .valid, .diagnostics
    index = brief.open_collection(["briefs/"])                  # the index, refreshed
    for hit in brief.search(index, "wagner nation:ML", limit=5):
        print(hit["id"], hit["score"], hit["title"])
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any

from brief.base.errors import BriefError, ConfigError
from brief.collection.config import Collection
from brief.collection.index import Index
from brief.collection.refs import RefError, ResolvedBrief
from brief.format.diagnostics import Diagnostic, FileResult
from brief.query.filters import Filters, QueryError

Path = str | os.PathLike[str]  # a path: text, or a pathlib.Path

__all__ = [
    "BriefError",
    "Collection",
    "ConfigError",
    "Diagnostic",
    "FileResult",
    "Filters",
    "Index",
    "QueryError",
    "RefError",
    "ResolvedBrief",
    "check",
    "filters",
    "list_briefs",
    "load",
    "open_collection",
    "resolve",
    "search",
    "summarise",
    "validate",
]


# -- one file -----------------------------------------------------------------------------------------------------


def check(path: Path, schema: Path | None = None) -> FileResult:
    """Check one brief file against the bundled schema (or `schema`) and the format's rules: every problem, each
    with its line and column, as `brief validate` reports them. Never raises for a bad file: an unreadable one
    is a result with its problem (rule `unreadable`, `encoding`, …)."""
    return load(path, schema)[1]


def load(path: Path, schema: Path | None = None) -> tuple[dict[str, Any] | None, FileResult]:
    """The brief in `path`, normalised (as `brief show --format json` gives it: fields in the schema's order,
    nation names as codes, a `.md` body as `body`), and its check; the brief is None when the file cannot be
    read at all. An invalid brief is returned as written, with its problems in the result."""
    from brief.format.checker import Checker
    from brief.format.normal import normalised

    data, result = Checker(_text(schema)).load_path(_text(path))
    return (normalised(data) if data is not None else None), result


def validate(
    paths: Iterable[Path] = (), *, schema: Path | None = None, exclude: Iterable[str] = (), jobs: int | None = None
) -> Iterator[FileResult]:
    """Check files and folders (searched recursively) as `brief validate PATH...` does, on every core, results in
    a stable order, with the rules across files (a brief id used twice); without paths, the configured collection's.
    Raises ConfigError, before any result, for a path that does not exist or an unusable schema."""
    from brief.collection.validation import validate_paths

    return validate_paths([_text(p) for p in paths], _text(schema), tuple(exclude), jobs)


# -- a collection -------------------------------------------------------------------------------------------------


def open_collection(paths: Iterable[Path] = (), *, refresh: bool = True) -> Index:
    """The index of the collection of `paths` (files and folders), or of the nearest brief.toml (or
    [tool.brief] of pyproject.toml) above the current folder, as every reading command opens it: built when
    missing, refreshed unless `refresh` is False. Close it with `index.close()` when done."""
    from brief.collection.config import collection
    from brief.collection.index import open_index

    return open_index(collection(tuple(_text(p) for p in paths)), refresh=refresh)


def filters(**values: Any) -> Filters:
    """Checked list filters, as the list options give them: `filters(nations=["Mali"], since="2022",
    tags=["wagner"])` (nation names become codes, dates are checked). Raises QueryError for a value that names
    nothing. The names are those of `Filters`: nations, regions, domains, tags, actors, issues, langs, authors,
    since, until, where (a list of (field, value)), tlps, invalid."""
    from brief.query.filters import check_filters

    return check_filters(Filters(**values))


def list_briefs(
    index: Index, filters: Filters | None = None, *, sort: str = "date", reverse: bool = False,
    limit: int | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """The briefs `brief list` lists: each a dict with id, path (absolute), title, date, language, nations, tlp,
    valid, errors and summary; `sort` is date, title or id."""
    from brief.query.search import list_briefs as run

    chosen = filters or Filters()
    return _public(index.answer(lambda db: run(db, chosen, sort=sort, reverse=reverse, limit=limit)))


def search(
    index: Index, query: str, filters: Filters | None = None, *, limit: int | None = 20, sort: str | None = None,
    reverse: bool = False,
) -> list[dict[str, Any]]:  # fmt: skip
    """The briefs `brief search QUERY` finds, best first (or by `sort`: date, title or id), in the search
    language (`"a phrase"`, `OR`, `-word`, `nation:ML`, …): each as list_briefs gives it, with `score` (100 for
    the best hit; None when the query has only metadata terms), `bm25`, `fields`, `snippet` and `highlights`
    (the words of the snippet that matched). `limit=None`: every hit. Raises QueryError for a query that cannot
    be understood."""
    from brief.query.language import check_search, parse_search
    from brief.query.ranking import HIGHLIGHT_END, HIGHLIGHT_START
    from brief.query.search import search as run

    parsed = check_search(parse_search(query), index.collection.schema)
    chosen = filters or Filters()
    hits = _public(index.answer(lambda db: run(db, parsed, chosen, limit, True, sort, reverse)))
    for hit in hits:  # as the json output: the snippet plain, the matched words apart
        marked = hit.pop("snippet", None) or ""
        hit["snippet"] = marked.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")
        hit["highlights"] = [part.split(HIGHLIGHT_END)[0] for part in marked.split(HIGHLIGHT_START)[1:]]
    return hits


def summarise(
    index: Index, filters: Filters | None = None, query: str | None = None, *, by: str | None = None,
    top: int = 10, limit: int | None = 20, changes: int | None = 20,
) -> dict[str, Any]:  # fmt: skip
    """What `brief summary --format json` says of the briefs the filters and query select (without its
    `version`): counts, date range, the most referenced actors, contested issues, stance changes, brief lines
    (`limit` of them; None: all), grouped by nation, region, domain, actor or month with `by`."""
    from brief.query.language import check_search, parse_search
    from brief.query.overview import overview, select

    parsed = check_search(parse_search(query), index.collection.schema) if query else None
    chosen = filters or Filters()

    def ask(db: Any) -> dict[str, Any]:
        return overview(db, select(db, chosen, parsed), by=by, brief_limit=limit, top=top, changes=changes)

    return index.answer(ask)


def resolve(ref: str, paths: Iterable[Path] = ()) -> ResolvedBrief:
    """The brief a REF names, as `brief show REF` finds it: a file, or a brief id (or a unique prefix of one) in
    the collection of `paths` (else the configured one): `.path`, `.data` (the brief as read, nation names as
    codes; None when unreadable) and `.result` (its check). Raises RefError (a BriefError) with `.candidates`
    when REF names none or several."""
    from brief.collection.refs import load_ref

    return load_ref(ref, paths=tuple(_text(p) for p in paths))


def _text(path: Path | None) -> Any:
    return None if path is None else os.fspath(path)


def _public(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records without the index's own keys (`_rowid`, …), as the json output gives them."""
    return [{key: value for key, value in record.items() if not key.startswith("_")} for record in records]
