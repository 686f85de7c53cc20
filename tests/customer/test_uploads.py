"""Photos of damaged or defective items: checked by content, re-encoded, no metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageCms

from portal.extensions import db
from portal.models import DraftPhoto, ReturnPhoto, ReturnRequest
from tests.customer.pagekit import confirm, item_fields, lookup, page

CAMERA = "SpyPhone 12"
SECRET = "48.8566N 2.3522E"


def photo(kind: str = "JPEG", size=(64, 48)) -> bytes:
    """A small image carrying EXIF (camera, software), a colour profile and, for
    JPEG/WebP, XMP."""
    image = Image.new("RGB", size, (180, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = CAMERA  # Make
    exif[0x0131] = SECRET  # Software (any text tag will do)
    out = io.BytesIO()
    extra = {"xmp": f"<x:xmpmeta>{SECRET}</x:xmpmeta>".encode()} if kind != "PNG" else {}
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image.save(out, kind, exif=exif.tobytes(), icc_profile=icc, **extra)
    data = out.getvalue()
    assert CAMERA.encode() in data
    return data


def damaged(line, files, **kw) -> dict:
    data = item_fields(line, reason="damaged", **kw)
    data[f"item-{line.id}-photos"] = files
    return data


@pytest.fixture
def started(en, shop):
    assert lookup(en, shop.order).status_code == 302
    return shop


def field_error(response, line) -> str:
    return page(response).by_id(f"item-{line.id}-photos-error")


@pytest.mark.parametrize(
    ("kind", "name", "content_type"),
    [
        ("JPEG", "p.jpg", "image/jpeg"),
        ("PNG", "p.png", "image/png"),
        ("WEBP", "p.webp", "image/webp"),
    ],
)
def test_photos_are_stored_reencoded_without_metadata(en, started, kind, name, content_type):
    files = [(io.BytesIO(photo(kind)), name), (io.BytesIO(photo(kind, (3000, 100))), "big-" + name)]
    response = en.post("/return/items", data=damaged(started.line, files))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "2 photo(s) received." in page(en.get("/return/items")).text
    en.post("/return/relay", data={"relay_point_id": started.point.id})
    assert confirm(en).status_code == 302
    db.session.expire_all()
    rr = db.session.query(ReturnRequest).one()
    stored = rr.items[0].photos
    assert len(stored) == 2
    for row in stored:
        assert row.content_type == content_type
        assert CAMERA.encode() not in row.data and SECRET.encode() not in row.data
        with Image.open(io.BytesIO(row.data)) as image:
            assert image.format == kind
            assert not image.getexif()
            assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile"} & set(image.info)
            assert max(image.size) <= 2000  # large photos are scaled down
    assert db.session.query(DraftPhoto).count() == 0  # drafts cleaned up on confirm


def test_pdf_renamed_jpg_is_refused(en, started):
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    files = [(io.BytesIO(pdf), "holiday.jpg", "image/jpeg")]
    response = en.post("/return/items", data=damaged(started.line, files))
    assert response.status_code == 422
    assert field_error(response, started.line) == "holiday.jpg is not a JPEG, PNG or WebP photo."
    assert db.session.query(DraftPhoto).count() == 0


def test_truncated_image_is_refused(en, started):
    files = [(io.BytesIO(photo()[:200]), "cut.jpg")]
    response = en.post("/return/items", data=damaged(started.line, files))
    assert response.status_code == 422
    assert "is not a JPEG, PNG or WebP photo." in field_error(response, started.line)
    assert db.session.query(DraftPhoto).count() == 0


def test_gif_is_refused(en, started):
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "GIF")
    files = [(io.BytesIO(out.getvalue()), "anim.gif")]
    response = en.post("/return/items", data=damaged(started.line, files))
    assert response.status_code == 422
    assert db.session.query(DraftPhoto).count() == 0


def test_more_than_three_photos_is_refused(en, started):
    files = [(io.BytesIO(photo()), f"p{n}.jpg") for n in range(4)]
    response = en.post("/return/items", data=damaged(started.line, files))
    assert response.status_code == 422
    assert field_error(response, started.line) == "Up to 3 photos per item."
    assert db.session.query(DraftPhoto).count() == 0


def test_three_photos_then_one_more_is_refused(en, started):
    files = [(io.BytesIO(photo()), f"p{n}.jpg") for n in range(3)]
    assert en.post("/return/items", data=damaged(started.line, files)).status_code == 302
    more = [(io.BytesIO(photo()), "p4.jpg")]
    response = en.post("/return/items", data=damaged(started.line, more))
    assert response.status_code == 422
    assert field_error(response, started.line) == "Up to 3 photos per item."
    assert db.session.query(DraftPhoto).count() == 3


def test_photo_over_8_mb_is_refused(en, started):
    big = photo() + b"\0" * (8 * 1024 * 1024)
    response = en.post("/return/items", data=damaged(started.line, [(io.BytesIO(big), "big.jpg")]))
    assert response.status_code == 422
    assert field_error(response, started.line) == "big.jpg is larger than 8 MB."
    assert db.session.query(DraftPhoto).count() == 0


def test_50_mb_upload_gets_a_readable_page_and_stores_nothing(en, started):
    huge = b"\xff\xd8\xff" + b"\0" * (50 * 1024 * 1024)
    response = en.post("/return/items", data=damaged(started.line, [(io.BytesIO(huge), "x.jpg")]))
    assert response.status_code == 413
    shown = page(response)
    assert "Files too large" in shown.text
    assert "8 MB or less" in shown.text
    assert db.session.query(DraftPhoto).count() == 0
    assert en.get("/return/relay").headers["Location"] == "/return/items"


def test_photos_for_a_reason_that_needs_none_are_refused(en, started):
    data = item_fields(started.line, reason="too_small")
    data[f"item-{started.line.id}-photos"] = [(io.BytesIO(photo()), "p.jpg")]
    response = en.post("/return/items", data=data)
    assert response.status_code == 422
    assert field_error(response, started.line) == (
        "Photos are only needed for damaged or defective items."
    )
    assert db.session.query(DraftPhoto).count() == 0


def test_photos_survive_an_error_elsewhere_on_the_page(en, started):
    """A valid photo is kept while the customer fixes another field (not sent twice)."""
    data = damaged(started.line, [(io.BytesIO(photo()), "p.jpg")], resolution="")
    response = en.post("/return/items", data=data)
    assert response.status_code == 422
    assert "1 photo(s) received." in page(response).text
    data = item_fields(started.line, reason="damaged", resolution="refund")
    assert en.post("/return/items", data=data).status_code == 302
    en.post("/return/relay", data={"relay_point_id": started.point.id})
    confirm(en)
    db.session.expire_all()
    assert db.session.query(ReturnPhoto).count() == 1


def test_photos_of_abandoned_journeys_are_purged(en, started, factory, runner):
    from datetime import timedelta

    from portal.models.base import utcnow

    def files():
        return [(io.BytesIO(photo()), "p.jpg")]

    assert en.post("/return/items", data=damaged(started.line, files())).status_code == 302
    old = db.session.query(DraftPhoto).one()
    old.created_at = utcnow() - timedelta(days=2)  # left unfinished two days ago
    db.session.commit()
    assert en.post("/return/items", data=damaged(started.line, files())).status_code == 302
    assert db.session.query(DraftPhoto).count() == 2
    lookup(en, started.order)  # a new journey is a read: it deletes nothing
    db.session.expire_all()
    assert db.session.query(DraftPhoto).count() == 2
    result = runner.invoke(args=["returns", "expire"])  # from cron
    assert result.output == "expired 0\npurged 1 photos of abandoned journeys\n"
    db.session.expire_all()
    assert db.session.query(DraftPhoto).count() == 1  # the fresh one stays
