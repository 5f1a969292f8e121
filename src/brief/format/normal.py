"""The normalised brief: plain data (what JSON can hold), its fields in the schema's order whatever order the file
used, so that a brief read from `.md`, `.yaml` or `.json` gives one form. `brief show --format json|yaml` prints
it and `brief export` writes it; the checker has already turned country names into codes."""

from __future__ import annotations

import math
from typing import Any

# Field order of the schema (tests/test_show.py checks it against schemas/brief.schema.json).
FIELDS: dict[str, tuple[str, ...]] = {
    "brief": (
        "schema_version",
        "id",
        "title",
        "date",
        "updated",
        "language",
        "original_language",
        "authors",
        "domains",
        "regions",
        "nations",
        "tags",
        "tlp",
        "summary",
        "actors",
        "issues",
        "positions",
        "relations",
        "key_judgments",
        "figures",
        "sources",
        "body",
    ),
    "actor": ("id", "name", "kind", "country", "aliases", "description", "affiliations"),
    "affiliation": ("actor", "role", "status"),
    "issue": ("id", "statement", "description"),
    "position": (
        "actor",
        "issue",
        "stance",
        "basis",
        "confidence",
        "salience",
        "power",
        "rationale",
        "change",
        "sources",
        "as_of",
    ),
    "relation": ("actors", "kind", "trend", "factors", "sources", "as_of"),
    "judgment": ("statement", "likelihood", "confidence", "sources"),
    "figure": ("label", "value", "unit", "date", "status", "sources"),
    "source": ("id", "title", "publisher", "url", "date", "reliability", "credibility"),
}
LIST_ITEMS = {
    "actors": "actor",
    "issues": "issue",
    "positions": "position",
    "relations": "relation",
    "key_judgments": "judgment",
    "figures": "figure",
    "sources": "source",
}


_SCALARS = frozenset({str, int, bool, type(None)})  # JSON values as they are (a float may be nan or infinite)


def plain(value: Any) -> Any:
    """A JSON-compatible copy: what YAML can hold and JSON cannot (an invalid brief) becomes the nearest thing.

    Most values are strings: they are returned before anything else is tried, and the items of dicts and lists
    that are scalars are taken without a call (`brief export` passes every value of every brief through here)."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:
        return {
            (key if type(key) is str else str(key)): (item if type(item) in _SCALARS else plain(item))
            for key, item in value.items()
        }
    if kind is list:
        return [item if type(item) in _SCALARS else plain(item) for item in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return [plain(item) for item in sorted(value, key=str)]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (str, int)):  # subclasses (bool is in _SCALARS)
        return value
    return str(value)


def ordered(value: Any, kind: str = "brief") -> Any:
    """`value` (plain data) with the fields of a `kind` of record in schema order; x- and unknown fields last."""
    if not isinstance(value, dict):
        return value
    order = FIELDS[kind]
    out = {key: value[key] for key in order if key in value}
    out.update((key, item) for key, item in value.items() if key not in out)
    for key, item_kind in (LIST_ITEMS if kind == "brief" else {}).items():
        if isinstance(out.get(key), list):
            out[key] = [ordered(item, item_kind) for item in out[key]]
    if kind == "actor" and isinstance(out.get("affiliations"), list):
        out["affiliations"] = [ordered(item, "affiliation") for item in out["affiliations"]]
    return out


def normalised(data: dict[str, Any]) -> dict[str, Any]:
    """The whole brief as plain data in schema order."""
    brief: dict[str, Any] = ordered(plain(data), "brief")
    return brief
