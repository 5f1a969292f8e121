"""The freshness check's listing: the C scanner and its Python twin agree byte for byte, and the digest moves
whenever a brief file is added, removed, renamed, resized or touched."""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path

import pytest

from brief.collection import freshness as scanning
from brief.collection.freshness import _SUFFIXES, StatFolder, _stat_folder_python, native_stat_folder, scan
from brief.format import loading

NATIVE = native_stat_folder()
needs_native = pytest.mark.skipif(NATIVE is None, reason="brief.collection._scan is not built here")


def _tree(root: Path) -> Path:
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".hidden").mkdir()
    for name in ("a.yaml", "b.yml", "c.json", "d.md", "E.YAML", "f.Md", "notes.txt", ".secret.yaml", "yaml"):
        (root / name).write_text(f"title: {name}\n")
    (root / "sub" / "g.yaml").write_text("x: 1\n")
    (root / "sub" / "deeper" / "h.json").write_text("{}")
    (root / ".hidden" / "i.yaml").write_text("x: 1\n")
    (root / "new\nline.yaml").write_text("x: 1\n")
    (root / "folder.yaml").mkdir()  # a folder named like a brief is walked, not read
    if sys.platform != "win32":
        os.symlink(root / "a.yaml", root / "link.yaml")
        os.symlink(root / "missing.yaml", root / "broken.yaml")
        os.symlink(root / "sub", root / "linked-folder")
        os.mkfifo(root / "pipe.yaml")  # never a brief: reading it would block
        (root / os.fsdecode(b"caf\xe9.yaml")).write_text("x: 1\n")  # not UTF-8
    return root


def test_extensions_are_the_loaders() -> None:
    assert scanning.EXTENSIONS is loading.EXTENSIONS  # one declaration, in format/source.py


def test_python_listing(tmp_path: Path) -> None:
    folders, records, newest, count, digest = _stat_folder_python(str(_tree(tmp_path)), _SUFFIXES)
    names = os.fsdecode(records).split("\0")[:-1:3]
    expected = ["a.yaml", "b.yml", "c.json", "d.md", "E.YAML", "f.Md", "new\nline.yaml"]
    if sys.platform != "win32":
        expected += ["link.yaml", os.fsdecode(b"caf\xe9.yaml")]
    assert sorted(names) == sorted(expected) and count == len(expected) and len(digest) == 16
    assert sorted(os.fsdecode(f) for f in folders) == ["folder.yaml", "sub"]  # not the link to a folder
    assert newest == max(os.stat(tmp_path / n).st_mtime_ns for n in expected)
    size, mtime = os.fsdecode(records).split("\0")[1:3]
    first = os.fsdecode(records).split("\0")[0]
    assert (int(size), int(mtime)) == (os.stat(tmp_path / first).st_size, os.stat(tmp_path / first).st_mtime_ns)


@needs_native
def test_native_equals_python(tmp_path: Path) -> None:
    root = str(_tree(tmp_path))
    assert NATIVE is not None
    native = NATIVE(root, _SUFFIXES)
    assert native[:4] == _stat_folder_python(root, _SUFFIXES)[:4]  # digests differ by design
    assert len(native[4]) == 16 and native == NATIVE(root, _SUFFIXES)


@needs_native
def test_native_equals_python_on_a_large_folder(tmp_path: Path) -> None:
    """Enough files for the C scanner's buffers to grow many times over."""
    for i in range(5000):
        (tmp_path / f"brief-{i:05}.{('yaml', 'json', 'md', 'txt')[i % 4]}").write_text("x" * (i % 97))
    (tmp_path / "sub").mkdir()
    assert NATIVE is not None
    native = NATIVE(str(tmp_path), _SUFFIXES)
    assert native[:4] == _stat_folder_python(str(tmp_path), _SUFFIXES)[:4]
    assert native[3] == 3750 and native[0] == [b"sub"] and native == NATIVE(str(tmp_path), _SUFFIXES)


@needs_native
def test_native_on_an_empty_folder(tmp_path: Path) -> None:
    assert NATIVE is not None
    assert NATIVE(str(tmp_path), _SUFFIXES)[:4] == ([], b"", 0, 0) == _stat_folder_python(str(tmp_path), _SUFFIXES)[:4]


@needs_native
def test_native_errors(tmp_path: Path) -> None:
    assert NATIVE is not None
    with pytest.raises(FileNotFoundError):
        NATIVE(str(tmp_path / "nowhere"), _SUFFIXES)
    with pytest.raises(NotADirectoryError):
        NATIVE(str(_tree(tmp_path) / "a.yaml"), _SUFFIXES)
    with pytest.raises(TypeError):
        NATIVE(str(tmp_path), (".yaml",))
    with pytest.raises(TypeError):
        NATIVE(str(tmp_path), tuple(b".%d" % i for i in range(17)))  # more suffixes than it holds


