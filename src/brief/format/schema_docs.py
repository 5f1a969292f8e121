"""The README's field table, generated from the schema so the two cannot drift apart (tests/test_docs.py)."""

from __future__ import annotations

from typing import Any


def _type_of(node: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in node:
        name = str(node["$ref"]).rsplit("/", 1)[-1]
        target = defs.get(name, {})
        if name in ("actor", "issue", "position", "relation", "judgment", "figure", "source"):
            return name
        return _type_of({k: v for k, v in target.items() if k != "description"}, defs) if target else name
    if "enum" in node:
        values = node["enum"]
        if len(values) > 30:
            return f"one of {len(values)} codes"
        return " \\| ".join(f"`{v}`" for v in values)
    if node.get("type") == "array":
        return f"list of {_type_of(node.get('items', {}), defs)}"
    kind = node.get("type", "any")
    if "format" in node:
        return f"{kind} ({node['format']})"
    return str(kind)


def field_table(schema: dict[str, Any]) -> str:
    """Markdown tables: the brief's top-level fields, then each section's item fields."""
    defs = schema.get("$defs", {})
    lines = ["| field | type | required | meaning |", "|---|---|---|---|"]
    required = set(schema.get("required", []))
    for name, node in schema.get("properties", {}).items():
        yes = "yes" if name in required else ""
        lines.append(f"| `{name}` | {_type_of(node, defs)} | {yes} | {node.get('description', '')} |")
    for section in ("actor", "issue", "position", "relation", "judgment", "figure", "source"):
        node = defs.get(section, {})
        lines += ["", f"**{section}** — {node.get('description', '')}", ""]
        lines += ["| field | type | required | meaning |", "|---|---|---|---|"]
        required = set(node.get("required", []))
        for name, sub in node.get("properties", {}).items():
            yes = "yes" if name in required else ""
            lines.append(f"| `{name}` | {_type_of(sub, defs)} | {yes} | {sub.get('description', '')} |")
    return "\n".join(lines) + "\n"
