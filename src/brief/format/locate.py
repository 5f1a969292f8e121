"""Positions for problems: maps a JSON path to `line:col` in the file as the user sees it.

Only files with problems get here. The YAML (or JSON, which PyYAML reads as YAML flow) text is composed into
a node tree with marks, once per file; lines include the front matter offset of Markdown briefs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from brief.format.source import Source

PathSegment = str | int


class Locator:
    def __init__(self, source: Source) -> None:
        self.source = source
        self._root: Any = None
        self._composed = False
        self._keys: dict[int, dict[str, tuple[Any, Any]]] = {}  # per mapping node: key -> (key node, value node)

    @property
    def root(self) -> Any:
        if not self._composed:
            self._composed = True
            import yaml

            try:
                self._root = yaml.compose(self.source.text, Loader=yaml.CSafeLoader)
            except (yaml.YAMLError, RecursionError):
                self._root = None
        return self._root

    def _position(self, node: Any) -> tuple[int, int]:
        mark = node.start_mark
        return mark.line + 1 + self.source.line_offset, mark.column + 1

    def raw(self, node: Any) -> str | None:
        """The scalar exactly as typed (quotes included), or None for collections."""
        import yaml

        if not isinstance(node, yaml.ScalarNode):
            return None
        return self.source.text[node.start_mark.index : node.end_mark.index]

    def node_at(self, path: Sequence[PathSegment], key_only: bool = False) -> Any:
        """The deepest node reached along `path` (the key node of the last step when `key_only`)."""
        import yaml

        node = self.root
        if node is None:
            return None
        for depth, segment in enumerate(path):
            last = depth == len(path) - 1
            if isinstance(node, yaml.MappingNode):
                pair = self._pairs(node).get(str(segment))
                if pair is None:
                    return node
                node = pair[0] if (last and key_only) else pair[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(segment, int) and 0 <= segment < len(node.value):
                node = node.value[segment]
            else:
                return node
        return node

    def _pairs(self, node: Any) -> dict[str, tuple[Any, Any]]:
        """A mapping node's text keys, each with its last occurrence (the one the loader kept), indexed once:
        a brief with thousands of unknown keys is located in linear time."""
        import yaml

        pairs = self._keys.get(id(node))
        if pairs is None:
            pairs = {
                key_node.value: (key_node, value_node)
                for key_node, value_node in node.value
                if isinstance(key_node, yaml.ScalarNode)
            }
            self._keys[id(node)] = pairs
        return pairs

    def locate(self, path: Sequence[PathSegment], key_only: bool = False) -> tuple[int, int, str | None]:
        """`(line, column, raw text)` of the value at `path`; falls back to the nearest enclosing node."""
        node = self.node_at(path, key_only)
        if node is None:
            return self.source.line_offset + 1, 1, None
        line, column = self._position(node)
        return line, column, self.raw(node)

    def duplicate_keys(self) -> list[tuple[list[PathSegment], str, int, int, int]]:
        """Every repeated key: (path of the mapping, key, line, column, line of the first occurrence)."""
        import yaml

        found: list[tuple[list[PathSegment], str, int, int, int]] = []
        if self.root is None:
            return found
        stack: list[tuple[Any, list[PathSegment]]] = [(self.root, [])]
        seen_nodes: set[int] = set()
        while stack:
            node, path = stack.pop()
            if id(node) in seen_nodes:  # aliases share nodes; visit each once
                continue
            seen_nodes.add(id(node))
            if isinstance(node, yaml.MappingNode):
                first: dict[str, int] = {}
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.value != "<<":
                        line, column = self._position(key_node)
                        if key_node.value in first:
                            found.append((path, key_node.value, line, column, first[key_node.value]))
                        else:
                            first[key_node.value] = line
                        stack.append((value_node, [*path, key_node.value]))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend((child, [*path, index]) for index, child in enumerate(node.value))
        found.sort(key=lambda item: (item[2], item[3]))
        return found


def locate(source: Source, path: Sequence[PathSegment], key_only: bool = False) -> tuple[int, int, str | None]:
    return Locator(source).locate(path, key_only)


def json_path(path: Sequence[PathSegment]) -> str:
    """`$.positions[0].stance` style path, quoting keys that are not plain identifiers."""
    parts = ["$"]
    for segment in path:
        if isinstance(segment, int):
            parts.append(f"[{segment}]")
        elif segment.replace("_", "a").replace("-", "a").isalnum() and not segment[:1].isdigit():
            parts.append(f".{segment}")
        else:
            escaped = segment.replace("\\", "\\\\").replace("'", "\\'")
            parts.append(f"['{escaped}']")
    return "".join(parts)
