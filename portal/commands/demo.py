"""`flask --app wsgi demo`: a small clothing shop to try the portal with (idempotent)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from flask import current_app

from portal import ROOT
from portal.extensions import db
from portal.payments import demo_reference
from portal.services import shop_sync, staff
from portal.services.policy import current_policy

DEMO_PASSWORD = "demo-password-2026"
GIFT_CODE = "GIFT-7KQ2-M9XD-W4TZ"
STAFF = (
    ("warehouse@maison-lin.example", "warehouse", "Léa"),
    ("support@maison-lin.example", "support", "Camille"),
    ("admin@maison-lin.example", "admin", "Hugo"),
)

# (product code, name, price, weight g, returnable, [(sku, size, colour, stock)])
CATALOG = [
    (
        "TEE-ORG",
        "Organic T-shirt",
        2500,
        200,
        True,
        [
            ("TEE-ORG-BLUE-S", "S", "Blue", 8),
            ("TEE-ORG-BLUE-M", "M", "Blue", 12),
            ("TEE-ORG-BLUE-L", "L", "Blue", 2),
            ("TEE-ORG-BLUE-XL", "XL", "Blue", 0),
            ("TEE-ORG-WHITE-M", "M", "White", 15),
            ("TEE-ORG-WHITE-L", "L", "White", 9),
            ("TEE-ORG-BLACK-M", "M", "Black", 1),
            ("TEE-ORG-BLACK-L", "L", "Black", 6),
        ],
    ),
    (
        "JEAN-SLIM",
        "Slim jeans",
        7900,
        650,
        True,
        [
            ("JEAN-SLIM-INDIGO-28", "28", "Indigo", 4),
            ("JEAN-SLIM-INDIGO-30", "30", "Indigo", 7),
            ("JEAN-SLIM-INDIGO-32", "32", "Indigo", 5),
            ("JEAN-SLIM-INDIGO-34", "34", "Indigo", 1),
        ],
    ),
    (
        "JKT-RAIN",
        "Rain jacket",
        12900,
        900,
        True,
        [
            ("JKT-RAIN-NAVY-M", "M", "Navy", 3),
            ("JKT-RAIN-NAVY-L", "L", "Navy", 0),
            ("JKT-RAIN-OLIVE-M", "M", "Olive", 2),
            ("JKT-RAIN-OLIVE-L", "L", "Olive", 4),
        ],
    ),
    (
        "SNK-CANVAS",
        "Canvas sneakers",
        6500,
        1100,
        True,
        [
            ("SNK-CANVAS-WHITE-39", "39", "White", 3),
            ("SNK-CANVAS-WHITE-40", "40", "White", 6),
            ("SNK-CANVAS-WHITE-41", "41", "White", 5),
            ("SNK-CANVAS-WHITE-42", "42", "White", 2),
            ("SNK-CANVAS-WHITE-43", "43", "White", 0),
        ],
    ),
    (
        "GRIND-BURR",
        "Coffee grinder",
        8900,
        1400,
        True,
        [
            ("GRIND-BURR-BLACK", None, "Black", 4),
            ("GRIND-BURR-WHITE", None, "White", 2),
        ],
    ),
    (
        "BOXER-COT",
        "Cotton boxers",
        1500,
        80,
        False,
        [
            ("BOXER-COT-GREY-M", "M", "Grey", 20),
            ("BOXER-COT-GREY-L", "L", "Grey", 20),
        ],
    ),
]

ADDRESSES = [
    ("Camille Martin", "12 rue Oberkampf", "75011", "Paris"),
    ("Łukasz Wiśniewski", "8 rue de la Roquette", "75011", "Paris"),
    ("Zoë Lefèvre", "41 rue du Faubourg Saint-Denis", "75010", "Paris"),
    ("François Œuvray", "3 place des Terreaux", "69001", "Lyon"),
    ("Inès Garçon", "27 rue Mercière", "69002", "Lyon"),
    ("Hugo Dubois", "15 rue de Béthune", "59000", "Lille"),
]

# (number, email, address index, delivered days ago or None, lines, extra)
ORDERS = [
    (
        "FR-10001",
        "camille.martin@example.fr",
        0,
        6,
        [("TEE-ORG-BLUE-M", 1, 2500, False), ("JEAN-SLIM-INDIGO-32", 1, 7900, False)],
        {},
    ),
    ("FR-10002", "lukasz@example.pl", 1, 40, [("SNK-CANVAS-WHITE-41", 1, 6500, False)], {}),
    ("FR-10003", "zoe.lefevre@example.fr", 2, None, [("JKT-RAIN-OLIVE-M", 1, 12900, False)], {}),
    (
        "FR-10004",
        "francois@example.fr",
        3,
        5,
        [("TEE-ORG-WHITE-M", 1, 1500, True), ("SNK-CANVAS-WHITE-40", 1, 6500, False)],
        {},
    ),
    (
        "FR-10005",
        "gift.buyer@example.fr",
        4,
        4,
        [("TEE-ORG-BLUE-M", 1, 2500, False), ("JKT-RAIN-NAVY-M", 1, 12900, False)],
        {"gift": {"code": GIFT_CODE, "message": "Joyeux Noël ! Bises, Inès"}},
    ),
    ("FR-10006", "hugo.dubois@example.fr", 5, 8, [("TEE-ORG-WHITE-L", 2, 2500, False)], {}),
    (
        "FR-10007",
        "ines.garcon@example.fr",
        4,
        3,
        [("TEE-ORG-BLACK-L", 1, 2500, False), ("BOXER-COT-GREY-M", 2, 1500, False)],
        {},
    ),
    ("FR-10008", "camille.martin@example.fr", 0, 12, [("JEAN-SLIM-INDIGO-30", 1, 7900, False)], {}),
]
for n in range(9, 21):
    sku = ["TEE-ORG-BLUE-S", "JEAN-SLIM-INDIGO-28", "SNK-CANVAS-WHITE-39", "JKT-RAIN-OLIVE-L"][
        n % 4
    ]
    price = {"TEE": 2500, "JEA": 7900, "SNK": 6500, "JKT": 12900}[sku[:3]]
    ORDERS.append(
        (f"FR-100{n:02d}", f"client{n}@example.fr", n % 6, 2 + n, [(sku, 1, price, False)], {})
    )

# past the return window, under the default warranty (WARRANTY_MONTHS): a repair request
REPAIR_ORDER = "FR-10021"
ORDERS.append(
    (REPAIR_ORDER, "ines.garcon@example.fr", 4, 200, [("GRIND-BURR-BLACK", 1, 8900, False)], {})
)


def demo_variants() -> list[dict]:
    """The demo catalogue as the API's `PUT /catalog` takes it."""
    return [
        {
            "sku": sku,
            "product": code,
            "name": name,
            "size": size,
            "colour": colour,
            "price": price,
            "currency": "EUR",
            "stock": stock,
            "returnable": returnable,
            "weight_grams": weight,
        }
        for code, name, price, weight, returnable, skus in CATALOG
        for sku, size, colour, stock in skus
    ]


