"""The index's tables: what an SQLite index of a collection holds (its schema, in SQL).

The full-text columns are ranked by query/ranking.py, which gives each its weight.
"""

from __future__ import annotations

INDEX_FORMAT = "15"  # bump when the tables below change: older indexes are rebuilt
# case- and accent-insensitive, as base.text.fold is (tests/test_architecture.py checks they agree)
TOKENIZER = "unicode61 remove_diacritics 2"
FTS_COLUMNS = ("title", "actors", "summary", "judgments", "body", "other")
LIST_FIELDS = ("nations", "regions", "domains", "tags", "authors")
_DERIVED = ", ".join(f"brief_columns(data, {i})" for i in range(len(FTS_COLUMNS)))

# Text that recurs across briefs (actor ids, issue ids, list values, an actor as a brief describes it) is kept
# once, in a dictionary table, and rows hold its integer key: at 100,000 briefs an actor id such as `wagner`
# would otherwise be stored tens of thousands of times in each table and index that holds it. Views under the
# tables' former names join the dictionaries back, for the queries that read text; the hot ones (the summary,
# timelines, filters) use the keys. A refresh leaves keys that no row uses any more (readers of a dictionary
# check that a row uses the key); a rebuild drops them.
TABLES = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE briefs(
  rowid INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  hash BLOB NOT NULL,  -- BLAKE2b, 16 bytes, of the file's content
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
-- the dictionaries
CREATE TABLE actor_keys(key INTEGER PRIMARY KEY, actor_id TEXT NOT NULL UNIQUE);
CREATE TABLE issue_keys(key INTEGER PRIMARY KEY, issue_id TEXT NOT NULL UNIQUE);
CREATE TABLE value_keys(key INTEGER PRIMARY KEY, field TEXT NOT NULL, value TEXT NOT NULL, fold TEXT NOT NULL,
  UNIQUE (field, value));
-- an issue's statement (briefs word a recurring issue in a few ways)
CREATE TABLE statement_keys(key INTEGER PRIMARY KEY, statement TEXT NOT NULL UNIQUE);
-- an actor as briefs describe it (name, kind, country and aliases; '' for none): a few thousand forms for
-- hundreds of thousands of actor rows
CREATE TABLE actor_forms(key INTEGER PRIMARY KEY, actor INTEGER NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
  country TEXT NOT NULL, aliases TEXT NOT NULL, UNIQUE (actor, name, kind, country, aliases));
-- every name an actor form goes by (its id, name and aliases), folded: what --actor looks up
CREATE TABLE form_names(fold TEXT NOT NULL, form INTEGER NOT NULL, PRIMARY KEY (fold, form)) WITHOUT ROWID;
-- every name and alias each actor id goes by, once: search expands an alias to the other names from here
CREATE TABLE actor_labels(actor_id TEXT NOT NULL, label TEXT NOT NULL, fold TEXT NOT NULL,
  PRIMARY KEY (actor_id, fold)) WITHOUT ROWID;
-- each brief's rows, by key, in its order (seq: the place among the brief's list values, actors, issues)
CREATE TABLE value_rows(brief INTEGER NOT NULL, seq INTEGER NOT NULL, value INTEGER NOT NULL,
  PRIMARY KEY (brief, seq)) WITHOUT ROWID;
CREATE TABLE actor_rows(brief INTEGER NOT NULL, seq INTEGER NOT NULL, actor INTEGER NOT NULL, form INTEGER NOT NULL,
  PRIMARY KEY (brief, seq)) WITHOUT ROWID;
CREATE TABLE issue_rows(brief INTEGER NOT NULL, seq INTEGER NOT NULL, issue INTEGER NOT NULL, statement INTEGER,
  PRIMARY KEY (brief, seq)) WITHOUT ROWID;
-- `date` repeats the brief's date so that stances can be followed in time order from an index alone; a brief's
-- positions have consecutive rowids, in its order (their rationale and cited sources: in the stored copy)
CREATE TABLE position_rows(
  brief INTEGER NOT NULL, actor INTEGER NOT NULL, issue INTEGER NOT NULL, stance TEXT, basis TEXT,
  confidence TEXT, salience REAL, power REAL, as_of TEXT, change TEXT, date TEXT
);
-- each brief's sources with an id, by their place in it, and their grades (their titles, publishers, urls and
-- dates: in the stored copy)
CREATE TABLE sources(brief INTEGER NOT NULL, seq INTEGER NOT NULL, source_id TEXT NOT NULL, reliability TEXT,
  credibility INTEGER, PRIMARY KEY (brief, seq)) WITHOUT ROWID;
