"""The domain errors brief's core raises; the CLI maps them to one line and exit code 2."""

from __future__ import annotations


class BriefError(Exception):
    """Base class of the domain errors brief's core raises."""


class ConfigError(BriefError):
    """A usage or configuration problem (bad schema file, bad config): exit code 2 in the CLI."""
