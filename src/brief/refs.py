"""Resolving what a user names (a file path, a brief id or a unique id prefix) to one loaded brief."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from brief.diagnostics import BriefError, FileResult


class RefError(BriefError):
    """REF names no brief, or several: carries the candidates for a "did you mean" (exit code 2 in the CLI)."""

    def __init__(self, message: str, candidates: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.candidates = candidates or []


@dataclass
class ResolvedBrief:
    path: str
    data: dict[str, Any] | None  # the normalised brief; None when the file could not be read at all
    result: FileResult  # its validation result: invalid briefs can still be shown, with their errors


def load_ref(ref: str, schema_path: str | None = None) -> ResolvedBrief:
    """Load the brief REF names. Paths work everywhere; ids and prefixes are looked up in the collection."""
    from brief.checker import Checker

    if os.path.isfile(ref):
        data, result = Checker(schema_path).load_path(ref)
        return ResolvedBrief(ref, data, result)
    raise RefError(f"no brief file or id '{ref}'")
