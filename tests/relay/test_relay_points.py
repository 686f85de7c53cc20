"""Relay point import (service and CLI) and nearest-point search, on a real database."""

from __future__ import annotations

import csv
import io
import math

import pytest
from sqlalchemy import func, select

from portal import geo
from portal.commands.relay_points import relay_points_cli
from portal.extensions import db
from portal.models import RelayPoint
from portal.services.relay_points import (
    CSV_HEADER,
    SEARCH_RADII_KM,
    import_relay_points,
    nearest_relay_points,
)

MR, RC = "Mondial Relay", "Relais Colis"
HEADER = "id,name,address,postcode,city,country,latitude,longitude,opening_hours"


def test_the_documented_header_is_the_one_the_service_expects():
    assert ",".join(CSV_HEADER) == HEADER


def row(
    ext_id: str,
    lat: float | str = 48.8566,
    lon: float | str = 2.3522,
    postcode: str = "75004",
    name: str | None = None,
    city: str = "Paris",
) -> str:
    name = name or f"Point {ext_id}"
    return f'{ext_id},{name},1 rue X,{postcode},{city},FR,{lat},{lon},"Lun–Sam 9h–19h"'


def load(lines: list[str], network: str = MR, full: bool = True, header: str = HEADER):
    return import_relay_points(io.StringIO("\n".join([header, *lines]) + "\n"), network, full)


def points(network: str | None = None) -> dict[str, RelayPoint]:
    stmt = select(RelayPoint)
    if network:
        stmt = stmt.where(RelayPoint.network == network)
    return {p.external_id: p for p in db.session.scalars(stmt)}


def load_demo(data_dir) -> None:
    for network, name in ((MR, "mondial_relay"), (RC, "relais_colis")):
        path = data_dir / f"relay_points_{name}.csv"
        with path.open(encoding="utf-8", newline="") as f:
            report = import_relay_points(f, network)
        assert (report.created, report.rejected) == (12, [])


def offset(lat: float, lon: float, north_km: float, east_km: float) -> tuple[float, float]:
    """A point north_km north and east_km east of (lat, lon) (flat approximation)."""
    dlat = north_km / geo.KM_PER_DEGREE_LAT
    dlon = east_km / (geo.KM_PER_DEGREE_LAT * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)


# --- import ---------------------------------------------------------------------------


def test_import_reports_created_and_rejected_rows_with_reasons(session):
    report = load(
        [
            row("A1"),  # line 2
            "A2,,1 rue X,75004,Paris,FR,48.85,2.35,",  # 3: no name
            row("A3", lat=95),  # 4
            row("A4", lon="abc"),  # 5
            row("A1", lat=48.0),  # 6: duplicate
            "A6,Too few,75004,Paris,FR,48.85,2.35",  # 7
            row("A7", lat="nan"),  # 8
            row("A8", postcode="7500"),  # 9
            row("A9", lat=0, lon=0),  # 10
            "",  # 11: blank line, ignored
            row("B1", lat="48.8601", lon="-1.5"),  # 12
            "B2,Sans horaires,2 rue Y,69002,Lyon,fr,45.75,4.83,",  # 13: hours optional
        ]
    )
    assert (report.created, report.updated, report.deactivated) == (3, 0, 0)
    reasons = dict(report.rejected)
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert reasons[3] == "missing name"
    assert reasons[4] == "latitude 95 is out of range (-90 to 90)"
    assert reasons[5] == "longitude 'abc' is not a number"
    assert reasons[6] == "duplicate id 'A1' (first on line 2)"
    assert reasons[7] == "expected 9 fields, got 7"
    assert reasons[8] == "latitude 'nan' is not a number"
    assert reasons[9] == "postcode '7500' is not valid for FR"
    assert "both 0" in reasons[10]
    saved = points(MR)
    assert sorted(saved) == ["A1", "B1", "B2"]
    assert saved["A1"].latitude == 48.8566  # the first A1 row, not the duplicate
    assert saved["B2"].country == "FR" and saved["B2"].opening_hours == ""
    assert saved["A1"].opening_hours == "Lun–Sam 9h–19h"


def test_import_reads_quoted_fields_and_a_bom(session):
    text = (
        "\ufeff" + HEADER + "\n"
        'X1,"Tabac ""Le Balto""","12, rue de la Roquette",75 011,Paris,FR,48.8555,2.376,'
        '"Lun–Sam 7h–20h, Dim 8h–13h"\n'
    )
    report = import_relay_points(io.StringIO(text), MR)
    assert report.created == 1 and report.rejected == []
    point = points()["X1"]
    assert point.name == 'Tabac "Le Balto"' and point.address == "12, rue de la Roquette"
    assert point.postcode == "75011" and point.opening_hours == "Lun–Sam 7h–20h, Dim 8h–13h"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("id,name,address,postcode,city,country,lat,lon,opening_hours", "unexpected CSV header"),
        ("name,id,address,postcode,city,country,latitude,longitude,opening_hours", "expected"),
        ("id;name;address;postcode;city;country;latitude;longitude;opening_hours", "';'"),
    ],
)
def test_wrong_header_raises_a_clear_error(session, header, message):
    with pytest.raises(ValueError, match=message) as exc:
        load([row("A1")], header=header)
    assert HEADER in str(exc.value)
    db.session.rollback()
    assert points() == {}


