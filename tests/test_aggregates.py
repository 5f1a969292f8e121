"""The summary's aggregates stay exact under incremental refresh: after random edits, additions and deletions,
they equal what a rebuild computes, and so does every figure `brief summary` prints."""

from __future__ import annotations

import json
import random
import re
import sqlite3
from pathlib import Path

import pytest

from brief.base.vocabulary import STANCES
from brief.collection.config import collection
from brief.collection.index import open_index
from conftest import ROOT, run

# the aggregates, without the index's row numbers (a rebuild numbers rows afresh)
SNAPSHOT = {
    "agg_values": "SELECT field, value, n FROM agg_values ORDER BY 1, 2",
    "agg_months": "SELECT month, n FROM agg_months ORDER BY 1",
    "agg_kinds": "SELECT kind, actors, briefs FROM agg_kinds ORDER BY 1",
    "agg_actors": "SELECT actor_id, name, n FROM agg_actors ORDER BY 1, 2",
    "agg_latest": "SELECT actor_id, issue_id, stance, date FROM agg_latest ORDER BY 1, 2",
    # each change with its actor, issue, date and brief as its position holds them (the row's own keys must agree)
    "agg_changes": (
        "SELECT p.actor_id, p.issue_id, c.date, b.path, p.stance, q.stance, q.actor_id, q.issue_id, "
        "c.date = ifnull(p.date, '') FROM agg_changes c JOIN positions p ON p.rowid = c.position "
        "JOIN positions q ON q.rowid = c.previous JOIN briefs b ON b.rowid = p.brief ORDER BY 1, 2, 3, 4"
    ),
    # changes whose positions are gone (a rebuild has none: neither may a refresh)
    "stale_changes": (
        "SELECT count(*) FROM agg_changes c WHERE NOT EXISTS (SELECT 1 FROM position_rows p WHERE p.rowid = "
        "c.position) OR NOT EXISTS (SELECT 1 FROM position_rows p WHERE p.rowid = c.previous)"
    ),
    # not aggregates, but kept by key rather than by brief: each brief's actors under their names, through the
    # dictionaries a refresh adds to
    "actor_names": (
        "SELECT DISTINCT n.fold, n.actor_id, b.path FROM actor_names n LEFT JOIN briefs b ON b.rowid = n.brief "
        "ORDER BY 1, 2, 3"
    ),
    "values": "SELECT b.path, v.field, v.value, v.fold FROM brief_values v JOIN briefs b ON b.rowid = v.brief "
    "ORDER BY 1, v.seq",
    "actors": "SELECT b.path, a.actor_id, a.name, a.kind, a.country, a.aliases FROM actors a JOIN briefs b ON "
    "b.rowid = a.brief ORDER BY 1, a.seq",
    "issues": "SELECT b.path, i.issue_id, i.statement FROM issues i JOIN briefs b ON b.rowid = i.brief "
    "ORDER BY 1, i.seq",
}


def snapshot(path: str) -> dict[str, list[tuple[object, ...]]]:
    db = sqlite3.connect(path)
    try:
        return {name: db.execute(sql).fetchall() for name, sql in SNAPSHOT.items()}
    finally:
        db.close()


def edit(folder: Path, rng: random.Random) -> None:
    """One random edit of a YAML brief: a stance, a nation, a date, a brief removed or copied under a new id."""
    files = sorted(folder.glob("*.yaml"))
    target = rng.choice(files)
    text = target.read_text(encoding="utf-8")
    action = rng.choice(["stance", "stance", "nation", "date", "remove", "copy"])
    if action == "stance":
        current = [s for s in STANCES if f"stance: {s}\n" in text or f"stance: {s}," in text]
        if current:
            old = rng.choice(current)
            text = text.replace(f"stance: {old}", f"stance: {rng.choice(STANCES)}", 1)
    elif action == "nation":
        text = text.replace("nations: [", f"nations: [{rng.choice(['ML', 'NE', 'BF', 'TD'])}, ", 1)
    elif action == "date":
        text = text.replace("\ndate: 20", f"\ndate: {rng.choice(['2019', '2020', '2022', '2025'])}", 1)
        text = text.replace("\ndate: '20", f"\ndate: '{rng.choice(['2019', '2020', '2022', '2025'])}", 1)
    elif action == "remove" and len(files) > 3:
        target.unlink()
        return
    elif action == "copy":
        copy = folder / f"copy-{rng.randrange(10**6)}.yaml"
        copy.write_text(text.replace("\nid: ", "\nid: copy-", 1), encoding="utf-8")
        return
    target.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("seed", range(1, 9))
