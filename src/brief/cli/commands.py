"""The commands of `brief`: where each lives and its one-line help, so that `brief --help` lists them without
importing any (cli/app.py loads a command's module only when it runs)."""

from __future__ import annotations

QUICK_COMMANDS = frozenset({"list", "search"})  # the commands cli/quick.py can run without click

# name -> (module, attribute, one-line help shown by `brief --help` without importing the module)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "validate": ("brief.cli.validate_cmd", "validate", "Check brief files against the schema and the format's rules."),
    "list": ("brief.cli.list_cmd", "list_", "List briefs, filtered on any metadata field."),
    "search": ("brief.cli.search_cmd", "search", "Search briefs: ranked, accent-insensitive, with metadata terms."),
    "index": ("brief.cli.index_cmd", "index", "Rebuild the collection's index and report its counts."),
    "summary": ("brief.cli.summary_cmd", "summary", "Summarise the collection, a filtered part of it, or one brief."),
    "show": ("brief.cli.show_cmd", "show", "Show one brief, readably or as JSON, YAML or Markdown."),
    "compare": ("brief.cli.compare_cmd", "compare", "Compare actors' positions on issues, in one brief or over time."),
    "new": ("brief.cli.new_cmd", "new", "Scaffold a new brief, with guidance for what to fill in next."),
    "import": ("brief.cli.import_cmd", "import_", "Turn articles (text, Markdown, web pages) into draft briefs."),
    "export": ("brief.cli.export_cmd", "export", "Export briefs as JSON, NDJSON (OpenSearch _bulk), CSV or STIX 2.1."),
    "report": ("brief.cli.report_cmd", "report", "Write a self-contained HTML report of briefs, with pictures."),
    "graph": ("brief.cli.graph_cmd", "graph", "Draw the actors' network (relations, stances): Mermaid, DOT, SVG."),
    "sync": ("brief.cli.sync_cmd", "sync", "Mirror the collection into a PostgreSQL database, incrementally."),
}
