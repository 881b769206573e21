"""Terminal tables that fit the width they are printed at, without breaking a word or an id.

A table is laid out when it is printed (so it knows the terminal's width, 80 columns for a pipe).
Each column is at least as wide as its longest unbreakable token: ids, codes and numbers never
wrap mid-word; text wraps at spaces. When the columns do not fit, the table is split into parts
that repeat the key columns (the first one, and the region after a rank) and a note says how to
get one wide table; when even that does not fit, each row is printed as a record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from siting._term import escape_controls

if TYPE_CHECKING:  # rich is imported where a table is printed: building one stays cheap
    from rich.console import Console, ConsoleOptions, Group, RenderResult
    from rich.table import Table

_BORDER = 3  # a column's share of the box: "│ " + " "
_HINT = "widen the terminal (e.g. COLUMNS=160) or use -f csv|markdown for one table"


def _longest_token(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(t) for t in text.split()), default=0)


class FitTable:
    """A rich renderable: one table when it fits, else parts sharing the key columns."""

    def __init__(
        self,
        rows: Sequence[Sequence[str]],
        columns: Sequence[str],
        *,
        title: str = "",
        caption: str = "",
        right: Iterable[str] = (),
    ) -> None:
        # data-supplied text is shown as plain text: no markup, control characters escaped
        self.rows = [[escape_controls(str(c)) for c in r] for r in rows]
        self.columns = [escape_controls(str(c)) for c in columns]
        self.title = escape_controls(title)
        self.caption = escape_controls(caption)
        self.right = {escape_controls(str(c)) for c in right}
        key = 2 if len(self.columns) > 2 and self.columns[0] == "rank" else 1
        self.key = list(range(min(key, len(self.columns))))

    # ----------------------------------------------------------------- measuring
    def _min_width(self, j: int) -> int:
        cells = [self.columns[j], *(r[j] for r in self.rows)]
        return max(_longest_token(c) for c in cells)

    def _full_width(self, j: int) -> int:
        from rich.cells import cell_len

        cells = [self.columns[j], *(r[j] for r in self.rows)]
        return max(cell_len(c) for c in cells)

    def _needed(self, cols: Sequence[int]) -> int:
        return sum(self._min_width(j) + _BORDER for j in cols) + 1

    def _parts(self, width: int) -> list[list[int]] | None:
        """Column groups (each with the key columns) that fit, or None when none can."""
        rest = [j for j in range(len(self.columns)) if j not in self.key]
        if self._needed(range(len(self.columns))) <= width:
            return [list(range(len(self.columns)))]
        parts: list[list[int]] = []
        current = list(self.key)
        for j in rest:
            if self._needed([*current, j]) <= width:
                current.append(j)
            elif len(current) > len(self.key):
                parts.append(current)
                current = [*self.key, j]
                if self._needed(current) > width:
                    return None
            else:
                return None
        parts.append(current)
        return parts

    # ----------------------------------------------------------------- rendering
    def _table(self, cols: Sequence[int], title: str, caption: str) -> Table:
        from rich.table import Table
        from rich.text import Text

        t = Table(
            title=Text(title) if title else None,
            caption=Text(caption) if caption else None,
            caption_justify="left",
            header_style="bold",
            show_lines=False,
        )
        for j in cols:
            name = self.columns[j]
            unbreakable = self._min_width(j) == self._full_width(j)
            t.add_column(
                Text(name),
                justify="right" if name in self.right else "left",
                min_width=self._min_width(j),
                no_wrap=unbreakable,
                overflow="fold",
            )
        for r in self.rows:
            t.add_row(*(Text(r[j]) for j in cols))
        return t

    def _records(self, width: int) -> Group:
        from rich.console import Group
        from rich.text import Text

        out: list[Any] = []
        if self.title:
            out.append(Text(self.title, style="bold"))
        out.append(Text(f"(one record per row to fit {width} columns; {_HINT})", style="dim"))
        for r in self.rows:
            out.append(Text(""))
            for name, cell in zip(self.columns, r, strict=True):
                line = Text(f"{name}: ", style="bold")
                line.append(cell)
                out.append(line)
        if self.caption:
            out.append(Text(self.caption))
        return Group(*out)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        width = options.max_width
        parts = self._parts(width)
        if parts is None:
            yield self._records(width)
            return
        if len(parts) == 1:
            yield self._table(parts[0], self.title, self.caption)
            return
        for k, cols in enumerate(parts, 1):
            title = f"{self.title} ({k}/{len(parts)})" if self.title else f"({k}/{len(parts)})"
            caption = self.caption if k == len(parts) else ""
            yield self._table(cols, title, caption)
        yield Text(f"(split in {len(parts)} parts to fit {width} columns; {_HINT})", style="dim")
