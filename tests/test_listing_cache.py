"""The freshness check's listing cache: a folder kept with its identity and times is not listed again while
they hold, and a scan through the cache is the scan without it, whatever happened to the folders or to the
cache file since. Every scan here is compared with the Python scanner's, which keeps no listing."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from brief.collection import freshness
from brief.collection.freshness import _SUFFIXES, _stat_folder_python, native_stat_folder, read_listings, scan
from conftest import run_process
from test_scanning import _big_folder, _tree

NATIVE = native_stat_folder()
pytestmark = pytest.mark.skipif(NATIVE is None, reason="the listing cache is the C scanner's")
PAST = time.time() - 3600


def settle(root: Path) -> None:
    """Every folder under `root` given a modification time an hour ago: a change made now sets it anew, within
    whatever tick of the file system's clock (the change time, which cannot be set back, stays recent)."""
    for folder, _, _ in os.walk(root):
        os.utime(folder, (PAST, PAST))


@pytest.fixture
def settled_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Folders count as settled however recent their times (the tests set the modification times back
    themselves, and cannot set the change times): without it nothing younger than RACY_NS is kept."""
    monkeypatch.setattr(freshness, "RACY_NS", -(10**12))


def collection_tree(root: Path) -> Path:
    for year in range(2):
        for month in range(12):
            folder = root / f"{2020 + year}" / f"{month:02}"
            folder.mkdir(parents=True)
            for i in range(month % 5):
                (folder / f"b{i}.{('yaml', 'md')[i % 2]}").write_text("x" * i)
    _big_folder(root / "flat", 1400)  # past the size where the scanner starts helper threads
    _tree(root / "tree")
    settle(root)
    return root


def same_as_without_cache(found: freshness.Scan, root: Path) -> None:
    assert NATIVE is not None
    plain = scan([str(root)], stat_folder=NATIVE)
    assert list(found.files.items()) == list(plain.files.items()) and found.digest == plain.digest
    assert found.files == scan([str(root)], stat_folder=_stat_folder_python).files


def test_a_kept_listing_is_used_and_gives_the_same_scan(tmp_path: Path, settled_now: None) -> None:
    root = collection_tree(tmp_path / "briefs")
    cache = str(tmp_path / "listing")
    first = scan([str(root)], cache=cache)
    kept = read_listings(cache)
    assert (
        str(root / "flat") in kept and str(root / "2021" / "11") in kept and len(kept) == 1 + 2 + 24 + 4 + 4
    )  # every folder walked
    again = scan([str(root)], cache=cache)
    assert again.digest == first.digest and again.files == first.files
    same_as_without_cache(again, root)
    # used, not listed again: stat_folder hands back the very listing it was given
    assert NATIVE is not None
    flat = kept[str(root / "flat")]
    assert NATIVE(str(root / "flat"), _SUFFIXES, flat, time.time_ns())[5] is flat
    before = os.stat(cache).st_mtime_ns
    scan([str(root)], cache=cache)
    assert os.stat(cache).st_mtime_ns == before  # nothing new to keep: the file is not written again


@pytest.mark.parametrize("change", ["add", "remove", "rename", "resize", "new folder", "remove folder", "hide"])
def test_a_change_in_a_kept_folder_is_seen(tmp_path: Path, settled_now: None, change: str) -> None:
    root = collection_tree(tmp_path / "briefs")
    cache = str(tmp_path / "listing")
    scan([str(root)], cache=cache)
    flat = root / "flat"
    if change == "add":
        (flat / "zz-new.yaml").write_text("x")
    elif change == "remove":
        (flat / "brief-00010.yaml").unlink()
    elif change == "rename":
        (flat / "brief-00010.yaml").rename(flat / "brief-00010b.yaml")
    elif change == "resize":  # in place: the folder's times do not move, the file's stat tells
        (flat / "brief-00010.yaml").write_text("longer than before")
    elif change == "new folder":
        (root / "2020" / "05" / "deeper").mkdir()
        (root / "2020" / "05" / "deeper" / "c.json").write_text("{}")
    elif change == "remove folder":
        for file in (root / "2021" / "03").iterdir():
            file.unlink()
        (root / "2021" / "03").rmdir()
    elif change == "hide":
        (flat / "brief-00021.json").rename(flat / ".brief-00021.json")
    found = scan([str(root)], cache=cache)
    same_as_without_cache(found, root)
    assert scan([str(root)], cache=cache).digest == found.digest  # kept anew, and used


def test_a_folder_is_kept_only_once_settled(tmp_path: Path) -> None:
    """A folder changed within the last RACY_NS is listed every time: a second change within one tick of the
    file system's clock could leave its times as they were. Setting the modification time back does not make it
    settled: the change time says when that was done."""
    assert NATIVE is not None
    folder = _big_folder(tmp_path / "flat", 50)
    settled = time.time_ns() - freshness.RACY_NS
    assert NATIVE(str(folder), _SUFFIXES, None, settled)[5] is None
    os.utime(folder, (PAST, PAST))
    assert NATIVE(str(folder), _SUFFIXES, None, settled)[5] is None
    assert NATIVE(str(folder), _SUFFIXES, None, time.time_ns() + 10**9)[5] is not None  # once settled, kept


def test_a_listing_kept_for_another_folder_or_damaged_is_not_used(tmp_path: Path, settled_now: None) -> None:
    assert NATIVE is not None
    root = collection_tree(tmp_path / "briefs")
    cache = str(tmp_path / "listing")
    scan([str(root)], cache=cache)
    kept = read_listings(cache)
    flat, month = bytes(kept[str(root / "flat")]), bytes(kept[str(root / "2020" / "04")])
    head = 32  # the folder's identity and times
    damaged = [
        month,  # another folder's
        flat[:head] + flat[head:].replace(b"brief-00001.json", b"brief/00001.json", 1),  # a slash in a name
        flat[:-1],  # the last name not terminated
        flat[:head] + b"\0" + flat[head:],  # two empty names
        flat[:head] + b"x" * 300 + b"\0" + flat[head:],  # a name longer than a file system allows
        flat[:head],  # no names at all
        flat[: head - 1],  # not even the identity
        b"",
    ]
    expected = NATIVE(str(root / "flat"), _SUFFIXES)
    for listing in damaged:
        got = NATIVE(str(root / "flat"), _SUFFIXES, listing, time.time_ns())
        assert got[5] is not listing and bytes(got[1]) == bytes(expected[1]) and got[:1] == expected[:1]
    with pytest.raises(TypeError):
        NATIVE(str(root / "flat"), _SUFFIXES, "not bytes", 0)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"garbage \x00\xff",
        b"brief-ls\xff\xff\xff\xff\xff\xff\xff\xff",
        b"brief-ls\x05\0\0\0\0\0\0\0\xdb\0",
        b"\xfb" * 10,
    ],
    ids=["empty", "junk", "huge header", "cut marshal", "unknown"],
)
def test_a_damaged_cache_file_is_ignored_and_replaced(tmp_path: Path, settled_now: None, content: bytes) -> None:
    root = collection_tree(tmp_path / "briefs")
    cache = tmp_path / "listing"
    cache.write_bytes(content)
    same_as_without_cache(scan([str(root)], cache=str(cache)), root)
    assert read_listings(str(cache))  # written anew


def test_a_cache_file_of_another_format_or_shape_is_ignored(tmp_path: Path, settled_now: None) -> None:
    import marshal

    root = collection_tree(tmp_path / "briefs")
    cache = tmp_path / "listing"
    scan([str(root)], cache=str(cache))
    data = cache.read_bytes()
    size = int.from_bytes(data[8:16], "little")
    good = marshal.loads(data[16 : 16 + size])
    end = len(data)

    def with_header(header: object, length: int | None = None) -> bytes:
        made = marshal.dumps(header)
        return data[:8] + (length or len(made)).to_bytes(8, "little") + made + data[16 + size :]

    folders = good["folders"]
    first = next(iter(folders))
    wrong = [
        with_header({**good, "format": 1}),
        with_header({**good, "suffixes": (b".yaml",)}),
        with_header({**good, "folders": []}),
        with_header([good]),
        with_header(good, length=end),  # a header longer than the file
        b"brief-xx" + data[8:],  # another magic
        data[:20],  # cut short
        with_header({**good, "folders": {**folders, first: (end - 4, 8)}}),  # past the end
        with_header({**good, "folders": {**folders, first: (0, 8)}}),  # over the header
        with_header({**good, "folders": {**folders, first: (16, -3)}}),
        with_header({**good, "folders": {**folders, first: (16.0, 8)}}),
    ]
    for content in wrong:
        cache.write_bytes(content)
        assert first not in read_listings(str(cache))
        same_as_without_cache(scan([str(root)], cache=str(cache)), root)
    cache.write_bytes(data)
    assert {folder: bytes(listing) for folder, listing in read_listings(str(cache)).items()} == {
        folder: data[at : at + length] for folder, (at, length) in folders.items()
    }


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_place_of_the_cache_file_does_not_block_the_scan(tmp_path: Path, settled_now: None) -> None:
    root = collection_tree(tmp_path / "briefs")
    cache = tmp_path / "listing"
    os.mkfifo(cache)
    assert read_listings(str(cache)) == {}
    same_as_without_cache(scan([str(root)], cache=str(cache)), root)


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path: Path, settled_now: None) -> None:
    root = collection_tree(tmp_path / "briefs")
    same_as_without_cache(scan([str(root)], cache=str(tmp_path / "no such folder" / "listing")), root)
    assert not (tmp_path / "no such folder").exists()


def test_through_the_cli_a_settled_folder_still_shows_every_change(tmp_path: Path) -> None:
    """End to end, with the real settling time: once the folder has settled, `brief list` keeps its listing
    beside the index, and a brief added, removed or renamed there afterwards is seen at once."""
    folder = tmp_path / "briefs"
    folder.mkdir()
    examples = Path(__file__).resolve().parents[1] / "examples"
    for source in sorted(examples.glob("*.yaml")):
        (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    time.sleep(freshness.RACY_NS / 1e9 + 0.2)  # the folder's change time must be older than that
    env = {"BRIEF_CACHE_DIR": str(tmp_path / "cache")}

    def ids() -> list[str]:
        listed = run_process("list", str(folder), "--format", "ids", env=env)
        assert listed.returncode == 0, listed.stderr
        return sorted(listed.stdout.decode().split())

    assert ids() == ["aes-confederation-2024", "france-mali-withdrawal-2022", "niger-coup-2023"]
    listings = list((tmp_path / "cache").glob("*.listing"))
    assert len(listings) == 1 and list(read_listings(str(listings[0]))) == [str(folder)]
    assert ids() == ["aes-confederation-2024", "france-mali-withdrawal-2022", "niger-coup-2023"]  # used
    (folder / "2023-08-niger-coup.yaml").rename(folder / "renamed.yaml")
    (folder / "2024-07-aes-confederation.yaml").unlink()
    assert ids() == ["france-mali-withdrawal-2022", "niger-coup-2023"]
    (folder / "copy.yaml").write_text(
        (folder / "renamed.yaml").read_text(encoding="utf-8").replace("id: niger-coup-2023", "id: copy-2023"),
        encoding="utf-8",
    )
    assert ids() == ["copy-2023", "france-mali-withdrawal-2022", "niger-coup-2023"]


def test_a_writer_killed_mid_write_leaves_nothing_for_long(tmp_path: Path, settled_now: None) -> None:
    """The temporary file of a writer that no longer exists is removed by the next write; a live one's is not."""
    import subprocess
    import sys

    root = collection_tree(tmp_path / "briefs")
    cache = tmp_path / "listing"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    abandoned = tmp_path / f"listing.tmp-{int(gone.stdout)}"
    abandoned.write_bytes(b"half a listing")
    alive = tmp_path / f"listing.tmp-{os.getppid()}"  # a process that exists: its write may be under way
    alive.write_bytes(b"being written")
    scan([str(root)], cache=str(cache))
    assert not abandoned.exists() and alive.exists() and read_listings(str(cache))
