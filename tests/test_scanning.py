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
    folders, records, newest, count, digest, kept = _stat_folder_python(str(_tree(tmp_path)), _SUFFIXES)
    assert kept is None  # the Python listing keeps none for the cache
    names = os.fsdecode(bytes(records)).split("\0")[:-1:3]
    expected = ["a.yaml", "b.yml", "c.json", "d.md", "E.YAML", "f.Md", "new\nline.yaml"]
    if sys.platform != "win32":
        expected += ["link.yaml", os.fsdecode(b"caf\xe9.yaml")]
    assert sorted(names) == sorted(expected) and count == len(expected) and len(digest) == 16
    assert sorted(os.fsdecode(f) for f in folders) == ["folder.yaml", "sub"]  # not the link to a folder
    assert newest == max(os.stat(tmp_path / n).st_mtime_ns for n in expected)
    size, mtime = os.fsdecode(bytes(records)).split("\0")[1:3]
    first = os.fsdecode(bytes(records)).split("\0")[0]
    assert (int(size), int(mtime)) == (os.stat(tmp_path / first).st_size, os.stat(tmp_path / first).st_mtime_ns)


@needs_native
def test_native_equals_python(tmp_path: Path) -> None:
    root = str(_tree(tmp_path))
    assert NATIVE is not None
    native = NATIVE(root, _SUFFIXES)
    assert native[:4] == _stat_folder_python(root, _SUFFIXES)[:4]  # digests differ by design
    assert len(native[4]) == 16 and native == NATIVE(root, _SUFFIXES)


@needs_native
def test_native_records_are_formatted_when_asked(tmp_path: Path) -> None:
    """The C module keeps a folder's entries and formats its records only on bytes(): the same bytes as the
    Python scanner's, equal to them, however often asked and after the walker that listed them is closed."""
    from brief.collection._scan import Walker  # type: ignore[import-not-found]

    root = str(_tree(tmp_path))
    python = _stat_folder_python(root, _SUFFIXES)[1]
    assert NATIVE is not None
    records = NATIVE(root, _SUFFIXES)[1]
    assert not isinstance(records, bytes) and bytes(records) == python == bytes(records)
    assert records == python and python == records and records == NATIVE(root, _SUFFIXES)[1]
    assert records != python + b"x" and records != b"" and (records == "text") is False
    with pytest.raises(TypeError):
        hash(records)
    walker = Walker(_SUFFIXES)
    taken = walker.take(walker.submit([root]))[1]
    walker.close()
    assert bytes(taken) == python
    sub, st = str(tmp_path / "sub"), os.stat(tmp_path / "sub" / "g.yaml")
    expected = f"g.yaml\0{st.st_size}\0{st.st_mtime_ns}\0".encode()
    assert bytes(NATIVE(sub, _SUFFIXES)[1]) == bytes(_stat_folder_python(sub, _SUFFIXES)[1]) == expected


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


def _native_digest(records: bytes) -> bytes:
    """_scan.c's digest of a folder's records, written again here: the threaded scanner must keep the very
    digest of the one-thread scanner before it, or every existing index would read as stale once."""
    mask = (1 << 64) - 1

    def mix64(h: int) -> int:
        h ^= h >> 33
        h = (h * 0xFF51AFD7ED558CCD) & mask
        h ^= h >> 33
        h = (h * 0xC4CEB9FE1A85EC53) & mask
        return h ^ (h >> 33)

    lanes = [0x243F6A8885A308D3, 0x13198A2E03707344]
    fields = records.split(b"\0")
    for files, i in enumerate(range(0, len(fields) - 1, 3)):
        name, size, mtime = fields[i], int(fields[i + 1]), int(fields[i + 2])
        h = 0x9E3779B97F4A7C15 ^ len(name)
        for at in range(0, len(name), 8):
            h = ((h ^ int.from_bytes(name[at : at + 8], "little")) * 0xBF58476D1CE4E5B9) & mask
            h ^= h >> 31
        h = mix64(mix64(h ^ size) ^ mtime)
        lanes[0] = mix64(lanes[0] ^ h)
        lanes[1] = mix64((lanes[1] + h * 0x9E3779B97F4A7C15 + files) & mask)
    return b"".join(lane.to_bytes(8, "little") for lane in lanes)


def _big_folder(root: Path, n: int, name_length: int = 0) -> Path:
    """n entries, most of them briefs, with the things a listing must pass over or follow among them; names
    padded to `name_length` fill the scanner's chunks by their bytes rather than by their number."""
    root.mkdir(exist_ok=True)
    for i in range(n):
        name = f"brief-{i:05}".ljust(name_length, "x")
        (root / f"{name}.{('yaml', 'json', 'md', 'txt', 'YML')[i % 5]}").write_text("x" * (i % 97))
    for i in range(0, n, 500):
        (root / f"folder-{i}").mkdir()
        (root / f".hidden-{i}.yaml").write_text("x")
        if sys.platform != "win32":
            os.symlink(root / f"brief-{i:05}".ljust(name_length, "x") / "..", root / f"broken-{i}.yaml")
            os.symlink(f"brief-{i + 1:05}".ljust(name_length, "x") + ".json", root / f"link-{i}.md")
    return root


