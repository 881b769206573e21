"""Atomic file output: a file is either fully written or left untouched.

Only regular files are written. ``-`` and ``/dev/stdout`` stream to standard output; device
nodes, FIFOs and sockets are refused; a symlink is written through to its target. The temporary
file (``.NAME.siting-PID-XXXX.tmp`` beside the target) is removed on error and on SIGTERM, and
temporary files left by a killed run are removed by the next write to the same folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from siting._errors import SitingError

STDOUT_NAMES = frozenset({"-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"})
_TMP_TAG = "siting-"
_LEGACY_AGE = 600.0  # seconds: a temp file of the old naming scheme older than this is stale
_FIX = "choose an output path in a folder you can write to"


def is_stdout(path: str | os.PathLike[str] | None) -> bool:
    """Whether ``-o`` names standard output (``-`` or ``/dev/stdout``)."""
    return path is not None and os.fspath(path) in STDOUT_NAMES


def _special_kind(mode: int) -> str | None:
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a directory"
    if not stat.S_ISREG(mode):
        return "not a regular file"
    return None


def _resolve_target(path: Path) -> Path:
    """The regular file to replace: ``path``, or the end of its symlink chain."""
    if path.is_symlink():
        return Path(os.path.realpath(path))
    return path


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def remove_stale_temps(target: Path) -> list[Path]:
    """Remove ``.NAME.*.tmp`` files a killed run of this tool left beside ``target``."""
    parent = target.parent if str(target.parent) else Path(".")
    removed: list[Path] = []
    prefix = f".{target.name}."
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        middle = name[len(prefix) : -len(".tmp")]
        stale = False
        if middle.startswith(_TMP_TAG):
            pid_text = middle[len(_TMP_TAG) :].split("-", 1)[0]
            stale = pid_text.isdigit() and not _pid_alive(int(pid_text))
        elif re.fullmatch(r"[a-z0-9_]{8}", middle):  # mkstemp name of earlier versions
            with contextlib.suppress(OSError):
                stale = now - entry.stat(follow_symlinks=False).st_mtime > _LEGACY_AGE
        if stale and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


@contextlib.contextmanager
def _unlink_on_sigterm(tmp: str) -> Iterator[None]:
    """While writing: on SIGTERM remove ``tmp``, restore the previous handler and re-signal."""
    previous = (
        signal.getsignal(signal.SIGTERM)
        if threading.current_thread() is threading.main_thread()
        else signal.SIG_IGN
    )
    if previous is signal.SIG_IGN:  # not ours to handle (a thread), or ignored anyway
        yield
        return

    def handler(signum: int, frame: object) -> None:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        signal.signal(signal.SIGTERM, previous or signal.SIG_DFL)
        if callable(previous):
            previous(signum, frame)
        else:
            os.kill(os.getpid(), signum)
        raise SitingError("interrupted by SIGTERM; nothing was written", file=tmp)

    signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous or signal.SIG_DFL)


def _write_stdout(payload: bytes) -> None:
    out = getattr(sys.stdout, "buffer", None)
    if out is not None:
        sys.stdout.flush()
        out.write(payload)
        out.flush()
    else:  # a text-only stream (e.g. a test runner's capture)
        sys.stdout.write(payload.decode("utf-8"))
        sys.stdout.flush()


def check_output_path(path: str | os.PathLike[str]) -> Path:
    """The regular file ``path`` stands for; refuse special files with a clear error."""
    target = _resolve_target(Path(path))
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise SitingError(
            f"cannot use the output path ({exc.strerror})", file=str(path), fix=_FIX
        ) from exc
    kind = _special_kind(st.st_mode)
    if kind == "a directory":
        raise SitingError(
            "the output path is a directory",
            file=str(path),
            fix="give a file name, e.g. -o maps/base.html",
        )
    if kind:
        raise SitingError(
            f"the output path is {kind}, not a regular file",
            file=str(path),
            fix="write to a regular file, or use -o - for standard output",
        )
    return target


def atomic_write(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same directory and rename it."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if is_stdout(path):
        _write_stdout(payload)
        return Path(os.fspath(path))
    target = check_output_path(path)
    parent = target.parent if str(target.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SitingError(
            f"cannot create the output folder ({exc.strerror})", file=str(path), fix=_FIX
        ) from exc
    remove_stale_temps(target)
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{target.name}.{_TMP_TAG}{os.getpid()}-", suffix=".tmp", dir=parent
        )
    except OSError as exc:
        raise SitingError(
            f"cannot write the output file ({exc.strerror})", file=str(path), fix=_FIX
        ) from exc
    try:
        with _unlink_on_sigterm(tmp):
            with os.fdopen(fd, "wb") as fh:
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
            if target.exists():
                os.chmod(tmp, target.stat().st_mode & 0o777)
            else:
                os.chmod(tmp, 0o644)
            check_output_path(target)  # it may have changed while we wrote
            os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SitingError(
            f"cannot write the output file ({exc.strerror})", file=str(path), fix=_FIX
        ) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(path)
