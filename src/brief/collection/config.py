"""Which briefs make up "the collection": the nearest `brief.toml` or `[tool.brief]` table of `pyproject.toml`.

```toml
# brief.toml (or [tool.brief] in pyproject.toml), searched upward from the current folder
paths = ["briefs/"]          # files or folders, relative to this file
schema = "schemas/team.json" # optional: a stricter schema
cache = ".brief-cache"       # optional: where the index lives (default: the user's cache folder)
exclude = ["drafts/*"]       # optional: globs to skip
template = "templates/brief.md"  # optional: what `brief new` starts from
tlp = "amber"                # optional: the TLP marking of briefs that carry none
name = "sahel-team"          # optional: the collection's name in a shared database (`brief sync`)
database = "postgresql://…"  # optional: the database `brief sync` writes to
```
"""

from __future__ import annotations

import os
import time

from brief.base.errors import ConfigError
from brief.base.hashing import blake2b

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import Any

CONFIG_CACHE = "config-cache.json"  # parsed configuration files, in the cache folder


class Collection:
    """The brief paths (absolute) and settings of one collection (a plain class: see brief.query.filters.Filters)."""

    __slots__ = ("cache_dir", "config_file", "database", "exclude", "name", "paths", "schema", "template", "tlp")

    def __init__(self, paths: list[str], schema: str | None = None, cache_dir: str | None = None,
                 exclude: list[str] | None = None, config_file: str | None = None,
                 template: str | None = None, tlp: str | None = None, name: str | None = None,
                 database: str | None = None) -> None:  # fmt: skip
        self.paths = paths
        self.schema = schema
        self.cache_dir = cache_dir
        self.exclude = exclude or []
        self.config_file = config_file
        self.template = template  # `brief new`'s template, replacing the built-in one
        self.tlp = tlp  # the TLP marking of briefs that carry none (None: they are unmarked)
        self.name = name  # its name in a shared database (`brief sync`; None: the repository's folder name)
        self.database = database  # the database `brief sync` writes to (None: given on the command line)

    def index_path(self) -> str:
        """One index per collection (its paths and schema), in the cache folder unless configured."""
        key = blake2b(self._identity(), digest_size=8).hexdigest()
        return os.path.join(self.cache_dir or default_cache_dir(), f"index-{key}.sqlite")

    def listing_path(self) -> str:
        """The freshness check's listing cache (collection/freshness.py), beside the index: the folders' names,
        so that an unchanged folder is not listed again."""
        return self.index_path().removesuffix(".sqlite") + ".listing"

    def legacy_index_path(self) -> str:
        """Where brief 0.1 before index format 7 kept this collection's index (named by SHA-256, which costs
        every start the OpenSSL import): removed when the new one is built, so no stale copy is left behind."""
        import hashlib

        key = hashlib.sha256(self._identity()).hexdigest()[:16]
        return os.path.join(self.cache_dir or default_cache_dir(), f"index-{key}.sqlite")

    def _identity(self) -> bytes:
        return "\0".join([*sorted(self.paths), self.schema or ""]).encode()


# Paths are plain strings here (os.path): every command reads the configuration, and pathlib is a heavy import.


def default_cache_dir() -> str:
    override = os.environ.get("BRIEF_CACHE_DIR")
    if override:
        return override
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(xdg, "brief")


def _read_toml(path: str) -> dict[str, Any]:
    import tomllib

    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None


