"""Whether siting owns this interpreter: true for the ``siting`` command, false for a notebook
or a program that imports the library. Only what owns the process may trade side effects on
other libraries for speed (see :func:`siting.outputs.maps.render._import_folium`)."""

from __future__ import annotations

owns_interpreter = False


def claim_interpreter() -> None:
    """Called by the command-line entry point before it runs a command."""
    global owns_interpreter
    owns_interpreter = True
