"""--color auto|always|never, declared once for every command that can colour its output.

`colour_option` gives click's option to the commands (it takes effect as soon as it is parsed); the quick path of
`brief search` parses the same option from COLOR in cli/declarations.py, made from these constants. Neither click
nor any renderer is imported here at the top: `brief show --help` and the quick path stay light."""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    import click

    F = TypeVar("F", bound=Callable[..., Any])

COLOUR_FLAGS = ("--color",)
COLOUR_CHOICES = ("auto", "always", "never")
COLOUR_DEFAULT = "auto"
COLOUR_HELP = "Colour: auto (on a terminal, unless NO_COLOR is set), always, or never."


def choose(context: click.Context | None, parameter: click.Parameter | None, value: str) -> None:
    """The option's callback, and the quick path's: what renderers ask (render.terminal.use_colour) follows it."""
    from brief.render.terminal import choose_colour

    choose_colour(value)


def colour_option(command: F) -> F:
    """The --color option (not passed to the command: it is in force once parsed)."""
    import click

    option = click.option(
        *COLOUR_FLAGS, "color", type=click.Choice(COLOUR_CHOICES), default=COLOUR_DEFAULT, show_default=True,
        callback=choose, expose_value=False, help=COLOUR_HELP,
    )  # fmt: skip
    return option(command)
