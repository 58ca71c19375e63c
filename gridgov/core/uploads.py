"""Photo uploads: checked by decoding the content, whatever the file is called."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from gridgov.core.errors import InvalidInput

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


@dataclass(frozen=True)
class CheckedPhoto:
    upload: UploadedFile
    content_type: str
    size: int
    sha256: str


def photos_check(photos: Iterable[UploadedFile] = ()) -> list[CheckedPhoto]:
    from PIL import Image, UnidentifiedImageError

    photos = list(photos or [])
    if len(photos) > settings.GRIDGOV_MAX_PHOTOS:
        raise InvalidInput(
            _("最多上传 %(n)s 张照片") % {"n": settings.GRIDGOV_MAX_PHOTOS}, code="too_many_photos"
        )
    checked = []
    limit_mb = settings.GRIDGOV_MAX_PHOTO_BYTES // (1024 * 1024)
    for photo in photos:
        name = getattr(photo, "name", None) or _("照片")
        size = photo.size
        assert size is not None  # Django sets the size of every uploaded file
        if size > settings.GRIDGOV_MAX_PHOTO_BYTES:
            raise InvalidInput(
                _("照片 %(name)s 超过 %(mb)sMB") % {"name": name, "mb": limit_mb}, code="photo_too_large"
            )
        if size == 0:
            raise InvalidInput(_("照片 %(name)s 是空文件") % {"name": name}, code="photo_not_image")
        photo.seek(0)
        try:
            with Image.open(photo) as image:
                fmt = image.format
                image.verify()
        except (
            UnidentifiedImageError,
            OSError,
            SyntaxError,
            ValueError,
            Image.DecompressionBombError,
        ) as exc:
            raise InvalidInput(
                _("文件 %(name)s 不是有效的图片") % {"name": name}, code="photo_not_image"
            ) from exc
        if fmt not in ALLOWED_FORMATS:
            raise InvalidInput(
                _("文件 %(name)s 的格式不支持（仅限 JPG/PNG/WEBP/GIF）") % {"name": name},
                code="photo_not_image",
            )
        photo.seek(0)
        digest = hashlib.sha256()
        for chunk in photo.chunks():
            digest.update(chunk)
        photo.seek(0)
        checked.append(
            CheckedPhoto(
                upload=photo, content_type=ALLOWED_FORMATS[fmt], size=size, sha256=digest.hexdigest()
            )
        )
    return checked
