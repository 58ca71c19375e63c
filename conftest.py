"""Personas and a small county shared by every test.

County 县 → one street → one community → grids A and B (squares side by side), a housing department,
a two-category catalogue. The personas are the people the tests speak for.
"""

from __future__ import annotations

import os
import secrets

# Subprocesses the tests start (the worker, a killed submitter) run Django's system checks, which refuse
# the built-in secret key when DEBUG is off; give the whole run a throwaway key of its own.
os.environ.setdefault("GRIDGOV_SECRET_KEY", "tests-only-" + secrets.token_urlsafe(32))

import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.catalog.actions import category_create, item_create
from gridgov.catalog.models import Category, MatterItem, ResponsibleLevel, TimeUnit
from gridgov.people.actions import department_create, role_assign, token_issue, user_create
from gridgov.people.models import Department, Role, User
from gridgov.territory.actions import region_create
from gridgov.territory.models import Region, RegionLevel
from gridgov.territory.selectors import grid_reset_index

PASSWORD = "test-pass-123"


def square(lon: float, lat: float, size: float = 0.01) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
        ],
    }


# Points well inside each grid and one outside the county.
POINT_A = (108.305, 22.805)
POINT_B = (108.315, 22.805)
POINT_OUTSIDE = (110.0, 25.0)


@dataclass
class World:
    county: Region
    street: Region
    community: Region
    grid_a: Region
    grid_b: Region
    housing: Department
    water: Department
    roads: Category
    environment: Category
    item_lamp: MatterItem  # grid-level, photo evidence required
    item_pipe: MatterItem  # department-level (water)
    item_litter: MatterItem  # grid-level, no photo required
    resident: User
    other_resident: User
    worker_a: User
    worker_b: User
    dispatcher: User
    water_handler: User
    housing_handler: User
    leader: User
    admin: User


def _user(username: str, name: str, phone: str = "13800000000") -> User:
    return user_create(actor=None, username=username, password=PASSWORD, display_name=name, phone=phone)


@pytest.fixture
def world(db) -> World:
    grid_reset_index()
    county = region_create(
        actor=None, code="450101", name="示范县", level=RegionLevel.COUNTY, parent=None, kind="县"
    )
    street = region_create(
        actor=None, code="450101001", name="城东街道", level=RegionLevel.TOWNSHIP, parent=county, kind="街道"
    )
    community = region_create(
        actor=None,
        code="450101001001",
        name="幸福社区",
        level=RegionLevel.VILLAGE,
        parent=street,
        kind="社区",
    )
    grid_a = region_create(
        actor=None,
        code="450101001001001",
        name="幸福社区第一网格",
        level=RegionLevel.GRID,
        parent=community,
        boundary=square(108.30, 22.80),
    )
    grid_b = region_create(
        actor=None,
        code="450101001001002",
        name="幸福社区第二网格",
        level=RegionLevel.GRID,
        parent=community,
        boundary=square(108.31, 22.80),
    )
    housing = department_create(actor=None, code="ZJJ", name="县住建局", region=county)
    water = department_create(actor=None, code="SWJ", name="县水务局", region=county)
    roads = category_create(actor=None, code="C1", name="城乡建设", order=1)
    environment = category_create(actor=None, code="C2", name="环境保护", order=2)
    item_lamp = item_create(
        actor=None,
        category=roads,
        code="C1-01",
        name="路灯损坏",
        responsible_level=ResponsibleLevel.GRID,
        time_limit=3,
        time_unit=TimeUnit.WORKING_DAYS,
        photo_required=True,
    )
    item_pipe = item_create(
        actor=None,
        category=roads,
        code="C1-02",
        name="供水管道破裂",
        responsible_level=ResponsibleLevel.DEPARTMENT,
        department=water,
        time_limit=24,
        time_unit=TimeUnit.CALENDAR_HOURS,
    )
    item_litter = item_create(
        actor=None,
        category=environment,
        code="C2-01",
        name="垃圾堆放",
        responsible_level=ResponsibleLevel.GRID,
        time_limit=2,
        time_unit=TimeUnit.WORKING_DAYS,
    )
    resident = _user("resident", "张三", "13812341234")
    other_resident = _user("resident2", "李四", "13999998888")
    for person in (resident, other_resident):
        role_assign(actor=None, user=person, role=Role.RESIDENT)
    worker_a = _user("worker_a", "王网格")
    role_assign(actor=None, user=worker_a, role=Role.GRID_WORKER, region=grid_a)
    worker_b = _user("worker_b", "赵网格")
    role_assign(actor=None, user=worker_b, role=Role.GRID_WORKER, region=grid_b)
    dispatcher = _user("dispatcher", "陈派单")
    role_assign(actor=None, user=dispatcher, role=Role.DISPATCHER, region=county)
    water_handler = _user("water", "孙水务")
    role_assign(actor=None, user=water_handler, role=Role.DEPARTMENT, department=water)
    housing_handler = _user("housing", "周住建")
    role_assign(actor=None, user=housing_handler, role=Role.DEPARTMENT, department=housing)
    leader = _user("leader", "吴县长")
    role_assign(actor=None, user=leader, role=Role.LEADER, region=county)
    admin = User.objects.create_superuser(username="admin", password=PASSWORD, display_name="管理员")
    return World(
        county=county,
        street=street,
        community=community,
        grid_a=grid_a,
        grid_b=grid_b,
        housing=housing,
        water=water,
        roads=roads,
        environment=environment,
        item_lamp=item_lamp,
        item_pipe=item_pipe,
        item_litter=item_litter,
        resident=resident,
        other_resident=other_resident,
        worker_a=worker_a,
        worker_b=worker_b,
        dispatcher=dispatcher,
        water_handler=water_handler,
        housing_handler=housing_handler,
        leader=leader,
        admin=admin,
    )


def png_bytes(size: tuple[int, int] = (8, 8), color: str = "red") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def photo():
    def make(name: str = "photo.png") -> SimpleUploadedFile:
        return SimpleUploadedFile(name, png_bytes(), content_type="image/png")

    return make


@pytest.fixture
def token_for():
    return lambda user: token_issue(actor=None, user=user, name="test")


@pytest.fixture(autouse=True)
def _test_settings(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    # PBKDF2 at production strength costs ~0.3 s per persona; tests need logins, not key stretching.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
