"""Tolerant field readers: an invalid brief can hold any type anywhere, and every reader of brief data
(the index, the comparison, the renderers) must agree on what counts as a value.

One rule for all: a field holds a value only if it has the expected type, and an empty string is no value.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from typing import Any


def text(value: Any) -> str | None:
    """A non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def texts(value: Any) -> list[str]:
    """The non-empty strings of a list; a lone string is a list of one (a common slip in hand-written YAML)."""
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str) and item]
    return []


def mappings(value: Any) -> list[dict[str, Any]]:
    """The mappings of a list (actors, positions, …), skipping anything else."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def number(value: Any) -> int | float | None:
    """An int or float, never a bool (YAML's `yes` is not 1)."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def key(value: Any) -> str | None:
    """An enum value or id as text: numbers and booleans show rather than vanish (YAML reads an unquoted
    `no` as False, shown as `False`), empty strings are no value."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, (int, float)):
        return str(value)
    return None


def display(value: Any) -> str:
    """Any value as readable text, for renderers: lists joined, mappings as `key: value`, None as ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)  # as written: an id or date typed as a number gets no thousands separators
    if isinstance(value, list):
        return ", ".join(display(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{display(k)}: {display(item)}" for k, item in value.items())
    return str(value)


def as_list(value: Any) -> list[Any]:
    """A list field as a list, whatever an invalid brief put there (a lone value is a list of one)."""
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def displays(value: Any) -> list[str]:
    """The items of a list field as readable text (numbers too: `tags: [2021]` shows 2021), empty ones left
    out; a lone value is a list of one. For renderers, where `texts` would drop what is not a string."""
    if isinstance(value, list):
        return [display(item) for item in value if display(item)]
    return [display(value)] if display(value) else []


def tlp(value: Any, default: str | None = None) -> str | None:
    """The TLP marking a brief's `tlp` field gives it: one of the five labels (any case, `TLP:` prefix allowed),
    `default` when the field is absent, and `red`, the most restricted, when it holds anything else: a marking
    that cannot be read must not let a brief out."""
    from brief.base.vocabulary import TLP_RANK

    if value is None:
        return default
    if isinstance(value, str):
        label = value.strip().lower().removeprefix("tlp:").strip()
        if label in TLP_RANK:
            return label
    return "red"
