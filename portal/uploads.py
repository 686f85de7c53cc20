"""Customer photos: checked by content (not by name), re-encoded, metadata stripped."""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2000
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class BadUpload(ValueError):
    """str(exc) is the reason: "too_big" (bytes), "too_many_pixels" or "not_image"."""


def clean_image(data: bytes) -> tuple[str, bytes]:
    """Return (content type, re-encoded bytes) or raise BadUpload with a readable reason."""
    if len(data) > MAX_BYTES:
        raise BadUpload("too_big")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if kind not in FORMATS:
                raise BadUpload("not_image")
            if probe.width * probe.height > MAX_PIXELS:
                raise BadUpload("too_many_pixels")  # a few kB can decode to gigabytes
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            if image.mode not in ("RGB", "RGBA", "L"):
                image = image.convert("RGB")
            image.info = {}  # PNG would otherwise copy the colour profile (ICC) over
            out = io.BytesIO()
            if kind == "JPEG":
                image.convert("RGB").save(out, "JPEG", quality=85)
            else:
                image.save(out, kind)  # no exif/info passed: metadata is dropped
    except BadUpload:
        raise
    except Image.DecompressionBombError as exc:
        raise BadUpload("too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise BadUpload("not_image") from exc
    return FORMATS[kind], out.getvalue()
