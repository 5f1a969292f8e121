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
    """Read a schema file; raises ConfigError (not a traceback) for anything unusable."""
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
    if not isinstance(schema, dict):
        raise ConfigError(f"{schema_path}: schema must be a JSON object")
    return schema


class CompiledSchema:
    """A schema with its fast validator. Formats are enforced; unknown formats and remote refs are refused."""

    def __init__(self, schema: dict[str, Any], name: str = "schema", check_schema: bool = True) -> None:
        import jsonschema_rs

        self.schema = schema
        self.name = name
        if check_schema:
            # a team's own schema: the reference implementation's metaschema check names the bad keyword
            import jsonschema

            try:
                jsonschema.validators.validator_for(schema).check_schema(schema)
            except jsonschema.SchemaError as exc:
                where = "/".join(str(p) for p in exc.path) or "top level"
                raise ConfigError(f"{name}: not a valid JSON Schema ({where}): {exc.message}") from None
        try:
            self.validator = jsonschema_rs.validator_for(
                schema, validate_formats=True, ignore_unknown_formats=False, offline=True
            )
        except Exception as exc:
            # e.g. a format brief cannot check, or a $ref it would have to download: refuse, never skip
            message = getattr(exc, "message", None) or (str(exc).strip().splitlines() or ["?"])[0]
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
        node = self.schema.get("$defs", {}).get("language", {})
        return frozenset(node.get("enum", ()))

    @cached_property
    def country_codes(self) -> frozenset[str]:
        node = self.schema.get("$defs", {}).get("country", {})
        return frozenset(node.get("enum", ()))


_compiled: dict[str | None, CompiledSchema] = {}


def compiled(path: str | None = None) -> CompiledSchema:
    """One compiled schema per path per process (worker processes call this once each)."""
    if path not in _compiled:
        name = path if path is not None else "brief.schema.json"
        # the bundled schema is checked against the metaschema by the tests, not at every start
        _compiled[path] = CompiledSchema(load_schema(path), name, check_schema=path is not None)
    return _compiled[path]
