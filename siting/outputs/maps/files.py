"""Writing the page, and its PNG screenshot with headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from siting._errors import SitingError
from siting._io import atomic_write

__all__ = ["find_chromium", "render_png", "write_map"]


def write_map(path: str | Path, page: str) -> Path:
    """Write the page atomically."""
    return atomic_write(path, page)


def find_chromium() -> str | None:
    """A Chromium/Chrome binary: $SITING_CHROMIUM, then the usual names on PATH."""
    env = os.environ.get("SITING_CHROMIUM")
    if env and Path(env).exists():
        return env
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        hit = shutil.which(name)
        if hit:
            return hit
    return None


def render_png(
    html_path: str | Path,
    png_path: str | Path,
    *,
    width: int = 1600,
    height: int = 1000,
    timeout: float = 60.0,
) -> Path:
    """Screenshot the map page with headless Chromium (static view: card closed)."""
    exe = find_chromium()
    if exe is None:
        raise SitingError(
            "--png needs Chromium, which was not found",
            fix="install it (Debian: apt-get install chromium) or set SITING_CHROMIUM",
        )
    src = Path(html_path).resolve()
    with tempfile.TemporaryDirectory(prefix="siting-png-") as tmp:
        out = Path(tmp) / "map.png"
        cmd = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp}/profile",
            f"--window-size={width},{height}",
            "--virtual-time-budget=4000",
            f"--screenshot={out}",
            src.as_uri() + "#static",
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise SitingError("Chromium did not finish the screenshot in time") from exc
        if not out.exists():
            raise SitingError(
                f"Chromium could not take the screenshot (exit {proc.returncode})",
                fix=(proc.stderr or "").strip().splitlines()[-1:] and proc.stderr.strip()[-300:],
            )
        return atomic_write(png_path, out.read_bytes())
