"""The part of the build pyproject.toml cannot declare: the optional C modules brief.collection._scan (the
freshness check's hot loop, src/brief/collection/_scan.c) and brief.format._yaml (YAML briefs built into data
straight from libyaml's events, src/brief/format/_yaml.c; it needs libyaml's headers, Debian's libyaml-dev),
brief.remote._binary (brief sync's full-text vectors, src/brief/remote/_binary.c), and
the schema copied into the package.

Installing never fails for want of a compiler or of libyaml: the extensions are optional, so setuptools turns a
failed compile into a warning, and this file adds a banner saying what that means. brief then uses the Python
code each replaces (brief/collection/freshness.py, brief/format/loading.py); `brief --version` tells which
runs, as pip shows build output only with -v. BRIEF_NO_EXTENSION=1 skips the modules altogether (a pure-Python
wheel), as does Windows (the C code is POSIX).
The compiler and its flags are Python's own, overridden as usual by CC, CFLAGS and LDFLAGS.
"""

from __future__ import annotations

import glob
import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py
from setuptools.errors import BaseError, CCompilerError, PlatformError

SCAN = Extension(  # its helper threads are POSIX threads: -pthread for C libraries that keep them apart
    "brief.collection._scan", ["src/brief/collection/_scan.c"], extra_compile_args=["-pthread"],
    extra_link_args=["-pthread"], optional=True,
)  # fmt: skip
YAML = Extension("brief.format._yaml", ["src/brief/format/_yaml.c"], libraries=["yaml"], optional=True)
BINARY = Extension("brief.remote._binary", ["src/brief/remote/_binary.c"], optional=True)
# what the fallback of each module is, and what building it needs, for the banner
FALLBACKS = {
    SCAN.name: ("a C compiler", "its freshness check runs in pure Python, more slowly on large collections"),
    YAML.name: ("a C compiler and libyaml's headers (Debian: libyaml-dev)",
                "YAML briefs are built into data in Python, more slowly (about 3x for the YAML)"),
    BINARY.name: ("a C compiler", "brief sync builds the full-text vectors in Python, more slowly"),
}  # fmt: skip
# what an editable install builds next to the source: kept from an earlier install, it would shadow the fallback
IN_PLACE = [
    p for p in glob.glob("src/brief/collection/_scan.*") + glob.glob("src/brief/format/_yaml.*")
    + glob.glob("src/brief/remote/_binary.*") if not p.endswith(".c")
]


def remove_in_place(names: list[str] | None = None) -> None:
    """The in-place copies of the modules `names` (all by default)."""
    for path in IN_PLACE:
        module = path[len("src/") :].split(".")[0].replace("/", ".")
        if names is None or module in names:
            os.remove(path)


def fallback_banner(module: str, reason: str) -> None:
    needs, fallback = FALLBACKS.get(module, ("a C compiler", "it runs in pure Python"))
    print(
        f"\n{'=' * 78}\nWARNING: brief's optional C module {module} was not built:\n  {reason}\n"
        f"It needs {needs}. brief works without it: {fallback}.\n"
        f"`brief --version` says which one runs.\n{'=' * 78}\n",
        file=sys.stderr,
    )


class BuildExt(build_ext):
    """Builds the optional module, and says so loudly when it could not."""

    def run(self) -> None:
        self.failures: dict[str, str] = {}
        try:
            super().run()
        except PlatformError as exc:  # no compiler class for this platform at all, before any extension
            self.failures = {ext.name: f"{type(exc).__name__}: {exc}" for ext in self.extensions}
        for module, failure in self.failures.items():
            fallback_banner(module, failure)
        if self.failures and (self.editable_mode or self.inplace):  # leave no stale copy in src/
            remove_in_place(list(self.failures))

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except (CCompilerError, BaseError) as exc:  # setuptools lets an optional extension fail
            self.failures[ext.name] = f"{type(exc).__name__}: {exc}"
            raise


class BuildPy(build_py):
    """Copies the schema, kept at the repository's root for editors and docs, to brief/schemas/ in the wheel (an
    editable install reads it where it is)."""

    def run(self) -> None:
        super().run()
        if not self.editable_mode:
            target = os.path.join(self.build_lib, "brief", "schemas")
            self.mkpath(target)
            self.copy_file(os.path.join("schemas", "brief.schema.json"), target)


if os.environ.get("BRIEF_NO_EXTENSION", "") not in ("", "0"):
    print("brief: BRIEF_NO_EXTENSION is set: the C modules are not built", file=sys.stderr)
    extensions: list[Extension] = []
    remove_in_place()
elif os.name == "nt":
    print("brief: the C modules need POSIX: not built on Windows", file=sys.stderr)
    extensions = []
else:
    extensions = [SCAN, YAML, BINARY]

setup(ext_modules=extensions, cmdclass={"build_ext": BuildExt, "build_py": BuildPy})
