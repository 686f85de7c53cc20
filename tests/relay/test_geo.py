"""portal.geo: postcodes to coordinates, distances, boxes; and the shipped postcode table."""

from __future__ import annotations

import ast
import csv
import importlib.util
import math
import subprocess
import sys
from pathlib import Path

import pytest

from portal import geo

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT.parent / "shared" / "data" / "laposte_hexasmal.csv"


def near(point: tuple[float, float] | None, lat: float, lon: float, km: float) -> bool:
    assert point is not None
    return geo.haversine_km(point[0], point[1], lat, lon) <= km


def destination(lat: float, lon: float, bearing_deg: float, km: float) -> tuple[float, float]:
    """The point `km` away from (lat, lon) along a bearing (spherical Earth)."""
    d = km / geo.EARTH_RADIUS_KM
    phi1, lambda1, theta = math.radians(lat), math.radians(lon), math.radians(bearing_deg)
    phi2 = math.asin(math.sin(phi1) * math.cos(d) + math.cos(phi1) * math.sin(d) * math.cos(theta))
    lambda2 = lambda1 + math.atan2(
        math.sin(theta) * math.sin(d) * math.cos(phi1),
        math.cos(d) - math.sin(phi1) * math.sin(phi2),
    )
    return math.degrees(phi2), math.degrees(lambda2)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("75011", "75011"),
        (" 75 011 ", "75011"),
        ("\t69002\n", "69002"),
        ("7501", None),
        ("750111", None),
        ("75O11", None),
        ("", None),
        (None, None),
        ("٧٥٠١١", None),  # Arabic-Indic digits are digits to str.isdigit, not postcodes
    ],
)
def test_normalize_postcode_france(raw, expected):
    assert geo.normalize_postcode(raw) == expected


def test_normalize_postcode_other_countries():
    assert geo.normalize_postcode(" 1000 ", "BE") == "1000"
    assert geo.normalize_postcode("sw1a 1aa", "GB") == "SW1A1AA"
    assert geo.normalize_postcode("1000", "FR") is None


def test_known_postcodes_come_from_the_table():
    assert near(geo.coordinates("75011"), 48.86, 2.38, 1)  # Paris 11e
    assert near(geo.coordinates("69002"), 45.75, 4.83, 1)  # Lyon 2e
    assert near(geo.coordinates("13001"), 43.30, 5.38, 2)  # Marseille 1er
    assert geo.coordinates(" 75 011") == geo.coordinates("75011")


def test_overseas_postcode_from_the_table():
    assert near(geo.coordinates("97411"), -21.04, 55.32, 2)  # Saint-Denis, La Réunion


def test_corsica_postcode_from_the_table():
    assert near(geo.coordinates("20000"), 41.93, 8.70, 2)  # Ajaccio


@pytest.mark.parametrize(
    ("postcode", "dep"),
    [
        ("75011", "75"),
        ("01000", "01"),
        ("20000", "20"),
        ("20290", "20"),
        ("97411", "974"),
        ("97600", "976"),
        ("98000", "980"),
        ("abc", None),
    ],
)
def test_departement(postcode, dep):
    assert geo.departement(postcode) == dep


def test_made_up_paris_postcode_falls_back_to_the_departement():
    assert geo.postcode_coordinates("75999") is None
    point = geo.coordinates("75999")
    assert point == geo.departement_coordinates("75999")
    assert near(point, 48.86, 2.35, 5)  # the middle of Paris


def test_made_up_bouches_du_rhone_postcode_falls_back_to_the_departement():
    assert geo.postcode_coordinates("13999") is None
    # Bouches-du-Rhône's centroid lies between Marseille, Aix and Arles.
    assert near(geo.coordinates("13999"), 43.5, 5.1, 40)


def test_overseas_fallback_stays_on_its_island():
    assert geo.postcode_coordinates("97499") is None
    assert near(geo.coordinates("97499"), -21.1, 55.5, 40)  # La Réunion, not the Antilles
    assert near(geo.coordinates("97199"), 16.2, -61.5, 60)  # Guadeloupe


def test_corsica_fallback():
    assert geo.postcode_coordinates("20999") is None
    assert near(geo.coordinates("20999"), 42.2, 9.0, 60)  # middle of Corsica


@pytest.mark.parametrize("postcode", ["00000", "96000", "99999", "abcde", "", None])
def test_unknown_departement_has_no_coordinates(postcode):
    assert geo.coordinates(postcode) is None


