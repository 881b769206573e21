"""A compiled cache of validated datasets: read and check the data files once, reuse the result.

An entry is one ``.npz`` file in :func:`cache_dir` (``$SITING_CACHE_DIR``, else
``$XDG_CACHE_HOME/siting``, else ``~/.cache/siting``; safe to delete at any time). It holds the
value columns as numpy arrays and everything else (regions, indicators, sources, facilities,
decisions, warnings, category strings) as one JSON document stored as bytes. It is keyed by a
SHA-256 over every file of the data folder (except ``scenarios/``, which are read per run), the
folder's path, the level, the cache format and the source of the data layer, so any
change to a data file (or to the loader) makes a new entry, built and validated from scratch.

Why not pickle: the cache lives in a user-writable place, and unpickling runs code. ``np.load``
with ``allow_pickle=False`` and ``json.loads`` only ever produce arrays and plain data; on top,
an entry is used only if its format version and key match, and the zip's CRC-32 of each member
is checked on read. Writes go to a temporary file in the same folder, then ``os.replace``: a
concurrent reader sees the old entry, the new one or none, never a partial file.

Disable with ``--no-cache`` or ``SITING_NO_CACHE=1``; ``siting validate`` never uses it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from siting import __version__
from siting._errors import Problem
from siting.data.levels import Level
from siting.data.model import Dataset
from siting.data.records import Indicator, Source
from siting.data.values import StringBlob, ValueTable

CACHE_FORMAT = 2
BLOB_MIN = 5_000  # string lists longer than this are stored as a UTF-8 buffer + offsets
_PACKAGE = Path(__file__).resolve().parents[1]
_state = {"enabled": True}


def cache_dir() -> Path:
    """Where entries are written: $SITING_CACHE_DIR, $XDG_CACHE_HOME/siting or ~/.cache/siting."""
    explicit = os.environ.get("SITING_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "siting"


def set_enabled(on: bool) -> None:
    """Turn the cache on or off for this process (the CLI's ``--no-cache``)."""
    _state["enabled"] = on


def enabled() -> bool:
    return _state["enabled"] and os.environ.get("SITING_NO_CACHE", "") in ("", "0")


def data_files(root: Path) -> list[Path]:
    """Every file the cache key covers: all files under ``root`` except ``scenarios/`` and
    hidden files, by relative path (new topic files are covered as soon as they exist)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel = Path(dirpath).relative_to(root)
        top = rel == Path()
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and not (top and d == "scenarios")
        )
        out += [rel / f for f in sorted(filenames) if not f.startswith(".")]
    return sorted(out, key=lambda p: p.as_posix())


@cache
def _code_digest(whole: bool = False) -> bytes:
    """SHA-256 of the code that builds a cached value, once per process: for a dataset the data
    layer and the foundation modules (tests/test_layers.py keeps it from importing anything
    else); ``whole`` for values computed by other layers (:func:`memo_json`)."""
    h = hashlib.sha256()
    if whole:
        files = list(_PACKAGE.rglob("*.py"))
    else:
        files = [*_PACKAGE.glob("_*.py"), _PACKAGE / "__init__.py"]
        files += (_PACKAGE / "data").rglob("*.py")
    for p in sorted(files):
        h.update(p.relative_to(_PACKAGE).as_posix().encode() + b"\0")
        h.update(p.read_bytes())
    return h.digest()


def key(root: Path, level: Level) -> str:
    """SHA-256 of everything that determines the loaded dataset."""
    h = hashlib.sha256()
    h.update(f"siting-cache {CACHE_FORMAT} {__version__} {level}\0".encode())
    h.update(str(root.resolve()).encode() + b"\0")
    h.update(_code_digest())
    for rel in data_files(root):
        data = (root / rel).read_bytes()
        h.update(f"{rel.as_posix()}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def entry_path(root: Path, level: Level, digest: str) -> Path:
    where = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:12]
    return cache_dir() / f"dataset-{level}-{where}-{digest[:32]}.npz"


# ---------------------------------------------------------------------- (de)serialising


def _pack(ds: Dataset, prefix: str, arrays: dict[str, Any]) -> dict[str, Any]:
    t = ds.values
    for k, a in t.cols.items():
        arrays[prefix + k] = a
    blobs = [k for k, items in t.cats.items() if len(items) > BLOB_MIN]
    for k in blobs:  # long string lists: one UTF-8 buffer, decoded per string on use
        sb = t.cats[k] if isinstance(t.cats[k], StringBlob) else StringBlob.encode(t.cats[k])
        arrays[f"{prefix}blob_{k}"], arrays[f"{prefix}offsets_{k}"] = sb.blob, sb.offsets
    meta = {
        "level": ds.level.value,
        "regions": ds.regions,
        "indicators": [asdict(i) for i in ds.indicators.values()],
        "sources": [asdict(s) for s in ds.sources.values()],
        "facilities": ds.facilities,
        "decisions": ds.decisions,
        "problems": [asdict(p) for p in ds.problems],
        "cats": {k: list(v) for k, v in t.cats.items() if k not in blobs},
        "blobs": blobs,
        "columns": sorted(t.cols),
        "fingerprint": ds.fingerprint,
    }
    if ds.parent is not None:
        meta["parent"] = _pack(ds.parent, "p" + prefix, arrays)
    return meta


def _unpack(root: Path, meta: dict[str, Any], prefix: str, arrays: Any) -> Dataset:
    cats: dict[str, Any] = dict(meta["cats"])
    for k in meta["blobs"]:
        cats[k] = StringBlob(arrays[f"{prefix}blob_{k}"], arrays[f"{prefix}offsets_{k}"])
    indicators = {}
    for d in meta["indicators"]:
        d["range"] = tuple(d["range"]) if d["range"] is not None else None
        d["computed_from"] = tuple(d["computed_from"])
        indicators[d["id"]] = Indicator(**d)
    sources = {d["id"]: Source(**d) for d in meta["sources"]}
    cols = {k: arrays[prefix + k] for k in meta["columns"]}
    parent = _unpack(root, meta["parent"], "p" + prefix, arrays) if "parent" in meta else None
    ds = Dataset(
        root,
        meta["regions"],
        indicators,
        sources,
        ValueTable(cols, cats),
        meta["facilities"],
        meta["decisions"],
        [Problem(**p) for p in meta["problems"]],
        level=Level(meta["level"]),
        parent=parent,
    )
    ds.__dict__["fingerprint"] = meta["fingerprint"]
    return ds


def load(root: Path, level: Level, digest: str) -> Dataset | None:
    """The cached dataset for ``digest``, or None (missing, other format, damaged)."""
    path = entry_path(root, level, digest)
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        meta = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
        if meta.get("format") != CACHE_FORMAT or meta.get("key") != digest:
            return None
        return _unpack(root, meta["dataset"], "", arrays)
    except FileNotFoundError:
        return None
    except Exception:  # a damaged or foreign file is a miss; it is replaced on the next store
        return None


def store(ds: Dataset, digest: str) -> Path | None:
    """Write ``ds`` atomically under ``digest``; drop older entries of the same folder and level.
    Returns the path, or None when the cache folder is not writable (the cache is optional)."""
    arrays: dict[str, Any] = {}
    meta = {"format": CACHE_FORMAT, "key": digest, "dataset": _pack(ds, "", arrays)}
    blob = json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    arrays["meta"] = np.frombuffer(blob, dtype=np.uint8)
    try:
        path = entry_path(ds.root, ds.level, digest)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=path.parent)
    except (OSError, RuntimeError):  # no home folder, or not writable: run without a cache
        return None
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
        return None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    stem = path.name.rsplit("-", 1)[0] + "-"
    for old in path.parent.glob(stem + "*.npz"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


# ---------------------------------------------------------------------- derived values


def memo_json(kind: str, source: Any, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per distinct ``source`` (JSON-able input) and package version, kept
    as a JSON file in :func:`cache_dir` (for boundaries' derived values: label points, outlines,
    encoded geometry). Always returns the JSON round trip, so a hit and a miss give the same
    value (tuples come back as lists)."""
    if not enabled():
        return json.loads(json.dumps(compute()))
    try:
        h = hashlib.sha256(f"{kind} {CACHE_FORMAT}\0".encode())
        h.update(_code_digest(whole=True))
        h.update(json.dumps(source, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
        path = cache_dir() / f"{kind}-{h.hexdigest()[:32]}.json"
    except (TypeError, ValueError, RuntimeError):
        return json.loads(json.dumps(compute()))
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    text = json.dumps(compute(), separators=(",", ":"), ensure_ascii=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError:
        pass
    return json.loads(text)
