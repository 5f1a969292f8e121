"""The part of the build pyproject.toml cannot declare: the optional C module brief.collection._scan (the
freshness check's hot loop, src/brief/collection/_scan.c) and the schema copied into the package.

Installing never fails for want of a compiler: the extension is optional, so setuptools turns a failed compile
into a warning, and this file adds a banner saying what that means. brief then uses the pure-Python twin in
brief/collection/freshness.py; `brief --version` tells which one runs, as pip shows build output only with -v.
BRIEF_NO_EXTENSION=1 skips the module altogether (a pure-Python wheel), as does Windows (the C code is POSIX).
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

SCAN = Extension("brief.collection._scan", ["src/brief/collection/_scan.c"], optional=True)
# what an editable install builds next to the source: kept from an earlier install, it would shadow the fallback
IN_PLACE = [p for p in glob.glob("src/brief/collection/_scan.*") if not p.endswith(".c")]


def remove_in_place() -> None:
    for path in IN_PLACE:
        os.remove(path)


def fallback_banner(reason: str) -> None:
    print(
        f"\n{'=' * 78}\nWARNING: brief's optional C module brief.collection._scan was not built:\n  {reason}\n"
        "brief works without it: its freshness check runs in pure Python, more slowly on large collections.\n"
        f"`brief --version` says which one runs.\n{'=' * 78}\n",
        file=sys.stderr,
    )


class BuildExt(build_ext):
    """Builds the optional module, and says so loudly when it could not."""

    def run(self) -> None:
        self.failures: list[str] = []
        try:
            super().run()
        except PlatformError as exc:  # no compiler class for this platform at all, before any extension
            self.failures.append(f"{type(exc).__name__}: {exc}")
        for failure in self.failures:
            fallback_banner(failure)
        if self.failures and (self.editable_mode or self.inplace):  # leave no stale copy in src/
            remove_in_place()

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except (CCompilerError, BaseError) as exc:  # setuptools lets an optional extension fail
            self.failures.append(f"{type(exc).__name__}: {exc}")
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
    print("brief: BRIEF_NO_EXTENSION is set: the C freshness check is not built", file=sys.stderr)
    extensions: list[Extension] = []
    remove_in_place()
elif os.name == "nt":
    print("brief: the C freshness check needs POSIX: not built on Windows", file=sys.stderr)
    extensions = []
else:
    extensions = [SCAN]

setup(ext_modules=extensions, cmdclass={"build_ext": BuildExt, "build_py": BuildPy})
