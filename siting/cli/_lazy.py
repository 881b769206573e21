"""The library modules the commands use, executed when a command first touches them.

``siting --help`` must stay under 0.3x ``python -c "import pandas"`` (issue 15), but the library
cannot be imported that cheaply: ``import siting.scenario.model`` (pydantic models) alone took
0.39x, ``import numpy`` 0.20x (best of 7 fresh processes, 2026-12-04). So the command modules
import the library at module level as any module does (``from siting import api``), and
:func:`defer` registers these modules beforehand with :class:`importlib.util.LazyLoader`: each
one runs on its first attribute access, i.e. when a command runs, never for ``--help`` or a
usage error; and ``siting rank`` does not execute the map, export, sensitivity or validation
modules that :mod:`siting.api` names (it reaches them as ``maps.build_map``,
``fit.fit_weights``: attributes looked up when called).
"""

from __future__ import annotations

import importlib.util
import sys

# what siting.api and the commands use; a command executes only the modules it touches. No
# submodule of a deferred package: finding its spec would execute the package (siting.outputs.maps
# did so, 0.45 s on every command); the commands reach such names through the package instead.
LIBRARY = (
    "siting.api",
    "siting.analysis.baselines",
    "siting.analysis.compare",
    "siting.analysis.fit",
    "siting.analysis.sensitivity",
    "siting.analysis.validate",
    "siting.analysis.validation",
    "siting.data.cache",
    "siting.outputs.export",
    "siting.outputs.maps",
    "siting.outputs.tables",
    "siting.scenario.schema",
)


def defer(names: tuple[str, ...] = LIBRARY) -> None:
    """Put a lazily executed module in ``sys.modules`` for each of ``names`` not yet imported."""
    for name in names:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:  # a module renamed since: nothing to defer
            continue
        spec.loader = importlib.util.LazyLoader(spec.loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        parent, _, child = name.rpartition(".")
        setattr(sys.modules[parent], child, module)
