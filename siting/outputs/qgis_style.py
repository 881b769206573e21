"""A QGIS style for the exported score layer: a graduated fill on ``score`` as QML and SLD.

The classes are equal intervals over the range of the ranked scores, coloured with the map's
sequential palette (:data:`siting.outputs.maps.SEQUENTIAL`), so the GeoPackage opens in QGIS looking
like the HTML map. Regions without a score (excluded) fall in no class and are not filled.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from siting.outputs.maps import SEQUENTIAL

FIELD = "score"
N_CLASSES = 5
OUTLINE = "#ffffff"


def class_breaks(scores: Sequence[float], n: int = N_CLASSES) -> list[tuple[float, float]]:
    """``n`` equal intervals from the lowest to the highest score (outer bounds rounded out to
    whole points so every score falls in a class); one class when all scores are equal."""
    vals = [float(s) for s in scores if s is not None and math.isfinite(float(s))]
    if not vals:
        return [(0.0, 100.0)]
    lo, hi = math.floor(min(vals)), math.ceil(max(vals))
    if hi <= lo:
        return [(float(lo), float(lo) + 1.0)]
    step = (hi - lo) / n
    edges = [round(lo + k * step, 6) for k in range(n)] + [float(hi)]
    return list(itertools.pairwise(edges))


def class_colors(n: int) -> list[str]:
    """``n`` colours spread evenly over the map's sequential palette, light to dark."""
    if n == 1:
        return [SEQUENTIAL[len(SEQUENTIAL) // 2]]
    last = len(SEQUENTIAL) - 1
    return [SEQUENTIAL[round(k * last / (n - 1))] for k in range(n)]


def _rgba(hex_color: str) -> str:
    h = hex_color.lstrip("#")
    return ",".join(str(int(h[k : k + 2], 16)) for k in (0, 2, 4)) + ",255"


def _label(lo: float, hi: float) -> str:
    return f"{lo:g} – {hi:g}"


def _qml_symbol(name: int, color: str) -> str:
    props = {
        "color": _rgba(color),
        "outline_color": _rgba(OUTLINE),
        "outline_style": "solid",
        "outline_width": "0.2",
        "outline_width_unit": "MM",
        "style": "solid",
    }
    options = "".join(f'<Option type="QString" name="{k}" value="{v}"/>' for k, v in props.items())
    legacy = "".join(f'<prop k="{k}" v="{v}"/>' for k, v in props.items())
    return (
        f'<symbol type="fill" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">'
        '<layer class="SimpleFill" enabled="1" locked="0" pass="0">'
        f'<Option type="Map">{options}</Option>{legacy}</layer></symbol>'
    )


def qml(scores: Sequence[float], field: str = FIELD) -> str:
    """QGIS QML: a graduated renderer on ``field`` (equal intervals, the map's palette)."""
    breaks = class_breaks(scores)
    colors = class_colors(len(breaks))
    ranges = "".join(
        f'<range lower="{lo:.6f}" upper="{hi:.6f}" symbol="{k}" '
        f'label={quoteattr(_label(lo, hi))} render="true"/>'
        for k, (lo, hi) in enumerate(breaks)
    )
    symbols = "".join(_qml_symbol(k, c) for k, c in enumerate(colors))
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        '<qgis version="3.28.0" styleCategories="Symbology">'
        f'<renderer-v2 type="graduatedSymbol" attr={quoteattr(field)} '
        'graduatedMethod="GraduatedColor" symbollevels="0" enableorderby="0" forceraster="0">'
        f"<ranges>{ranges}</ranges><symbols>{symbols}</symbols>"
        '<classificationMethod id="EqualInterval">'
        '<symmetricMode enabled="0" symmetrypoint="0" astride="0"/>'
        '<labelFormat format="%1 – %2" labelprecision="1" trimtrailingzeroes="1"/>'
        "</classificationMethod>"
        '<mode name="equal"/><rotation/><sizescale/></renderer-v2>'
        "<blendMode>0</blendMode><featureBlendMode>0</featureBlendMode>"
        "<layerOpacity>1</layerOpacity></qgis>\n"
    )


def _sld_rule(lo: float, hi: float, color: str, field: str, last: bool) -> str:
    upper = "PropertyIsLessThanOrEqualTo" if last else "PropertyIsLessThan"
    return (
        f"<se:Rule><se:Name>{_label(lo, hi)}</se:Name>"
        f"<se:Description><se:Title>{_label(lo, hi)}</se:Title></se:Description>"
        "<ogc:Filter><ogc:And>"
        f"<ogc:PropertyIsGreaterThanOrEqualTo><ogc:PropertyName>{field}</ogc:PropertyName>"
        f"<ogc:Literal>{lo:.6f}</ogc:Literal></ogc:PropertyIsGreaterThanOrEqualTo>"
        f"<ogc:{upper}><ogc:PropertyName>{field}</ogc:PropertyName>"
        f"<ogc:Literal>{hi:.6f}</ogc:Literal></ogc:{upper}>"
        "</ogc:And></ogc:Filter>"
        "<se:PolygonSymbolizer><se:Fill>"
        f'<se:SvgParameter name="fill">{color}</se:SvgParameter></se:Fill>'
        f'<se:Stroke><se:SvgParameter name="stroke">{OUTLINE}</se:SvgParameter>'
        '<se:SvgParameter name="stroke-width">0.2</se:SvgParameter></se:Stroke>'
        "</se:PolygonSymbolizer></se:Rule>"
    )


def sld(scores: Sequence[float], layer: str, field: str = FIELD) -> str:
    """OGC SLD 1.1 with the same classes and colours as :func:`qml`."""
    breaks = class_breaks(scores)
    colors = class_colors(len(breaks))
    rules = "".join(
        _sld_rule(lo, hi, c, field, k == len(breaks) - 1)
        for k, ((lo, hi), c) in enumerate(zip(breaks, colors, strict=True))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<StyledLayerDescriptor xmlns="http://www.opengis.net/sld" '
        'xmlns:ogc="http://www.opengis.net/ogc" xmlns:se="http://www.opengis.net/se" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="1.1.0" '
        'xsi:schemaLocation="http://www.opengis.net/sld '
        'http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">'
        f"<NamedLayer><se:Name>{escape(layer)}</se:Name>"
        f"<UserStyle><se:Name>{escape(layer)}</se:Name>"
        f"<se:FeatureTypeStyle>{rules}</se:FeatureTypeStyle></UserStyle></NamedLayer>"
        "</StyledLayerDescriptor>\n"
    )
