"""Damage photos for staff: a return item's photos, served one by one, never cached.

The bytes were re-encoded at upload (`portal.uploads`), so they are a plain JPEG, PNG or
WebP; they are still served with a policy that forbids anything but the image itself.
"""

from __future__ import annotations

from flask import Response, abort

from portal.extensions import db
from portal.models import ReturnItem, ReturnPhoto
from portal.security import role_required
from portal.staff.blueprint import bp, return_or_404
from portal.uploads import FORMATS

IMAGE_TYPES = set(FORMATS.values())
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
PHOTO_POLICY = "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'none'"


@bp.get("/returns/<rma>/photos/<int:photo_id>")
@role_required("warehouse")
def return_photo(rma: str, photo_id: int):
    rr = return_or_404(rma)
    photo = db.session.get(ReturnPhoto, photo_id)
    item = db.session.get(ReturnItem, photo.return_item_id) if photo else None
    if photo is None or item is None or item.return_id != rr.id:
        abort(404)
    content_type = photo.content_type if photo.content_type in IMAGE_TYPES else None
    if content_type is None:
        abort(404)
    filename = f"{rr.rma}-item-{item.id}-photo-{photo.id}.{EXTENSIONS[content_type]}"
    return Response(
        photo.data,
        mimetype=content_type,
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Content-Security-Policy": PHOTO_POLICY,
            "Cache-Control": "no-store",
        },
    )
