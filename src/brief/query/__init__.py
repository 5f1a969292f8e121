"""Questions to the index: filters, the search language, ranking, search, the overview, positions."""
