"""Reaching PostgreSQL: the driver (psycopg 3, an optional extra), which database (the DSN given, else
BRIEF_DATABASE_URL, else the collection's `database`), the connection, and database errors as one line each.

psycopg is imported here only, inside functions: `brief --help` and everything that does not use a database never
pay for it (tests/test_imports.py)."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from brief.base.errors import BriefError

if TYPE_CHECKING:
    import psycopg

ENVIRONMENT = "BRIEF_DATABASE_URL"
INSTALL = "pip install 'brief[postgres]'"


class DatabaseError(BriefError):
    """A database that cannot be reached, or refuses what brief asks: one line (exit code 2 in the CLI)."""


def driver() -> None:
    """Import psycopg, or say in one line what to install."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise DatabaseError(f"PostgreSQL support is not installed: {INSTALL} (psycopg 3)") from None


def resolve(given: str | None, configured: str | None = None) -> str:
    """The connection string: the one given, else $BRIEF_DATABASE_URL, else the collection's `database`."""
    for candidate in (given, os.environ.get(ENVIRONMENT), configured):
        if candidate is not None and candidate.strip():
            return candidate.strip()
    raise DatabaseError(
        f"no database: give a connection string (postgresql://…), set {ENVIRONMENT}, or set `database` in brief.toml"
    )


_PASSWORD_URL = re.compile(r"(://[^:/@]*:)[^@]*@")
_PASSWORD_KEY = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def redact(dsn: str) -> str:
    """The connection string with any password hidden, for messages."""
    return _PASSWORD_KEY.sub(r"\1***", _PASSWORD_URL.sub(r"\1***@", dsn))


def connect(dsn: str) -> psycopg.Connection[tuple[object, ...]]:
    """A connection in autocommit mode (brief opens its transactions explicitly)."""
    driver()
    import psycopg

    try:
        return psycopg.connect(dsn, autocommit=True, connect_timeout=30, application_name="brief")
    except psycopg.ProgrammingError as exc:  # a malformed connection string
        raise DatabaseError(f"invalid connection string {redact(dsn)!r}: {_line(exc)}") from None
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot connect to {redact(dsn)}: {_line(exc)}") from None


@contextlib.contextmanager
def database_errors(doing: str) -> Iterator[None]:
    """psycopg's errors (a lost connection, a refused statement) as a DatabaseError of one line."""
    import psycopg

    try:
        yield
    except psycopg.Error as exc:
        raise DatabaseError(f"{doing}: {_line(exc)}") from None


def _line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
