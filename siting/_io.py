"""Atomic file output: a file is either fully written or left untouched."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from siting._errors import SitingError


def atomic_write(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same directory and rename it."""
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise SitingError(
            "the output path is a directory",
            file=str(target),
            fix="give a file name, e.g. -o maps/base.html",
        )
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SitingError(
            f"cannot create the output folder ({exc.strerror})",
            file=str(target),
            fix="choose an output path in a folder you can write to",
        ) from exc
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise SitingError(
            f"cannot write the output file ({exc.strerror})",
            file=str(target),
            fix="choose an output path in a folder you can write to",
        ) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SitingError(
            f"cannot write the output file ({exc.strerror})",
            file=str(target),
            fix="choose an output path in a folder you can write to",
        ) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
