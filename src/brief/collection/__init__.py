"""A collection of briefs: its configuration, the walk and freshness check, the SQLite index, validation."""
