"""Terminal-safe text: user- and data-supplied strings are shown as plain text.

Rich would read ``[bold]`` or ``[link=...]`` in a plain ``str`` as markup, and a raw escape
byte such as ``\\x1b[31m`` would reach the terminal. :func:`plain` returns a
:class:`rich.text.Text` (never parsed as markup) with control characters written as visible
escapes; :func:`sanitize` applies that to every string inside a rich renderable (tables,
groups, texts) just before it is printed.
"""

from __future__ import annotations

import re
from typing import Any

# C0 and C1 controls and DEL, except newline and tab; also bidi overrides that reorder text.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """``text`` with control characters (except newline and tab) as ``\\xNN`` escapes."""
    return _CONTROL.sub(_visible, text)


def plain(text: Any) -> Any:
    """A rich Text of ``text``: no markup interpretation, control characters escaped."""
    from rich.text import Text

    if isinstance(text, Text):
        return _clean_text(text)
    return Text(escape_controls("" if text is None else str(text)))


def _clean_text(t: Any) -> Any:
    if not _CONTROL.search(t.plain):
        return t
    from rich.text import Text

    return Text(escape_controls(t.plain), style=t.style, justify=t.justify, end=t.end)


def sanitize(renderable: Any) -> Any:
    """Make every string inside a rich renderable plain text (see :func:`plain`)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    if isinstance(renderable, str):
        return plain(renderable)
    if isinstance(renderable, Text):
        return _clean_text(renderable)
    if isinstance(renderable, Group):
        renderable._renderables = [sanitize(r) for r in renderable._renderables]
        return renderable
    if isinstance(renderable, Table):
        for attr in ("title", "caption"):
            value = getattr(renderable, attr)
            if value is not None:
                setattr(renderable, attr, sanitize(value))
        for col in renderable.columns:
            if isinstance(col.header, str | Text):
                col.header = sanitize(col.header)
            col._cells = [sanitize(c) for c in col._cells]
        return renderable
    return renderable
