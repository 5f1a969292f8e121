"""Renderers for `brief validate`, one class per `--format` name (as check-jsonschema's reporter.py)."""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TextIO

import click

from brief.base.text import json_text, neutralise
from brief.format.diagnostics import Diagnostic, FileResult
from brief.render.terminal import use_colour


@dataclass
class Summary:
    files: int = 0
    invalid: int = 0
    errors: int = 0

    def add(self, result: FileResult) -> None:
        self.files += 1
        if result.diagnostics:
            self.invalid += 1
            self.errors += len(result.diagnostics)

    def line(self) -> str:
        files = f"{self.files} file{'s' if self.files != 1 else ''}"
        if not self.invalid:
            return f"Checked {files}: all valid."
        return f"Checked {files}: {self.invalid} invalid, {self.errors} error{'s' if self.errors != 1 else ''}."


class Reporter(ABC):
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    @abstractmethod
    def result(self, result: FileResult) -> None:
        """Called once per file, in order, as results arrive."""

    @abstractmethod
    def finish(self, summary: Summary) -> None:
        """Called once at the end."""


class TextReporter(Reporter):
    """`file:line:col: $.path: message [rule]`, one line per error, then a summary line; `verbose` adds a line
    for each valid file, `file: valid`."""

    def __init__(self, stream: TextIO | None = None, verbose: bool = False) -> None:
        super().__init__(stream)
        self.colour = use_colour(self.stream)
        self.verbose = verbose

    def _style(self, text: str, **style: object) -> str:
        return click.style(text, **style) if self.colour else text  # type: ignore[arg-type]

    def result(self, result: FileResult) -> None:
        if self.verbose and not result.diagnostics:
            name = self._style(neutralise(result.file), bold=True)
            self.stream.write(f"{name}: {self._style('valid', fg='green')}\n")
        for d in result.diagnostics:
            where = neutralise(f"{d.file}:{d.line}:{d.column}" if d.line else d.file)
            line = f"{self._style(where, bold=True)}: {neutralise(d.path)}: {neutralise(d.message)} "
            line += self._style(f"[{d.rule}]", dim=True)
            self.stream.write(line + "\n")

    def finish(self, summary: Summary) -> None:
        text = summary.line()
        self.stream.write(self._style(text, fg="green" if not summary.invalid else "red") + "\n")


# the `version` of the json document (schemas/output/validate.schema.json): raised when its shape changes
JSON_VERSION = 1


class JsonReporter(Reporter):
    """One JSON document: a summary and every error with file, line, column, path, rule, message."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream)
        self.errors: list[Diagnostic] = []

    def result(self, result: FileResult) -> None:
        self.errors.extend(result.diagnostics)

    def finish(self, summary: Summary) -> None:
        document = {
            "version": JSON_VERSION,
            "valid": summary.invalid == 0,
            "files_checked": summary.files,
            "files_invalid": summary.invalid,
            "error_count": summary.errors,
            "errors": [d.as_dict() for d in self.errors],
        }
        self.stream.write(json_text(document) + "\n")  # C1 controls and DEL as \u escapes, as JSON does C0


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    """GitHub Actions workflow commands: each error becomes an annotation on its file and line."""

    def result(self, result: FileResult) -> None:
        for d in result.diagnostics:
            props = [f"file={_escape_property(d.file)}"]
            if d.line:
                props += [f"line={d.line}", f"col={d.column}"]
            props.append(f"title={_escape_property('brief ' + d.rule)}")
            message = neutralise(f"{d.path}: {d.message} [{d.rule}]")
            self.stream.write(f"::error {','.join(props)}::{_escape_data(message)}\n")

    def finish(self, summary: Summary) -> None:
        self.stream.write(summary.line() + "\n")


class QuietReporter(Reporter):
    def result(self, result: FileResult) -> None:
        pass

    def finish(self, summary: Summary) -> None:
        pass


REPORTERS: dict[str, type[Reporter]] = {"text": TextReporter, "json": JsonReporter, "github": GithubReporter}
