"""Results as tables for notebooks: ``to_frame()`` (pandas, imported when asked) and
``_repr_html_`` (Jupyter) from one list of row dicts per result type."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


class Tabular:
    """A result with a ``frame_rows(lang)`` method: rows of plain values, numbers as numbers."""

    frame_index: str | None = None  # the column to index the frame by, if any

    def frame_rows(self, lang: str = "ko") -> list[dict[str, Any]]:
        raise NotImplementedError

    def to_frame(self, lang: str = "ko") -> pd.DataFrame:
        """The result as a DataFrame: ranks as nullable integers (<NA> where a region is not
        ranked), ties as their own boolean columns."""
        import pandas as pd

        frame = pd.DataFrame(self.frame_rows(lang))
        for col in frame.columns:
            if col == "rank" or col.startswith("rank:"):
                frame[col] = pd.array(frame[col].tolist(), dtype="Int64")
        if self.frame_index and self.frame_index in frame.columns:
            frame = frame.set_index(self.frame_index)
        return frame

    def _repr_html_(self) -> str:
        """The frame as an HTML table (pandas escapes every string)."""
        return self.to_frame().to_html(escape=True, max_rows=30)
