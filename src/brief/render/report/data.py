"""`brief report --format json`: the report's content as data, for other tools: the cover, each brief's
judgments, matrix cells, stakeholder maps (with the geometry drawn) and sources, the graph's relations and the
timelines. The same content as the page, without its markup."""

from __future__ import annotations

import dataclasses
from typing import Any

from brief.base.text import json_text
from brief.render.report.content import Report


def to_json(report: Report) -> str:
    data: dict[str, Any] = dataclasses.asdict(report)
    data.pop("tlp_labels")
    data["graph"].pop("svg")
    data["graph"].pop("missing")
    return json_text({"version": 1, **data}) + "\n"
