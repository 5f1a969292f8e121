"""Faults around the collection and its index: each ends with no data lost, no hang, one clear line, and a right
answer (from a rebuilt or temporary index where need be). Concurrency, kills mid-build and a damaged index are in
test_index.py; these are the rest."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from brief.collection.config import collection
from brief.collection.freshness import scan
from brief.collection.index import Index, open_index
from conftest import run_process

NEW = """schema_version: "1.0"
id: {id}
title: Freshly written about Tiani
date: 2024-01-02
language: en
"""

ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def open_tmp(collection_copy: Path) -> Iterator[Path]:
    """A folder another user may enter (pytest's own are private to us), holding a copy of the collection."""
    folder = Path(tempfile.mkdtemp(prefix="brief-faults-"))
    folder.chmod(0o755)
    shutil.copytree(collection_copy, folder / "briefs")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_briefs(folder: Path, count: int) -> None:
    for n in range(count):
        (folder / f"gen-{n}.yaml").write_text(NEW.format(id=f"gen-{n}"), encoding="utf-8")


def one_line(stderr: bytes) -> str:
    text = stderr.decode()
    assert "Traceback" not in text, text
    assert text.count("\n") <= 1, text
    return text


def test_killed_update_leaves_the_index_right(collection_copy: Path, private_cache: Path) -> None:
    """An incremental update killed at any point: the next command sees every change, and nothing else."""
    write_briefs(collection_copy, 150)
    assert run_process("list", str(collection_copy), "--count").stdout == b"155\n"
    exe = Path(sys.executable).with_name("brief")
    env = {**os.environ, "BRIEF_CACHE_DIR": str(private_cache)}
    for round_, delay in enumerate((0.05, 0.2, 0.4)):
        for n in range(0, 150, 3):  # a third of the briefs rewritten: an update, not a build
            path = collection_copy / f"gen-{n}.yaml"
            path.write_text(NEW.format(id=f"gen-{n}").replace("Tiani", f"Tiani round{round_}"), encoding="utf-8")
        process = subprocess.Popen([str(exe), "list", str(collection_copy), "--count"], env=env,
                                   stdout=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        found = run_process("search", f"round{round_}", str(collection_copy), "--format", "ids", "--limit", "0")
        assert len(found.stdout.split()) == 50, found
        assert run_process("list", str(collection_copy), "--count").stdout == b"155\n"


def test_truncated_index_is_rebuilt(collection_copy: Path) -> None:
    assert run_process("list", str(collection_copy), "--count").returncode == 0
    path = Path(Index(collection([str(collection_copy)])).path)
    with open(path, "r+b") as handle:
        handle.truncate(os.path.getsize(path) // 3)
    result = run_process("list", str(collection_copy), "--count")
    assert (result.returncode, result.stdout) == (0, b"5\n"), result
    assert "rebuilding" in one_line(result.stderr)


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_read_only_cache_folder_still_answers(open_tmp: Path) -> None:
    """A cache folder brief cannot write: one notice, and the answer from a temporary index."""
    collection_copy = open_tmp / "briefs"
    cache = open_tmp / "cache"
    cache.mkdir()
    cache.chmod(0o555)
    result = _as_someone_else(["list", str(collection_copy), "--format", "ids", "--sort", "id"], cache)
    assert result.returncode == 0, result
    assert len(result.stdout.split()) == 5
    notice = one_line(result.stderr)
    assert notice.startswith(f"brief: notice: cannot write the index in {cache}") and "temporary index" in notice
    assert list(cache.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_read_only_index_with_changes_still_answers(open_tmp: Path) -> None:
    """An index brief may read but not update (another user's): the changes are answered from a temporary one."""
    collection_copy = open_tmp / "briefs"
    cache = open_tmp / "cache"
    cache.mkdir()
    assert _as_someone_else(["list", str(collection_copy), "--count"], cache, as_root=True).stdout == b"5\n"
    write_briefs(collection_copy, 2)
    result = _as_someone_else(["list", str(collection_copy), "--count"], cache)
    assert (result.returncode, result.stdout) == (0, b"7\n"), result
    assert "temporary index" in one_line(result.stderr)


def test_full_cache_folder_still_answers(collection_copy: Path, tmp_path: Path) -> None:
    """No room for the index in the cache folder (a 64 KiB file system): one notice and the right answer."""
    write_briefs(collection_copy, 100)
    cache = tmp_path / "full"
    cache.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(cache)], capture_output=True)
    if mounted.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"CI runs as root and mounts a small file system: {mounted.stderr.decode().strip()}")
        pytest.skip("mounting a small file system needs root (CI runs it)")
    try:
        env = {"BRIEF_CACHE_DIR": str(cache)}
        result = run_process("list", str(collection_copy), "--count", env=env)
        assert (result.returncode, result.stdout) == (0, b"105\n"), result
        notice = one_line(result.stderr)
        assert notice.startswith(f"brief: notice: cannot write the index in {cache}") and "temporary" in notice
        assert not list(cache.glob("index-*"))  # nothing half-written left behind
    finally:
        subprocess.run(["umount", str(cache)], check=False)


def test_brief_deleted_between_listing_and_reading(collection_copy: Path) -> None:
    write_briefs(collection_copy, 3)
    found = scan([str(collection_copy)], [])
    (collection_copy / "gen-1.yaml").unlink()
    index = open_index(collection([str(collection_copy)]), refresh=False)
    index._refresh_with(found)  # the listing still holds gen-1.yaml
    ids = {row[0] for row in index.connection().execute("SELECT id FROM briefs")}
    assert "gen-0" in ids and "gen-2" in ids
    result = run_process("list", str(collection_copy), "--format", "ids")
    assert result.returncode == 0 and b"gen-1" not in result.stdout and b"gen-2" in result.stdout
    assert b"Traceback" not in result.stderr


def test_brief_rewritten_between_listing_and_reading(collection_copy: Path) -> None:
    write_briefs(collection_copy, 3)
    run_process("list", str(collection_copy), "--count")
    path = collection_copy / "gen-1.yaml"
    path.write_text(NEW.format(id="gen-1").replace("Tiani", "Tchiani"), encoding="utf-8")
    found = scan([str(collection_copy)], [])
    time.sleep(0.01)
    path.write_text(NEW.format(id="gen-1").replace("Tiani", "Zyxquor") + "\n", encoding="utf-8")
    index = open_index(collection([str(collection_copy)]), refresh=False)
    index._refresh_with(found)
    # the next command sees the file as it is now, whatever the interrupted refresh recorded
    result = run_process("search", "zyxquor", str(collection_copy), "--format", "ids")
    assert result.stdout.split() == [b"gen-1"], result


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_unreadable_brief_is_reported_and_the_others_answered(open_tmp: Path) -> None:
    collection_copy = open_tmp / "briefs"
    write_briefs(collection_copy, 2)
    secret = collection_copy / "gen-0.yaml"
    secret.chmod(0o000)
    cache = open_tmp / "cache"
    cache.mkdir(mode=0o777)
    cache.chmod(0o777)
    listing = _as_someone_else(["list", str(collection_copy), "--format", "ids", "--sort", "id"], cache)
    assert listing.returncode == 0, listing
    assert b"gen-1" in listing.stdout
    checked = _as_someone_else(["validate", str(collection_copy)], cache)
    assert checked.returncode == 1
    assert b"gen-0.yaml" in checked.stdout + checked.stderr
    assert b"Traceback" not in checked.stderr


def test_symlink_loops_and_fifos_are_skipped(collection_copy: Path) -> None:
    (collection_copy / "loop").symlink_to(collection_copy, target_is_directory=True)
    (collection_copy / "self.yaml").symlink_to(collection_copy / "self.yaml")
    (collection_copy / "dangling.yaml").symlink_to(collection_copy / "nowhere.yaml")
    os.mkfifo(collection_copy / "pipe.yaml")  # reading it would block for ever
    for args in (["list", "--count"], ["validate"], ["search", "wagner", "--format", "ids"], ["summary"]):
        where = 2 if args[0] == "search" else 1  # search's first argument is the query
        result = run_process(*args[:where], str(collection_copy), *args[where:], timeout=60)
        assert result.returncode in (0, 1), result
        assert b"Traceback" not in result.stderr
    assert run_process("list", str(collection_copy), "--count").stdout == b"5\n"


def test_collection_folder_disappearing_mid_run(collection_copy: Path) -> None:
    write_briefs(collection_copy, 3)
    found = scan([str(collection_copy)], [])
    shutil.rmtree(collection_copy)
    index = open_index(collection([str(collection_copy.parent)]), refresh=False)
    index._refresh_with(found)  # files listed, then gone: skipped, no exception
    result = run_process("list", str(collection_copy), "--count")
    assert result.returncode == 2  # a usage error: the folder named does not exist
    assert b"does not exist" in result.stderr and b"Traceback" not in result.stderr


def _as_someone_else(args: list[str], cache: Path, as_root: bool = False) -> subprocess.CompletedProcess[bytes]:
    """Run brief as an unprivileged user (root reads every file whatever its mode), else as ourselves."""
    exe = Path(sys.executable).with_name("brief")
    env = {**os.environ, "BRIEF_CACHE_DIR": str(cache), "NO_COLOR": "1", "HOME": str(cache.parent)}
    prefix: list[str] = []
    if ROOT_USER and not as_root:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.fail("running as root needs setpriv (util-linux) to test permissions as another user")
        prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    return subprocess.run([*prefix, str(exe), *args], env=env, capture_output=True, timeout=120, check=False)