def test_haversine_known_distances():
    assert geo.haversine_km(48.8566, 2.3522, 48.8566, 2.3522) == 0
    paris_lyon = geo.haversine_km(48.8566, 2.3522, 45.7640, 4.8357)
    assert 388 < paris_lyon < 396  # ~392 km as the crow flies
    assert geo.haversine_km(45.7640, 4.8357, 48.8566, 2.3522) == pytest.approx(paris_lyon)
    # One degree of latitude is ~111.2 km anywhere.
    assert geo.haversine_km(10, 20, 11, 20) == pytest.approx(111.19, abs=0.05)


@pytest.mark.parametrize("lat", [-21.0, 0.0, 43.3, 48.86, 51.0, 70.0])
@pytest.mark.parametrize("radius", [1, 5, 50, 200])
def test_bounding_box_contains_the_whole_circle(lat, radius):
    lon = 2.35
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(lat, lon, radius)
    assert min_lat < lat < max_lat and min_lon < lon < max_lon
    for bearing in range(0, 360, 15):
        p_lat, p_lon = destination(lat, lon, bearing, radius * 0.999)
        assert min_lat <= p_lat <= max_lat, bearing
        assert min_lon <= p_lon <= max_lon, bearing
    # And it is a box around the circle, not around the country: ±10% at most.
    assert max_lat - min_lat == pytest.approx(2 * radius / geo.KM_PER_DEGREE_LAT, rel=0.1)


def test_bounding_box_near_the_pole_spans_all_longitudes():
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(89.9, 10, 50)
    assert max_lat == 90 and (min_lon, max_lon) == (-180, 180)


def test_importing_geo_reads_nothing_and_the_table_is_read_once():
    code = (
        "import portal.geo as g; "
        "assert g._tables.cache_info().currsize == 0; "
        "g.coordinates('75011'); g.coordinates('75999'); g.coordinates('97411'); "
        "assert g._tables.cache_info().misses == 1"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_geo_imports_only_the_standard_library():
    tree = ast.parse((ROOT / "portal" / "geo.py").read_text(encoding="utf-8"))
    imported = {
        name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [a.name for a in node.names]
        )
    }
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported


def test_shipped_table_is_small_sorted_and_well_formed():
    path = ROOT / "portal" / "data" / "postcodes.csv"
    assert path.stat().st_size < 300_000
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        assert next(reader) == ["postcode", "lat", "lon"]
        rows = list(reader)
    codes = [row[0] for row in rows]
    assert codes == sorted(set(codes))
    assert len(codes) > 6000
    for code, lat, lon in rows:
        assert len(code) == 5 and code.isdigit()
        assert len(lat.split(".")[1]) == 4 and len(lon.split(".")[1]) == 4
        assert -90 <= float(lat) <= 90 and -180 <= float(lon) <= 180


def _build_module():
    spec = importlib.util.spec_from_file_location(
        "build_postcodes", ROOT / "scripts/build_postcodes.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_script_means_each_commune_once_and_skips_empty_coordinates(tmp_path):
    source = tmp_path / "source.csv"
    source.write_text(
        "\ufeffCode_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;"
        "coordonnees_gps\n"
        "11111;A;10000;;A;10.0,20.0\n"
        "11111;A;10000;HAMEAU;A;10.0,20.0\n"  # same commune again: counted once
        "22222;B;10000;;B;13.0,23.0\n"
        "33333;C;10000;;C;\n"  # no coordinates: skipped
        "44444;D;09000;;D;\n"  # a postcode with no coordinates at all: left out
        "55555;E;01000;;E;46.123456,5.987654\n",
        encoding="utf-8",
    )
    build = _build_module()
    rows = build.build(source)
    # 10000: (10 + 13) / 2, not (10 + 10 + 13) / 3.
    assert rows == [("01000", 46.1235, 5.9877), ("10000", 11.5, 21.5)]
    out = tmp_path / "out.csv"
    build.write(rows, out)
    assert out.read_text() == "postcode,lat,lon\n01000,46.1235,5.9877\n10000,11.5000,21.5000\n"


@pytest.mark.skipif(not SOURCE.is_file(), reason="La Poste source file not available")
def test_shipped_table_is_what_the_script_builds(tmp_path):
    build = _build_module()
    out = tmp_path / "postcodes.csv"
    build.write(build.build(SOURCE), out)
    assert out.read_bytes() == (ROOT / "portal" / "data" / "postcodes.csv").read_bytes()
