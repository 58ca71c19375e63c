"""点单: a resident, a grid worker on patrol or the centre on the phone submits a case."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridgov.cases import access
from gridgov.cases.actions.gateway import store_photos
from gridgov.cases.models import (
    AttachmentKind,
    Case,
    CaseEvent,
    CaseStatus,
    Channel,
)
from gridgov.cases.workflow import CASE_WORKFLOW
from gridgov.catalog.models import Category, MatterItem
from gridgov.core import clock
from gridgov.core.errors import Conflict, InvalidInput, PermissionDenied
from gridgov.core.fields import clean_phone, clean_text
from gridgov.core.uploads import (
    files_committed,
    forget_new_files,
    photos_check,
)
from gridgov.people.models import Role, User
from gridgov.people.selectors import user_roles
from gridgov.territory.models import Region, RegionLevel
from gridgov.territory.selectors import grid_at, grid_for_address

log = logging.getLogger("gridgov.cases")


DESCRIPTION_MAX = 2000


DESCRIPTION_MIN = 5


TITLE_MAX = 100


# Below this the typed address only hints; the dispatcher places the case (measured in docs/intel.md).
ADDRESS_CONFIDENCE = 0.8


_TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone


def _new_tracking_no() -> str:
    return (
        "GG" + clock.now().strftime("%y%m%d") + "".join(secrets.choice(_TRACKING_ALPHABET) for _i in range(6))
    )


# Smart dispatch plugs in here without cases importing it (intel registers both from its AppConfig):
# a suggester proposes a category for a new case (the `suggested_*` fields of `Case`); an after-submit
# step may act on the committed case (auto-dispatch) and returns it. Neither may stop a submission.
Suggester = Callable[[str, str], dict]
suggesters: list[Suggester] = []
after_submit: list[Callable[[Case], Case]] = []


def _suggest(title: str, description: str) -> dict:
    for suggester in suggesters:
        try:
            fields = suggester(title, description)
        except Exception:  # a broken model file must not lose a resident's request
            log.exception("dispatch suggestion failed")
            continue
        if fields:
            return fields
    return {}


def case_submit(
    *,
    actor: User | None,
    channel: str,
    description: str,
    contact_phone: str,
    title: str = "",
    contact_name: str = "",
    category: Category | None = None,
    item: MatterItem | None = None,
    lon: float | None = None,
    lat: float | None = None,
    address: str = "",
    grid: Region | None = None,
    photos: Sequence[UploadedFile] = (),
    idempotency_key: str | None = None,
) -> tuple[Case, bool]:
    """点单. Returns (case, created); the same idempotency key always returns the first case."""
    if channel not in Channel.values:
        raise InvalidInput(_("渠道无效"), code="invalid_channel")
    if channel == Channel.PHONE and not access.may_dispatch_anywhere(actor):
        raise PermissionDenied(_("只有派单员可以代录电话诉求"), code="forbidden")
    if channel == Channel.PATROL and (actor is None or not access.may_patrol(actor)):
        raise PermissionDenied(_("只有网格员可以巡查上报"), code="forbidden")
    if channel == Channel.WEB and actor is None:
        raise PermissionDenied(_("请先登录再提交诉求"), code="not_authenticated")
    key = (idempotency_key or "").strip() or None
    if key and len(key) > 80:
        raise InvalidInput(_("幂等键不能超过 80 个字符"), code="invalid_idempotency_key")
    if key and not key.isprintable():  # headers skip the API's text check; NUL is a 500 on PostgreSQL
        raise InvalidInput(_("幂等键含有不允许的字符"), code="invalid_idempotency_key")
    if key:
        existing = Case.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return _same_submitter(existing, actor), False

    description = clean_text(
        description,
        field="description",
        label=_("问题描述"),
        max_len=DESCRIPTION_MAX,
        min_len=DESCRIPTION_MIN,
    )
    title = clean_text(
        title, field="title", label=_("标题"), max_len=TITLE_MAX, required=False
    ) or _title_from(description)
    contact_name = clean_text(
        contact_name, field="contact_name", label=_("联系人"), max_len=50, required=False
    )
    phone = clean_phone(contact_phone)
    address = clean_text(address, field="address", label=_("地址"), max_len=200, required=False)
    if item is not None:
        if not item.active:
            raise InvalidInput(_("该事项已停用"), code="invalid_item")
        category = item.category
    if (lon is None) != (lat is None):
        raise InvalidInput(_("位置需要同时提供经度和纬度"), code="invalid_location")
    if lon is not None:
        assert lat is not None  # both or neither, checked just above
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise InvalidInput(_("经纬度超出范围"), code="invalid_location")
        located = grid_at(lon, lat)
        if located is None:
            raise InvalidInput(
                _("所选位置不在本县网格范围内，请重新选择或填写地址"), code="location_outside_county"
            )
        grid = located
    located_by = "map" if lon is not None else ("given" if grid is not None else "")
    if grid is None and address:
        matched_grid, match = grid_for_address(address)
        if matched_grid is not None and match.confidence >= ADDRESS_CONFIDENCE:
            grid, located_by = matched_grid, f"address {match.confidence:.2f}"
    if grid is None and channel == Channel.PATROL:
        grid, located_by = user_roles(actor).regions(Role.GRID_WORKER)[0], "patrol"
    if grid is not None and grid.level != RegionLevel.GRID:
        raise InvalidInput(_("请选择一个网格"), code="invalid_grid")
    if grid is None and not address:
        raise InvalidInput(
            _("请在地图上选择位置或填写地址"), code="missing_location", fields={"address": "required"}
        )
    checked = photos_check(photos)
    suggestion = _suggest(title, description)

    try:
        with transaction.atomic():
            case = _create_case(
                actor=actor,
                channel=channel,
                key=key,
                title=title,
                description=description,
                category=category,
                item=item,
                lon=lon,
                lat=lat,
                address=address,
                grid=grid,
                contact_name=contact_name,
                phone=phone,
                suggestion=suggestion,
                photos=checked,
                located_by=located_by,
            )
    except IntegrityError:
        forget_new_files()
        if key:
            existing = Case.objects.filter(idempotency_key=key).first()
            if existing is not None:
                return _same_submitter(existing, actor), False
        raise
    except BaseException:
        forget_new_files()
        raise
    files_committed()
    for step in after_submit:
        try:
            case = step(case)
        except Exception:  # the case is committed; a failing extra step must not turn it into an error
            log.exception(
                "after-submit step %s failed for %s", getattr(step, "__name__", step), case.tracking_no
            )
    return case, True


def _same_submitter(existing: Case, actor: User | None) -> Case:
    owner = existing.submitter_id or existing.recorded_by_id
    if actor is not None and owner is not None and owner != actor.pk:
        raise Conflict(_("该幂等键已被其他提交使用"), code="idempotency_key_reused")
    return existing


def _title_from(description: str) -> str:
    first = re.split(r"[。！？!?\n]", description, maxsplit=1)[0].strip()
    return (first[:30] + "…") if len(first) > 30 else first


def _create_case(
    *,
    actor,
    channel,
    key,
    title,
    description,
    category,
    item,
    lon,
    lat,
    address,
    grid,
    contact_name,
    phone,
    suggestion,
    photos,
    located_by,
) -> Case:
    is_resident_channel = channel == Channel.WEB
    case = Case(
        status=CaseStatus.SUBMITTED,
        channel=channel,
        idempotency_key=key,
        title=title,
        description=description,
        category=category,
        item=item,
        lon=lon,
        lat=lat,
        address=address,
        grid=grid,
        region_path=grid.path if grid else "",
        submitter=actor if is_resident_channel else None,
        recorded_by=actor if not is_resident_channel else None,
        contact_name=contact_name or (str(actor) if actor and is_resident_channel else ""),
        contact_phone=phone,
        created_at=clock.now(),
        **suggestion,
    )
    for _attempt in range(5):
        case.tracking_no = _new_tracking_no()
        if not Case.objects.filter(tracking_no=case.tracking_no).exists():
            break
    entry = CASE_WORKFLOW.create(
        case,
        event=CaseEvent.SUBMIT,
        actor=actor,
        note=f"渠道：{Channel(channel).label}",
        data={"channel": channel, "located_by": located_by},
    )
    store_photos(case, entry, photos, AttachmentKind.REPORT, actor)
    return case
