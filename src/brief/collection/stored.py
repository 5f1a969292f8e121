"""Each brief's one stored copy in the index: the normalised brief (body included) as JSON compressed (zstd) with
a dictionary made from the collection, and the full-text columns derived from it.

The index keeps no other copy of a brief's text: the full-text table's external content is a view that derives
its columns from this copy (`brief_columns`, an SQL function every connection to the index registers), so that
snippets and the deletion of a changed brief's words read it, and `--where` and `brief export` read the brief
itself from it (`brief_json`) rather than parse the file again.
"""

from __future__ import annotations

from brief.base.fields import mappings, text, texts
from brief.base.text import compact_json

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see brief/cli/main.py)
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Collection
    from typing import Any

LEVEL = 3  # zstd level: 1 is hardly faster with a dictionary, 5 a tenth smaller for half as long again
DICTIONARY_SIZE = 65536  # a trained dictionary: 64 KiB made each stored brief a quarter smaller than 16 KiB
TRAIN_MIN = 16  # briefs a dictionary is trained on at least; with fewer, it is those briefs themselves
RAW_SIZE = 32768  # the most of a few briefs kept as the dictionary when none is trained
_TRAINED = b"\x37\xa4\x30\xec"  # what a trained zstd dictionary starts with (ZDICT's magic number)


def zstd() -> Any:
    """Zstandard: the standard library's (`compression.zstd`, Python 3.14+), else its backport."""
    try:
        from compression import zstd as module  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        from backports import zstd as module  # type: ignore[import-not-found,import-untyped,no-redef,unused-ignore]
    return module


def dictionary(samples: list[dict[str, Any]]) -> bytes:
    """A compression dictionary for a collection, from some of its briefs as stored: trained by zstd when there
    are enough of them, else those briefs themselves. Briefs of one collection share their field names,
    vocabulary, actors and sources, so each compresses to about a seventh of its size (rich briefs: 1.1 KB
    stored for 8.2 KB of JSON). Kept in the index (`brief_dictionary`)."""
    encoded = [compact_json(sample) for sample in samples]
    if len(encoded) >= TRAIN_MIN:
        module = zstd()
        try:
            return bytes(module.train_dict(encoded, DICTIONARY_SIZE).dict_content)
        except module.ZstdError:  # too little to learn from: the samples themselves serve
            pass
    return b"".join(encoded)[-RAW_SIZE:]


def _zstd_dict(zdict: bytes) -> Any:
    module = zstd()
    return module.ZstdDict(zdict, is_raw=not zdict.startswith(_TRAINED)) if zdict else None


class Packer:
    """Stores briefs as zstd frames with a collection's dictionary."""

    def __init__(self, zdict: bytes) -> None:
        module = zstd()
        self._flush = module.ZstdCompressor.FLUSH_FRAME
        self._compressor = module.ZstdCompressor(level=LEVEL, zstd_dict=_zstd_dict(zdict))

    def pack(self, data: dict[str, Any], text: list[bytes] | None = None) -> tuple[bytes, dict[str, Any]]:
        """The stored form of a brief, and the data it stands for: `data` itself, unless it held something JSON
        has no type for (a YAML `!!binary`, say), in which case the data read back from the stored form, so
        that the full-text columns made now are those `brief_columns` will derive from the stored form later.
        The JSON text stored is appended to `text`, if given."""
        odd: list[object] = []
        encoded = compact_json(data, odd)
        if odd:
            import json

            data = json.loads(encoded)
        if text is not None:
            text.append(encoded)
        return self._compressor.compress(encoded, mode=self._flush), data


class Unpacker:
    """Reads stored forms made with one dictionary (digested once)."""

    def __init__(self, zdict: bytes) -> None:
        self._zstd = zstd()
        found = _zstd_dict(zdict)
        self._dict = found.as_digested_dict if found is not None else None

    def __call__(self, stored: bytes) -> str:
        """The JSON text of the brief a stored form holds."""
        return self._zstd.decompress(stored, zstd_dict=self._dict).decode("utf-8", "surrogatepass")  # type: ignore[no-any-return]


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


def kept_positions(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The positions the index keeps a row of (those naming an actor and an issue), in the brief's order: the
    n-th row of a brief in position_rows is the n-th of these."""
    positions = mappings(data.get("positions"))
    return [p for p in positions if isinstance(p.get("actor"), str) and isinstance(p.get("issue"), str)]


def cited(position: dict[str, Any]) -> tuple[list[str], list[str]]:
    """A position's rationale and the ids of the sources it cites (read from the stored copy, not kept in rows)."""
    return texts(position.get("rationale")), texts(position.get("sources"))


SOURCE_FIELDS = ("id", "title", "publisher", "url", "date", "reliability", "credibility")


def source_records(data: dict[str, Any], only: Collection[str] | None = None) -> list[dict[str, Any]]:
    """The brief's sources that have an id (of those in `only`, if given), each with the fields of SOURCE_FIELDS
    that hold a value (read from the stored copy: the index keeps their ids and grades only)."""
    records = []
    for source in mappings(data.get("sources")):
        if not isinstance(source.get("id"), str) or (only is not None and source["id"] not in only):
            continue
        pick = source.get
        credibility = pick("credibility")
        if not isinstance(credibility, int) or isinstance(credibility, bool):
            credibility = None
        values = (source["id"], text(pick("title")), text(pick("publisher")), text(pick("url")), text(pick("date")),
                  text(pick("reliability")), credibility)  # fmt: skip
        records.append({name: value for name, value in zip(SOURCE_FIELDS, values, strict=True) if value is not None})
    return records


def register(db: sqlite3.Connection) -> None:
    """Give a connection to the index the SQL functions that read stored copies: `brief_json(stored)`, the brief
    as JSON text (what `--where` and export read), and `brief_columns(stored, i)`, its full-text column i (what
    the view `brief_text` reads; FTS5 asks for every column of a row in turn, so the last row's are kept)."""
    import json

    reader: list[Unpacker] = []  # made from the index's dictionary when first needed (nothing is read to open it)
    last: list[Any] = [None, None]

    def text_of(stored: bytes) -> str:
        if not reader:
            found = db.execute("SELECT zdict FROM brief_dictionary").fetchone()
            reader.append(Unpacker(found[0] if found else b""))
        return reader[0](stored)

    def brief_json(stored: bytes | None) -> str | None:
        return None if stored is None else text_of(stored)

    def brief_columns(stored: bytes | None, column: int) -> str:
        if stored is None:
            return ""
        if stored != last[0]:
            last[:] = [stored, text_columns(json.loads(text_of(stored)))]
        return str(last[1][column])

    db.create_function("brief_json", 1, brief_json, deterministic=True)
    db.create_function("brief_columns", 2, brief_columns, deterministic=True)
