"""Rendering one brief (`brief show`): readable text for a terminal, a Markdown document, or the normalised data
as JSON/YAML, one module per output format:

    common.py    the sections, cleaning untrusted text, field readings shared by the views (and `summary`)
    text.py      text for a terminal (render_text)
    markdown.py  a Markdown document (render_markdown_document)
    data.py      JSON and YAML in the schema's field order (render_json, render_yaml, normalised, FIELDS)

Pure functions from a loaded brief (a dict, possibly invalid: every access is defensive) to strings; nothing
here prints or knows about click. Text from a brief is untrusted: the text and Markdown renderers work on a
copy whose every string has been neutralised (control characters and escape sequences made visible), and
the Markdown renderer also escapes what could break a table or inject HTML. JSON and YAML give the data
unchanged, with the characters a terminal would act on written as escapes of those formats.

Only the module of the format asked for is imported.
"""

from __future__ import annotations

from collections.abc import Sequence

from brief.render.show.common import SECTIONS, Brief

__all__ = ["FORMATS", "SECTIONS", "render"]

FORMATS = ("text", "markdown", "json", "yaml")


def render(
    data: Brief,
    output_format: str = "text",
    sections: Sequence[str] | None = None,
    width: int = 80,
    colour: bool = False,
) -> str:
    """The brief in one of FORMATS; `width` and `colour` only affect text."""
    if output_format == "json":
        from brief.render.show.data import render_json

        return render_json(data, sections)
    if output_format == "yaml":
        from brief.render.show.data import render_yaml

        return render_yaml(data, sections)
    if output_format == "markdown":
        from brief.render.show.markdown import render_markdown_document

        return render_markdown_document(data, sections)
    if output_format == "text":
        from brief.render.show.text import render_text

        return render_text(data, sections, width, colour)
    raise ValueError(f"unknown format {output_format!r}; expected one of {', '.join(FORMATS)}")
