"""One brief as data: JSON or YAML, its fields in the schema's order, reduced to the sections asked for.

The data is given unchanged, with the characters a terminal would act on written as escapes of those formats.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from brief.format.normal import FIELDS
from brief.format.normal import normalised as whole
from brief.render.escape import json_text
from brief.render.show.common import SECTION_FIELDS, SECTIONS, Brief, chosen

# Field order of the schema, kept with the format (brief.format.normal), where exports read it too.
__all__ = ["FIELDS", "JSON_VERSION", "normalised", "render_json", "render_yaml"]

# the `version` of `{"version": 1, "brief": {...}}` (schemas/output/show.schema.json): raised when its shape changes
JSON_VERSION = 1


def normalised(data: Brief, sections: Iterable[str] | None = None) -> Brief:
    """The brief as plain data in schema order, reduced to the fields of the sections asked for."""
    brief: Brief = whole(data)
    wanted = chosen(sections)
    if wanted == SECTIONS:
        return brief
    claimed = {field for fields in SECTION_FIELDS.values() for field in fields}
    keep = {field for name in wanted for field in SECTION_FIELDS.get(name, ())}
    return {key: value for key, value in brief.items() if key in keep or ("metadata" in wanted and key not in claimed)}


def render_json(data: Brief, sections: Iterable[str] | None = None) -> str:
    # json escapes C0 controls itself; C1 ones (0x9b is a CSI on some terminals) json_text does
    return json_text({"version": JSON_VERSION, "brief": normalised(data, sections)}) + "\n"


def render_yaml(data: Brief, sections: Iterable[str] | None = None) -> str:
    import yaml

    from brief.format.loading import reads_as_text

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = None
        if re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", value):
            style = '"'  # the only YAML style that writes every control character as an escape
        elif "\n" in value.strip("\n"):
            style = "|"  # the body and other prose stay readable (PyYAML falls back when it cannot)
        elif not reads_as_text(value):
            style = "'"  # `0o17`, `1e3`: text that YAML 1.2 would read back as a number (PyYAML's dumper is 1.1)
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    # yaml.safe_dump(allow_unicode=True, sort_keys=False), with the string styles above
    text_out: str = yaml.dump(normalised(data, sections), Dumper=Dumper, allow_unicode=True, sort_keys=False)
    return text_out
