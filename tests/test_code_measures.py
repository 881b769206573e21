"""The redesign's measures, checked on every run: module size, cyclomatic complexity (radon), and
no import of the package's own modules inside a function (lazy imports are for heavy third-party
libraries only, so ``siting --help`` stays fast without hiding the import graph)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "siting"
SOURCES = sorted(p for p in PKG.rglob("*.py") if "_assets" not in p.parts)
MAX_LINES = 600
MAX_COMPLEXITY = 15
WAIVER = "# complexity:"  # a comment on the line above a def that says why it may be complex


def rel(path: Path) -> str:
    return str(path.relative_to(PKG.parent))


def test_no_module_is_over_600_lines() -> None:
    long = {rel(p): n for p in SOURCES if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these modules (over {MAX_LINES} lines): {long}"


def test_no_function_is_too_complex_without_a_reason() -> None:
    cc = pytest.importorskip("radon.complexity")
    bad = []
    for p in SOURCES:
        text = p.read_text("utf-8")
        lines = text.splitlines()
        for block in cc.cc_visit(text):
            items = [block, *getattr(block, "methods", [])]
            for b in items:
                first = b.lineno - 1
                while first > 0 and lines[first - 1].lstrip().startswith("@"):
                    first -= 1
                waived = first > 0 and lines[first - 1].lstrip().startswith(WAIVER)
                if b.complexity > MAX_COMPLEXITY and not waived:
                    bad.append(f"{rel(p)}:{b.lineno} {b.fullname} ({b.complexity})")
    assert not bad, f"complexity over {MAX_COMPLEXITY} (split, or say why with {WAIVER!r}):\n" + (
        "\n".join(bad)
    )


def test_no_function_imports_the_package_itself() -> None:
    bad = []
    for p in SOURCES:
        tree = ast.parse(p.read_text("utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.ImportFrom):
                    names = [node.module or ""] if node.level == 0 else ["siting (relative)"]
                elif isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                else:
                    continue
                if any(n == "siting" or n.startswith("siting") for n in names):
                    bad.append(f"{rel(p)}:{node.lineno} in {fn.name}()")
    assert not bad, "import these at module level:\n" + "\n".join(sorted(set(bad)))