def test_empty_file_raises(session):
    with pytest.raises(ValueError, match="empty"):
        import_relay_points(io.StringIO(""), MR)


def test_import_flushes_but_does_not_commit(session):
    report = load([row("A1"), row("A2")])
    assert report.created == 2
    assert db.session.scalar(select(func.count()).select_from(RelayPoint)) == 2  # flushed
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(RelayPoint)) == 0


def test_reimport_updates_in_place(session):
    load([row("A1", name="Old name"), row("A2")])
    db.session.commit()
    ids = {k: p.id for k, p in points().items()}
    report = load([row("A1", name="New name", lat=48.9), row("A2")])
    assert (report.created, report.updated, report.deactivated) == (0, 2, 0)
    db.session.commit()
    saved = points()
    assert {k: p.id for k, p in saved.items()} == ids
    assert saved["A1"].name == "New name" and saved["A1"].latitude == 48.9


def test_full_import_deactivates_missing_points_and_reactivates_returning_ones(session):
    load([row("A1"), row("A2"), row("A3")])
    load([row("Z1")], network=RC)
    report = load([row("A1"), row("A3")])
    assert (report.created, report.updated, report.deactivated) == (0, 2, 1)
    saved = points()
    assert not saved["A2"].active  # still there (returns may point at it), but inactive
    assert saved["A1"].active and saved["A3"].active
    assert saved["Z1"].active  # another network is left alone
    report = load([row("A1"), row("A2"), row("A3")])
    assert (report.updated, report.deactivated) == (3, 0)
    assert points()["A2"].active


def test_partial_import_does_not_deactivate(session):
    load([row("A1"), row("A2")])
    report = load([row("A3"), row("A1", name="Renamed")], full=False)
    assert (report.created, report.updated, report.deactivated) == (1, 1, 0)
    assert all(p.active for p in points().values())


def test_a_rejected_row_keeps_its_point_as_it_was(session):
    load([row("A1", name="Good"), row("A2")])
    report = load([row("A1", lat=200, name="Bad"), row("A2")])
    assert report.deactivated == 0 and len(report.rejected) == 1
    assert points()["A1"].active and points()["A1"].name == "Good"


def test_full_import_without_any_valid_row_deactivates_nothing(session):
    load([row("A1"), row("A2")])
    report = load([row("A9", lat="x")])
    assert report.deactivation_skipped and report.deactivated == 0
    assert all(p.active for p in points().values())


# --- search ---------------------------------------------------------------------------


def test_paris_postcode_gets_paris_points_nearest_first(session, data_dir):
    load_demo(data_dir)
    results = nearest_relay_points("75011", limit=8)
    assert len(results) == 8
    assert all(p.city == "Paris" for p, _ in results)
    distances = [km for _, km in results]
    assert distances == sorted(distances)
    origin = geo.coordinates("75011")
    for point, km in results:
        assert km == pytest.approx(geo.haversine_km(*origin, point.latitude, point.longitude))
    assert results[0][0].postcode == "75011" and distances[0] < 1
    assert distances[-1] < 5


def test_ordering_is_by_real_distance_across_towns(session):
    paris = geo.coordinates("75011")
    lines = [
        row("LYON", 45.7627, 4.8331, "69002", city="Lyon"),  # ~390 km: beyond the search
        row("MEAUX", 48.9601, 2.8788, "77100", city="Meaux"),  # ~40 km
        row("CHARTRES", 48.4439, 1.4890, "28000", city="Chartres"),  # ~75 km
        row("NEAR", *offset(*paris, 0.3, 0.2), "75011"),
        row("BASTILLE", 48.8533, 2.3716, "75011"),
        row("VINCENNES", 48.8474, 2.4390, "94300", city="Vincennes"),
    ]
    load(lines)
    names = [p.external_id for p, _ in nearest_relay_points("75011", limit=10)]
    assert names == ["NEAR", "BASTILLE", "VINCENNES", "MEAUX", "CHARTRES"]
    lyon = [p.external_id for p, _ in nearest_relay_points("69002", limit=10)]
    assert lyon == ["LYON"]  # Paris is ~390 km away, beyond SEARCH_RADII_KM[-1]
    assert SEARCH_RADII_KM[-1] < 390


def test_box_corner_does_not_beat_a_nearer_point_outside_the_box(session):
    lat, lon = geo.coordinates("75011")
    first = SEARCH_RADII_KM[0]
    corner = offset(lat, lon, first * 0.9, first * 0.9)  # in the first box, ~1.27 × radius
    north = offset(lat, lon, first * 1.1, 0)  # outside the first box, nearer
    load([row("CORNER", *corner, "75011"), row("NORTH", *north, "75011")])
    [(point, km)] = nearest_relay_points("75011", limit=1)
    assert point.external_id == "NORTH" and km == pytest.approx(first * 1.1, rel=0.01)