def _brief_table(path: str) -> dict[str, Any] | None:
    """The brief settings of a brief.toml (all of it) or of a pyproject.toml ([tool.brief], None if absent).

    Remembered in the cache folder by path, size, time and inode: reading them back from JSON spares a command
    the TOML parser, whose import (with the typing module it needs) is a tenth of a `brief search`'s start."""
    import json

    try:
        st = os.stat(path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None
    key = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"
    store = os.path.join(default_cache_dir(), CONFIG_CACHE)
    try:
        with open(store, encoding="utf-8") as handle:
            remembered = json.load(handle)
    except (OSError, ValueError):
        remembered = {}
    if not isinstance(remembered, dict):
        remembered = {}
    entry = remembered.get(path)
    if isinstance(entry, dict) and entry.get("key") == key and "table" in entry:
        return entry["table"]  # type: ignore[no-any-return]
    data = _read_toml(path)
    table = data if os.path.basename(path) == "brief.toml" else data.get("tool", {}).get("brief")
    table = table if isinstance(table, dict) else None
    if st.st_mtime_ns < time.time_ns() - 2_000_000_000:  # older than any timestamp tick: a later edit will show
        _remember(store, remembered, path, {"key": key, "table": table})
    return table


def _remember(store: str, remembered: dict[str, Any], path: str, entry: dict[str, Any]) -> None:
    """Add an entry to the configuration cache, written atomically; a cache that cannot be written is skipped."""
    import json

    remembered.pop(path, None)
    remembered[path] = entry
    while len(remembered) > 64:  # the oldest first
        remembered.pop(next(iter(remembered)))
    try:
        text = json.dumps(remembered, ensure_ascii=False)
    except (TypeError, ValueError):  # TOML dates in a table: parse it each time instead
        return
    temporary = f"{store}.tmp-{os.getpid()}"
    try:
        os.makedirs(os.path.dirname(store), exist_ok=True)
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, store)
    except OSError:
        if os.path.exists(temporary):
            os.unlink(temporary)


def find_config(start: str | None = None) -> tuple[str, dict[str, Any]] | None:
    """The nearest configuration upward from `start`: a brief.toml, or a pyproject.toml with [tool.brief]."""
    folder = os.path.realpath(start or os.getcwd())
    while True:
        brief_toml = os.path.join(folder, "brief.toml")
        if os.path.isfile(brief_toml):
            return brief_toml, _brief_table(brief_toml) or {}
        pyproject = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(pyproject):
            table = _brief_table(pyproject)
            if table is not None:
                return pyproject, table
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _strings(value: Any, key: str, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    raise ConfigError(f"{where}: '{key}' must be a string or a list of strings")


def collection(paths: tuple[str, ...] | list[str] = (), start: str | os.PathLike[str] | None = None) -> Collection:
    """The collection for a command: the PATH arguments if any, else the configuration's, else the current folder.

    The configuration's schema, cache and exclusions apply in both cases.
    """
    start = os.fspath(start) if start is not None else None
    found = find_config(start)
    config: dict[str, Any] = {}
    config_file: str | None = None
    if found:
        config_file, config = found
    base = os.path.dirname(config_file) if config_file else (start or os.getcwd())
    known = {"paths", "schema", "cache", "exclude", "template", "tlp", "name", "database"}
    unknown = set(config) - known
    if unknown and config_file:
        raise ConfigError(
            f"{config_file}: unknown setting(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}"
        )

    def absolute(value: str) -> str:
        return os.path.realpath(os.path.join(base, value))

    if paths:
        chosen = [os.path.realpath(p) for p in paths]
    elif "paths" in config and config_file:
        chosen = [absolute(p) for p in _strings(config["paths"], "paths", config_file)]
    else:
        chosen = [os.path.realpath(start or os.getcwd())]
    schema = absolute(config["schema"]) if isinstance(config.get("schema"), str) else None
    cache = absolute(config["cache"]) if isinstance(config.get("cache"), str) else None
    exclude = _strings(config.get("exclude", []), "exclude", config_file) if config_file else []
    template = absolute(config["template"]) if isinstance(config.get("template"), str) else None
    tlp = _tlp(config["tlp"], config_file) if "tlp" in config and config_file else None
    name = _text(config["name"], "name", config_file) if "name" in config and config_file else None
    database = _text(config["database"], "database", config_file) if "database" in config and config_file else None
    return Collection(chosen, schema, cache, exclude, config_file, template, tlp, name, database)


def _text(value: Any, key: str, where: str) -> str:
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise ConfigError(f"{where}: '{key}' must be a non-empty string")


def _tlp(value: Any, where: str) -> str:
    from brief.base.vocabulary import TLP_LEVELS

    if isinstance(value, str) and value.strip().lower() in TLP_LEVELS:
        return value.strip().lower()
    raise ConfigError(f"{where}: 'tlp' must be one of {', '.join(TLP_LEVELS)}, not {value!r}")
