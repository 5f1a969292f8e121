"""BLAKE2b for fingerprints and digests.

hashlib.blake2b is the `_blake2` module's; importing hashlib first loads OpenSSL, a few milliseconds that
every short command would pay for nothing."""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # another Python implementation
    from hashlib import blake2b

__all__ = ["blake2b"]
