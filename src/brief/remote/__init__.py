"""PostgreSQL: `brief sync` mirrors a collection into a shared database (remote/sync.py), in the schema
remote/schema.py creates and migrates; `list --db` and `search --db` read it through query/postgres.py."""