-- the rows with their text, under the names queries read
CREATE VIEW brief_values(brief, seq, field, value, fold) AS
  SELECT r.brief, r.seq, k.field, k.value, k.fold FROM value_rows r JOIN value_keys k ON k.key = r.value;
CREATE VIEW actors(brief, seq, actor_id, name, kind, country, aliases) AS
  SELECT r.brief, r.seq, k.actor_id, f.name, nullif(f.kind, ''), nullif(f.country, ''), f.aliases
  FROM actor_rows r JOIN actor_forms f ON f.key = r.form JOIN actor_keys k ON k.key = r.actor;
-- each brief's actors under every name they go by there (id, name, aliases), folded
CREATE VIEW actor_names(fold, actor_id, brief) AS
  SELECT n.fold, k.actor_id, r.brief FROM form_names n JOIN actor_rows r ON r.form = n.form
  JOIN actor_keys k ON k.key = r.actor;
CREATE VIEW issues(brief, seq, issue_id, statement) AS
  SELECT r.brief, r.seq, k.issue_id, s.statement FROM issue_rows r JOIN issue_keys k ON k.key = r.issue
  LEFT JOIN statement_keys s ON s.key = r.statement;
CREATE VIEW positions(rowid, brief, actor_id, issue_id, stance, basis, confidence, salience, power, as_of,
  change, date) AS
  SELECT p.rowid, p.brief, a.actor_id, i.issue_id, p.stance, p.basis, p.confidence, p.salience, p.power, p.as_of,
  p.change, p.date
  FROM position_rows p JOIN actor_keys a ON a.key = p.actor JOIN issue_keys i ON i.key = p.issue;
-- the full-text table's external content: its columns derived from the stored copy (no second copy of the text)
CREATE VIEW brief_text(rowid, {", ".join(FTS_COLUMNS)}) AS SELECT rowid, {_DERIVED} FROM brief_data;
CREATE VIRTUAL TABLE fts USING fts5({", ".join(FTS_COLUMNS)}, content='brief_text', content_rowid='rowid',
  tokenize='{TOKENIZER}');
-- collection/heads.py: for each common word searched, the first briefs of each score class (briefs whose
-- weighted count of the word is `weight`), by length in tokens, and whether the class holds more
CREATE TABLE rank_words(word TEXT PRIMARY KEY, weights TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE rank_classes(word TEXT NOT NULL, weight INTEGER NOT NULL, complete INTEGER NOT NULL,
  PRIMARY KEY (word, weight)) WITHOUT ROWID;
CREATE TABLE rank_heads(word TEXT NOT NULL, weight INTEGER NOT NULL, length INTEGER NOT NULL, brief INTEGER NOT NULL,
  PRIMARY KEY (word, weight, length, brief)) WITHOUT ROWID;
CREATE INDEX rank_heads_brief ON rank_heads(brief);
"""
# the dictionaries, in the order a build merges them (a form names an actor key)
DICTIONARIES = ("actor_keys", "issue_keys", "value_keys", "statement_keys", "actor_forms")
# Secondary indexes are built once, after a full build has merged its shards (a bulk build is faster than
# keeping them up to date row by row). Several cover the summary's GROUP BY queries entirely.
INDEXES = """
CREATE INDEX briefs_id ON briefs(id);
CREATE INDEX briefs_date ON briefs(date);
CREATE INDEX value_keys_fold ON value_keys(field, fold);
CREATE INDEX value_rows_value ON value_rows(value, brief);
CREATE INDEX actor_forms_actor ON actor_forms(actor);
CREATE INDEX actor_forms_kind ON actor_forms(kind);
CREATE INDEX actor_rows_actor ON actor_rows(actor);
CREATE INDEX actor_rows_form ON actor_rows(form);
CREATE INDEX actor_labels_fold ON actor_labels(fold);
CREATE INDEX issue_rows_issue ON issue_rows(issue);
CREATE INDEX positions_brief ON position_rows(brief);
CREATE INDEX positions_timeline ON position_rows(issue, actor, date, brief, stance, basis, confidence, change);
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
-- every stance change: the position `position` differs in stance from `previous`, the same actor's position on
-- the same issue in the brief before (by date, then the brief's path), with its date ('' for none); the brief,
-- actor and issue are the position's
CREATE TABLE agg_changes(position INTEGER PRIMARY KEY, previous INTEGER NOT NULL, date TEXT NOT NULL);
"""
AGGREGATE_INDEXES = """
CREATE INDEX agg_latest_issue ON agg_latest(issue_id, stance);
CREATE INDEX agg_changes_date ON agg_changes(date);
"""
CHILD_TABLES = (
    "brief_data",
    "brief_ids",
    "value_rows",
    "actor_rows",
    "issue_rows",
    "position_rows",
    "sources",
)
