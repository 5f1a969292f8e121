"""A real PostgreSQL server for the tests of `brief sync` and `--db` (never a mock).

BRIEF_TEST_DATABASE_URL names a server whose user may create databases (`.ci/run` starts a throwaway cluster with
`.ci/postgres.sh` and sets it). Without it, a cluster is started here with the same script, once per test session,
and stopped at the end; where that cannot be done (no PostgreSQL installed), the tests are skipped with that
reason, except in CI (CI=true), where they fail instead: CI must run them. Each test gets a database of its own.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import uuid
from collections.abc import Iterator

import pytest

from conftest import ROOT

SCRIPT = ROOT / ".ci" / "postgres.sh"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL tests cannot run in CI: {reason}")
    pytest.skip(f"no PostgreSQL server: {reason} (set BRIEF_TEST_DATABASE_URL, or install postgresql)")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The connection string of a server (its maintenance database) on which test databases are created."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed (pip install -e '.[test]')")
    given = os.environ.get("BRIEF_TEST_DATABASE_URL")
    if given:
        yield given
        return
    started = subprocess.run(
        ["bash", str(SCRIPT), "start"], capture_output=True, text=True, check=False,
        env={**os.environ, "PG_SETTINGS": "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"},
    )  # fmt: skip
    if started.returncode != 0:
        _unavailable(f".ci/postgres.sh start failed: {started.stderr.strip().splitlines()[-1:]}")
    settings = dict(line.split("=", 1) for line in started.stdout.split())
    try:
        yield settings["BRIEF_TEST_DATABASE_URL"]
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", settings["BRIEF_PG_DIR"]], check=False)


@contextlib.contextmanager
def new_database(server: str) -> Iterator[str]:
    """A new, empty database on the server, dropped afterwards: its connection string."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    name = f"brief_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_conninfo(server, dbname=name)
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def pg_dsn(pg_server: str) -> Iterator[str]:
    """A database of the test's own on the test server."""
    with new_database(pg_server) as dsn:
        yield dsn
