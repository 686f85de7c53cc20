"""Damage photos: a huge image is told why it is refused; staff can see the photos."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from portal.extensions import db
from portal.models import DraftPhoto, ReturnPhoto
from tests.customer.pagekit import item_fields, lookup, page
from tests.factories import PASSWORD


@pytest.fixture(scope="module")
def huge_png() -> bytes:
    """A real 12000 × 12000 PNG (144 megapixels): 17 kB on disk, 144 MB decoded."""
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, "PNG")
    return out.getvalue()


def small(kind="JPEG", colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, kind)
    return out.getvalue()


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_144_megapixel_png_is_refused_for_its_pixels_not_its_size(client, shop, huge_png):
    line = shop.order.lines[0]
    assert lookup(client, shop.order).status_code == 302
    data = item_fields(line, reason="damaged")
    data[f"item-{line.id}-photos"] = [(io.BytesIO(huge_png), "panorama.png")]

    response = client.post("/return/items", data=data, content_type="multipart/form-data")

    assert response.status_code == 422
    error = page(response).by_id(f"item-{line.id}-photos-error")
    assert "panorama.png has too many pixels" in error
    assert "40 megapixels" in error
    assert "8 MB" not in error
    assert db.session.query(DraftPhoto).count() == 0


def _with_photos(factory, shop):
    rr = shop.rr
    item = rr.items[0]
    item.reason = "damaged"
    item.photos.append(ReturnPhoto(content_type="image/jpeg", data=small("JPEG")))
    item.photos.append(ReturnPhoto(content_type="image/png", data=small("PNG", (0, 90, 0))))
    db.session.commit()
    return rr, item


def _login(client, factory, role):
    user = factory.staff(role)
    client.post("/staff/login", data={"email": user.email, "password": PASSWORD})


def test_staff_see_the_photos_from_the_return_page(client, factory, shop):
    rr, item = _with_photos(factory, shop)
    _login(client, factory, "warehouse")

    html = client.get(f"/staff/returns/{rr.rma}").get_data(as_text=True)
    links = [f"/staff/returns/{rr.rma}/photos/{p.id}" for p in item.photos]
    for link in links:
        assert f'href="{link}"' in html
        assert f'src="{link}"' in html

    jpeg, png = (client.get(link) for link in links)
    assert (jpeg.status_code, jpeg.mimetype) == (200, "image/jpeg")
    assert (png.status_code, png.mimetype) == (200, "image/png")
    assert Image.open(io.BytesIO(jpeg.data)).size == (40, 30)
    assert Image.open(io.BytesIO(png.data)).format == "PNG"
    for response in (jpeg, png):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "sandbox" in csp
        assert response.headers["Content-Disposition"].startswith("inline")


def test_photos_need_a_staff_login(client, factory, shop):
    rr, item = _with_photos(factory, shop)
    response = client.get(f"/staff/returns/{rr.rma}/photos/{item.photos[0].id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


def test_a_photo_of_another_return_or_no_photo_is_not_found(client, factory, shop):
    rr, item = _with_photos(factory, shop)
    other = factory.return_()
    _login(client, factory, "warehouse")
    photo_id = item.photos[0].id
    assert client.get(f"/staff/returns/{other.rma}/photos/{photo_id}").status_code == 404
    assert client.get(f"/staff/returns/{rr.rma}/photos/{photo_id + 100}").status_code == 404
    assert client.get(f"/staff/returns/{rr.rma}/photos/{'9' * 40}").status_code == 404
