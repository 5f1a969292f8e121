"""The actors a collection knows, read from the index for `brief import` (which links the actors an article
names) and brief ids for `brief new` and `brief import` (which make new ones unique): the SQL of authoring.

Every query is bounded whatever the collection's size: the labels are distinct per actor id (a few thousand
even at 100,000 briefs), and an actor's profile reads its name counts from a covering index and its kind and
country from its latest occurrences only.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field

RECENT = 200  # occurrences read for an actor's kind and country (the latest ones)


@dataclass
class ActorProfile:
    """An actor as the collection knows it: its most usual name, kind and country, every other name it goes
    by, in how many briefs it appears, and the ids of the latest of them."""

    actor_id: str
    name: str
    kind: str | None
    country: str | None
    aliases: list[str] = field(default_factory=list)
    briefs: int = 0
    brief_ids: list[str] = field(default_factory=list)


def labels(db: sqlite3.Connection) -> list[tuple[str, str]]:
    """(actor id, name or alias) for every name each actor id goes by in the collection, once."""
    rows: list[tuple[str, str]] = db.execute("SELECT actor_id, label FROM actor_labels").fetchall()
    return rows


def profile(db: sqlite3.Connection, actor_id: str, brief_ids: int = 5) -> ActorProfile | None:
    """The actor `actor_id` as the collection knows it; None if no brief has it."""
    found = db.execute("SELECT key FROM actor_keys WHERE actor_id = ?", (actor_id,)).fetchone()
    if found is None:
        return None
    key = found[0]
    # each name's occurrences, counted by the forms (name, kind, country, aliases) the actor takes
    names = db.execute(
        "SELECT name, n FROM (SELECT f.name, sum((SELECT count(*) FROM actor_rows r WHERE r.form = f.key)) AS n "
        "FROM actor_forms f WHERE f.actor = ? GROUP BY f.name) WHERE n > 0 ORDER BY n DESC, name",
        (key,),
    ).fetchall()
    if not names:
        return None
    total = sum(count for _, count in names)
    kinds: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    spellings: Counter[str] = Counter()  # aliases as the latest briefs write them
    for kind, country, aliases_json in db.execute(
        "SELECT f.kind, f.country, f.aliases FROM actor_rows r INDEXED BY actor_rows_actor JOIN actor_forms f ON "
        "f.key = r.form WHERE r.actor = ? ORDER BY r.brief DESC LIMIT ?", (key, RECENT)
    ):
        if kind:
            kinds[kind] += 1
        if country:
            countries[country] += 1
        spellings.update(_strings(aliases_json))
    name = names[0][0]
    # then every other name it goes by anywhere in the collection (one spelling per accent-folded form)
    others = [label for (label,) in db.execute(
        "SELECT label FROM actor_labels WHERE actor_id = ? ORDER BY label", (actor_id,))]  # fmt: skip
    aliases = []
    for alias in [*(alias for alias, _ in spellings.most_common()), *(other for other, _ in names[1:]), *others]:
        if alias != name and alias not in aliases:
            aliases.append(alias)
    return ActorProfile(
        actor_id,
        name,
        kinds.most_common(1)[0][0] if kinds else None,
        countries.most_common(1)[0][0] if countries else None,
        aliases,
        total,
        latest_briefs(db, key, total, brief_ids),
    )


def _strings(raw: str | None) -> list[str]:
    """The aliases column: a JSON list of strings."""
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [item for item in value if isinstance(item, str) and item.strip()] if isinstance(value, list) else []


def latest_briefs(db: sqlite3.Connection, actor: int, occurrences: int, limit: int) -> list[str]:
    """Ids of the latest briefs (by date) that name the actor (its key). For a frequent actor, walking the briefs
    from the newest finds them at once; for a rare one, looking up its few occurrences is quicker."""
    if occurrences > 2000:
        sql = (
            "SELECT b.id FROM briefs b WHERE b.id IS NOT NULL AND EXISTS (SELECT 1 FROM actor_rows a "
            "WHERE a.actor = ? AND a.brief = b.rowid) ORDER BY b.date DESC, b.id LIMIT ?"
        )
    else:
        sql = (
            "SELECT DISTINCT b.id FROM actor_rows a JOIN briefs b ON b.rowid = a.brief WHERE a.actor = ? "
            "AND b.id IS NOT NULL ORDER BY b.date DESC, b.id LIMIT ?"
        )
    return [brief_id for (brief_id,) in db.execute(sql, (actor, limit))]


def id_taken(db: sqlite3.Connection, brief_id: str) -> bool:
    """Whether a brief of the collection has this id."""
    return db.execute("SELECT 1 FROM briefs WHERE id = ? LIMIT 1", (brief_id,)).fetchone() is not None


def sample_ids(db: sqlite3.Connection, limit: int = 200) -> list[str]:
    """Ids of the latest indexed briefs: how the collection writes its ids."""
    return [brief_id for (brief_id,) in db.execute(
        "SELECT id FROM briefs WHERE id IS NOT NULL ORDER BY rowid DESC LIMIT ?", (limit,))]  # fmt: skip
