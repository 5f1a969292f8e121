"""`brief index`: rebuild the collection's index from scratch and report what it holds."""

from __future__ import annotations

import time

import click

from brief.cli.options import handle_errors


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True), metavar="[PATH]...")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes [default: all cores].")
@click.option("--where", "show_path", is_flag=True, help="Only print where the index file is.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing (errors are still said).")
@handle_errors
def index(paths: tuple[str, ...], jobs: int | None, show_path: bool, quiet: bool) -> None:
    """Rebuild the index of the collection (every other command keeps it fresh by itself)."""
    from brief.collection.config import collection
    from brief.collection.index import Index

    coll = collection(paths)
    idx = Index(coll, jobs)
    if show_path:
        click.echo(str(idx.path))
        return
    started = time.perf_counter()
    idx.rebuild()
    counts = idx.counts()
    seconds = time.perf_counter() - started
    if quiet:
        return
    click.echo(
        f"Indexed {counts['briefs']} briefs ({counts['invalid']} invalid): {counts['actors']} actors, "
        f"{counts['issues']} issues, {counts['positions']} positions, {counts['sources']} sources "
        f"in {seconds:.1f} s."
    )
    click.echo(f"Index: {idx.path}")