def load_demo(today: datetime) -> dict:
    """Load the demo shop with dates relative to the day of `today` (its time of day is
    ignored, so that loading twice on one day changes nothing). Flushes; the caller commits."""
    today = today.replace(hour=0, minute=0, second=0, microsecond=0)
    variants = demo_variants()
    shop_sync.upsert_variants({"variants": variants})
    policy = current_policy()
    for number, email, addr, delivered_ago, lines, extra in ORDERS:
        name, line1, postcode, city = ADDRESSES[addr]
        delivered = today - timedelta(days=delivered_ago) if delivered_ago is not None else None
        placed = (delivered or today) - timedelta(days=3)
        if delivered_ago and delivered_ago > policy.window_days:
            while policy.in_holiday_season(placed.date()):
                placed -= timedelta(days=30)  # keep "outside the window" true all year
        payload = {
            "email": email,
            "currency": "EUR",
            "placed_at": placed.isoformat(),
            "delivered_at": delivered.isoformat() if delivered else None,
            "shipping_address": {
                "name": name,
                "line1": line1,
                "line2": None,
                "postcode": postcode,
                "city": city,
                "country": "FR",
            },
            "payment": {"method": "card", "reference": demo_reference(number)},
            "lines": [
                {"sku": s, "quantity": q, "unit_price": p, "final_sale": f} for s, q, p, f in lines
            ],
            **extra,
        }
        shop_sync.upsert_order(number, payload)
    for email, role, first_name in STAFF:
        user = staff.find_staff(email)
        if user is None:
            staff.create_staff(email, role, DEMO_PASSWORD, first_name)
        elif not user.first_name:
            staff.set_first_name(user, first_name)
    from portal.services.relay_points import import_relay_points

    data = Path(ROOT / "portal" / "data")
    for network, filename in (
        ("Mondial Relay", "relay_points_mondial_relay.csv"),
        ("Relais Colis", "relay_points_relais_colis.csv"),
    ):
        with open(data / filename, encoding="utf-8") as fh:
            import_relay_points(fh, network, full=True)
    db.session.flush()
    return {"orders": len(ORDERS), "variants": len(variants)}


@click.command("demo")
def demo_command() -> None:
    """Load (or refresh) the demo shop: catalogue, orders, relay points, staff."""
    counts = load_demo(datetime.now(UTC).replace(microsecond=0))
    db.session.commit()
    url = current_app.config["PUBLIC_URL"]
    click.echo(f"Demo shop ready: {counts['variants']} variants, {counts['orders']} orders.")
    click.echo(f"""
Try it at {url}
  Order FR-10001  camille.martin@example.fr   (delivered last week: exchange or refund)
  Order FR-10006  postcode 59000              (two units of the same T-shirt)
  Order FR-10002  lukasz@example.pl           (outside the return window)
  Order {REPAIR_ORDER}  ines.garcon@example.fr      (a grinder past the window: a repair)
  Gift code {GIFT_CODE}              (a gift: no prices shown)
Staff at {url}/staff/login, password {DEMO_PASSWORD}
  {STAFF[0][0]}  {STAFF[1][0]}  {STAFF[2][0]}
E-mails: {url}/dev/mail (debug mode) or the .eml files in instance/mail/""")
