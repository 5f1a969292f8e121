"""brief: validate, index, search and compare structured geopolitical and security briefs.

The library the command line is built on: `brief.check`, `brief.load`, `brief.validate`, `brief.open_collection`,
`brief.search`, … (brief/api.py; docs/api.md). They are loaded when first used: every command imports this
package, and `import brief` costs nothing (tests/test_imports.py)."""

__version__ = "0.1.0"

# the API's names (brief/api.py): functions, the classes they take and return, and the exceptions they raise
__all__ = [
    "BriefError", "Collection", "ConfigError", "Diagnostic", "FileResult", "Filters", "Index", "QueryError",
    "RefError", "ResolvedBrief", "__version__", "check", "filters", "list_briefs", "load", "open_collection",
    "resolve", "search", "summarise", "validate",
]  # fmt: skip
_API = frozenset(__all__) - {"__version__"}

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:  # what type checkers see: the API itself
    from brief.api import (
        BriefError,
        Collection,
        ConfigError,
        Diagnostic,
        FileResult,
        Filters,
        Index,
        QueryError,
        RefError,
        ResolvedBrief,
        check,
        filters,
        list_briefs,
        load,
        open_collection,
        resolve,
        search,
        summarise,
        validate,
    )


def __getattr__(name: str) -> object:
    if name in _API:
        import importlib

        return getattr(importlib.import_module("brief.api"), name)
    raise AttributeError(f"module 'brief' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _API)
