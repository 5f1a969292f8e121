"""The small base every part may use: domain errors, text helpers, vocabularies, field readers, the pool."""
