"""Layers import one way: data → scenario → engine → analysis → outputs → api → cli.

Module-level imports only (imports inside functions are lazy by design and are counted, not
checked, see below); a back-edge or a cycle fails."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "siting"
LAYERS = {
    0: [
        "siting._errors",
        "siting._paths",
        "siting._io",
        "siting._yaml",
        "siting._term",
        "siting._frames",
        "siting._runtime",
    ],
    1: ["siting.data"],
    2: ["siting.scenario"],
    3: ["siting.engine"],
    4: ["siting.analysis"],
    5: ["siting.outputs"],
    6: ["siting.api"],
    7: ["siting.cli"],
}


def layer_of(module: str) -> int:
    best = (-1, -1)
    for layer, prefixes in LAYERS.items():
        for p in prefixes:
            if module == p or module.startswith(p + "."):
                best = max(best, (len(p), layer))
    return best[1]


def module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def top_level_imports(tree: ast.Module, here: str) -> list[str]:
    out = []
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for sub in ast.walk(node) if isinstance(node, ast.If | ast.Try) else [node]:
            if isinstance(sub, ast.Import):
                out += [a.name for a in sub.names]
            elif isinstance(sub, ast.ImportFrom) and sub.module and sub.level == 0:
                out += [sub.module] + [f"{sub.module}.{a.name}" for a in sub.names]
    return [m for m in out if m.startswith("siting.") or m == "siting"]


def graph() -> dict[str, set[str]]:
    mods = {module_name(p): p for p in PKG.rglob("*.py") if "_assets" not in p.parts}
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for m, p in mods.items():
        for imp in top_level_imports(ast.parse(p.read_text(encoding="utf-8")), m):
            target = next((t for t in (imp, imp.rsplit(".", 1)[0]) if t in mods), None)
            if target and target != m:
                edges[m].add(target)
    return edges


def test_every_module_has_a_layer() -> None:
    missing = [m for m in graph() if m != "siting" and layer_of(m) < 0]
    assert not missing, f"assign a layer in tests/test_layers.py: {missing}"


def test_no_module_imports_a_higher_layer() -> None:
    bad = [
        f"{m} (layer {layer_of(m)}) imports {t} (layer {layer_of(t)})"
        for m, ts in graph().items()
        for t in ts
        if m != "siting" and layer_of(t) > layer_of(m)
    ]
    assert not bad, "\n".join(bad)


def test_no_import_cycles() -> None:
    edges = graph()
    state: dict[str, int] = {}
    cycles: list[str] = []

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for t in sorted(edges[m]):
            if state.get(t) == 1:
                cycles.append(" -> ".join([*path[path.index(t) :], t]))
            elif t not in state:
                visit(t, [*path, t])
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m, [m])
    assert not cycles, "\n".join(cycles)
