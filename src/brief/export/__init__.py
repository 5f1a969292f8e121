"""`brief export`: writing selected briefs out of the collection as documents for other tools.

    briefs.py     the selected briefs read from their files, normalised, marked, with what was left out and why
    documents.py  JSON, newline-delimited JSON, and OpenSearch `_bulk` bodies
    tables.py     CSV: one row per brief, or per position, actor, relation, judgment or source
    stix.py       one STIX 2.1 bundle, with deterministic ids and TLP 2.0 markings
    output.py     standard output, or a file written atomically

Every writer takes an iterable of normalised briefs and writes as it goes: one brief is in memory at a time.
Selecting and withholding happen below (brief.query.selection), so that every command that writes briefs out
applies the same rule.
"""
