#!/usr/bin/env python3
"""Measure the shape of a collection of briefs: sizes and counts per brief, and how often things recur.

Usage::

    python bench/shape.py [DIR ...] [--top 5] [--sample N]
    python bench/shape.py --write-profile bench/data/shape.json   # what the rich corpus is drawn from

Default DIR: examples/. With several folders, the table has one column per folder (side by side). Each cell is
``min–max (median)`` over the briefs of the folder. The recurrence table gives, for the most frequent actor ids,
issue ids, tags and nations, the share of briefs that contain them, and the share of files whose text contains
"wagner" (case-insensitive). Files are read with PyYAML and json (bench/corpus.py's ``load_file``), not with brief.

``--write-profile`` writes the measurements of examples/ that ``bench/corpus.py --corpus rich`` draws from: the
counts of every brief (one brief a line, drawn whole so that counts that go together stay together), how often
each optional field is present, and the lengths of the lists it holds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import load_file  # bench/corpus.py, next to this file

ROOT = Path(__file__).resolve().parent.parent
SUFFIXES = {".yaml", ".yml", ".json", ".md"}

# (row label, function of (data, file bytes) -> number)
METRICS = [
    ("file size (KB)", lambda d, raw: len(raw) / 1000),
    ("actors", lambda d, raw: len(d.get("actors", ()))),
    ("issues", lambda d, raw: len(d.get("issues", ()))),
    ("positions", lambda d, raw: len(d.get("positions", ()))),
    ("relations", lambda d, raw: len(d.get("relations", ()))),
    ("key judgments", lambda d, raw: len(d.get("key_judgments", ()))),
    ("figures", lambda d, raw: len(d.get("figures", ()))),
    ("sources", lambda d, raw: len(d.get("sources", ()))),
    ("body words", lambda d, raw: len(str(d.get("body") or "").split())),
    ("summary words", lambda d, raw: len(str(d.get("summary") or "").split())),
    ("tags", lambda d, raw: len(d.get("tags", ()))),
    ("nations", lambda d, raw: len(d.get("nations", ()))),
    ("aliases per actor", lambda d, raw: _mean([len(a.get("aliases", ())) for a in d.get("actors", ())])),
    (
        "rationale items per position",
        lambda d, raw: _mean([len(p.get("rationale", ())) for p in d.get("positions", ())]),
    ),
]


# optional fields whose presence rate the profile records, per section
OPTIONAL = {
    "actors": ("country", "aliases", "description", "affiliations"),
    "issues": ("description",),
    "positions": ("basis", "confidence", "salience", "power", "rationale", "change", "sources", "as_of"),
    "relations": ("trend", "factors", "sources", "as_of"),
    "key_judgments": ("sources",),
    "figures": ("unit", "date", "status", "sources"),
    "sources": ("publisher", "url", "date", "reliability", "credibility"),
}
TOP_LEVEL = ("updated", "original_language", "authors", "summary", "body")
PROFILE_COUNTS = {  # profile key -> metric label
    "bytes": None,
    "actors": "actors",
    "issues": "issues",
    "positions": "positions",
    "relations": "relations",
    "key_judgments": "key judgments",
    "figures": "figures",
    "sources": "sources",
    "body_words": "body words",
    "summary_words": "summary words",
    "tags": "tags",
    "nations": "nations",
}


def _mean(values: list) -> float:
    return sum(values) / len(values) if values else 0.0


def files_of(folder: Path, sample: int = 0) -> list[Path]:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in SUFFIXES)
    if sample and sample < len(files):
        step = len(files) / sample
        files = [files[int(k * step)] for k in range(sample)]
    return files


class Shape:
    """The measurements of one folder."""

    def __init__(self, folder: Path, sample: int = 0) -> None:
        self.folder = folder
        self.values: dict[str, list[float]] = {label: [] for label, _ in METRICS}
        self.present: dict[str, Counter] = {k: Counter() for k in ("actor", "issue", "tag", "nation")}
        self.names: dict[str, set] = {}  # actor id -> the distinct (name, aliases) it is given
        self.wagner = 0
        self.count = 0
        self.dates: Counter = Counter()  # brief date -> briefs
        self.briefs: list[dict] = []  # per brief: file, bytes and the counts of PROFILE_COUNTS
        self.fields: dict[str, list[int]] = {}  # "section.field" -> [items with it, items]
        self.list_lengths: dict[str, list[int]] = {}  # "section.field" -> lengths of the lists present
        for path in files_of(folder, sample):
            raw = path.read_bytes()
            data = load_file(path)
            self.count += 1
            self._profile(path, raw, data)
            self.wagner += b"wagner" in raw.lower()
            for label, fn in METRICS:
                self.values[label].append(fn(data, raw))
            self.dates[str(data.get("date"))] += 1
            self.present["actor"].update({a["id"] for a in data.get("actors", ())})
            self.present["issue"].update({x["id"] for x in data.get("issues", ())})
            self.present["tag"].update(set(data.get("tags", ())))
            self.present["nation"].update(set(data.get("nations", ())))
            for a in data.get("actors", ()):
                self.names.setdefault(a["id"], set()).add((a["name"], tuple(a.get("aliases", ()))))

    def _profile(self, path: Path, raw: bytes, data: dict) -> None:
        counts = {"file": path.name, "bytes": len(raw)}
        for key, label in PROFILE_COUNTS.items():
            if label:
                counts[key] = next(fn(data, raw) for name, fn in METRICS if name == label)
        counts["domains"] = len(data.get("domains", ()))
        counts["regions"] = len(data.get("regions", ()))
        self.briefs.append(counts)
        for key in TOP_LEVEL:
            self.fields.setdefault(key, [0, 0])
            self.fields[key][0] += key in data
            self.fields[key][1] += 1
        for section, keys in OPTIONAL.items():
            for item in data.get(section, ()):
                for key in keys:
                    name = f"{section}.{key}"
                    self.fields.setdefault(name, [0, 0])
                    self.fields[name][0] += key in item
                    self.fields[name][1] += 1
                    if isinstance(item.get(key), list):
                        self.list_lengths.setdefault(name, []).append(len(item[key]))

    def profile(self) -> dict:
        return {
            "measured_from": f"{_rel(self.folder)} ({self.count} briefs), by bench/shape.py --write-profile",
            "briefs": self.briefs,
            "field_rates": {k: round(have / n, 3) for k, (have, n) in sorted(self.fields.items()) if n},
            "list_lengths": {k: sorted(v) for k, v in sorted(self.list_lengths.items())},
        }

    def cell(self, label: str) -> str:
        v = self.values[label]
        if not v:
            return "–"
        fmt = "{:.1f}" if label == "file size (KB)" or "per" in label else "{:.0f}"
        lo, hi, med = fmt.format(min(v)), fmt.format(max(v)), fmt.format(statistics.median(v))
        return f"{lo}–{hi} ({med})"

    def top(self, kind: str, k: int) -> list[str]:
        n = max(self.count, 1)
        return [f"`{key}` {100 * c / n:.0f} %" for key, c in self.present[kind].most_common(k)]

    def date_cell(self) -> str:
        if not self.dates:
            return "–"
        days = sorted(self.dates)
        per_day = statistics.mean(self.dates.values())
        return f"{days[0]} to {days[-1]}, {per_day:.1f} briefs per day with any, up to {max(self.dates.values())}"

    def inconsistent_actors(self) -> int:
        """Actor ids given more than one name or alias list (a curated collection keeps them the same)."""
        return sum(len(v) > 1 for v in self.names.values())


def table(shapes: list[Shape], top: int) -> str:
    head = "| | " + " | ".join(f"`{_rel(s.folder)}` ({s.count} briefs)" for s in shapes) + " |"
    lines = [head, "|---" * (len(shapes) + 1) + "|"]
    for label, _ in METRICS:
        lines.append(f"| {label} | " + " | ".join(s.cell(label) for s in shapes) + " |")
    lines.append("")
    lines.append("Recurrence (share of briefs):")
    lines.append("")
    lines.append(head)
    lines.append("|---" * (len(shapes) + 1) + "|")
    lines.append(
        "| text contains “wagner” | " + " | ".join(f"{100 * s.wagner / max(s.count, 1):.0f} %" for s in shapes) + " |"
    )
    for kind in ("actor", "issue", "tag", "nation"):
        lines.append(f"| distinct {kind}s | " + " | ".join(str(len(s.present[kind])) for s in shapes) + " |")
        lines.append(f"| top {kind}s | " + " | ".join(", ".join(s.top(kind, top)) for s in shapes) + " |")
    lines.append("| dates | " + " | ".join(s.date_cell() for s in shapes) + " |")
    lines.append(
        "| actor ids with differing name/aliases | " + " | ".join(str(s.inconsistent_actors()) for s in shapes) + " |"
    )
    return "\n".join(lines)


def _rel(folder: Path) -> str:
    try:
        return str(folder.resolve().relative_to(ROOT))
    except ValueError:
        return str(folder)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", nargs="*", type=Path, default=[ROOT / "examples"])
    ap.add_argument("--top", type=int, default=5, help="most frequent ids listed per kind [%(default)s]")
    ap.add_argument("--sample", type=int, default=0, help="measure N files spread over each folder (0: all)")
    ap.add_argument(
        "--write-profile",
        type=Path,
        metavar="FILE",
        help="write the profile of the (single) folder as JSON, one brief a line, instead of the table",
    )
    args = ap.parse_args(argv)
    shapes = [Shape(d, args.sample) for d in args.dirs]
    if args.write_profile:
        if len(shapes) != 1:
            ap.error("--write-profile takes one folder")
        args.write_profile.write_text(dump_profile(shapes[0].profile()), encoding="utf-8")
        print(f"wrote {args.write_profile}")
        return 0
    print(table(shapes, args.top))
    return 0


def dump_profile(profile: dict) -> str:
    """JSON with one brief, one field rate and one list of lengths a line (diff-friendly)."""

    def one(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    parts = []
    for key, value in profile.items():
        if isinstance(value, list):
            body = ",\n".join(f"    {one(x)}" for x in value)
            parts.append(f'  "{key}": [\n{body}\n  ]')
        elif isinstance(value, dict):
            body = ",\n".join(f"    {one(k)}: {one(v)}" for k, v in value.items())
            parts.append(f'  "{key}": {{\n{body}\n  }}')
        else:
            parts.append(f'  "{key}": {one(value)}')
    return "{\n" + ",\n".join(parts) + "\n}\n"


if __name__ == "__main__":
    sys.exit(main())
