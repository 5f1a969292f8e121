"""Checking briefs: load, turn country names into codes, validate, apply the rules, locate every problem.

`Checker.check_*` returns a `FileResult`; it never prints. Valid files take the fast path (C YAML loader, Rust
schema validator, rules); only files with problems are composed again to find line and column numbers.
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import TYPE_CHECKING, Any, BinaryIO

from brief.base.text import closest, did_you_mean
from brief.format import loading, rules
from brief.format.diagnostics import Diagnostic, FileResult
from brief.format.loading import Loaded, LoadError
from brief.format.locate import Locator, PathSegment, json_path
from brief.format.schema import CompiledSchema, compiled

if TYPE_CHECKING:
    from brief.format.source import Kind

# the only booleans of YAML 1.2's core schema (`yes`, `no`, `on`, `off` are text there)
_YAML_BOOLEAN_WORDS = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


def country_names_to_codes(data: dict[str, Any], codes: frozenset[str]) -> None:
    """Country names typed in English or French become ISO codes, in place; unknown values are left alone."""
    from brief.base.countries import to_code

    nations = data.get("nations")
    if isinstance(nations, list):
        for index, value in enumerate(nations):
            if isinstance(value, str) and value not in codes:
                nations[index] = to_code(value) or value
    actors = data.get("actors")
    if isinstance(actors, list):
        for actor in actors:
            if isinstance(actor, dict):
                country = actor.get("country")
                if isinstance(country, str) and country not in codes:
                    actor["country"] = to_code(country) or country


class Checker:
    def __init__(self, schema_path: str | None = None) -> None:
        self.schema: CompiledSchema = compiled(schema_path)

    # -- entry points --------------------------------------------------------------------------------------------

    def check_path(self, path: str, display: str | None = None) -> FileResult:
        return self.load_path(path, display)[1]

    def load_path(self, path: str, display: str | None = None) -> tuple[dict[str, Any] | None, FileResult]:
        """Load and check one file; returns the normalised brief (None if unreadable) and the result."""
        name = display or path
        kind = loading.kind_for(path)
        if kind is None:
            return None, failed_result(
                name, LoadError("unsupported-file", "not a brief file (.yaml, .yml, .md or .json)")
            )
        try:
            raw = loading.read_file(path)
        except LoadError as exc:
            return None, failed_result(name, exc)
        return self.load_bytes(raw, name, kind)

    def check_stream(self, stream: BinaryIO, name: str | None = None) -> FileResult:
        """Check a brief read from a stream (standard input). `name` names it in messages and, by its extension,
        gives its format; otherwise JSON and front matter are recognised by their first characters."""
        shown = name or "<stdin>"
        raw = stream.read(loading.MAX_BYTES + 1)
        if len(raw) > loading.MAX_BYTES:
            return failed_result(shown, LoadError("too-large", "input is larger than the size bound; not a brief"))
        kind = (loading.kind_for(name) if name else None) or loading.sniff_kind(raw)
        return self.load_bytes(raw, shown, kind)[1]

    def load_bytes(self, raw: bytes, name: str, kind: Kind) -> tuple[dict[str, Any] | None, FileResult]:
        try:
            loaded = loading.load_bytes(raw, name, kind)
        except LoadError as exc:
            return None, failed_result(name, exc)
        return loaded.data, self._check_loaded(loaded)

    # -- the work ------------------------------------------------------------------------------------------------

    def _check_loaded(self, loaded: Loaded) -> FileResult:
        data: dict[str, Any] = loaded.data
        result = FileResult(loaded.source.name)
        problems: list[rules.Problem] = []
        if self.schema.is_brief:  # a foreign --schema sees the data as written, and the format's rules stay out
            country_names_to_codes(data, self.schema.country_codes)
            result.brief_id = data.get("id") if isinstance(data.get("id"), str) else None
            problems = rules.check(data)
        try:
            schema_ok = self.schema.validator.is_valid(data)
        except (ValueError, TypeError):  # keys or values JSON has no type for (YAML int keys, !!binary, …)
            schema_ok = False
        if schema_ok and not problems and not loaded.has_duplicate_keys and not loaded.type_problems:
            return result
        result.diagnostics = self._locate_all(loaded, problems)
        return result

    def _locate_all(self, loaded: Loaded, problems: list[rules.Problem]) -> list[Diagnostic]:
        locator = Locator(loaded.source)
        name = loaded.source.name
        found: list[Diagnostic] = []
        for path, key, line, column, first_line in locator.duplicate_keys():
            found.append(
                Diagnostic(
                    name,
                    line,
                    column,
                    json_path([*path, key]),
                    "duplicate-key",
                    f"duplicate key '{key}' (first at line {first_line}); only the last one would count",
                )
            )
        for typed in loaded.type_problems:
            found.append(Diagnostic(name, typed.line, typed.column, json_path(typed.path), "yaml-type", typed.message))
        data, type_problems = _jsonable(loaded.data)
        for path, message in type_problems:
            line, column, _ = locator.locate(path, key_only=True)
            found.append(Diagnostic(name, line, column, json_path(path), "yaml-type", message))
        seen: set[tuple[str, str]] = set()
        for error in sorted(self.schema.validator.iter_errors(data), key=_error_order):
            for diagnostic in self._describe(error, locator, name):
                # a wrong-typed value also fails its enum; the type error says it better
                if (diagnostic.path, "schema-type") in seen and diagnostic.rule == "schema-enum":
                    continue
                seen.add((diagnostic.path, diagnostic.rule))
                found.append(diagnostic)
        for problem in problems:
            line, column, _ = locator.locate(problem.path)
            found.append(Diagnostic(name, line, column, json_path(problem.path), problem.rule, problem.message))
        found.sort(key=lambda d: (d.line, d.column))
        return found

    def _describe(self, error: Any, locator: Locator, name: str) -> list[Diagnostic]:
        kind = type(error.kind).__name__
        rule = "schema-" + re.sub(r"(?<!^)(?=[A-Z])", "-", kind).lower()
        path: list[PathSegment] = list(error.instance_path)
        details = error.kind.as_dict() if hasattr(error.kind, "as_dict") else {}
        if kind == "AdditionalProperties":
            parent = self.schema.resolve(list(error.schema_path)[:-1]) or {}
            known = sorted((parent.get("properties") or {}).keys())
            out = []
            for key in details.get("unexpected", []):
                line, column, _ = locator.locate([*path, key], key_only=True)
                out.append(
                    Diagnostic(
                        name,
                        line,
                        column,
                        json_path([*path, key]),
                        rule,
                        f"unknown field {_quoted(str(key))}{did_you_mean(str(key), known)}",
                    )
                )
            return out
        line, column, raw = locator.locate(path)
        shown = _show(error.instance)
        if raw is not None and raw.isprintable():  # as the user typed it: `1.10`, not `1.1`
            shown = f"'{raw}'" if isinstance(error.instance, str) and raw[:1] not in "\"'|>" else raw
        if kind == "Required":
            message = f"missing required field '{details.get('property', '?')}'"
        elif kind == "Enum":
            message = self._enum_message(error, shown)
        elif kind == "Type":
            message = _type_message(error.instance, raw, shown, details.get("types", []))
        elif kind == "Format":
            fmt = details.get("format", "?")
            example = {"date": " (YYYY-MM-DD)", "uri": " (an absolute address such as https://…)"}.get(fmt, "")
            message = f"{shown} is not a valid {fmt}{example}"
        elif kind == "FalseSchema":
            message = "not allowed here (the schema is false at this place)"
        elif kind == "Pattern":
            node = self.schema.resolve(list(error.schema_path)[:-1]) or {}
            description = node.get("description", "") if isinstance(node, dict) else ""
            message = f"{shown} is not in the expected form"
            message += f": {description}" if description else f" (pattern {details.get('pattern')})"
        else:
            message = error.message
        return [Diagnostic(name, line, column, json_path(path), rule, message)]

    def _enum_message(self, error: Any, shown: str) -> str:
        options = [str(option) for option in error.kind.options]
        value = error.instance
        if frozenset(options) == self.schema.country_codes and isinstance(value, str):
            from brief.base.countries import suggest

            close = suggest(value)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            return f"unknown country {shown} (use an ISO 3166-1 alpha-2 code or an English or French name){hint}"
        if frozenset(options) == self.schema.language_codes and isinstance(value, str):
            code = _language_code(value)
            if code in self.schema.language_codes:
                return f"{shown} is not an ISO 639-1 language code; did you mean '{code}'?"
        text = str(value).lower() if isinstance(value, str) else str(value)
        close = closest(text, options, cutoff=0.5)
        if close:
            return f"{shown} is not allowed; did you mean '{close[0]}'?"
        listed = ", ".join(options) if len(options) <= 12 else ", ".join(options[:12]) + ", …"
        return f"{shown} is not allowed; expected one of {listed}"


def failed_result(name: str, exc: LoadError) -> FileResult:
    return FileResult(name, diagnostics=[Diagnostic(name, exc.line, exc.column, "$", exc.rule, exc.message)])


def _error_order(error: Any) -> tuple[str, ...]:
    return tuple(str(part) for part in error.instance_path)


def _quoted(text: str) -> str:
    """'text' in quotes; Python's escapes where it holds a line break or another control character."""
    return f"'{text}'" if text.isprintable() else repr(text)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "…")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return str(value)