def compiler_found() -> bool:
    """Whether setup.py can build the C module here: a POSIX system, and the compiler setuptools runs (CC, else
    the one Python was built with) on the PATH."""
    compiler = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()
    return sys.platform in ("linux", "darwin") and shutil.which(compiler[0]) is not None


def test_native_is_built_where_it_can_be() -> None:
    """CI installs with a C compiler: there, the fast path must really be in use."""
    if os.environ.get("BRIEF_NO_EXTENSION") or not compiler_found():
        pytest.skip("no C compiler here, or the extension is switched off")
    assert NATIVE is not None


@pytest.fixture(params=["python", "native"])
def stat_folder(request: pytest.FixtureRequest) -> StatFolder:
    """Each implementation in turn."""
    if request.param == "native" and NATIVE is None:
        pytest.skip("brief.collection._scan is not built here")
    return NATIVE if request.param == "native" and NATIVE is not None else _stat_folder_python


def test_scan_of_a_tree(tmp_path: Path, stat_folder: StatFolder) -> None:
    root = _tree(tmp_path)
    found = scan([str(root), str(root / "notes.txt")], stat_folder=stat_folder)
    relative = {os.path.relpath(p, root) for p in found.files}
    assert {"a.yaml", "sub/g.yaml", "sub/deeper/h.json", "notes.txt"} <= relative  # named files: any extension
    assert not any(".hidden" in p or ".secret" in p or p.endswith("yaml/x") for p in relative)
    assert found.count == len(found.files)
    assert not any(p.startswith("linked-folder") for p in relative)  # links to folders are not followed
    # the same files from either implementation (whose digests differ: each has its own)
    python = scan([str(root), str(root / "notes.txt")], stat_folder=_stat_folder_python)
    assert python.files == found.files and python.count == found.count
    assert scan([str(root), str(root / "notes.txt")], stat_folder=stat_folder).digest == found.digest


def test_digest_moves_with_every_change(tmp_path: Path, stat_folder: StatFolder) -> None:
    root = _tree(tmp_path)
    digests = [scan([str(root)], stat_folder=stat_folder).digest]

    def changed() -> None:
        digests.append(scan([str(root)], stat_folder=stat_folder).digest)
        assert digests[-1] != digests[-2]

    (root / "a.yaml").write_text("title: longer than before\n")
    changed()
    os.utime(root / "b.yml", ns=(1, 1_000_000_000))
    changed()
    (root / "new.yaml").write_text("x: 1\n")
    changed()
    (root / "new.yaml").rename(root / "sub" / "new.yaml")
    changed()
    (root / "sub" / "new.yaml").unlink()
    changed()
    os.utime(root / "sub" / "g.yaml", ns=(5, 5_000_000_000))
    changed()  # in a sub-folder
    (root / "notes.txt").write_text("not a brief")  # no brief changed: same digest
    assert scan([str(root)], stat_folder=stat_folder).digest == digests[-1]


def test_exclude_patterns(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    found = scan([str(root)], exclude=["*.json", "deeper"])
    relative = {os.path.relpath(p, root) for p in found.files}
    assert "c.json" not in relative and "sub/deeper/h.json" not in relative
    assert "a.yaml" in relative and "sub/g.yaml" in relative
    assert found.count == len(relative)


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
def test_links_to_folders_are_not_followed(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "a.yaml").write_text("x: 1\n")
    os.symlink(tmp_path, tmp_path / "x" / "up")
    found = scan([str(tmp_path)])
    assert [os.path.relpath(p, tmp_path) for p in found.files] == ["x/a.yaml"]


def test_both_scanners_serve_the_commands(tmp_path: Path) -> None:
    """End to end: the index kept by one scanner is used, and kept fresh, by the other."""
    from conftest import COLLECTION, run_process

    folder = tmp_path / "briefs"
    shutil.copytree(COLLECTION, folder)
    native = run_process("list", str(folder), "--format", "ids")
    python = run_process("list", str(folder), "--format", "ids", env={"BRIEF_NO_EXTENSION": "1"})
    assert native.returncode == python.returncode == 0 and native.stdout == python.stdout
    (folder / "mali-2021.yaml").unlink()
    python = run_process("list", str(folder), "--format", "ids", env={"BRIEF_NO_EXTENSION": "1"})
    assert b"mali-wagner-2021" in native.stdout and b"mali-wagner-2021" not in python.stdout
    assert run_process("list", str(folder), "--format", "ids").stdout == python.stdout
