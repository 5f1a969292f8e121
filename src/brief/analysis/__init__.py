"""Analysis over briefs in memory: comparing actors' positions, in one brief or over time."""
