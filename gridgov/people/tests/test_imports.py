"""Importing staff logins and their roles through the import runner (a row per role)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from gridgov.core.errors import PermissionDenied
from gridgov.core.imports import error_report_xlsx, import_run, spec_for
from gridgov.people.actions import role_assign, user_create
from gridgov.people.models import Role, RoleAssignment, User
from gridgov.territory.actions import region_create
from gridgov.territory.models import RegionLevel

HEADER = ["用户名", "姓名", "电话", "角色", "区域代码", "部门代码", "初始密码"]


def as_csv(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def run(actor, rows, **kwargs):
    return import_run(spec_for("staff"), actor=actor, data=as_csv(rows), file_name="staff.csv", **kwargs)


@pytest.fixture
def grid_c(world):
    return region_create(
        actor=None,
        code="450101001001003",
        name="幸福社区第三网格",
        level=RegionLevel.GRID,
        parent=world.community,
    )


def test_staff_logins_and_roles_are_created_and_a_reimport_changes_nothing(world, grid_c):
    rows = [
        HEADER,
        ["w003", "钱网格", "13800003333", "网格员", grid_c.code, "", "secret-pass-1"],
        ["w003", "", "", "联户长", world.community.code, "", ""],  # a second role for the same person
        ["zj2", "冯住建", "", "部门办理人", "", "ZJJ", "secret-pass-2"],
        ["collector2", "褚接单", "", "collector", world.street.code, "", "secret-pass-3"],
    ]
    report = run(world.admin, rows)

    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (3, 1, 0)
    worker = User.objects.get(username="w003")
    assert worker.display_name == "钱网格" and worker.check_password("secret-pass-1")
    assert set(worker.roles.values_list("role", flat=True)) == {Role.GRID_WORKER, Role.GROUP_HEAD}
    assert RoleAssignment.objects.get(user__username="zj2").department == world.housing

    again = run(world.admin, rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert User.objects.filter(username="w003").count() == 1


def test_every_bad_row_is_reported_and_nothing_is_written(world, grid_c):
    rows = [
        HEADER,
        ["w003", "钱网格", "", "网格员", grid_c.code, "", "secret-pass-1"],
        ["w004", "孙网格", "", "网格员", world.grid_a.code, "", "secret-pass-1"],  # grid A has a worker
        ["bad name!", "", "", "网格员", grid_c.code, "", "secret-pass-1"],
        ["x1", "", "", "厨师", grid_c.code, "", "secret-pass-1"],
        ["x2", "", "", "网格员", "", "", "secret-pass-1"],
        ["x3", "", "", "部门办理人", "", "NOPE", "secret-pass-1"],
        ["x4", "", "", "居民", "", "", "short"],
    ]
    report = run(world.admin, rows)

    assert [(e.row, e.column) for e in report.errors] == [
        (3, "区域代码"),
        (4, "用户名"),
        (5, "角色"),
        (6, "区域代码"),
        (7, "部门代码"),
        (8, "初始密码"),
    ]
    assert "已有专职网格员" in report.errors[0].message
    assert not User.objects.filter(username__in=["w003", "w004", "x4"]).exists()


def test_the_error_report_never_holds_the_passwords(world):
    rows = [HEADER, ["x1", "", "", "厨师", "", "", "my-secret-password"]]
    report = run(world.admin, rows)
    book = load_workbook(io.BytesIO(error_report_xlsx(report)))
    assert "my-secret-password" not in [c.value for row in book["数据"].iter_rows() for c in row]


def test_a_street_dispatcher_grants_only_worker_roles_in_its_street(world, grid_c):
    west = region_create(
        actor=None, code="450101002", name="城西街道", level=RegionLevel.TOWNSHIP, parent=world.county
    )
    dispatcher = user_create(actor=None, username="east_dispatcher", password="test-pass-123")
    role_assign(actor=None, user=dispatcher, role=Role.DISPATCHER, region=world.street)
    rows = [
        HEADER,
        ["w003", "", "", "网格员", grid_c.code, "", "secret-pass-1"],
        ["boss", "", "", "系统管理员", world.street.code, "", "secret-pass-1"],
        ["west1", "", "", "接单员", west.code, "", "secret-pass-1"],
    ]
    report = run(dispatcher, rows)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (3, "区域代码", "您不能在该区域或部门分配这个角色"),
        (4, "区域代码", "您不能在该区域或部门分配这个角色"),
    ]


def test_people_without_a_staff_role_may_not_import_logins(world):
    for person in (world.worker_a, world.resident, world.leader, world.water_handler):
        with pytest.raises(PermissionDenied):
            run(person, [HEADER, ["x", "", "", "居民", "", "", "secret-pass-1"]])
