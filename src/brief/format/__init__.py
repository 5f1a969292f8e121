"""The brief format: reading files, the schema, the format's own rules, locating problems, the checker."""
