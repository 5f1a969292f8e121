"""Reading brief files (YAML, Markdown with YAML front matter, JSON) into plain data.

The fast path parses with PyYAML's C loader (or the json module) and nothing else: positions are only
computed later, from `Source`, for files that turn out to have problems, so valid files pay nothing for them.
Hostile input is bounded before the parser sees it: size, binary content, encoding, nesting depth and
alias expansion.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from brief.format.source import EXTENSIONS, Source

if TYPE_CHECKING:
    from brief.format.source import Kind


MAX_BYTES = 4 * 1024 * 1024  # briefs are a few KB; anything this large is not a brief
MAX_DEPTH = 64  # the format nests 5 levels deep; generous, and far below any recursion limit
MAX_NODES = 200_000  # cap on nodes after alias expansion: defuses "billion laughs"

# Leading indentation (with sequence dashes and complex-key marks) long enough to nest past MAX_DEPTH;
# below it, block nesting cannot exceed the bound, so the exact scan is skipped.
_DEEP_INDENT = re.compile(rf"^[ \t?-]{{{MAX_DEPTH},}}", re.MULTILINE)
_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)


class LoadError(Exception):
    """A file that cannot be read as a brief at all. `line`/`column` are 1-based, 0 when unknown."""

    def __init__(self, rule: str, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.line = line
        self.column = column


@dataclass(slots=True, repr=False, eq=False)
class Loaded:
    data: Any
    source: Source
    has_duplicate_keys: bool = False


def kind_for(name: str) -> Kind | None:
    return EXTENSIONS.get(os.path.splitext(name)[1].lower())


def sniff_kind(raw: bytes) -> Kind:
    """The format of unnamed input (standard input) by its first characters: JSON, front matter, else YAML."""
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"["):
        return "json"
    if raw.lstrip(b"\xef\xbb\xbf").startswith(b"---") and raw.count(b"\n---") >= 1:
        return "markdown"
    return "yaml"


def read_file(path: str) -> bytes:
    """Read a file within the size bound, without reading more than the bound."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise LoadError("unreadable", "is a directory") from None
    except OSError as exc:
        raise LoadError("unreadable", exc.strerror or str(exc)) from None
    if len(raw) > MAX_BYTES:
        raise LoadError("too-large", f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB; not a brief")
    return raw


def decode(raw: bytes) -> str:
    """Decode UTF-8 (a BOM is allowed and dropped); refuse binary content and invalid UTF-8 with a position."""
    if b"\x00" in raw:
        raise LoadError("binary-file", "binary file (contains NUL bytes); briefs are UTF-8 text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise LoadError(
            "encoding", f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8", line, column
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def load_bytes(raw: bytes, name: str, kind: Kind) -> Loaded:
    return load_text(decode(raw), name, kind)


def load_text(text: str, name: str, kind: Kind) -> Loaded:
    """Parse decoded text as a brief of the given kind. Raises LoadError for unusable input."""
    if not text.strip():
        raise LoadError("empty-file", "empty file", 1, 1)
    if kind == "json":
        source = Source(name, kind, text)
        data, duplicates = _parse_json(text)
        return Loaded(_require_mapping(data, source), source, duplicates)
    body: str | None = None
    source = Source(name, kind, text)
    if kind == "markdown":
        source, body = _split_front_matter(text, name)
    data, duplicates = _parse_yaml(source)
    data = _require_mapping(data, source)
    if body is not None:
        if "body" in data:
            raise LoadError(
                "body-conflict",
                "front matter has a 'body' field; in a .md file the body is the Markdown after the front matter",
                *_key_position(source, "body"),
            )
        data["body"] = body
    return Loaded(data, source, duplicates)


def _require_mapping(data: Any, source: Source) -> dict[str, Any]:
    if not isinstance(data, dict):
        what = "nothing" if data is None else f"a {_type_name(data)}"
        raise LoadError(
            "not-a-mapping", f"a brief must be a mapping of fields, found {what}", source.line_offset + 1, 1
        )
    return data


def _type_name(value: Any) -> str:
    return {list: "list", str: "string", bool: "boolean", int: "number", float: "number"}.get(type(value), "value")


def _split_front_matter(text: str, name: str) -> tuple[Source, str]:
    first_end = text.find("\n")
    first = (text if first_end < 0 else text[:first_end]).rstrip("\r \t")
    if first != "---":
        raise LoadError(
            "no-front-matter", "Markdown brief has no YAML front matter (the first line must be '---')", 1, 1
        )
    start = first_end + 1
    match = _FRONT_MATTER_END.search(text, start)
    if match is None:
        raise LoadError("no-front-matter", "front matter is not closed by a '---' line", 1, 1)
    front = text[start : match.start()]
    after = text[match.end() :]
    body_line = text.count("\n", 0, match.end()) + 2
    if after.startswith("\r\n"):
        after = after[2:]
    elif after.startswith("\n"):
        after = after[1:]
    return Source(name, "markdown", front, line_offset=1, body_line=body_line), after


# --- YAML -----------------------------------------------------------------------------------------------------


_loader_class: Any = None
_RESOLVED_CACHE_LIMIT = 50_000


def _fast_loader() -> Any:
    """A C-backed safe loader that keeps timestamps as typed and notices duplicate keys, built once.

    Two shortcuts over PyYAML's own path, with identical results (tests/test_loading.py compares them):
    plain scalars' implicit tags are memoised (briefs repeat the same keys and vocabulary values), and the
    node tree libyaml composed is turned into Python data by one tight function (`build`) instead of
    PyYAML's general constructor. Anything that function does not handle (merge keys, explicit or
    unusual tags, unhashable keys) falls back to the general constructor.
    """
    global _loader_class
    if _loader_class is None:
        import yaml
        from yaml.nodes import MappingNode, ScalarNode, SequenceNode

        resolved: dict[str, str] = {}

        class FastLoader(yaml.CSafeLoader):
            duplicates = False

            def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
                if kind is ScalarNode and implicit[0]:
                    tag = resolved.get(value)
                    if tag is None:
                        tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
                        if len(resolved) > _RESOLVED_CACHE_LIMIT:
                            resolved.clear()
                        resolved[value] = tag
                    return tag
                return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]

            def construct_mapping(self, node: Any, deep: bool = False) -> Any:
                mapping = super().construct_mapping(node, deep)
                if len(mapping) != len(node.value):
                    self.duplicates = True  # located precisely, with every occurrence, on the slow path
                return mapping

        def keep_as_typed(loader: Any, node: Any) -> str:
            # JSON Schema has no date type: `date: 2021-09-15` stays the string the user typed.
            return str(node.value)

        FastLoader.add_constructor("tag:yaml.org,2002:timestamp", keep_as_typed)
        _loader_class = FastLoader
        _loader_class.node_types = (ScalarNode, SequenceNode, MappingNode)
    return _loader_class


class _Unusual(Exception):
    """The node tree holds something `build` leaves to PyYAML's general constructor."""


_TAG = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL, _INT, _FLOAT, _TIMESTAMP, _SEQ, _MAP = (
    _TAG + name for name in ("str", "null", "bool", "int", "float", "timestamp", "seq", "map")
)


def build(loader: Any, root: Any) -> tuple[Any, bool]:
    """Python data from a composed node tree, as SafeConstructor (with `keep_as_typed`) would make it."""
    scalar_type, sequence_type, mapping_type = loader.node_types
    bool_values = loader.bool_values
    shared: dict[int, Any] = {}  # aliased nodes are one object, as in PyYAML
    duplicates = False

    def construct(node: Any) -> Any:
        nonlocal duplicates
        kind = type(node)
        tag = node.tag
        if kind is scalar_type:
            if tag in (_STR, _TIMESTAMP):
                return node.value
            if tag == _NULL:
                return None
            if tag == _BOOL:
                return bool_values[node.value.lower()]
            if tag == _INT:
                return loader.construct_yaml_int(node)
            if tag == _FLOAT:
                return loader.construct_yaml_float(node)
            raise _Unusual
        known = shared.get(id(node))
        if known is not None:
            return known
        if kind is sequence_type and tag == _SEQ:
            items: list[Any] = []
            shared[id(node)] = items
            items.extend(construct(child) for child in node.value)
            return items
        if kind is mapping_type and tag == _MAP:
            mapping: dict[Any, Any] = {}
            shared[id(node)] = mapping
            for key_node, value_node in node.value:
                if key_node.tag == _TAG + "merge" or type(key_node) is not scalar_type:
                    raise _Unusual
                mapping[construct(key_node)] = construct(value_node)
            if len(mapping) != len(node.value):
                duplicates = True
            return mapping
        raise _Unusual

    return (None if root is None else construct(root)), duplicates


def _needs_careful_scan(text: str) -> bool:
    """Cheap tests that rule out deep nesting and alias bombs for ordinary files (far cheaper than the careful scan)."""
    if text.count("[") + text.count("{") > MAX_DEPTH:
        return True
    if "&" in text and "*" in text:
        return True
    return _DEEP_INDENT.search(text) is not None


def _careful_scan(source: Source) -> None:
    """Walk the parser's events (libyaml's parser is iterative) to bound depth and alias expansion."""
    import yaml

    depth = 0
    sizes: dict[str, int] = {}  # anchor -> expanded node count
    stack: list[tuple[str | None, int]] = []  # (anchor, node count so far) per open collection
    total = 0
    try:
        for event in yaml.parse(source.text, Loader=yaml.CSafeLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise LoadError(
                        "too-deep",
                        f"nesting deeper than {MAX_DEPTH} levels; not a brief",
                        *_mark(source, event.start_mark),
                    )
                stack.append((event.anchor, 1))
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
                anchor, count = stack.pop()
                if anchor:
                    sizes[anchor] = count
                if stack:
                    parent_anchor, parent_count = stack[-1]
                    stack[-1] = (parent_anchor, parent_count + count)
            elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
                count = sizes.get(event.anchor or "", 1) if isinstance(event, yaml.AliasEvent) else 1
                if isinstance(event, yaml.ScalarEvent) and event.anchor:
                    sizes[event.anchor] = 1
                total += count
                if total > MAX_NODES:
                    raise LoadError(
                        "alias-bomb",
                        f"aliases expand to more than {MAX_NODES:,} values; refusing (a 'billion laughs' file?)",
                        *_mark(source, event.start_mark),
                    )
                if stack:
                    anchor, parent_count = stack[-1]
                    stack[-1] = (anchor, parent_count + count)
    except yaml.MarkedYAMLError:
        return  # the real parse reports syntax errors with their position


def _parse_yaml(source: Source) -> tuple[Any, bool]:
    import yaml

    if _needs_careful_scan(source.text):
        _careful_scan(source)
    loader = _fast_loader()(source.text)
    try:
        try:
            root = loader.get_single_node()
            try:
                data, duplicates = build(loader, root)
            except (_Unusual, TypeError):  # TypeError: an unhashable key, which PyYAML reports properly
                data = loader.construct_document(root)
                duplicates = loader.duplicates
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or "invalid YAML"
            if exc.context and exc.problem:
                problem = f"{exc.problem} ({exc.context})"
            where = _mark(source, mark) if mark is not None else (source.line_offset + 1, 1)
            raise LoadError("yaml-syntax", f"YAML syntax error: {problem}", *where) from None
        except yaml.YAMLError as exc:
            raise LoadError("yaml-syntax", f"YAML error: {exc}", source.line_offset + 1, 1) from None
        except RecursionError:
            raise LoadError("too-deep", "nesting too deep; not a brief", source.line_offset + 1, 1) from None
        return data, duplicates
    finally:
        loader.dispose()


def _mark(source: Source, mark: Any) -> tuple[int, int]:
    return mark.line + 1 + source.line_offset, mark.column + 1


def _key_position(source: Source, key: str) -> tuple[int, int]:
    from brief.format.locate import locate

    line, column, _ = locate(source, [key], key_only=True)
    return line, column


# --- JSON -----------------------------------------------------------------------------------------------------


def _parse_json(text: str) -> tuple[Any, bool]:
    import json

    duplicates = False

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal duplicates
        result = dict(pairs)
        if len(result) != len(pairs):
            duplicates = True
        return result

    if text.count("[") + text.count("{") > MAX_DEPTH:
        _json_depth_scan(text)
    try:
        data = json.loads(text, object_pairs_hook=pairs_hook)
    except json.JSONDecodeError as exc:
        raise LoadError("json-syntax", f"JSON syntax error: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise LoadError("too-deep", "nesting too deep; not a brief", 1, 1) from None
    if "\\u" in text:
        _refuse_lone_surrogates(text)
    return data, duplicates


def _refuse_lone_surrogates(text: str) -> None:
    """JSON may escape half of a UTF-16 pair (`"\\ud800"`): Python reads it as a string no file, terminal or
    database can encode, so it is refused here, where its position is known."""
    import re

    # an odd number of backslashes before `u`, then a whole pair (not captured) or a lone half (captured)
    pair = r"[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
    escape = rf"(?<!\\)(?:\\\\)*\\u(?:{pair}|([dD][89a-fA-F][0-9a-fA-F]{{2}}))"
    for match in re.finditer(escape, text):
        if match.group(1):
            at = match.start(1) - 2
            line = text.count("\n", 0, at) + 1
            column = at - (text.rfind("\n", 0, at) + 1) + 1
            message = f"JSON syntax error: \\u{match.group(1)} is half of a UTF-16 pair, not a character"
            raise LoadError("json-syntax", message, line, column)


def _json_depth_scan(text: str) -> None:
    """Exact nesting depth of JSON text, skipping strings; refuses past MAX_DEPTH with a position."""
    depth = 0
    in_string = False
    escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, index) + 1
                column = index - (text.rfind("\n", 0, index) + 1) + 1
                raise LoadError("too-deep", f"nesting deeper than {MAX_DEPTH} levels; not a brief", line, column)
        elif char in "]}":
            depth -= 1