def test_aggregates_equal_a_rebuild_after_random_edits(tmp_path: Path, seed: int) -> None:
    import shutil

    folder = tmp_path / "briefs"
    shutil.copytree(ROOT / "examples", folder)
    for extra in sorted(folder.glob("*.yaml")):  # more YAML briefs to edit: copies under new ids
        shutil.copy(extra, folder / f"twin-{extra.name}")
        twin = folder / f"twin-{extra.name}"
        twin.write_text(twin.read_text(encoding="utf-8").replace("\nid: ", "\nid: twin-", 1), encoding="utf-8")
    chosen = collection([str(folder)])
    index = open_index(chosen)
    index.close()
    rng = random.Random(seed)
    for _ in range(6):
        for _ in range(rng.randint(1, 3)):
            edit(folder, rng)
        index = open_index(chosen)  # an incremental refresh
        index.close()
    incremental = snapshot(chosen.index_path())
    summary = run("summary", str(folder), "--format", "json", "--no-refresh")
    assert summary.exit_code == 0, summary.output

    index = open_index(chosen, refresh=False)
    index.rebuild()
    index.close()
    assert snapshot(chosen.index_path()) == incremental
    rebuilt = run("summary", str(folder), "--format", "json", "--no-refresh")
    assert json.loads(rebuilt.stdout) == json.loads(summary.stdout)


CROWDED_DATES = ("2022-02-21", "2022-02-22", "2023-08-28")


def crowd(folder: Path, rng: random.Random) -> None:
    """One edit of a crowded collection: a brief's stance, or its date moved to another of three days."""
    target = rng.choice(sorted(folder.glob("*.yaml")))
    text = target.read_text(encoding="utf-8")
    if rng.random() < 0.5:
        text = re.sub(r"\ndate: '?[0-9-]+'?\n", f"\ndate: {rng.choice(CROWDED_DATES)}\n", text, count=1)
    else:
        stances = re.findall(r"stance: ([a-z-]+)", text)
        place = rng.randrange(len(stances))  # any of its positions, not only the first
        parts = re.split(r"(stance: [a-z-]+)", text)
        parts[2 * place + 1] = f"stance: {rng.choice(STANCES)}"
        text = "".join(parts)
    target.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("seed", range(1, 5))
def test_stance_histories_equal_a_rebuild_when_many_briefs_share_a_day(tmp_path: Path, seed: int) -> None:
    """A refresh redoes a pair's history only around the dates its changed positions had and have: with 36
    briefs on three days, one day holds many positions of a pair, and an edit changes the change of a position
    in another brief, the first of the next day, or the pair's latest stance."""
    rng = random.Random(seed)
    folder = tmp_path / "briefs"
    folder.mkdir()
    for number in range(36):
        source = ROOT / "examples" / ("2022-02-france-withdrawal-mali.yaml", "2023-08-niger-coup.yaml",
                                      "2024-07-aes-confederation.yaml")[number % 3]  # fmt: skip
        text = source.read_text(encoding="utf-8").replace("\nid: ", f"\nid: crowd-{number}-", 1)
        (folder / f"crowd-{number:02}.yaml").write_text(text, encoding="utf-8")
        crowd(folder, rng)
    chosen = collection([str(folder)])
    open_index(chosen).close()
    for _ in range(8):
        for _ in range(rng.randint(1, 4)):
            crowd(folder, rng)
        open_index(chosen).close()  # an incremental refresh
        incremental = snapshot(chosen.index_path())
        index = open_index(chosen, refresh=False)
        index.rebuild()
        index.close()
        assert snapshot(chosen.index_path()) == incremental


def test_a_refresh_changes_the_aggregates(tmp_path: Path) -> None:
    """The comparison above must be able to fail: an edit shows in the aggregates."""
    import shutil

    folder = tmp_path / "briefs"
    shutil.copytree(ROOT / "examples", folder)
    chosen = collection([str(folder)])
    open_index(chosen).close()
    before = snapshot(chosen.index_path())
    (folder / "2022-02-france-withdrawal-mali.yaml").unlink()
    open_index(chosen).close()
    after = snapshot(chosen.index_path())
    assert after["agg_values"] != before["agg_values"] and after["agg_latest"] != before["agg_latest"]
