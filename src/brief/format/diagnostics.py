"""What checking a brief produces: diagnostics with stable rule codes, and per-file results."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in one file. `line` and `column` are 1-based; 0 means "no position" (e.g. unreadable file)."""

    file: str
    line: int
    column: int
    path: str  # JSON path into the brief, "$" for the whole document
    rule: str  # stable rule code, e.g. "schema-enum", "unresolved-reference"
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "rule": self.rule,
            "message": self.message,
        }


@dataclass(slots=True)
class FileResult:
    """The outcome of checking one file: the brief id (if any) and every diagnostic."""

    file: str
    brief_id: str | None = None
    id_line: int = 0
    id_column: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.diagnostics
