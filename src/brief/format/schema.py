"""The brief JSON Schema: finding the bundled one, loading a team's own, compiling it once per process."""

from __future__ import annotations

import json
import os
from functools import cached_property

from brief.base.errors import ConfigError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import Any

_HERE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # the package folder; os.path: on every path


def bundled_schema_path() -> str:
    """The schema shipped in the wheel, or the repository's `schemas/` in a source checkout."""
    checkout = os.path.dirname(os.path.dirname(_HERE))
    for candidate in (os.path.join(_HERE, "schemas", "brief.schema.json"),
                      os.path.join(checkout, "schemas", "brief.schema.json")):  # fmt: skip
        if os.path.isfile(candidate):
            return candidate
    raise ConfigError("the bundled schema brief.schema.json is missing from this installation")


def load_schema(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """A schema file as an object (`true` as its equivalent `{}`, `false` as `{"not": {}}`), for readers of its
    vocabularies; raises ConfigError (not a traceback) if unusable."""
    schema = read_schema(path)
    if isinstance(schema, bool):
        return {} if schema else {"not": {}}
    return schema


def read_schema(path: str | os.PathLike[str] | None = None) -> dict[str, Any] | bool:
    """Read a schema file (an object, or a boolean schema); raises ConfigError (not a traceback) if unusable."""
    schema_path = os.fspath(path) if path is not None else bundled_schema_path()
    try:
        with open(schema_path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{schema_path}: cannot read schema: {exc}") from None
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{schema_path}:{exc.lineno}:{exc.colno}: schema is not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise ConfigError(f"{schema_path}: schema nests too deeply") from None
    if not isinstance(schema, (dict, bool)):
        raise ConfigError(f"{schema_path}: schema must be a JSON object, true or false")
    return schema


def _bundled() -> dict[str, Any]:
    return load_schema()


def extends_bundled(schema: dict[str, Any] | bool, bundled_id: str) -> bool:
    """Is this a brief schema: the bundled one edited (its `$id`), or one built on it (a `$ref` to that `$id`,
    at the top or in a top-level `allOf`)? The format's own rules apply to brief schemas only."""
    if not isinstance(schema, dict):
        return False
    if schema.get("$id") == bundled_id:
        return True

    def names_bundled(node: Any) -> bool:
        return isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].rstrip("#") == bundled_id

    all_of = schema.get("allOf")
    return names_bundled(schema) or (isinstance(all_of, list) and any(names_bundled(item) for item in all_of))


REFS_UNDER_VARIABLE = "BRIEF_SCHEMA_REFS_UNDER"
# the metaschemas the engine ships: brief never fetches another
KNOWN_DRAFTS = {
    "https://json-schema.org/draft/2020-12/schema": "2020-12",
    "https://json-schema.org/draft/2019-09/schema": "2019-09",
    "http://json-schema.org/draft-07/schema": "7",
    "http://json-schema.org/draft-06/schema": "6",
    "http://json-schema.org/draft-04/schema": "4",
}


class _Retriever:
    """Where a user schema's `$ref`s may lead: files under one folder (the schema's own, unless
    $BRIEF_SCHEMA_REFS_UNDER names another); never the network. Remembers why it refused, for the message."""

    def __init__(self, folder: str) -> None:
        self.folder = os.path.realpath(folder)
        self.refused: str | None = None

    def __call__(self, uri: str) -> Any:
        from urllib.parse import unquote, urlsplit

        parts = urlsplit(uri)
        if parts.scheme != "file":
            self.refused = (
                f"$ref to {uri} refused: brief never uses the network (save that schema as a file "
                f"next to yours and refer to it by file name)"
            )
            raise ValueError(self.refused)
        path = os.path.realpath(unquote(parts.path))
        if os.path.commonpath([path, self.folder]) != self.folder:
            self.refused = (
                f"$ref to {path} refused: it is outside {self.folder} (set {REFS_UNDER_VARIABLE} to a "
                "folder that holds both to allow it)"
            )
            raise ValueError(self.refused)
        try:
            with open(path, encoding="utf-8") as handle:
                return json.load(handle)
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            self.refused = f"$ref to {path}: cannot read it as JSON: {exc}"
            raise ValueError(self.refused) from None


class CompiledSchema:
    """A schema with its fast validator. Formats are enforced; unknown formats and remote refs are refused.

    `is_brief` says whether the format's own rules (references, duplicate ids, date order) and the rewriting
    of country names to ISO codes apply: they do for the bundled schema and schemas that extend it
    (`extends_bundled`), not for a foreign schema, which sees the data as written.
    """

    def __init__(
        self, schema: dict[str, Any] | bool, name: str = "schema", check_schema: bool = True,
        folder: str | None = None,
    ) -> None:  # fmt: skip
        import jsonschema_rs

        self.schema = schema
        self.name = name
        bundled = schema if not check_schema and isinstance(schema, dict) else _bundled()
        bundled_id = str(bundled.get("$id", ""))
        self.is_brief = not check_schema or extends_bundled(schema, bundled_id)
        self._codes_from: dict[str, Any] = schema if isinstance(schema, dict) and "$defs" in schema else bundled
        retriever = _Retriever(folder or os.getcwd())
        options: dict[str, Any] = {"retriever": retriever}
        if check_schema:
            from pathlib import Path

            # the bundled schema is there to build on, offline; a copy of it (same $id) is that resource itself
            copy = isinstance(schema, dict) and schema.get("$id") == bundled_id
            resources = [] if copy else [(bundled_id, bundled)]
            options["registry"] = jsonschema_rs.Registry(resources, retriever=retriever)
            options["base_uri"] = Path(os.path.abspath(name)).as_uri()
            declared = schema.get("$schema") if isinstance(schema, dict) else None
            if isinstance(declared, str) and declared.rstrip("#") not in KNOWN_DRAFTS:
                raise ConfigError(
                    f"{name}: $schema {declared} is not a JSON Schema draft brief knows "
                    f"({', '.join(KNOWN_DRAFTS.values())}); brief never fetches a metaschema"
                )
            # checked by the engine that validates, so that they agree (a Rust regex such as ^\p{Letter}+$)
            try:
                jsonschema_rs.meta.validate(schema, registry=options["registry"])
            except jsonschema_rs.ValidationError as exc:
                where = "/".join(str(p) for p in exc.instance_path) or "top level"
                raise ConfigError(f"{name}: not a valid JSON Schema ({where}): {exc.message}") from None
            except Exception as exc:  # a $schema (metaschema) the engine does not know, or may not fetch
                message = retriever.refused or _first_line(exc)
                raise ConfigError(f"{name}: not a usable JSON Schema: {message}") from None
        try:
            self.validator = jsonschema_rs.validator_for(
                schema, validate_formats=True, ignore_unknown_formats=False, **options
            )
        except Exception as exc:
            # e.g. a format brief cannot check, or a $ref it would have to download: refuse, never skip
            message = retriever.refused or _first_line(exc)
            raise ConfigError(f"{name}: cannot use schema: {message}") from None

    def resolve(self, schema_path: list[str | int]) -> Any:
        """The schema node at an absolute schema path (as jsonschema_rs reports it), or None."""
        node: Any = self.schema
        for segment in schema_path:
            in_mapping = isinstance(node, dict) and segment in node
            in_list = isinstance(node, list) and isinstance(segment, int) and segment < len(node)
            if not (in_mapping or in_list):
                return None
            node = node[segment]
        return node

    @cached_property
    def language_codes(self) -> frozenset[str]:
        node = self._codes_from.get("$defs", {}).get("language", {})
        return frozenset(node.get("enum", ()))

    @cached_property
    def country_codes(self) -> frozenset[str]:
        node = self._codes_from.get("$defs", {}).get("country", {})
        return frozenset(node.get("enum", ()))


def _first_line(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc)
    return (message.strip().splitlines() or ["?"])[0]


_compiled: dict[tuple[str | None, str | None], CompiledSchema] = {}


def compiled(path: str | None = None) -> CompiledSchema:
    """One compiled schema per path per process (worker processes call this once each). A user schema's file
    `$ref`s may read files under its own folder, or under $BRIEF_SCHEMA_REFS_UNDER when that is set."""
    folder = None
    if path is not None:
        folder = os.environ.get(REFS_UNDER_VARIABLE) or os.path.dirname(os.path.abspath(path))
    if (path, folder) not in _compiled:
        name = path if path is not None else "brief.schema.json"
        # the bundled schema is checked against the metaschema by the tests, not at every start
        _compiled[path, folder] = CompiledSchema(read_schema(path), name, check_schema=path is not None, folder=folder)
    return _compiled[path, folder]
