"""`flask import catalog FILE` and `flask import orders FILE`: JSON list or JSON Lines,
good records written, bad ones reported with their reasons, never stopping at the first."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Order, OrderLine, Variant


def variant(sku: str, **changes) -> dict:
    return {
        "sku": sku,
        "product": "TEE-ORG",
        "name": "Organic T-shirt",
        "size": sku.rsplit("-", 1)[-1],
        "colour": "Blue",
        "price": 2500,
        "currency": "EUR",
        "stock": 5,
        **changes,
    }


def order(number: str, **changes) -> dict:
    return {
        "number": number,
        "email": "anne@example.fr",
        "placed_at": "2026-11-02T10:15:00Z",
        "delivered_at": "2026-11-05T14:00:00Z",
        "currency": "EUR",
        "shipping_address": {
            "name": "Anne Ørsted",
            "line1": "1 rue de la Paix",
            "postcode": "75002",
            "city": "Paris",
            "country": "FR",
        },
        "payment": {"method": "card", "reference": "pi_1"},
        "lines": [{"sku": "TEE-ORG-M", "quantity": 1, "unit_price": 2500}],
        **changes,
    }


def write(path, records: list, fmt: str) -> str:
    if fmt == "list":
        text = json.dumps(records, ensure_ascii=False, indent=2)
        path.write_text("\ufeff\n  " + text, encoding="utf-8")  # a BOM, blank space first
    else:
        lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def invoke(runner, *args: str):
    result = runner.invoke(args=["import", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    db.session.expire_all()
    return result.output.splitlines()


def total(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("fmt", ["list", "lines"])
def test_import_catalog_reports_and_keeps_going(runner, tmp_path, fmt):
    records = [
        variant("TEE-ORG-S", price=25.0),
        variant("TEE-ORG-M"),
        variant("TEE-ORG-L", currency="ZZZ", stock=-1),
        variant("TEE-ORG-XL", stock=0),
        "not a variant",
    ]
    output = invoke(runner, "catalog", write(tmp_path / "catalog.json", records, fmt))
    assert output[0] == "created 2, updated 0, rejected 3"
    assert output[1] == "record 1: variants[0].price must be an integer (minor units, e.g. cents)"
    assert output[2].startswith("record 3: ")
    assert "currency unknown currency 'ZZZ'" in output[2]
    assert "stock must be at least 0" in output[2]
    assert output[3].startswith("record 5: ")
    assert len(output) == 4
    assert sorted(db.session.scalars(select(Variant.sku))) == ["TEE-ORG-M", "TEE-ORG-XL"]

    records = [variant("TEE-ORG-M", stock=9), variant("TEE-ORG-S")]
    output = invoke(runner, "catalog", write(tmp_path / "again.json", records, fmt))
    assert output == ["created 1, updated 1, rejected 0"]
    stock = dict(db.session.execute(select(Variant.sku, Variant.stock_on_hand)).all())
    assert stock == {"TEE-ORG-M": 9, "TEE-ORG-XL": 0, "TEE-ORG-S": 5}


@pytest.mark.parametrize("fmt", ["list", "lines"])
def test_import_orders_reports_and_keeps_going(runner, factory, tmp_path, fmt):
    factory.variants("TEE-ORG", M=5, L=5)
    db.session.commit()
    records = [
        order("FR-1", email="not-an-email"),
        order("FR-2"),
        order("FR-3", lines=[{"sku": "NOPE", "quantity": -1, "unit_price": 2500}]),
        order("FR-4", lines=[{"sku": "TEE-ORG-L", "quantity": 2, "unit_price": 2500}]),
        {"email": "no-number@example.fr"},
    ]
    output = invoke(runner, "orders", write(tmp_path / "orders.json", records, fmt))
    assert output[0] == "created 2, updated 0, rejected 3"
    assert output[1] == "record 1: email is not a valid e-mail address"
    assert output[2].startswith("record 3: ")
    assert "lines[0].sku unknown SKU 'NOPE'" in output[2]
    assert "lines[0].quantity must be at least 1" in output[2]
    assert output[3] == "record 5: number is required"
    assert sorted(db.session.scalars(select(Order.number))) == ["FR-2", "FR-4"]
    assert total(OrderLine) == 2

    records = [order("FR-2", email="new@example.fr"), order("FR-5")]
    output = invoke(runner, "orders", write(tmp_path / "again.json", records, fmt))
    assert output == ["created 1, updated 1, rejected 0"]
    emails = dict(db.session.execute(select(Order.number, Order.email)).all())
    assert emails == {
        "FR-2": "new@example.fr",
        "FR-4": "anne@example.fr",
        "FR-5": "anne@example.fr",
    }


def test_json_lines_with_a_broken_line_and_blank_lines(runner, factory, tmp_path):
    factory.variants("TEE-ORG", M=5)
    db.session.commit()
    records = [order("FR-1"), "", '{"number": "FR-2", ', order("FR-3")]
    output = invoke(runner, "orders", write(tmp_path / "orders.jsonl", records, "lines"))
    assert output[0] == "created 2, updated 0, rejected 1"
    assert output[1].startswith("record 3: not valid JSON")
    assert total(Order) == 2


def test_a_file_that_is_not_json_is_refused_whole(runner, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[{"sku": "A"}, ', encoding="utf-8")
    result = runner.invoke(args=["import", "catalog", str(path)])
    assert result.exit_code != 0
    assert "not valid JSON" in result.output
    assert total(Variant) == 0


def test_a_json_list_that_is_not_utf8_is_refused_whole(runner, tmp_path):
    path = tmp_path / "latin1.json"
    records = [variant("TEE-ORG-M"), variant("TEE-ORG-L", name="Orgànic")]
    path.write_bytes(json.dumps(records, ensure_ascii=False).encode("latin-1"))
    result = runner.invoke(args=["import", "catalog", str(path)])
    assert result.exit_code != 0
    assert "not UTF-8" in result.output
    assert total(Variant) == 0


def test_json_lines_with_a_bom_and_a_line_that_is_not_utf8(runner, tmp_path):
    path = tmp_path / "latin1.jsonl"
    good = [json.dumps(variant(f"TEE-ORG-{n}")).encode() for n in range(300)]  # > one buffer
    bad = json.dumps(variant("TEE-ORG-X", name="Orgànic"), ensure_ascii=False).encode("latin-1")
    path.write_bytes(b"\xef\xbb\xbf" + b"\n".join([*good, bad, good[0]]))
    output = invoke(runner, "catalog", str(path))
    assert output == [
        "created 300, updated 1, rejected 1",
        "record 301: not UTF-8 (invalid continuation byte)",
    ]
    assert total(Variant) == 300


def test_import_uses_the_apis_checks_for_hostile_records(runner, factory, tmp_path):
    """Control characters, NUL, huge numbers, deep nesting and lone surrogates are each
    one rejected record with its reason, as the API would refuse them."""
    factory.variants("TEE-ORG", M=5)
    db.session.commit()
    address = order("X")["shipping_address"]
    records = [
        order("FR-1", shipping_address={**address, "name": "Anne\r\nBcc: x@evil.test"}),
        order("FR-2", lines=[{"sku": "TEE-ORG-M", "quantity": 2**63, "unit_price": 2500}]),
        order("FR-3", email="anne\x00@example.fr"),
        '{"number": "FR-4", "lines": ' + "[" * 5000 + "]" * 5000 + "}",
        json.dumps(order("FR-5"), ensure_ascii=False).replace("Anne Ørsted", "\\ud800"),
        order("FR-6"),
    ]
    output = invoke(runner, "orders", write(tmp_path / "orders.jsonl", records, "lines"))
    assert output[0] == "created 1, updated 0, rejected 5"
    assert output[1].startswith("record 1: shipping_address.name must be one line of text")
    assert "control characters" in output[1]
    assert output[2] == "record 2: lines[0].quantity must be at most 2147483647"
    assert output[3] == "record 3: email is not a valid e-mail address"
    assert output[4] == "record 4: nested too deeply to be read"
    assert output[5].startswith("record 5: not valid text")
    assert sorted(db.session.scalars(select(Order.number))) == ["FR-6"]


def test_a_json_list_nested_too_deeply_is_refused_whole(runner, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = runner.invoke(args=["import", "catalog", str(path)])
    assert result.exit_code != 0
    assert "nested too deeply" in result.output
    assert total(Variant) == 0
