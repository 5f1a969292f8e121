"""Briefs as JSON documents: one JSON document (`json`), one brief per line (`ndjson`), or the body of an
OpenSearch / Elasticsearch `_bulk` request (`ndjson` with `--bulk INDEX`). Each brief is the normalised brief,
as `brief show --format json` prints it, with its TLP marking; each is written as soon as it is read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from brief.base.text import json_text

EXPORT_VERSION = 1  # the `version` of a json export: raised when the shape of the document changes


def write_json(briefs: Iterable[dict[str, Any]], out: TextIO) -> None:
    """`{"version": 1, "briefs": [...]}`, indented as `brief show --format json`, streamed brief by brief."""
    out.write(f'{{\n  "version": {EXPORT_VERSION},\n  "briefs": [')
    first = True
    for brief in briefs:
        out.write("\n    " if first else ",\n    ")
        out.write(json_text(brief).replace("\n", "\n    "))
        first = False
    out.write("\n  ]\n}\n" if not first else "]\n}\n")


def write_ndjson(briefs: Iterable[dict[str, Any]], out: TextIO) -> None:
    """One brief per line (JSON Lines)."""
    for brief in briefs:
        out.write(json_text(brief, indent=None))
        out.write("\n")


def write_bulk(briefs: Iterable[dict[str, Any]], out: TextIO, index: str) -> None:
    """The body of a `_bulk` request: an `index` action naming the brief's id as the document id (so that
    exporting again replaces the documents rather than adding copies), then the brief, one line each."""
    for brief in briefs:
        ident = brief.get("id")
        action = {"_index": index, "_id": ident if isinstance(ident, str) and ident else None}
        if action["_id"] is None:  # an invalid brief without an id (--include-invalid): the engine names it
            del action["_id"]
        out.write(json_text({"index": action}, indent=None))
        out.write("\n")
        out.write(json_text(brief, indent=None))
        out.write("\n")
