"""Reading Mondial Relay's point search answer as recorded from the real service."""

from __future__ import annotations

from portal.carriers.mondial_relay_points import _point

# One PointRelais_Details of the recorded answer (akretion/roulier's cassette), as zeep gives it.
RECORDED_LOCKER = {
    "STAT": None,
    "Num": "026485",
    "LgAdr1": "LOCKER VAULX MEDIAS VAULX EN VE",
    "LgAdr2": None,
    "LgAdr3": "16 PLACE GUY MOQUET            ",
    "LgAdr4": None,
    "CP": "69120",
    "Ville": "VAULX\n        EN VELIN            ",
    "Pays": "FR",
    "Latitude": "45,7854207",
    "Longitude": "04,9111756",
    "TypeActivite": "000",
    "Information": "LOCKER",
    **{
        f"Horaires_{day}": {"string": ["0830", "2100", "0000", "0000"]}
        for day in ("Lundi", "Mardi", "Mercredi", "Jeudi", "Samedi")
    },
    "Horaires_Vendredi": {"string": ["0830", "1215", "1430", "2100"]},
    "Horaires_Dimanche": {"string": ["0000", "0000", "0000", "0000"]},
    "Distance": "3615",
}


def test_a_recorded_locker_is_read_as_the_service_means_it():
    point = _point(RECORDED_LOCKER, "FR")

    assert point is not None
    assert (point.number, point.kind, point.city, point.street) == (
        "026485", "locker", "VAULX EN VELIN", "16 PLACE GUY MOQUET",
    )  # fmt: skip
    assert (point.latitude, point.longitude, point.distance_m) == (45.7854207, 4.9111756, 3615)
    assert point.hours[0] == (("08:30", "21:00"),)
    assert point.hours[4] == (("08:30", "12:15"), ("14:30", "21:00"))  # Friday, two slots
    assert point.hours[6] == ()  # Sunday: closed


def test_a_point_without_coordinates_is_left_out():
    assert _point({**RECORDED_LOCKER, "Latitude": None}, "FR") is None
    assert _point({**RECORDED_LOCKER, "Num": ""}, "FR") is None


def test_a_shop_is_a_relay_point():
    point = _point({**RECORDED_LOCKER, "Information": None}, "FR")
    assert point is not None and point.kind == "relay"
