"""The index's tables: what an SQLite index of a collection holds (its schema, in SQL).

The full-text columns are ranked by query/ranking.py, which gives each its weight.
"""

from __future__ import annotations

INDEX_FORMAT = "13"  # bump when the tables below change: older indexes are rebuilt
# case- and accent-insensitive, as base.text.fold is (tests/test_architecture.py checks they agree)
TOKENIZER = "unicode61 remove_diacritics 2"
FTS_COLUMNS = ("title", "actors", "summary", "judgments", "body", "other")
LIST_FIELDS = ("nations", "regions", "domains", "tags", "authors")
_DERIVED = ", ".join(f"brief_columns(data, {i})" for i in range(len(FTS_COLUMNS)))

TABLES = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE briefs(
  rowid INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  hash TEXT NOT NULL,
  id TEXT, title TEXT, date TEXT, updated TEXT, language TEXT, original_language TEXT, summary TEXT,
  valid INTEGER NOT NULL,
  error_count INTEGER NOT NULL,
  -- the brief's own TLP marking (NULL: none); the collection's default, in meta as `tlp_default`, applies to the
  -- rest at query time, so that changing the default needs no rebuild
  tlp TEXT
);
-- the bulky parts live apart, so that scans and joins over briefs stay on few pages: the errors as JSON, and
-- the brief's one stored copy (collection/stored.py: the normalised brief, body included, as compressed JSON;
-- NULL for a file that could not be read as a brief)
CREATE TABLE brief_data(rowid INTEGER PRIMARY KEY, errors TEXT NOT NULL, data BLOB);
-- the dictionary the stored copies are compressed with (one row)
CREATE TABLE brief_dictionary(zdict BLOB NOT NULL);
-- what `--format ids` prints for a brief (its id, else its path), densely packed: looking up 20,000 hits here
-- takes a third of the time it takes in briefs
CREATE TABLE brief_ids(rowid INTEGER PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE brief_values(brief INTEGER NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, fold TEXT NOT NULL);
CREATE TABLE actors(
  brief INTEGER NOT NULL, actor_id TEXT NOT NULL, name TEXT NOT NULL, kind TEXT, country TEXT, aliases TEXT
);
-- each brief's actors under every name they go by there (id, name, aliases), folded: what --actor looks up
CREATE TABLE actor_names(fold TEXT NOT NULL, actor_id TEXT NOT NULL, brief INTEGER NOT NULL,
  PRIMARY KEY (fold, actor_id, brief)) WITHOUT ROWID;
-- every name and alias each actor id goes by, once: search expands an alias to the other names from here
CREATE TABLE actor_labels(actor_id TEXT NOT NULL, label TEXT NOT NULL, fold TEXT NOT NULL,
  PRIMARY KEY (actor_id, fold)) WITHOUT ROWID;
CREATE TABLE issues(brief INTEGER NOT NULL, issue_id TEXT NOT NULL, statement TEXT);
-- `date` repeats the brief's date so that stances can be followed in time order from an index alone
CREATE TABLE positions(
  brief INTEGER NOT NULL, actor_id TEXT NOT NULL, issue_id TEXT NOT NULL, stance TEXT, basis TEXT,
  confidence TEXT, salience REAL, power REAL, as_of TEXT, rationale TEXT, sources TEXT, change TEXT, date TEXT
);
CREATE TABLE sources(
  brief INTEGER NOT NULL, source_id TEXT NOT NULL, title TEXT, publisher TEXT, url TEXT, date TEXT,
  reliability TEXT, credibility INTEGER
);
-- the full-text table's external content: its columns derived from the stored copy (no second copy of the text)
CREATE VIEW brief_text(rowid, {", ".join(FTS_COLUMNS)}) AS SELECT rowid, {_DERIVED} FROM brief_data;
CREATE VIRTUAL TABLE fts USING fts5({", ".join(FTS_COLUMNS)}, content='brief_text', content_rowid='rowid',
  tokenize='{TOKENIZER}');
"""
# Secondary indexes are built once, after a full build has merged its shards (a bulk build is faster than
# keeping them up to date row by row). Several cover the summary's GROUP BY queries entirely.
INDEXES = """
CREATE INDEX briefs_id ON briefs(id);
CREATE INDEX briefs_date ON briefs(date);
CREATE INDEX brief_values_lookup ON brief_values(field, fold);
CREATE INDEX brief_values_counts ON brief_values(field, value, brief);
CREATE INDEX brief_values_brief ON brief_values(brief);
CREATE INDEX actors_brief ON actors(brief);
CREATE INDEX actors_id ON actors(actor_id, brief, name);
CREATE INDEX actors_kind ON actors(kind, brief);
CREATE INDEX actor_labels_fold ON actor_labels(fold);
CREATE INDEX issues_brief ON issues(brief);
CREATE INDEX issues_id ON issues(issue_id);
CREATE INDEX positions_brief ON positions(brief);
CREATE INDEX positions_timeline ON positions(issue_id, actor_id, date, brief, stance, basis, confidence, change);
CREATE INDEX positions_time ON positions(actor_id, issue_id, date, stance, brief);
CREATE INDEX sources_brief ON sources(brief);
CREATE INDEX briefs_recent ON briefs(date DESC, id);
CREATE INDEX briefs_month ON briefs(substr(date, 1, 7));  -- the summary's months, recounted one at a time
CREATE INDEX briefs_valid ON briefs(valid);
CREATE INDEX briefs_language ON briefs(language);
"""
# What `brief summary` reads when nothing is filtered out: counts and stance histories kept per key, so that a
# summary of 100,000 briefs reads a few thousand rows instead of scanning a million. Derived data only:
# collection/aggregates.py computes them after a build and recomputes the keys a refresh touches, in the same
# transaction (tests/test_aggregates.py compares them with a rebuild after random edits).
AGGREGATES = """
CREATE TABLE agg_values(field TEXT NOT NULL, value TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (field, value)) WITHOUT ROWID;
CREATE TABLE agg_months(month TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE agg_kinds(kind TEXT PRIMARY KEY, actors INTEGER NOT NULL, briefs INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE agg_actors(actor_id TEXT NOT NULL, name TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (actor_id, name)) WITHOUT ROWID;
-- each actor's latest stance on each issue
CREATE TABLE agg_latest(actor_id TEXT NOT NULL, issue_id TEXT NOT NULL, stance TEXT, date TEXT,
  PRIMARY KEY (actor_id, issue_id)) WITHOUT ROWID;
-- every stance change: `position` differs in stance from `previous`, the same actor's position on the same
-- issue in the brief before (by date); ordered by date, then the brief's path
CREATE TABLE agg_changes(actor_id TEXT NOT NULL, issue_id TEXT NOT NULL, date TEXT NOT NULL, path TEXT NOT NULL,
  position INTEGER NOT NULL, previous INTEGER NOT NULL);
"""
AGGREGATE_INDEXES = """
CREATE INDEX agg_latest_issue ON agg_latest(issue_id, stance);
CREATE INDEX agg_changes_pair ON agg_changes(actor_id, issue_id);
CREATE INDEX agg_changes_recent ON agg_changes(date DESC, path DESC, actor_id DESC, issue_id DESC);
"""
CHILD_TABLES = (
    "brief_data",
    "brief_ids",
    "brief_values",
    "actors",
    "issues",
    "positions",
    "sources",
)
