"""Shell completion: click's protocol (`_BRIEF_COMPLETE=bash_complete|zsh_complete|fish_complete brief`) offers brief
ids, actors, issues, nations and tags from the index, and the real bash, zsh and fish complete with it."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
import pytest

from brief.cli.reference import commands
from brief.collection.config import collection
from brief.collection.index import open_index
from brief.query.completion import complete, complete_nation, open_read_only
from conftest import ROOT, run_process
from contract import make_workspace

BIN = Path(sys.executable).parent
# the parameters whose values only the collection knows: each must complete them (a new command's too)
COMPLETED = {"ref": "brief", "refs": "brief", "actors": "actor", "issues": "issue", "nations": "nation",
             "tags": "tag", "regions": "region", "domains": "domain"}  # fmt: skip


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("workspace"))


@pytest.fixture
def indexed(workspace: Path) -> Path:
    """The workspace with its collection (examples/) indexed in this test's cache."""
    assert run_process("index", "-q", cwd=workspace).returncode == 0
    return workspace


def protocol(shell: str, words: str, current: int | str, cwd: Path, **env: str) -> list[str]:
    """What `brief` answers the completion script of `shell`: one line per item."""
    result = run_process(
        cwd=cwd, env={"_BRIEF_COMPLETE": f"{shell}_complete", "COMP_WORDS": words, "COMP_CWORD": str(current), **env}
    )
    assert result.returncode == 0 and result.stderr == b"", result.stderr
    return [line for line in result.stdout.decode("utf-8").splitlines() if line]  # bash's empty answer is a newline


def bash(words: str, cwd: Path, **env: str) -> list[str]:
    """"type,value" for each item offered for the word being typed, the last of `words` ("" after a space)."""
    return protocol("bash", words, len(words.split(" ")) - 1, cwd, **env)


def test_brief_ids_for_a_ref(indexed: Path) -> None:
    assert bash("brief show mal", indexed) == ["plain,mali-wagner-2021"]
    assert bash("brief summary wagner-", indexed) == [
        "plain,wagner-after-prigozhin-2023", "plain,wagner-deployment-mali-2021"
    ]  # fmt: skip
    assert "plain,mali-wagner-2021" in bash("brief compare ", indexed)


def test_a_ref_that_looks_like_a_path_is_left_to_the_shell(indexed: Path) -> None:
    assert bash("brief show examples/", indexed) == ["file,examples/"]
    assert bash("brief show zzz", indexed) == ["file,zzz"]  # no id: perhaps a file


def test_actors_issues_tags_and_nations_from_the_index(indexed: Path) -> None:
    assert bash("brief list --actor wag", indexed) == ["plain,wagner"]
    assert bash("brief compare --issue mali-wag", indexed) == ["plain,mali-wagner-partnership"]
    assert bash("brief compare mali-wagner-2021 --actor fra", indexed) == ["plain,france"]
    tags = bash("brief search wagner --tag ", indexed)
    assert "plain,africa-corps" in tags and tags == sorted(set(tags))
    assert bash("brief export --nation n", indexed) == ["plain,NE", "plain,NG"]  # codes, whatever the case typed
    assert bash("brief new --tag bar", indexed) == ["plain,barkhane"]


def test_domains_and_regions_from_the_vocabulary(workspace: Path, tmp_path: Path) -> None:
    assert bash("brief new --region sa", workspace) == ["plain,sahel"]
    assert bash("brief list --domain cy", workspace) == ["plain,cyber"]


def test_zsh_and_fish_get_the_help_too(indexed: Path) -> None:
    assert protocol("zsh", "brief list --nation ml", 3, indexed) == ["plain", "ML", "Mali (9 briefs)"]
    # fish sends the word being typed itself as COMP_CWORD
    fish = protocol("fish", "brief compare --issue french", "french", indexed)
    assert fish == ["plain,french-military-presence\tA continued French military presence in the Sahel"]


def test_commands_and_choices_complete_as_click_does(workspace: Path) -> None:
    assert bash("brief sh", workspace) == ["plain,show"]
    assert bash("brief list --format js", workspace) == ["plain,json", "plain,jsonl"]


def test_dash_c_names_the_collection(indexed: Path, tmp_path: Path) -> None:
    assert bash(f"brief -C {indexed} show mal", tmp_path) == ["plain,mali-wagner-2021"]


