"""Importing households and residents (一户一档) from a county's roster, through the import runner."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from gridgov.core.errors import InvalidInput, PermissionDenied
from gridgov.core.imports import RowError, error_report_xlsx, import_run, spec_for, template_xlsx
from gridgov.demo.identities import id_check_digit
from gridgov.people.actions import role_assign, user_create
from gridgov.people.models import Role
from gridgov.territory.actions import region_create
from gridgov.territory.models import Compound, Household, RegionLevel, Resident

HEADER = ["户号", "网格代码", "小区", "住址", "姓名", "身份证号", "与户主关系", "电话"]
GRID_A = "450101001001001"
GRID_B = "450101001001002"


def ident(first17: str) -> str:
    return first17 + id_check_digit(first17)


HEAD_ID = ident("45010119800101001")
WIFE_ID = ident("45010119820202002")
CHILD_ID = ident("45010120100303003")
OTHER_ID = ident("45010119600404004")


def roster() -> list[list[str]]:
    return [
        HEADER,
        ["A-0001", GRID_A, "幸福小区", "幸福小区1栋101室", "张大山", HEAD_ID, "户主", "13800001111"],
        ["A-0001", GRID_A, "幸福小区", "幸福小区1栋101室", "李秀英", WIFE_ID, "配偶", ""],
        ["A-0001", GRID_A, "幸福小区", "幸福小区1栋101室", "张小山", CHILD_ID, "子", ""],
        ["B-0001", GRID_B, "", "第二网格12号", "王老汉", OTHER_ID, "户主", "0771-5551234"],
    ]


def as_csv(rows, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def as_xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(actor, data: bytes, **kwargs):
    return import_run(spec_for("households"), actor=actor, data=data, file_name="roster.csv", **kwargs)


def test_a_roster_creates_households_residents_and_compounds(world):
    report = run(world.dispatcher, as_csv(roster()))

    assert report.ok, report.errors
    assert (report.rows, report.created, report.updated, report.unchanged) == (4, 4, 0, 0)
    assert report.details == {"新增户": 2, "更新户": 0}
    family = Household.objects.get(number="A-0001")
    assert family.grid == world.grid_a and family.compound.name == "幸福小区"
    assert [(r.name, r.is_head) for r in family.residents.order_by("id")] == [
        ("张大山", True),
        ("李秀英", False),
        ("张小山", False),
    ]
    assert Resident.objects.get(id_number=OTHER_ID).phone == "0771-5551234"


def test_one_bad_row_writes_nothing_and_reports_that_row(world):
    rows = roster()
    rows[2][5] = WIFE_ID[:-1] + ("0" if WIFE_ID[-1] != "0" else "1")  # wrong check digit

    report = run(world.dispatcher, as_csv(rows))

    assert not report.ok
    assert report.errors == [RowError(3, "身份证号", "身份证号校验位不正确，请核对")]
    assert "没有导入任何数据" in report.message
    assert (report.created, report.updated) == (0, 0)
    assert not Household.objects.exists() and not Resident.objects.exists() and not Compound.objects.exists()


def test_every_bad_row_is_reported_at_once(world):
    rows = roster()
    rows[1][7] = "12345"  # phone
    rows[2][4] = ""  # name missing
    rows[3][5] = HEAD_ID  # the same person twice
    rows[4][1] = "999999999999999"  # no such grid
    rows.append(["C-0001", GRID_A, "", "某地", "赵六", "4501011990", "户主", ""])  # 10-digit ID
    rows.append(["D-0001", GRID_A, "", "某地2号", "钱七", ident("45010119900505005"), "户主", ""])
    rows.append(["D-0001", GRID_B, "", "某地2号", "钱八", ident("45010119900505013"), "女", ""])

    report = run(world.dispatcher, as_csv(rows))

    assert [(e.row, e.column) for e in report.errors] == [
        (2, "电话"),
        (3, "姓名"),
        (4, "身份证号"),
        (5, "网格代码"),
        (6, "身份证号"),
        (8, "网格代码"),
    ]
    messages = [e.message for e in report.errors]
    assert messages[2] == "与第 2 行重复"
    assert "不存在或不在您的管辖范围内" in messages[3]
    assert messages[4] == "身份证号应为 18 位，这里是 10 位"
    assert messages[5] == "与第 7 行（同一户号）不一致"
    assert not Household.objects.exists()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_in_gbk_parses(world, encoding):
    report = run(world.dispatcher, as_csv(roster(), encoding))
    assert report.ok, report.errors
    assert Resident.objects.get(id_number=WIFE_ID).name == "李秀英"


def test_xlsx_parses_with_a_title_row_and_numbers_typed_as_numbers(world):
    rows = [["示范县幸福社区居民花名册"], *roster()]
    rows[2][7] = 13800001111  # Excel keeps a typed phone as a number
    rows[5][1] = int(GRID_B)

    report = run(world.dispatcher, as_xlsx(rows))

    assert report.ok, report.errors
    assert Resident.objects.get(id_number=HEAD_ID).phone == "13800001111"
    assert Household.objects.get(number="B-0001").grid == world.grid_b


def test_an_id_number_excel_stored_as_a_number_is_explained(world):
    rows = roster()
    rows[1][5] = float(HEAD_ID[:-1] + "0")
    report = run(world.dispatcher, as_xlsx(rows))
    assert report.errors[0].row == 2
    assert "科学计数法" in report.errors[0].message


def test_reimport_updates_by_household_number_and_id_number_without_duplicates(world):
    assert run(world.dispatcher, as_csv(roster())).ok
    rows = roster()
    rows[1][7] = "13900002222"  # new phone
    rows[4][3] = "第二网格12号之一"  # new address
    rows.append(["B-0001", GRID_B, "", "第二网格12号之一", "王小花", ident("45010119900606006"), "女", ""])

    report = run(world.dispatcher, as_csv(rows))

    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (1, 1, 3)
    assert report.details == {"新增户": 0, "更新户": 1}
    assert Household.objects.count() == 2 and Resident.objects.count() == 5
    assert Resident.objects.get(id_number=HEAD_ID).phone == "13900002222"
    again = run(world.dispatcher, as_csv(rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


def test_a_new_head_replaces_the_old_one_and_blank_cells_keep_what_is_stored(world):
    assert run(world.dispatcher, as_csv(roster())).ok
    rows = [HEADER, ["A-0001", GRID_A, "", "幸福小区1栋101室", "李秀英", WIFE_ID, "户主", ""]]

    assert run(world.dispatcher, as_csv(rows)).ok

    heads = Resident.objects.filter(household__number="A-0001", is_head=True)
    assert [r.name for r in heads] == ["李秀英"]
    assert Household.objects.get(number="A-0001").compound.name == "幸福小区"


def test_a_household_needs_exactly_one_head(world):
    rows = roster()
    rows[3][6] = "户主"
    rows[4][6] = "父亲"
    report = run(world.dispatcher, as_csv(rows))
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (4, "与户主关系", "同一户只能有一位户主（第 2 行已是户主）"),
        (5, "户号", "新户没有户主：请把其中一人的与户主关系填为“户主”"),
    ]


def test_dry_run_checks_everything_and_writes_nothing(world):
    report = run(world.dispatcher, as_csv(roster()), dry_run=True)
    assert report.ok and report.dry_run and report.created == 4
    assert "试导入" in report.message
    assert not Resident.objects.exists()


# ------------------------------------------------------------------------------------------ files


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (b"", "import_empty", "文件是空的"),
        (b"   \n", "import_empty", "文件是空的"),
        (as_csv([HEADER]), "import_empty", "文件只有表头，没有数据行"),
        (
            as_csv([["户号", "姓名"], ["A", "张三"]]),
            "import_missing_columns",
            "缺少必填列：网格代码、住址、身份证号",
        ),
        (as_csv([["foo", "bar"], ["1", "2"]]), "import_no_header", "没有找到表头"),
        (b"\x00\x01\x02garbage\x00", "import_wrong_type", "不是 CSV 或 Excel"),
        (b"%PDF-1.4 ...", "import_wrong_type", "不是 CSV 或 Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "import_wrong_type", "旧版 Excel"),
        (b"PK\x03\x04 not really a zip", "import_unreadable", "Excel 文件已损坏"),
        (b"\xff\xfe\xfd\x80\x81", "import_encoding", "无法识别文件的文字编码"),
    ],
)
def test_garbage_and_incomplete_files_are_refused_in_chinese(world, data, code, message):
    with pytest.raises(InvalidInput) as caught:
        run(world.dispatcher, data)
    assert caught.value.code == code
    assert message in caught.value.message


def test_an_oversize_file_and_too_many_rows_are_refused(world, settings):
    settings.GRIDGOV_IMPORT_MAX_ROWS = 3
    with pytest.raises(InvalidInput) as caught:
        run(world.dispatcher, as_csv(roster()))
    assert caught.value.code == "import_too_many_rows" and "超过 3 行" in caught.value.message
    from gridgov.core.imports import read_upload

    settings.GRIDGOV_IMPORT_MAX_BYTES = 10
    with pytest.raises(InvalidInput) as caught:
        read_upload(io.BytesIO(b"x" * 11))
    assert caught.value.code == "import_too_large"


def test_unknown_columns_are_reported_and_the_error_column_is_ignored(world):
    rows = [
        [*row, "备注" if i == 0 else "x", "错误" if i == 0 else "旧错误"] for i, row in enumerate(roster())
    ]
    report = run(world.dispatcher, as_csv(rows))
    assert report.ok and report.unknown_columns == ["备注"]


# ------------------------------------------------------------------------------------------ scope


def test_a_township_admin_cannot_import_into_another_townships_grid(world):
    west = region_create(
        actor=None, code="450101002", name="城西街道", level=RegionLevel.TOWNSHIP, parent=world.county
    )
    village = region_create(
        actor=None, code="450101002001", name="西村", level=RegionLevel.VILLAGE, parent=west
    )
    region_create(
        actor=None, code="450101002001001", name="西村第一网格", level=RegionLevel.GRID, parent=village
    )
    admin = user_create(
        actor=None, username="west_admin", password="test-pass-123", display_name="西街管理员"
    )
    role_assign(actor=None, user=admin, role=Role.ADMIN, region=west)
    rows = [HEADER, ["W-1", "450101002001001", "", "西村1号", "孙一", HEAD_ID, "户主", ""]]
    assert run(admin, as_csv(rows)).ok

    east = [HEADER, ["E-1", GRID_A, "", "幸福小区", "孙二", WIFE_ID, "户主", ""]]
    report = run(admin, as_csv(east))

    assert report.errors == [RowError(2, "网格代码", f"网格代码 {GRID_A} 不存在或不在您的管辖范围内")]
    assert not Household.objects.filter(number="E-1").exists()


def test_a_household_or_person_registered_outside_the_scope_is_not_taken_over(world):
    assert run(world.dispatcher, as_csv(roster())).ok  # the county dispatcher registers grid A
    west = region_create(
        actor=None, code="450101002", name="城西街道", level=RegionLevel.TOWNSHIP, parent=world.county
    )
    village = region_create(
        actor=None, code="450101002001", name="西村", level=RegionLevel.VILLAGE, parent=west
    )
    region_create(
        actor=None, code="450101002001001", name="西村第一网格", level=RegionLevel.GRID, parent=village
    )
    admin = user_create(actor=None, username="west_admin", password="test-pass-123")
    role_assign(actor=None, user=admin, role=Role.ADMIN, region=west)
    rows = [
        HEADER,
        ["A-0001", "450101002001001", "", "西村1号", "孙一", ident("45010119700707007"), "户主", ""],
        ["W-2", "450101002001001", "", "西村2号", "张大山", HEAD_ID, "户主", ""],
    ]
    report = run(admin, as_csv(rows))
    assert [(e.row, e.column) for e in report.errors] == [(2, "户号"), (3, "身份证号")]
    assert Household.objects.get(number="A-0001").grid == world.grid_a


def test_a_grid_worker_or_resident_may_not_import_households(world):
    for person in (world.worker_a, world.resident, world.leader):
        with pytest.raises(PermissionDenied):
            run(person, as_csv(roster()))


# --------------------------------------------------------------------------------------- spreadsheets


def test_the_error_report_keeps_the_file_adds_an_error_column_and_neutralises_formulas(world):
    rows = roster()
    rows[2][4] = '=HYPERLINK("http://evil.example","点我")'
    rows[2][7] = "12345"

    report = run(world.dispatcher, as_csv(rows))
    book = load_workbook(io.BytesIO(error_report_xlsx(report)))

    data = book["数据"]
    assert [c.value for c in data[1]] == [*HEADER, "错误"]
    name = data.cell(row=3, column=5)
    assert name.value == rows[2][4] and name.data_type == "s" and name.quotePrefix
    assert "电话：电话号码格式不正确" in data.cell(row=3, column=9).value
    assert data.cell(row=2, column=9).value in (None, "")
    summary = list(book["错误汇总"].iter_rows(values_only=True))
    assert summary[0] == ("行号", "列", "错误说明")
    assert summary[1][:2] == (3, "电话")


def test_the_template_imports_as_it_is(world):
    template = template_xlsx(spec_for("households"))
    book = load_workbook(io.BytesIO(template))
    assert book.sheetnames == ["户籍居民导入", "填写说明"]
    assert book.active["A1"].value == "户号*"

    report = run(world.dispatcher, template)

    assert report.ok, report.errors
    assert Household.objects.get(number="450101001001001-0001").residents.get().is_head
