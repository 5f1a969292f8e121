"""The build (pyproject.toml and setup.py): a wheel carries the schema and the names and, where a C compiler is
found, the compiled freshness check, never its C source; without a compiler it still builds and says so; and
`brief --version` tells which freshness check runs, as pip shows no build output without -v."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from brief import __version__
from brief.collection.freshness import native_stat_folder
from brief.format.loading import native_yaml
from brief.remote.native import native_built
from conftest import ROOT, run_process
from test_scanning import compiler_found

# what setup.py and pyproject.toml read
BUILD_INPUTS = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "schemas", "src")
MODULES = ("brief.collection._scan", "brief.format._yaml", "brief.remote._binary")  # setup.py's C modules
FALLBACK_WARNINGS = [f"WARNING: brief's optional C module {module} was not built" for module in MODULES]


def _version_line(check: str, yaml: str | None = None, sync: str | None = None) -> bytes:
    return f"brief {__version__} (freshness check: {check}, YAML: {yaml or check}, sync: {sync or check})\n".encode()


def test_version_names_the_freshness_check_the_yaml_builder_and_the_sync_encoder() -> None:
    expected = tuple("C" if built else "Python" for built in (native_stat_folder() is not None,
                                                              native_yaml() is not None, native_built()))  # fmt: skip
    assert run_process("--version").stdout == _version_line(*expected)
    assert run_process("-V", env={"BRIEF_NO_EXTENSION": "1"}).stdout == _version_line("Python")


class Build:
    """`pip wheel` run on a copy of the checkout (which so gets no build/ and no egg-info), started at once."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.source, self.dist = folder / "source", folder / "dist"
        self.source.mkdir(parents=True)
        for name in BUILD_INPUTS:
            if (ROOT / name).is_dir():
                ignore = shutil.ignore_patterns("*.so", "*.pyd", "__pycache__", "*.egg-info")
                shutil.copytree(ROOT / name, self.source / name, ignore=ignore)
            else:
                shutil.copy2(ROOT / name, self.source / name)
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(self.dist), str(self.source)]
        clean = {k: v for k, v in os.environ.items() if k != "BRIEF_NO_EXTENSION"}
        self.log = folder / "build.log"  # a file, not a pipe, which could fill while the other build is read
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, env={**clean, **env}, stdout=log, stderr=subprocess.STDOUT)

    def result(self) -> tuple[Path, str]:
        """The wheel, and everything the build printed."""
        self.process.wait(timeout=600)
        output = self.log.read_text(errors="replace")
        assert self.process.returncode == 0, output
        (wheel,) = self.dist.glob("brief-*.whl")
        return wheel, output


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Build]]:
    """Both builds, started together: side by side they take about as long as one."""
    folder = tmp_path_factory.mktemp("builds")
    started = {"missing": Build(folder / "missing", {"CC": str(folder / "no-such-cc")})}
    if compiler_found():
        started["found"] = Build(folder / "found", {})
    yield started
    for build in started.values():
        if build.process.poll() is None:
            build.process.kill()
            build.process.wait()


@pytest.mark.parametrize("compiler", ["found", "missing"])
def test_a_wheel_from_the_checkout(tmp_path: Path, builds: dict[str, Build], compiler: str) -> None:
    if compiler not in builds:
        pytest.skip("no C compiler here")
    wheel, output = builds[compiler].result()
    names = zipfile.ZipFile(wheel).namelist()
    assert {"brief/schemas/brief.schema.json", "brief/data/names.json", "brief/cli/main.py"} <= set(names)
    assert not [n for n in names if n.endswith((".c", ".h", ".o"))]
    libraries = [n for n in names if n.startswith(tuple(module.replace(".", "/") + "." for module in MODULES))]
    if compiler == "found":  # libyaml's headers too: .ci/run installs them
        assert len(libraries) == len(MODULES) and not any(warning in output for warning in FALLBACK_WARNINGS), output
    else:
        assert libraries == [] and all(warning in output for warning in FALLBACK_WARNINGS) and "no-such-cc" in output

    # the wheel's package, run from outside the checkout: its own schema and its own freshness check
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("BRIEF_NO_EXTENSION", None)

    def brief(*args: str) -> subprocess.CompletedProcess[bytes]:
        command = [sys.executable, "-m", "brief", *args]
        return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, timeout=60, check=False)

    where = subprocess.run(
        [sys.executable, "-c", "import brief.format.schema as s; print(s.__file__, s.bundled_schema_path())"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    package = os.path.realpath(site / "brief")
    assert [os.path.realpath(p) for p in where.stdout.split()] == [
        os.path.join(package, "format", "schema.py"),
        os.path.join(package, "schemas", "brief.schema.json"),
    ]
    assert brief("--version").stdout == _version_line("C" if compiler == "found" else "Python")
    validated = brief("validate", "examples")
    assert validated.returncode == 0 and b"files: all valid." in validated.stdout, validated
