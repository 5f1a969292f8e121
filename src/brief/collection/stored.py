"""Each brief's one stored copy in the index: the normalised brief (body included) as zlib-compressed JSON, and
the full-text columns derived from it.

The index keeps no other copy of a brief's text: the full-text table's external content is a view that derives
its columns from this copy (`brief_columns`, an SQL function every connection to the index registers), so that
snippets and the deletion of a changed brief's words read it, and `--where` and `brief export` read the brief
itself from it rather than parse the file again.
"""

from __future__ import annotations

from brief.base.fields import mappings, text, texts

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

LEVEL = 6  # zlib: 6 compresses as well as 9 on briefs, in half the time of 9; 1 leaves a tenth more


def pack(data: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    """The stored form of a brief, and the data it stands for: `data` itself, unless it held something JSON has
    no type for (a YAML `!!binary`, say), in which case the data read back from the stored form, so that the
    full-text columns made now are those `brief_columns` will derive from the stored form later."""
    import json
    import zlib

    odd: list[object] = []

    def other(value: object) -> str:
        odd.append(value)
        return str(value)

    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=other)
    if odd:
        data = json.loads(encoded)
    return zlib.compress(encoded.encode("utf-8", "surrogatepass"), LEVEL), data


def unpack(stored: bytes) -> dict[str, Any]:
    """The brief a stored form holds."""
    import json
    import zlib

    data: dict[str, Any] = json.loads(zlib.decompress(stored).decode("utf-8", "surrogatepass"))
    return data


def text_columns(data: dict[str, Any] | None) -> tuple[str, ...]:
    """The brief's full-text columns, in the order of tables.FTS_COLUMNS (title, actors, summary, judgments,
    body, other); all empty for a file that could not be read as a brief."""
    if data is None:
        return ("",) * 6
    actor_text: list[str] = []
    descriptions: list[str] = []
    for actor in mappings(data.get("actors")):
        if text(actor.get("id")) is None or text(actor.get("name")) is None:
            continue
        actor_text += [actor["name"], *texts(actor.get("aliases"))]
        description = text(actor.get("description"))
        if description:
            descriptions.append(description)
    # an actor's description ("seen as Wagner's successor") can be all a brief says of a subject
    other: list[str] = [*texts(data.get("tags")), *texts(data.get("authors")), *descriptions]
    for issue in mappings(data.get("issues")):
        other += [s for s in (text(issue.get("statement")), text(issue.get("description"))) if s]
    for position in mappings(data.get("positions")):
        if not (isinstance(position.get("actor"), str) and isinstance(position.get("issue"), str)):
            continue
        other += texts(position.get("rationale"))
        if isinstance(position.get("change"), str):
            other.append(position["change"])
    for source in mappings(data.get("sources")):
        if isinstance(source.get("id"), str):
            other += [s for s in (text(source.get("title")), text(source.get("publisher"))) if s]
    for relation in mappings(data.get("relations")):
        other += texts(relation.get("factors"))
    for figure in mappings(data.get("figures")):
        if isinstance(figure.get("label"), str):
            other.append(figure["label"])
    judgments = [j["statement"] for j in mappings(data.get("key_judgments")) if isinstance(j.get("statement"), str)]
    return (
        text(data.get("title")) or "",
        "\n".join(actor_text),
        text(data.get("summary")) or "",
        "\n".join(judgments),
        text(data.get("body")) or "",
        "\n".join(other),
    )


def register(db: sqlite3.Connection) -> None:
    """Give a connection to the index `brief_columns(stored, i)`: full-text column i of a stored brief (what the
    view `brief_text` reads). FTS5 asks for every column of a row in turn: the last row's columns are kept."""
    last: list[Any] = [None, None]

    def brief_columns(stored: bytes | None, column: int) -> str:
        if stored is None:
            return ""
        if stored != last[0]:
            last[:] = [stored, text_columns(unpack(stored))]
        return str(last[1][column])

    db.create_function("brief_columns", 2, brief_columns, deterministic=True)
