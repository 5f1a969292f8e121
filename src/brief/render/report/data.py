"""`brief report --format json`: the report's content as data, for other tools: the cover, each brief's
judgments, matrix cells, stakeholder maps (with the geometry drawn) and sources, the graph's relations and the
timelines. The same content as the page, without its markup."""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any

from brief.base.text import json_text
from brief.render.report.content import Report


@cache
def _names(kind: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(kind))


def plain(value: Any) -> Any:
    """Dataclasses, tuples and lists as JSON's mappings and lists (dataclasses.asdict deep-copies every value: ten
    times slower over a thousand briefs)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: plain(getattr(value, name)) for name in _names(type(value))}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def to_json(report: Report) -> str:
    data: dict[str, Any] = plain(report)
    data.pop("tlp_labels")
    data["graph"].pop("svg")
    data["graph"].pop("missing")
    return json_text({"version": 1, **data}) + "\n"
