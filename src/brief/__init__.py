"""brief: validate, index, search and compare structured geopolitical and security briefs."""

__version__ = "0.1.0"
