"""One brief as data: JSON or YAML, its fields in the schema's order, reduced to the sections asked for.

The data is given unchanged, with the characters a terminal would act on written as escapes of those formats.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from brief.render.escape import json_text
from brief.render.show.common import SECTION_FIELDS, SECTIONS, Brief, chosen, plain

# Field order of the schema (tests/test_show.py checks it against schemas/brief.schema.json): JSON and YAML
# output list fields in this order whatever order the file used, so every format of a brief gives one output.
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
_LIST_ITEMS = {
    "actors": "actor",
    "issues": "issue",
    "positions": "position",
    "relations": "relation",
    "key_judgments": "judgment",
    "figures": "figure",
    "sources": "source",
}


def _ordered(value: Any, kind: str) -> Any:
    if not isinstance(value, dict):
        return value
    order = FIELDS[kind]
    out = {key: value[key] for key in order if key in value}
    out.update((key, item) for key, item in value.items() if key not in out)  # x- and unknown fields last
    for key, item_kind in (_LIST_ITEMS if kind == "brief" else {}).items():
        if isinstance(out.get(key), list):
            out[key] = [_ordered(item, item_kind) for item in out[key]]
    if kind == "actor" and isinstance(out.get("affiliations"), list):
        out["affiliations"] = [_ordered(item, "affiliation") for item in out["affiliations"]]
    return out


def normalised(data: Brief, sections: Iterable[str] | None = None) -> Brief:
    """The brief as plain data in schema order, reduced to the fields of the sections asked for."""
    brief: Brief = _ordered(plain(data), "brief")
    wanted = chosen(sections)
    if wanted == SECTIONS:
        return brief
    claimed = {field for fields in SECTION_FIELDS.values() for field in fields}
    keep = {field for name in wanted for field in SECTION_FIELDS.get(name, ())}
    return {key: value for key, value in brief.items() if key in keep or ("metadata" in wanted and key not in claimed)}


def render_json(data: Brief, sections: Iterable[str] | None = None) -> str:
    # json escapes C0 controls itself; C1 ones (0x9b is a CSI on some terminals) json_text does
    return json_text(normalised(data, sections)) + "\n"


def render_yaml(data: Brief, sections: Iterable[str] | None = None) -> str:
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = None
        if re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", value):
            style = '"'  # the only YAML style that writes every control character as an escape
        elif "\n" in value.strip("\n"):
            style = "|"  # the body and other prose stay readable (PyYAML falls back when it cannot)
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    # yaml.safe_dump(allow_unicode=True, sort_keys=False), with the string styles above
    text_out: str = yaml.dump(normalised(data, sections), Dumper=Dumper, allow_unicode=True, sort_keys=False)
    return text_out