@needs_native
@pytest.mark.parametrize(("n", "name_length"), [(1400, 0), (6000, 0), (3000, 200)])
def test_native_equals_python_where_threads_stat(tmp_path: Path, n: int, name_length: int) -> None:
    """Folders past the 1,024 briefs from which helper threads stat what the lister lists (with names long
    enough, in the last case, to end every chunk early): the same records in the same order, and the digest the
    one-thread scanner gave."""
    folder = str(_big_folder(tmp_path / "big", n, name_length))
    assert NATIVE is not None
    descriptors = _open_descriptors()
    native = NATIVE(folder, _SUFFIXES)
    python = _stat_folder_python(folder, _SUFFIXES)
    assert native[:4] == python[:4] and native[3] == n - n // 5 + len(range(0, n, 500))
    assert native[4] == _native_digest(bytes(native[1])) and native == NATIVE(folder, _SUFFIXES)
    assert _open_descriptors() == descriptors  # the helpers' own descriptors of the folder are closed


def _open_descriptors() -> int | None:
    """How many file descriptors this process has open, where the system says (Linux)."""
    return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None


@needs_native
def test_native_while_files_vanish(tmp_path: Path) -> None:
    """Files deleted while a large folder is being listed and stat-ed are either listed or not, never garbled:
    every record is a file that was there, with its size, and every file left alone is listed."""
    import threading

    folder = _big_folder(tmp_path / "big", 8000)
    before = {os.fsencode(p.name): p.stat().st_size for p in folder.iterdir() if p.is_file()}
    doomed = [p for p in sorted(folder.glob("brief-*")) if p.suffix in (".yaml", ".json") and int(p.stem[6:]) % 2]
    started = threading.Event()

    def delete() -> None:
        started.set()
        for path in doomed:
            path.unlink()

    deleter = threading.Thread(target=delete)
    deleter.start()
    started.wait()
    assert NATIVE is not None
    folders, records, _, count, digest, _ = NATIVE(str(folder), _SUFFIXES)
    deleter.join()
    fields = bytes(records).split(b"\0")[:-1]
    listed = {fields[i]: int(fields[i + 1]) for i in range(0, len(fields), 3)}
    assert count == len(fields) // 3 == len(listed) and digest == _native_digest(bytes(records))
    assert all(before[name] == size for name, size in listed.items())
    gone = {os.fsencode(p.name) for p in doomed}
    kept = set(bytes(_stat_folder_python(str(folder), _SUFFIXES)[1]).split(b"\0")[:-1:3])
    assert kept - gone <= set(listed) and len(folders) == 16


@needs_native
def test_walker_lists_what_stat_folder_lists(tmp_path: Path) -> None:
    """The walker's listings, taken in any order, are stat_folder's (large folders included, where a helper's
    listing uses threads of its own), and a folder it cannot list raises what stat_folder raises."""
    from brief.collection._scan import Walker  # type: ignore[import-not-found]

    paths = [str(_tree(tmp_path / "tree")), str(_big_folder(tmp_path / "big", 1500)), str(tmp_path / "nowhere")]
    paths += [str(tmp_path / "tree" / "a.yaml"), *(str(p) for p in (tmp_path / "tree").iterdir() if p.is_dir())]
    paths += [str(_big_folder(tmp_path / f"small-{i}", 30)) for i in range(40)]
    assert NATIVE is not None
    for order in (range(len(paths)), reversed(range(len(paths))), [*range(1, len(paths), 2), *range(0, len(paths), 2)]):
        walker = Walker(_SUFFIXES)
        first = walker.submit(paths)
        assert walker.submit([]) == first + len(paths)  # ids follow one another
        for i in order:
            if i in (2, 3):
                with pytest.raises(FileNotFoundError if i == 2 else NotADirectoryError):
                    walker.take(first + i)
            else:
                assert walker.take(first + i) == NATIVE(paths[i], _SUFFIXES)
            with pytest.raises(ValueError):
                walker.take(first + i)  # once only
        walker.close()
    walker = Walker(_SUFFIXES)
    walker.submit(paths)  # closed with nothing taken: the helpers stop, the listings are freed
    walker.close()
    walker.close()
    with pytest.raises(ValueError):
        walker.take(0)
    with pytest.raises(ValueError):
        Walker(_SUFFIXES).take(0)
    with pytest.raises(TypeError):
        Walker((".yaml",))
    with pytest.raises(TypeError):
        Walker(_SUFFIXES).submit(tuple(paths))


@needs_native
def test_walk_ahead_equals_one_folder_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The walk whose sub-folders helper threads list ahead gives the listing, and the digest, of the walk that
    lists each folder when it gets there: nested folders, exclusions, a large folder, and a root named twice."""
    for year in range(3):
        for month in range(40):
            folder = tmp_path / f"{2000 + year}" / f"{month:02}"
            folder.mkdir(parents=True)
            for i in range(month % 7):
                (folder / f"b{i}.{('yaml', 'md')[i % 2]}").write_text("x" * i)
    _big_folder(tmp_path / "2001" / "flat", 1400)
    _tree(tmp_path / "2002" / "tree")
    assert NATIVE is not None
    for paths, exclude in (([str(tmp_path)], []), ([str(tmp_path), str(tmp_path / "2001")], ["*/13", "*.md"])):
        ahead = scan(paths, exclude, stat_folder=NATIVE)
        monkeypatch.setattr(scanning, "_native_walker", lambda _: None)
        single = scan(paths, exclude, stat_folder=NATIVE)
        monkeypatch.undo()
        assert list(ahead.files) == list(single.files) and ahead.digest == single.digest
        assert ahead.files == scan(paths, exclude, stat_folder=_stat_folder_python).files


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