def test_paths_given_name_the_collection(indexed: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(ROOT / "tests" / "data" / "collection", other)
    assert run_process("index", str(other), cwd=indexed).returncode == 0
    assert bash(f"brief list {other} --actor ", indexed) != bash("brief list --actor ", indexed)
    assert "plain,mali-government" in bash(f"brief list {other} --actor ma", indexed)


def test_no_index_yet_gives_no_completion_and_builds_none(workspace: Path, private_cache: Path) -> None:
    assert bash("brief show mal", workspace) == ["file,mal"]
    assert bash("brief list --actor wag", workspace) == []
    assert not list(private_cache.glob("*.sqlite"))  # a Tab press never starts a build


def test_a_damaged_index_gives_no_completion_and_no_traceback(indexed: Path) -> None:
    where = Path(run_process("index", "--where", cwd=indexed).stdout.decode().strip())
    where.write_bytes(b"not an index at all" * 100)
    assert bash("brief list --actor wag", indexed) == []  # protocol() also checks stderr is empty


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_parameter_the_collection_knows_completes(name: str) -> None:
    for param in commands()[name].params:
        if param.name in COMPLETED:
            assert param._custom_shell_complete is not None, f"brief {name} {param.name}: give it shell_complete"


# -- the real shells --------------------------------------------------------------------------------------------------


def _shell(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is needed for this test (.ci/run installs it: apt-get install {name})"
    return found


def _env(cwd: Path) -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "HOME": str(cwd)}


def test_real_bash(indexed: Path) -> None:
    script = (
        'eval "$(_BRIEF_COMPLETE=bash_source brief)"; complete -p brief; '
        'COMP_WORDS=(brief show mal); COMP_CWORD=2; _brief_completion brief; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    result = subprocess.run([_shell("bash"), "-c", script], cwd=indexed, env=_env(indexed), capture_output=True,
                            text=True, timeout=60, check=True)  # fmt: skip
    assert result.stdout.splitlines() == ["complete -o nosort -F _brief_completion brief", "mali-wagner-2021"]


def test_real_fish(indexed: Path) -> None:
    script = (
        '_BRIEF_COMPLETE=fish_source brief | source; complete -C "brief show mal"; '
        'complete -C "brief list --nation m"; complete -C "brief show lipt"'
    )
    result = subprocess.run([_shell("fish"), "--no-config", "-c", script], cwd=indexed, env=_env(indexed),
                            capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
    lines = result.stdout.splitlines()
    assert lines[0].startswith("mali-wagner-2021\tThe Beginning of an Awkward Russo-Malian Military Cooperation")
    assert lines[1] == "ML\tMali (9 briefs)"
    # a help text with commas whole (click's own fish script cut it at the first comma)
    assert lines[2:] == ["liptako-gourma-charter-2023\tMali, Burkina Faso and Niger sign the Liptako-Gourma Charter "
                         "creating the Alliance of Sahel States"]  # fmt: skip


ZSH = r"""
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z 'autoload -U compinit; compinit -u; eval "$(_BRIEF_COMPLETE=zsh_source brief)"; print RE""ADY'
zpty -r z out '*READY*'
zpty -w -n z "$1"$'\t'
zpty -r z out "*$2*"
zpty -d z
print -r -- "$out"
"""


def test_real_zsh(indexed: Path) -> None:
    """An interactive zsh in a pseudo-terminal: type the command line and Tab, read the screen."""
    result = subprocess.run([_shell("zsh"), "-f", "-c", ZSH, "zsh", "brief show mali-w", "mali-wagner-2021"],
                            cwd=indexed, env=_env(indexed), capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "brief show mali-wagner-2021" in result.stdout  # completed in place
    listed = subprocess.run([_shell("zsh"), "-f", "-c", ZSH, "zsh", "brief list --nation ", "Ukraine"],
                            cwd=indexed, env=_env(indexed), capture_output=True, text=True, timeout=60)  # fmt: skip
    assert "ML  -- Mali (9 briefs)" in listed.stdout


# -- the query behind it -----------------------------------------------------------------------------------------------


@pytest.fixture
def db(workspace: Path) -> sqlite3.Connection:
    chosen = collection((str(workspace / "examples"),))
    open_index(chosen).close()
    connection = open_read_only(chosen)
    assert connection is not None
    return connection


def test_complete_by_prefix(db: sqlite3.Connection) -> None:
    assert complete(db, "brief", "mali-w") == [
        ("mali-wagner-2021", "The Beginning of an Awkward Russo-Malian Military Cooperation for Paris in the Fight "
         "Against Terrorism")
    ]  # fmt: skip
    assert complete(db, "actor", "WAG") == [("wagner", "Wagner")]  # ids are lower case; typed upper case finds them
    assert complete(db, "tag", "", limit=2) == [("aes", ""), ("africa-corps", "")]
    assert complete(db, "tag", "wagner") == [("wagner", "")]  # the prefix itself is a value
    assert complete(db, "issue", "mali-wagner-partnership") == [
        ("mali-wagner-partnership", "A Mali–Wagner security partnership")
    ]  # fmt: skip
    assert [value for value, _ in complete(db, "issue", "")] == sorted(
        {row[0] for row in db.execute("SELECT issue_id FROM issues")}
    )  # one seek a value finds each once, in order
    assert complete_nation(db, "n") == [("NE", "Niger (6 briefs)"), ("NG", "Nigeria (1 brief)")]
    assert complete(db, "issue", "zzz") == []
    assert complete(db, "issue", "%") == [] and complete(db, "brief", "_") == []  # not LIKE patterns
    with pytest.raises(ValueError):
        complete(db, "stance", "")


def test_an_index_of_another_format_is_not_read(workspace: Path, tmp_path: Path) -> None:
    chosen = collection((str(workspace / "examples"),), start=tmp_path)
    chosen.cache_dir = str(tmp_path)
    assert open_read_only(chosen) is None  # none yet
    open_index(chosen).close()
    assert open_read_only(chosen) is not None
    with sqlite3.connect(chosen.index_path()) as writer:
        writer.execute("UPDATE meta SET value = 'old' WHERE key = 'format'")
    assert open_read_only(chosen) is None


def test_the_option_type_is_what_click_gives() -> None:
    option = next(p for p in commands()["list"].params if p.name == "nations")
    assert isinstance(option, click.Option) and option._custom_shell_complete is not None
