"""Indicators the project computes from other data (each names its inputs).

``scripts/compute_indicators.py`` writes these rows into ``data/values.csv``; a test recomputes
them and checks the committed rows match.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from siting.dataset import Dataset

Row = dict[str, str]
COMPUTED_PREFIX = "computed-"


def _ratio_rows(ds: Dataset) -> list[Row]:
    rows = []
    period = "2026-03-27"
    ok = ds.column("dc_supply_possible", period)
    bad = ds.column("dc_supply_impossible", period)
    for code in ds.region_codes:
        if code in ok and code in bad and ok[code] + bad[code] > 0:
            rate = 100 * ok[code] / (ok[code] + bad[code])
            rows.append(
                _row(
                    code,
                    "dc_supply_approval",
                    period,
                    f"{rate:.1f}",
                    "%",
                    "computed-dc-supply-approval",
                    f"= {ok[code]:g} / ({ok[code]:g} + {bad[code]:g}) MW",
                    "inputs: dc_supply_possible, dc_supply_impossible (2026-03-27)",
                )
            )
    return rows


def _surplus_rows(ds: Dataset) -> list[Row]:
    rows = []
    gen = ds.column("power_generation", "2025")
    sales = ds.column("power_sales", "2025")
    for code in ds.region_codes:
        if code in gen and code in sales:
            twh = (gen[code] - sales[code]) / 1000
            rows.append(
                _row(
                    code,
                    "power_surplus",
                    "2025",
                    f"{twh:.2f}",
                    "TWh",
                    "computed-power-surplus",
                    f"= ({gen[code]:g} - {sales[code]:g}) GWh / 1000",
                    "inputs: power_generation, power_sales (2025)",
                )
            )
    return rows


def _row(
    region: str,
    indicator: str,
    period: str,
    value: str,
    unit: str,
    source: str,
    quote: str,
    note: str,
) -> Row:
    return {
        "region": region,
        "indicator": indicator,
        "period": period,
        "value": value,
        "unit": unit,
        "source": source,
        "quote": quote,
        "quote_type": "formula",
        "note": note,
    }


DERIVATIONS: dict[str, Callable[[Dataset], list[Row]]] = {
    "computed-power-surplus": _surplus_rows,
    "computed-dc-supply-approval": _ratio_rows,
}


def derived_rows(ds: Dataset) -> list[Row]:
    """All computed rows, in a stable order."""
    out: list[Row] = []
    for fn in DERIVATIONS.values():
        out.extend(fn(ds))
    return out