def test_deactivated_points_are_not_returned(session, data_dir):
    load_demo(data_dir)
    first, _ = nearest_relay_points("75011", limit=1)[0]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for p in points(first.network).values():
        if p.id != first.id:
            writer.writerow(
                [
                    p.external_id,
                    p.name,
                    p.address,
                    p.postcode,
                    p.city,
                    p.country,
                    p.latitude,
                    p.longitude,
                    p.opening_hours,
                ]
            )
    remaining = out.getvalue().splitlines()
    report = load(remaining, network=first.network)
    assert report.deactivated == 1
    results = nearest_relay_points("75011", limit=50)
    assert first.id not in {p.id for p, _ in results}
    assert len(results) == 9  # 10 Paris points minus the deactivated one


def test_networks_filter_and_limit(session, data_dir):
    load_demo(data_dir)
    results = nearest_relay_points("69002", limit=3, networks=[RC])
    assert len(results) == 3 and {p.network for p, _ in results} == {RC}
    assert {p.city for p, _ in results} == {"Lyon"}
    assert nearest_relay_points("69002", networks=[]) == []
    assert nearest_relay_points("69002", limit=0) == []
    assert len(nearest_relay_points("59000", limit=50)) == 6  # all of Lille


def test_postcode_missing_from_the_table_uses_its_departement(session, data_dir):
    load_demo(data_dir)
    results = nearest_relay_points("75999", limit=5)
    assert len(results) == 5 and all(p.city == "Paris" for p, _ in results)
    assert results[0][1] < 5


def test_postcode_missing_from_the_table_uses_its_points_when_there_are_some(session):
    assert geo.postcode_coordinates("59999") is None
    # Points carrying the unknown postcode, around Roubaix, far from the Nord centroid.
    load(
        [
            row("R1", 50.6900, 3.1800, "59999", city="Roubaix"),
            row("R2", 50.6920, 3.1820, "59999", city="Roubaix"),
            row("LILLE", 50.6300, 3.0600, "59000", city="Lille"),
        ]
    )
    results = nearest_relay_points("59999", limit=3)
    assert [p.external_id for p, _ in results][2] == "LILLE"
    assert results[0][1] < 0.2 and results[1][1] < 0.2  # origin = the mean of R1 and R2


@pytest.mark.parametrize("postcode", ["00000", "96999", "abcde", "", "7501"])
def test_unknown_postcode_gives_nothing(session, data_dir, postcode):
    load_demo(data_dir)
    assert nearest_relay_points(postcode) == []


def test_overseas_and_corsica_search(session):
    load(
        [
            row("RUN", -20.8823, 55.4504, "97400", city="Saint-Denis"),
            row("AJA", 41.9192, 8.7386, "20000", city="Ajaccio"),
        ]
    )
    assert [p.external_id for p, _ in nearest_relay_points("97411")] == ["RUN"]
    assert [p.external_id for p, _ in nearest_relay_points("20000")] == ["AJA"]
    assert [p.external_id for p, _ in nearest_relay_points("97499")] == ["RUN"]  # fallback


# --- command line ---------------------------------------------------------------------


def run_cli(app, *args: str):
    return app.test_cli_runner().invoke(relay_points_cli, ["import", *args])


def test_cli_imports_commits_and_prints_the_report(app, data_dir, tmp_path):
    result = run_cli(app, str(data_dir / "relay_points_mondial_relay.csv"), "--network", MR)
    assert result.exit_code == 0, result.output
    assert result.output == "created 12, updated 0, deactivated 0, rejected 0\n"
    db.session.rollback()  # only what was committed remains
    assert len(points(MR)) == 12

    partial = tmp_path / "partial.csv"
    partial.write_text(f"{HEADER}\n{row('NEW1')}\n{row('BAD', lat=-91)}\n", encoding="utf-8")
    result = run_cli(app, str(partial), "--network", MR, "--partial")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "created 1, updated 0, deactivated 0, rejected 1\n"
        "line 3: latitude -91 is out of range (-90 to 90)\n"
    )
    result = run_cli(app, str(partial), "--network", MR)
    assert result.output.startswith("created 0, updated 1, deactivated 12, rejected 1\n")
    db.session.rollback()
    assert sum(p.active for p in points(MR).values()) == 1


def test_cli_wrong_header_exits_1_and_writes_nothing(app, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id;name;address\nA1;Tabac;1 rue X\n", encoding="utf-8")
    result = run_cli(app, str(bad), "--network", MR)
    assert result.exit_code == 1
    assert "unexpected CSV header" in result.output and "';'-separated" in result.output
    db.session.rollback()
    assert points() == {}


def test_cli_requires_a_network(app, data_dir):
    result = run_cli(app, str(data_dir / "relay_points_relais_colis.csv"))
    assert result.exit_code == 2 and "--network" in result.output


def test_cli_group_is_registered_on_the_app(app, data_dir):
    result = app.test_cli_runner().invoke(
        args=[
            "relay-points",
            "import",
            str(data_dir / "relay_points_relais_colis.csv"),
            "--network",
            RC,
        ]
    )
    assert result.exit_code == 0 and result.output.startswith("created 12,")
