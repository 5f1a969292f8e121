"""Writing new briefs: atomically (a temporary file in the same folder, then renamed into place), and never over
an existing file unless told to.

Without `force`, the temporary file is hard-linked to the target name, which fails if the name exists, so two
processes cannot both think they created the same file and an existing one is never touched, not even for an
instant. Where the file system has no hard links, the target is checked, then replaced (the check and the
rename are then two steps).
"""

from __future__ import annotations

import errno
import os
import tempfile


class FileExists(Exception):
    """The target exists and was left as it was."""


def write_new(path: str, text: str, force: bool = False) -> None:
    """Write `text` to `path` (UTF-8) atomically; raise FileExists, leaving it untouched, if it exists and not
    `force`. Missing parent folders are created."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    if not force and os.path.lexists(path):
        raise FileExists(path)
    handle, temporary = tempfile.mkstemp(prefix=".brief-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.chmod(temporary, 0o666 & ~_umask())
        if force:
            os.replace(temporary, path)
            return
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise FileExists(path) from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            if os.path.lexists(path):  # no hard links here: check, then rename
                raise FileExists(path) from None
            os.replace(temporary, path)
            return
        os.unlink(temporary)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
