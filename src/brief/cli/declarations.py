"""The options of `brief list` and `brief search`, and the filters summary and compare share, declared once.

Two parsers are built from these declarations: click's (cli/options.py: filter_options, collection_options,
declared_options) and the quick path's (cli/quick.py), which runs list and search without importing click. So
this module imports neither click nor typing: it is on the quick path."""

from __future__ import annotations

from brief.base.vocabulary import TLP_LEVELS
from brief.cli.colour import COLOUR_CHOICES, COLOUR_DEFAULT, COLOUR_FLAGS, COLOUR_HELP
from brief.render.records import RECORD_FORMATS

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import Any

    # None: any text; "date": YYYY[-MM[-DD]]; "where": FIELD=VALUE; "int>=N": an integer, at least N;
    # "style": a tabulate style (the quick path leaves these to click); a tuple: one of these choices.
    Check = str | tuple[str, ...] | None


class Option:
    """One option. `kind` is "flag" (False unless given), "multiple" (a tuple of every value given, repeatable)
    or "value" (the last value given, else `default`; an option with a default shows it in --help). `complete`
    names what shell completion offers for its value (cli/completion.py: brief, actor, issue, nation, …)."""

    __slots__ = ("check", "complete", "default", "dest", "flags", "help", "kind")

    def __init__(
        self, flags: tuple[str, ...], dest: str, kind: str, check: Check = None, *, default: Any = None,
        help: str | None = None, complete: str | None = None,
    ) -> None:  # fmt: skip
        assert kind in ("flag", "multiple", "value") and (default is None or kind == "value")
        self.flags = flags
        self.dest = dest  # the keyword argument of the command's function
        self.kind = kind
        self.check = check
        self.default: Any = False if kind == "flag" else () if kind == "multiple" else default
        self.help = help
        self.complete = complete

    @property
    def name(self) -> str:
        """The long flag without its dashes, as `filter_options(skip=...)` names options."""
        return self.flags[-1].lstrip("-")


class Command:
    """A command's positional arguments (required, before the PATHs every reading command ends with) and options,
    in --help order; `function` names the function of brief.cli.reading that runs the command."""

    __slots__ = ("arguments", "function", "name", "options")

    def __init__(self, name: str, function: str, arguments: tuple[str, ...], options: tuple[Option, ...]) -> None:
        self.name = name
        self.function = function
        self.arguments = arguments
        self.options = options


NO_REFRESH = Option(
    ("--no-refresh",),
    "no_refresh",
    "flag",
    help="Use the index as it is, without checking the files (CI, network drives).",
)

# --color, as every command that can colour has it (cli/colour.py), for the quick path of search
COLOR = Option(COLOUR_FLAGS, "color", "value", COLOUR_CHOICES, default=COLOUR_DEFAULT, help=COLOUR_HELP)

# OR within a field, AND across fields
FILTERS = (
    Option(("--nation",), "nations", "multiple", help="ISO code or English/French name (repeatable).",
           complete="nation"),
    Option(("--region",), "regions", "multiple", help="Region, e.g. sahel (repeatable).", complete="region"),
    Option(("--domain",), "domains", "multiple", help="Domain, e.g. defence-security (repeatable).",
           complete="domain"),
    Option(("--tag",), "tags", "multiple", help="Tag (repeatable).", complete="tag"),
    Option(("--actor",), "actors", "multiple", help="Actor id, name or alias; accents and case ignored.",
           complete="actor"),
    Option(("--issue",), "issues", "multiple", help="Issue id (repeatable).", complete="issue"),
    Option(("--lang",), "langs", "multiple", help="Language code, e.g. fr (repeatable)."),
    Option(("--author",), "authors", "multiple", help="Author name or part of it (repeatable)."),
    Option(("--since",), "since", "value", "date", help="Briefs dated on or after DATE (YYYY[-MM[-DD]])."),
    Option(("--until",), "until", "value", "date", help="Briefs dated on or before DATE (a year includes all of it)."),
    Option(("--where",), "where", "multiple", "where", help="Any schema field, e.g. actors.kind=party."),
    Option(("--tlp",), "tlps", "multiple", tuple(TLP_LEVELS), help="TLP marking, the brief's or the default."),
    Option(("--invalid",), "invalid", "flag", help="Only briefs with validation errors."),
)

FORMAT = Option(
    ("--format",), "fmt", "value", RECORD_FORMATS, default="table",
    help="table for people; json, jsonl or csv for programs; markdown to publish; ids, one per line.",
)  # fmt: skip

# answered by the PostgreSQL database `brief sync` writes, rather than the local index
DATABASE = (
    Option(("--db",), "db", "value", help="Ask this PostgreSQL database (brief sync) instead: a connection string, or "
           "'' for BRIEF_DATABASE_URL."),
    Option(("--collection",), "collections", "multiple", help="With --db: only this synced collection (repeatable)."),
)  # fmt: skip


LIST = Command(
    "list",
    "list_briefs",
    (),
    (
        NO_REFRESH,
        *FILTERS,
        *DATABASE,
        Option(("--sort",), "sort", "value", ("date", "title", "id"), default="date", help="Order of the briefs."),
        Option(("-r", "--reverse"), "reverse", "flag", help="Reverse the order."),
        Option(("--limit",), "limit", "value", "int>=1", help="At most this many briefs."),
        Option(("--count",), "count", "flag", help="Print only how many briefs match."),
        FORMAT,
        Option(
            ("--tablefmt",),
            "tablefmt",
            "value",
            "style",
            help="tabulate style for --format table (grid, github, latex, …).",
        ),
    ),
)

SEARCH = Command(
    "search",
    "search_briefs",
    ("query",),
    (
        NO_REFRESH,
        *FILTERS,
        *DATABASE,
        Option(("--limit",), "limit", "value", "int>=0", default=20, help="0 for every hit."),
        Option(("--sort",), "sort", "value", ("score", "date", "title", "id"), default="score", help="Hit order."),
        Option(("-r", "--reverse"), "reverse", "flag", help="Reverse the order (with --sort date|title|id)."),
        FORMAT,
        Option(("--tablefmt",), "tablefmt", "value", "style", help="tabulate style for --format table."),
        COLOR,
        Option(("-q", "--quiet"), "quiet", "flag", help="Print nothing: the exit code says whether any brief matches."),
    ),
)
