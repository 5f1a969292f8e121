"""Every view of every command: text, Markdown, JSON, YAML, CSV and tables; validate's reporters."""
