"""Shell completion (bash, zsh, fish: click's), for what only the collection knows: brief ids, actors, issues,
nations and tags, from its index (query/completion.py), and domains and regions from the vocabulary. Choices
(--format, --sort, …) and commands complete by themselves.

`completer(kind)` is given to an option or argument as its `shell_complete`. Nothing here is imported until a
command line is completed."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from collections.abc import Callable

    import click
    from click.shell_completion import CompletionItem

    Completer = Callable[[click.Context, click.Parameter, str], list[CompletionItem]]

KINDS = ("brief", "actor", "issue", "nation", "tag", "region", "domain")


def register_shells() -> None:
    """Before click answers a completion request: fish's script as click writes it, except that it splits each
    item at its first comma only (`type,value<TAB>help`), where click's splits at every comma and so cut a help
    text, a title say, at its first comma."""
    from click.shell_completion import FishComplete, add_completion_class

    split = 'string split "," $completion'
    assert split in FishComplete.source_template, "click's fish script changed: review register_shells"

    class Fish(FishComplete):
        source_template = FishComplete.source_template.replace(split, 'string split -m1 "," $completion')

    add_completion_class(Fish)


def completer(kind: str) -> Completer:
    """A `shell_complete` callback offering the `kind` of value (one of KINDS); REFs (kind "brief") fall back to
    the shell's file completion, since a file is a REF too."""
    assert kind in KINDS, kind

    def complete(context: click.Context, parameter: click.Parameter, incomplete: str) -> list[CompletionItem]:
        from click.shell_completion import CompletionItem

        try:
            found = _values(context, kind, incomplete)
        except Exception:  # whatever goes wrong, a Tab press must not print a traceback at the prompt
            found = []
        items = [CompletionItem(value, help=about or None) for value, about in found]
        if kind == "brief" and (not items or "/" in incomplete or incomplete.startswith(".")):
            items.append(CompletionItem(incomplete, type="file"))
        return items

    return complete


def _values(context: click.Context, kind: str, incomplete: str) -> list[tuple[str, str]]:
    if kind in ("region", "domain"):
        from brief.base.vocabulary import DOMAINS, REGIONS

        words = DOMAINS if kind == "domain" else REGIONS
        return [(value, names[0]) for value, names in words.items() if value.startswith(incomplete.lower())]
    from brief.collection.config import collection
    from brief.query.completion import complete, complete_nation, open_read_only

    root = context.find_root()
    directory = root.params.get("directory")  # brief -C DIR …: as the command would run
    if directory and os.path.isdir(directory):
        os.chdir(directory)
    # the paths typed so far (resilient parsing may leave them unassigned, in context.args) name the collection
    typed = [*(context.params.get("paths") or ()), *context.args]
    paths = tuple(path for path in typed if isinstance(path, str) and os.path.exists(path))
    db = open_read_only(collection(paths))
    if db is None:
        return []
    try:
        return complete_nation(db, incomplete) if kind == "nation" else complete(db, kind, incomplete)
    finally:
        db.close()
