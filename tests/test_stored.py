"""The index's stored copies (collection/stored.py): each brief as compact JSON in a zstd frame, with a dictionary
trained on the collection (or, for a handful of briefs, made of them), read back exactly; what JSON cannot hold
is written as the json module or the brief's rules would have it."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from brief.collection import stored
from brief.format import loading
from conftest import ROOT


def _examples() -> list[dict[str, Any]]:
    return [loading.load_bytes(p.read_bytes(), p.name, loading.kind_for(p.name) or "yaml").data
            for p in sorted((ROOT / "examples").iterdir())]  # fmt: skip


def _varied(count: int) -> list[dict[str, Any]]:
    """Briefs like the examples, each a little different (a dictionary is trained on different briefs)."""
    briefs = []
    for i in range(count):
        brief = json.loads(json.dumps(_examples()[i % len(_examples())]))
        brief["id"] = f"{brief['id']}-{i}"
        brief["summary"] = f"{brief.get('summary', '')} Variant {i}."
        briefs.append(brief)
    return briefs


@pytest.mark.parametrize("samples", [0, 3, 40])
def test_a_brief_reads_back_as_it_was_stored(samples: int) -> None:
    briefs = _varied(max(samples, 12))
    zdict = stored.dictionary(briefs[:samples]) if samples else b""
    assert zdict.startswith(stored._TRAINED) is (samples >= stored.TRAIN_MIN)
    packer, unpacker = stored.Packer(zdict), stored.Unpacker(zdict)
    for brief in briefs:
        packed, data = packer.pack(brief)
        assert data is brief
        assert json.loads(unpacker(packed)) == brief
    if samples >= stored.TRAIN_MIN:  # the point of the dictionary: a rich brief in a small fraction of its size
        packed, _ = packer.pack(briefs[-1])
        assert len(packed) < len(json.dumps(briefs[-1], ensure_ascii=False).encode()) / 4


def test_what_json_cannot_hold() -> None:
    packer, unpacker = stored.Packer(b""), stored.Unpacker(b"")
    brief = {"id": "x", "figures": [{"value": math.nan}, {"value": math.inf}], 1: "one", None: "none",
             "big": 2**70, "text": "caf\u00e9 \u2028 \x1b"}  # fmt: skip
    packed, data = packer.pack(brief)
    assert data is brief  # nothing odd: only written differently
    back = json.loads(unpacker(packed))
    assert back["big"] == 2**70 and back["1"] == "one" and back["null"] == "none" and back["text"] == brief["text"]
    odd = {"id": "x", "blob": b"\x00\x01", "values": {"nan": math.nan}}
    packed, data = packer.pack(odd)
    assert data == {"id": "x", "blob": str(b"\x00\x01"), "values": {"nan": None}}  # read back: what is stored
    assert json.loads(unpacker(packed)) == data


def test_nan_and_infinity_are_stored_as_null() -> None:
    packed, _ = stored.Packer(b"").pack({"a": math.nan, "b": -math.inf, "c": 1.5})
    assert json.loads(stored.Unpacker(b"")(packed)) == {"a": None, "b": None, "c": 1.5}


def test_an_index_built_from_the_examples_reads_its_briefs(tmp_path: Path) -> None:
    """Through the real CLI: the stored copies serve `--where` and export, which read the brief from them."""
    from conftest import run_process

    env = {"BRIEF_CACHE_DIR": str(tmp_path / "cache")}
    result = run_process("list", "--where", "actors.kind=private-military-company", "--format", "ids", "examples",
                         cwd=ROOT, env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    expected = [brief["id"] for brief in _examples()
                if any(actor.get("kind") == "private-military-company" for actor in brief["actors"])]  # fmt: skip
    assert sorted(result.stdout.decode().split()) == sorted(expected) and len(expected) > 3
