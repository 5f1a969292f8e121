"""Hatchling build hook: compile the optional C scanner `brief.collection._scan` from src/brief/collection/_scan.c.

Any failure (no compiler, compile error, Windows, BRIEF_NO_EXTENSION=1) leaves a pure-Python wheel:
the package works without the extension, so installation must never fail because of it.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("src/brief/collection/_scan.c")


class ScanBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        self._tmp: str | None = None
        src = Path(self.root, SOURCE)
        # Same suffix the interpreter imports: e.g. _scan.cpython-311-x86_64-linux-gnu.so.
        name = f"_scan{sysconfig.get_config_var('EXT_SUFFIX')}"
        # Editable installs import straight from src/, so the library is built in place there.
        in_place = src.with_name(name) if version == "editable" else None
        built = self._build(src, name)
        if built is None:
            if in_place is not None:
                in_place.unlink(missing_ok=True)  # a stale library would shadow the pure-Python fallback
        elif in_place is not None:
            # Copy, then rename in the same folder: an interpreter never sees a half-written file.
            partial = in_place.with_name(f".{name}.{os.getpid()}.tmp")
            shutil.copy2(built, partial)
            os.replace(partial, in_place)
        else:
            build_data.setdefault("force_include", {})[str(built)] = f"brief/collection/{name}"
            build_data["pure_python"] = False  # platlib + a cpXY-cpXY-platform tag
            build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def _build(self, src: Path, name: str) -> Path | None:
        """The compiled library in a temporary folder, or None (with one warning line if it was wanted)."""
        if os.environ.get("BRIEF_NO_EXTENSION", "") not in ("", "0") or not src.is_file():
            return None  # opted out, or a tree without the C source: quietly pure Python
        error = "not supported on Windows" if os.name == "nt" else None
        if error is None:
            self._tmp = tempfile.mkdtemp(prefix="brief-scan-")  # objects never land in the source tree
            out = Path(self._tmp, name)
            error = self._compile(src, out)
            if error is None:
                return out
        print(f"brief: C scanner not built ({error}); using the pure-Python one", file=sys.stderr)
        return None

    @staticmethod
    def _compile(src: Path, out: Path) -> str | None:
        """Compile and link like distutils' build_ext would; return an error summary or None on success."""
        cfg = sysconfig.get_config_var
        cc = shlex.split(cfg("CC") or "cc")
        ldshared = shlex.split(cfg("LDSHARED") or f"{cfg('CC') or 'cc'} -shared")
        if shutil.which(cc[0]) is None:
            return f"no C compiler: {cc[0]} not found"
        if "-shared" not in ldshared and "-bundle" not in ldshared:
            ldshared.append("-shared")
        if sys.platform == "darwin" and "dynamic_lookup" not in ldshared:
            ldshared += ["-undefined", "dynamic_lookup"]  # libpython symbols come from the loading interpreter
        paths = sysconfig.get_paths()
        includes = [f"-I{d}" for d in dict.fromkeys([paths["include"], paths["platinclude"]])]
        cflags = [*shlex.split(cfg("CFLAGS") or ""), *shlex.split(cfg("CCSHARED") or ""), "-O2", "-fPIC"]
        obj = out.with_suffix(".o")
        for cmd in (
            [*cc, *cflags, *includes, "-c", str(src), "-o", str(obj)],
            [*ldshared, str(obj), "-o", str(out), "-lpthread"],
        ):
            try:
                run = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
            except (OSError, subprocess.SubprocessError) as exc:
                return f"{cmd[0]}: {exc}"
            if run.returncode != 0:
                lines = run.stderr.splitlines() or run.stdout.splitlines() or [f"exit status {run.returncode}"]
                first = next((line for line in lines if "error" in line.lower()), lines[0])
                return f"{cmd[0]} failed: {first.strip()[:200]}"
        return None
