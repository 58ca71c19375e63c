"""Photo uploads: checked by decoding the content, whatever the file is called."""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core.errors import InvalidInput

log = logging.getLogger("gridgov.uploads")
P = ParamSpec("P")
R = TypeVar("R")

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


# ── files written inside a transaction ─────────────────────────────────────────────────────────────
# Django has no on_rollback hook: an action that stores files remembers them on the connection and
# removes them if the outermost block fails, so a rolled-back write leaves no orphan file behind.


def delete_on_rollback(storage, name: str) -> None:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    pending = connection.__dict__.setdefault("_gridgov_new_files", [])
    pending.append((storage, name))


def forget_new_files() -> None:
    """Remove the files written by a transaction that failed."""
    connection = transaction.get_connection()
    for storage, name in connection.__dict__.pop("_gridgov_new_files", []):
        try:
            storage.delete(name)
        except OSError:
            log.warning("could not remove orphan upload %s", name)


def files_committed() -> None:
    transaction.get_connection().__dict__.pop("_gridgov_new_files", None)


def with_files(fn: Callable[P, R]) -> Callable[P, R]:
    """Run an action that may store files in a transaction; a failure removes the files it wrote."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with transaction.atomic():
                result = fn(*args, **kwargs)
        except BaseException:
            forget_new_files()
            raise
        files_committed()
        return result

    return wrapper
