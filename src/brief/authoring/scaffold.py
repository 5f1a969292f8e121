"""`brief new` as a function: the fields of a new brief checked and normalised, its id, and its text from a
template. Nothing here prompts, prints or writes (the command does, through brief.authoring.writing)."""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from brief.authoring import ids, terms
from brief.authoring.templates import FORMAT_OF_EXTENSION, Template, built_in, fill, team_template
from brief.base.errors import BriefError
from brief.base.text import did_you_mean


class FieldError(BriefError):
    """A value given for a field of a new brief that names nothing the format knows (exit code 2)."""


@dataclass
class NewBrief:
    """What the analyst said about a new brief, before it has an id."""

    title: str
    date: str
    language: str = "en"
    domains: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    nations: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)


def today() -> str:
    return datetime.date.today().isoformat()


def check_date(value: str) -> str:
    """A YYYY-MM-DD date that exists."""
    try:
        return datetime.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise FieldError(f"date '{value}' is not a date as YYYY-MM-DD") from None


def check_title(value: str) -> str:
    title = " ".join(value.split())
    if not title:
        raise FieldError("the title is empty")
    if len(title) > 500:
        raise FieldError("the title is longer than 500 characters")
    return title


def check_values(name: str, given: list[str]) -> list[str]:
    """The format's values for what was typed for `name` (domains, regions, nations, tags): several per
    option allowed, English or French; a word that names nothing is an error with the nearest values."""
    values: list[str] = []
    for typed in given:
        mapping = terms.MAPPERS[name](typed)
        if mapping.unmapped:
            word = mapping.unmapped[0]
            near = terms.suggestions(name, word)
            hint = f"; did you mean {' or '.join(near)}?" if near else ""
            raise FieldError(f"{name[:-1]} '{word}' is not one brief knows{hint}")
        values += [value for value in mapping.values if value not in values]
    return values


def check_language(value: str, codes: frozenset[str]) -> str:
    code = terms.language(value)
    if code is None or code not in codes:
        raise FieldError(
            f"language '{value}' is not an ISO 639-1 code or a language name{did_you_mean(value, sorted(codes))}"
        )
    return code


def template_for(fmt: str | None, configured: str | None) -> Template:
    """The collection's own template when it has one (its format must be the one asked for), else the built-in
    template of the format asked for (Markdown by default)."""
    if configured:
        template = team_template(configured)
        if fmt is not None and fmt != template.format:
            raise FieldError(
                f"the collection's template {configured} is {template.format}; --format {fmt} needs a template of "
                "that format, or no --format"
            )
        return template
    return built_in(fmt or "md")


def format_of_path(path: str) -> str | None:
    return FORMAT_OF_EXTENSION.get(os.path.splitext(path)[1].lower())


def new_id(brief: NewBrief, style: str, taken: Callable[[str], bool]) -> str:
    """The new brief's id: from its title and date, in the collection's style (brief.authoring.ids), not taken."""
    return ids.unique(ids.make_id(brief.title, brief.date, style), taken)


def render(brief: NewBrief, brief_id: str, template: Template) -> str:
    """The new brief's text."""
    values: dict[str, object] = {
        "id": brief_id, "title": brief.title, "date": brief.date, "language": brief.language,
        "authors": brief.authors, "domains": brief.domains, "regions": brief.regions, "nations": brief.nations,
        "tags": brief.tags,
    }  # fmt: skip
    return fill(template, values)