def _type_message(value: Any, raw: str | None, shown: str, types: list[str]) -> str:
    expected = " or ".join(types)
    actual = {bool: "boolean", int: "number", float: "number", str: "string", dict: "mapping", list: "list"}.get(
        type(value), "null" if value is None else type(value).__name__
    )
    message = f"expected {expected}, got {actual} {shown}"
    if "string" in types and raw is not None and raw[:1] not in "\"'":
        if isinstance(value, bool) and _YAML_BOOLEAN_WORDS.match(raw):
            message += f' (YAML reads unquoted {raw} as a boolean; quote it: "{raw}")'
        elif isinstance(value, (int, float)) and str(value) != raw:
            message += f' (YAML reads unquoted {raw} as the number {value}; quote it: "{raw}")'
        elif isinstance(value, (int, float)):
            message += f' (quote it: "{raw}")'
        elif value is None:
            message += " (an empty value is null in YAML; quote it or remove the field)"
    return message


def language_code(name: str) -> str | None:
    """The ISO 639-1 code of a language typed by its English or French name ('English', 'français')."""
    return _language_code(name)


def _language_code(name: str) -> str | None:
    """The ISO 639-1 code of a language typed by its English or French name ('English', 'français')."""
    import pycountry

    try:
        return getattr(pycountry.languages.lookup(name.strip()), "alpha_2", None)
    except LookupError:
        pass
    from brief.base.text import fold

    return _french_language_names().get(fold(name))


@cache
def _french_language_names() -> dict[str, str]:
    import gettext

    import pycountry

    from brief.base.text import fold

    try:
        french = gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=["fr"]).gettext
    except OSError:
        return {}
    return {fold(french(lang.name)): lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")}


def _jsonable(data: Any) -> tuple[Any, list[tuple[list[PathSegment], str]]]:
    """A JSON-compatible copy of YAML data, with a problem for each key or value JSON cannot hold (keys that are
    numbers, true/false or null; .inf and .nan). Tags and keys that are lists were reported by the loader."""
    problems: list[tuple[list[PathSegment], str]] = []

    def convert(value: Any, path: list[PathSegment]) -> Any:
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                if not isinstance(key, str):
                    problems.append(([*path, str(key)], f"key {key!r} is not text; quote it"))
                    key = str(key)
                out[key] = convert(item, [*path, key])
            return out
        if isinstance(value, list):
            return [convert(item, [*path, index]) for index, item in enumerate(value)]
        if isinstance(value, float) and not math.isfinite(value):
            problems.append((path, f"{value} is not a number JSON can hold"))
            return None
        return value

    return convert(data, []), problems
