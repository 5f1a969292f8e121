"""Reading brief files (YAML, Markdown with YAML front matter, JSON) into plain data.

The fast path parses with libyaml (PyYAML's C parser, with the YAML 1.2 core schema) or the json module: positions
are only computed later, from `Source`, for files that turn out to have problems, so valid files pay nothing for
them.
Hostile input is bounded before the parser sees it: size, binary content, encoding, nesting depth and
alias expansion.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from brief.format.bounds import MAX_BYTES as MAX_BYTES
from brief.format.bounds import MAX_DEPTH as MAX_DEPTH
from brief.format.bounds import MAX_NODES as MAX_NODES
from brief.format.bounds import LoadError as LoadError
from brief.format.json_loading import parse_json
from brief.format.source import EXTENSIONS, Source

if TYPE_CHECKING:
    from collections.abc import Callable

    from brief.format.source import Kind


# Leading indentation (with sequence dashes and complex-key marks) long enough to nest past MAX_DEPTH;
# below it, block nesting cannot exceed the bound, so the exact scan is skipped.
_DEEP_INDENT = re.compile(rf"^[ \t?-]{{{MAX_DEPTH},}}", re.MULTILINE)
_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class TypeProblem:
    """A key or value JSON has no type for (an unknown tag, a list as a key...), where it was typed."""

    path: tuple[str | int, ...]
    message: str
    line: int
    column: int


@dataclass(slots=True, repr=False, eq=False)
class Loaded:
    data: Any
    source: Source
    has_duplicate_keys: bool = False
    type_problems: list[TypeProblem] = field(default_factory=list)


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
    """Read a file within the size bound, without reading more than the bound.

    Unbuffered, asking for the size `stat` gives (plus one byte, to see a file that grew): a buffered
    read(4 MiB) allocated the whole bound for every brief, which cost cold index builds several percent.
    """
    try:
        with open(path, "rb", buffering=0) as handle:
            want = min(os.fstat(handle.fileno()).st_size, MAX_BYTES) + 1
            parts: list[bytes] = []
            total = 0
            while total <= MAX_BYTES:  # short reads (pipes, FIFOs) and files that grew: read on to the bound
                chunk = handle.read(want)
                if not chunk:
                    break
                parts.append(chunk)
                total += len(chunk)
                want = MAX_BYTES + 1 - total
            raw = b"".join(parts)
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
        data, duplicates = parse_json(text)
        return Loaded(_require_mapping(data, source), source, duplicates)
    body: str | None = None
    source = Source(name, kind, text)
    if kind == "markdown":
        source, body = _split_front_matter(text, name)
    data, duplicates, type_problems = _parse_yaml(source)
    data = _require_mapping(data, source)
    if body is not None:
        if "body" in data:
            raise LoadError(
                "body-conflict",
                "front matter has a 'body' field; in a .md file the body is the Markdown after the front matter",
                *_key_position(source, "body"),
            )
        data["body"] = body
    return Loaded(data, source, duplicates, type_problems)


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
#
# YAML 1.2 with its core schema, as JSON Schema tools read it: only true/false (True, TRUE, ...) are booleans,
# so `NO` (Norway), `on` and `yes` are text; integers are decimal, 0o octal or 0x hexadecimal; `1_000`, `0b11`
# and `1:30` (YAML 1.1's underscores, binary and base 60) are text; dates are text; `<<` is an ordinary key.
# libyaml parses (it reads the 1.2 syntax briefs use); yamlcore's resolver gives the 1.2 core types.


_loader_class: Any = None
_RESOLVED_CACHE_LIMIT = 50_000


def _fast_loader() -> Any:
    """libyaml's C parser with the YAML 1.2 core schema resolver, built once.

    Plain scalars' implicit tags are memoised (briefs repeat the same keys and vocabulary values), and the
    node tree libyaml composed is turned into Python data by one tight function (`build`); anything it does
    not handle (explicit or unknown tags, keys that are lists or mappings, recursive aliases) goes to the
    careful builder, which records each as a `yaml-type` problem at its position.
    """
    global _loader_class
    if _loader_class is None:
        import yamlcore
        from yaml.nodes import MappingNode, ScalarNode, SequenceNode

        resolved: dict[str, str] = {}

        class FastLoader(yamlcore.CCoreLoader):  # type: ignore[misc]
            # BaseResolver.resolve without its general cases (brief sets no path resolvers): libyaml's
            # composer calls this for every untagged node, so each step saved counts
            def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
                if kind is ScalarNode:
                    if not implicit[0]:  # quoted, block or `!`-tagged: text
                        return _STR
                    tag = resolved.get(value)
                    if tag is None:
                        tag = super().resolve(kind, value, implicit)
                        if len(resolved) > _RESOLVED_CACHE_LIMIT:
                            resolved.clear()
                        resolved[value] = tag
                    return tag
                return _SEQ if kind is SequenceNode else _MAP

        _loader_class = FastLoader
        _loader_class.node_types = (ScalarNode, SequenceNode, MappingNode)
    return _loader_class


_NOT_BUILT: Any = object()
_native: Any = _NOT_BUILT  # brief.format._yaml's load, ready to call, or None


def native_yaml_built() -> bool:
    """Whether `native_yaml` would find the C module, without importing PyYAML (for `brief --version`)."""
    from importlib.util import find_spec

    return not os.environ.get("BRIEF_NO_EXTENSION") and find_spec("brief.format._yaml") is not None


def native_yaml() -> Callable[[str], tuple[Any, bool] | None] | None:
    """`load(text) -> (data, has_duplicate_keys) | None` of brief.format._yaml (src/brief/format/_yaml.c), or None
    when it is not built or BRIEF_NO_EXTENSION is set. It gives plain scalars their YAML 1.2 core value with the
    same resolver and constructors as `build` (`resolve_plain`, memoised in `known`, which the C module reads
    first), and asks only about scalars starting with a character for which the resolver has a pattern."""
    global _native
    if _native is _NOT_BUILT:
        _native = None
        if not native_yaml_built():
            return None
        from yaml.nodes import ScalarNode

        from brief.format._yaml import load  # type: ignore[import-not-found,import-untyped,unused-ignore]

        loader_class = _fast_loader()
        loader = loader_class("")
        firsts = [key for key in loader_class.yaml_implicit_resolvers if key]
        if None in loader_class.yaml_implicit_resolvers or not all(len(key.encode()) == 1 for key in firsts):
            return None  # a resolver for any first character, or a non-ASCII one: not what the C module assumes
        maybe_typed = "".join(firsts).encode()
        known: dict[str, Any] = {}
        implicit = (True, False)

        def resolve_plain(value: str) -> Any:
            try:
                resolved = _scalar(loader, ScalarNode(loader.resolve(ScalarNode, value, implicit), value))
            except (_Unusual, KeyError, ValueError):
                return _Unusual  # the full loader decides
            if len(known) > _RESOLVED_CACHE_LIMIT:
                known.clear()
            known[value] = resolved
            return resolved

        def native_load(text: str) -> tuple[Any, bool] | None:
            return load(text, maybe_typed, known, resolve_plain, _Unusual, MAX_DEPTH)  # type: ignore[no-any-return]

        _native = native_load
    return _native  # type: ignore[no-any-return]


def reads_as_text(value: str) -> bool:
    """Whether YAML 1.2's core schema reads `value`, written as a plain scalar, as text (so `NO` is text,
    `0o17`, `1e3` and `true` are not). Writers of YAML quote what this refuses, so that brief reads back
    what it wrote."""
    import yamlcore

    resolvers = yamlcore.CCoreLoader.yaml_implicit_resolvers
    return not any(regexp.match(value) for _, regexp in resolvers.get(value[:1] if value else "", ()))


class _Unusual(Exception):
    """The node tree holds something `build` leaves to the careful builder."""


_TAG = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL, _INT, _FLOAT, _SEQ, _MAP = (
    _TAG + name for name in ("str", "null", "bool", "int", "float", "seq", "map")
)


def _scalar(loader: Any, node: Any) -> Any:
    """A core-schema scalar; ValueError or KeyError when an explicit tag does not fit the text (`!!int abc`)."""
    tag, value = node.tag, node.value
    if tag == _STR:
        return value
    if tag == _NULL:
        return loader.null_values["core"][value]
    if tag == _BOOL:
        return loader.bool_values["core"][value]
    if tag == _INT:
        return loader.construct_yaml_int_core(node)
    if tag == _FLOAT:
        return loader.construct_yaml_float_core(node)
    raise _Unusual


def build(loader: Any, root: Any) -> tuple[Any, bool]:
    """Python data from a composed node tree of core-schema nodes; raises _Unusual for anything else."""
    scalar_type, sequence_type, mapping_type = loader.node_types
    bool_values = loader.bool_values["core"]
    shared: dict[int, Any] = {}  # aliased nodes are one object, as in PyYAML
    duplicates = False

    def construct(node: Any) -> Any:
        nonlocal duplicates
        kind = type(node)
        tag = node.tag
        if kind is scalar_type:
            if tag == _STR:
                return node.value
            if tag == _NULL:
                return None
            if tag == _BOOL:
                return bool_values[node.value]
            if tag == _INT:
                return loader.construct_yaml_int_core(node)
            if tag == _FLOAT:
                return loader.construct_yaml_float_core(node)
            raise _Unusual
        known = shared.get(id(node))
        if known is not None:
            raise _Unusual  # an alias to a collection: the careful builder checks it is not recursive
        if kind is sequence_type and tag == _SEQ:
            items: list[Any] = []
            shared[id(node)] = items
            items.extend(construct(child) for child in node.value)
            return items
        if kind is mapping_type and tag == _MAP:
            mapping: dict[Any, Any] = {}
            shared[id(node)] = mapping
            for key_node, value_node in node.value:
                if type(key_node) is not scalar_type:
                    raise _Unusual
                mapping[construct(key_node)] = construct(value_node)
            if len(mapping) != len(node.value):
                duplicates = True
            return mapping
        raise _Unusual

    return (None if root is None else construct(root)), duplicates


def _shown_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


def build_carefully(loader: Any, root: Any, source: Source) -> tuple[Any, bool, list[TypeProblem]]:
    """Like `build`, for any node tree: what JSON cannot hold becomes a `TypeProblem` at its position.

    An unknown or non-core tag (`!local`, `!!binary`, `!!set`, `!!timestamp`) keeps its node's plain value
    (what the YAML test suite expects); a key that is a list or mapping is dropped; an alias to a list or
    mapping that contains it becomes null. Each is reported, so the brief is invalid but fully checked.
    """
    scalar_type, sequence_type, _ = loader.node_types
    done: dict[int, Any] = {}
    building: set[int] = set()
    problems: list[TypeProblem] = []
    duplicates = False

    def problem(node: Any, path: tuple[str | int, ...], message: str) -> None:
        problems.append(TypeProblem(path, message, *_mark(source, node.start_mark)))

    def tagged(node: Any, path: tuple[str | int, ...], core: str) -> None:
        if node.tag not in (core, "!"):  # `!` is the non-specific tag: the node's kind decides
            problem(
                node,
                path,
                f"YAML tag {_shown_tag(node.tag)} is not allowed in a brief (only plain values: "
                "text, numbers, true/false, null, lists and mappings)",
            )

    def construct(node: Any, path: tuple[str | int, ...]) -> Any:
        nonlocal duplicates
        kind = type(node)
        if kind is scalar_type:
            try:
                return _scalar(loader, node)
            except (_Unusual, KeyError, ValueError, IndexError):
                if node.tag in (_NULL, _BOOL, _INT, _FLOAT):
                    problem(node, path, f"{node.value!r} is not a valid {_shown_tag(node.tag)}")
                else:
                    tagged(node, path, _STR)
                return node.value
        if id(node) in building:
            problem(node, path, "an alias to the list or mapping that contains it (recursive data JSON cannot hold)")
            return None
        if id(node) in done:
            return done[id(node)]
        building.add(id(node))
        try:
            if kind is sequence_type:
                tagged(node, path, _SEQ)
                items = [construct(child, (*path, index)) for index, child in enumerate(node.value)]
                done[id(node)] = items
                return items
            tagged(node, path, _MAP)
            mapping: dict[Any, Any] = {}
            kept = 0
            for key_node, value_node in node.value:
                if type(key_node) is not scalar_type:
                    what = "a list" if type(key_node) is sequence_type else "a mapping"
                    problem(key_node, path, f"{what} used as a key; keys must be text")
                    continue
                kept += 1
                key = construct(key_node, (*path, str(key_node.value)))
                mapping[key] = construct(value_node, (*path, str(key)))
            if len(mapping) != kept:
                duplicates = True
            done[id(node)] = mapping
            return mapping
        finally:
            building.discard(id(node))

    data = None if root is None else construct(root, ())
    return data, duplicates, problems


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
    except yaml.YAMLError:
        return  # the real parse reports syntax errors (and characters YAML refuses) with their position


def _parse_yaml(source: Source) -> tuple[Any, bool, list[TypeProblem]]:
    """(data, whether some mapping repeats a key, type problems) of one YAML document; LoadError otherwise."""
    import yaml

    native = native_yaml()
    if native is not None:  # bounded by itself: it declines at the first anchor and past MAX_DEPTH
        built = native(source.text)
        if built is not None:  # the common case; anything else (errors included) is the full loader's
            return built[0], built[1], []
    if _needs_careful_scan(source.text):
        _careful_scan(source)
    loader = _fast_loader()(source.text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            if exc.context == "expected a single document in the stream" and exc.problem_mark is not None:
                raise LoadError(
                    "multiple-documents",
                    "a second YAML document starts here; a brief is one document (remove the '---' line, "
                    "or split the file)",
                    *_mark(source, exc.problem_mark),
                ) from None
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or "invalid YAML"
            if exc.context and exc.problem:
                problem = f"{exc.problem} ({exc.context})"
            where = _mark(source, mark) if mark is not None else (source.line_offset + 1, 1)
            raise LoadError("yaml-syntax", f"YAML syntax error: {problem}", *where) from None
        except yaml.reader.ReaderError as exc:  # a character YAML does not allow (a control character, say)
            at = exc.position
            line = source.text.count("\n", 0, at) + 1 + source.line_offset
            column = at - (source.text.rfind("\n", 0, at) + 1) + 1
            code = ord(exc.character) if isinstance(exc.character, str) else int(exc.character)
            message = f"YAML syntax error: unacceptable character U+{code:04X} ({exc.reason})"
            raise LoadError("yaml-syntax", message, line, column) from None
        except yaml.YAMLError as exc:
            message = " ".join(str(exc).split())  # one line, whatever the error's own layout
            raise LoadError("yaml-syntax", f"YAML error: {message}", source.line_offset + 1, 1) from None
        try:
            data, duplicates = build(loader, root)
            return data, duplicates, []
        except (_Unusual, KeyError, ValueError, IndexError):  # the last three: `!!int abc` and the like
            return build_carefully(loader, root, source)
        except RecursionError:
            raise LoadError("too-deep", "nesting too deep; not a brief", source.line_offset + 1, 1) from None
    finally:
        loader.dispose()


def _mark(source: Source, mark: Any) -> tuple[int, int]:
    return mark.line + 1 + source.line_offset, mark.column + 1


def _key_position(source: Source, key: str) -> tuple[int, int]:
    from brief.format.locate import locate

    line, column, _ = locate(source, [key], key_only=True)
    return line, column
