"""The import runner through its three doors: the staff page, the JSON API and `gridgov import`."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from gridgov.territory.models import Household, Resident
from gridgov.territory.tests.test_imports import HEAD_ID, as_csv, roster


def _bad_roster() -> bytes:
    rows = roster()
    rows[2][7] = "12345"
    rows[3][4] = "=1+1"
    rows[4][5] = "123"
    return as_csv(rows)


def _upload(data: bytes, name: str = "roster.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_the_page_and_the_api_give_the_same_report(client, world):
    client.force_login(world.dispatcher)
    page = client.post("/imports/households/", {"file": _upload(_bad_roster())})
    api = client.post("/api/imports/households", {"file": _upload(_bad_roster())})

    assert page.status_code == 400 and api.status_code == 400
    body = api.json()
    assert body["code"] == "import_rejected" and body["ok"] is False
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(3, "电话"), (5, "身份证号")]
    report = page.context["report"]
    assert [{"row": e.row, "column": e.column, "message": e.message} for e in report.errors] == body["errors"]
    assert body["message"] == report.message
    html = page.content.decode()
    for error in body["errors"]:
        assert error["message"] in html
    assert not Household.objects.exists()


def test_a_good_file_is_imported_by_the_api_and_by_the_page(client, world):
    client.force_login(world.dispatcher)
    dry = client.post("/api/imports/households", {"file": _upload(as_csv(roster())), "dry_run": "true"})
    assert dry.status_code == 200 and dry.json()["dry_run"] and not Resident.objects.exists()

    response = client.post("/imports/households/", {"file": _upload(as_csv(roster()))})
    assert response.status_code == 200
    assert "导入完成：共 4 行，新增 4" in response.content.decode()
    assert Resident.objects.filter(id_number=HEAD_ID).exists()


def test_the_error_report_downloads_for_the_uploader_only(client, world):
    client.force_login(world.dispatcher)
    page = client.post("/imports/households/", {"file": _upload(_bad_roster())})
    url = f"/imports/households/errors/{page.context['report_token']}.xlsx"
    assert url in page.content.decode()

    download = client.get(url)
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(download.content))["数据"]
    formula = sheet.cell(row=4, column=5)
    assert formula.value == "=1+1" and formula.data_type == "s" and formula.quotePrefix
    assert sheet.cell(row=1, column=9).value == "错误"

    client.force_login(world.admin)  # even an administrator does not get someone else's report
    assert client.get(url).status_code == 404
    assert client.get("/imports/households/errors/nonsense.xlsx").status_code == 404


def test_htmx_gets_the_result_fragment(client, world):
    client.force_login(world.dispatcher)
    response = client.post(
        "/imports/households/", {"file": _upload(_bad_roster())}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="import-report"' in html and "<html" not in html


@pytest.mark.parametrize(
    "data", [b"", b"\x00\x01garbage", b"PK\x03\x04broken", "户号,姓名\nA,张三\n".encode("gbk")]
)
def test_garbage_files_are_a_chinese_400_not_a_500(client, world, data):
    client.force_login(world.dispatcher)
    api = client.post("/api/imports/households", {"file": _upload(data)})
    page = client.post("/imports/households/", {"file": _upload(data)})
    assert api.status_code == 400 and page.status_code == 400
    assert api.json()["code"].startswith("import_")
    assert api.json()["message"] in page.content.decode()


def test_a_missing_file_is_a_message(client, world):
    client.force_login(world.dispatcher)
    assert "请选择要导入的文件" in client.post("/imports/households/").content.decode()
    assert client.post("/api/imports/households").status_code == 400


def test_outsiders_do_not_see_the_imports(client, world):
    client.force_login(world.worker_a)
    assert client.get("/imports/households/").status_code == 404
    assert client.get("/imports/households/template.xlsx").status_code == 404
    assert client.post("/api/imports/households", {"file": _upload(as_csv(roster()))}).status_code == 403
    assert 'href="/imports/"' not in client.get("/imports/").content.decode()
    assert client.get("/imports/nope/").status_code == 404
    client.logout()
    assert client.post("/api/imports/households", {"file": _upload(as_csv(roster()))}).status_code == 401


def test_staff_see_the_link_the_pages_and_the_templates(client, world):
    client.force_login(world.dispatcher)
    index = client.get("/imports/").content.decode()
    assert 'href="/imports/"' in index and "户籍居民导入" in index and "工作人员账号导入" in index
    page = client.get("/imports/households/")
    assert page.status_code == 200 and "下载导入模板" in page.content.decode()
    for url in ("/imports/households/template.xlsx", "/api/imports/households/template"):
        response = client.get(url)
        assert response.status_code == 200
        assert load_workbook(io.BytesIO(response.content)).active["E1"].value == "姓名*"
    client.force_login(world.leader)
    assert "您没有可用的导入" in client.get("/imports/").content.decode()


def test_the_command_prints_every_bad_row_and_exits_1(world, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_bad_roster())
    with pytest.raises(CommandError) as caught:
        call_command("import", "households", str(bad), "--errors-out", str(tmp_path / "errors.xlsx"))
    assert caught.value.returncode == 1 and "没有导入任何数据" in str(caught.value)
    out = capsys.readouterr().out
    assert "     3  电话" in out and "     5  身份证号" in out
    assert (tmp_path / "errors.xlsx").exists()
    assert not Household.objects.exists()


def test_the_command_dry_run_writes_nothing_then_a_real_run_imports(world, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(as_csv(roster()))
    call_command("import", "households", str(good), "--dry-run", "--user", "dispatcher")
    assert "试导入" in capsys.readouterr().out and not Household.objects.exists()
    call_command("import", "households", str(good))
    assert "导入完成" in capsys.readouterr().out and Household.objects.count() == 2
    with pytest.raises(CommandError, match="没有这种导入"):
        call_command("import", "nope", str(good))
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("import", "households", str(tmp_path / "missing.csv"))
