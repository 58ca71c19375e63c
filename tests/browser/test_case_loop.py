"""One case through the whole loop in a real browser, at phone width (the dispatcher at desktop width).

resident reports with a map click and a photo → dispatcher dispatches to worker A → worker A accepts and
resolves with an evidence photo → resident rates 满意 → anonymous tracking and the public board show it
masked. A screenshot of every page goes to screenshots/ (gitignored) for a human look.
"""

from __future__ import annotations

import io
import re

import pytest

from gridgov.cases.models import Case, CaseStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "test-pass-123"  # the personas' password in the root conftest's `world`
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
GRID_A_INSIDE = (22.805, 108.305)  # (lat, lon), the middle of grid A


@pytest.fixture
def photo_file(tmp_path):
    from PIL import Image

    def make(name: str, color: str) -> str:
        path = tmp_path / name
        buffer = io.BytesIO()
        Image.new("RGB", (640, 480), color).save(buffer, format="JPEG")
        path.write_bytes(buffer.getvalue())
        return str(path)

    return make


def login(new_page, base: str, username: str, viewport: dict, next_url: str = "/"):
    page = new_page(viewport)
    page.goto(f"{base}/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def click_map(page, lat: float, lon: float) -> None:
    """A real mouse click on the map where (lat, lon) is drawn."""
    page.wait_for_selector("#map[data-ready='1']")
    point = page.evaluate(
        "([lat, lon]) => document.getElementById('map')._gridgovMap.latLngToContainerPoint([lat, lon])",
        [lat, lon],
    )
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_a_case_goes_round_the_loop_in_the_browser(new_page, live_server, world, photo_file, screenshot):
    base = live_server.url

    # Anonymous landing and login pages.
    anon = new_page(PHONE)
    anon.goto(base + "/")
    assert anon.locator("a[href='/track/']").first.is_visible()
    screenshot(anon, "00-landing")
    anon.goto(base + "/login/")
    screenshot(anon, "01-login")

    # 点单: the resident picks the place on the map and attaches a photo.
    resident = login(new_page, base, "resident", PHONE, "/report/")
    assert resident.url.endswith("/report/")
    assert resident.input_value("input[name=contact_phone]") == "13812341234"
    resident.select_option("select[name=category]", label="城乡建设")
    resident.fill("textarea[name=description]", "小区3栋门口的路灯坏了三天，晚上很黑，老人出门不方便")
    click_map(resident, *GRID_A_INSIDE)
    assert "幸福社区第一网格" in resident.text_content("#map-status")
    assert resident.input_value("#id_lon").startswith("108.30")
    resident.set_input_files("input[name=photos]", photo_file("lamp.jpg", "navy"))
    screenshot(resident, "02-resident-report")
    resident.click("#report-form button[type=submit]")
    resident.wait_for_url(re.compile(r"/cases/\d+/received/$"))
    tracking_no = resident.text_content("#tracking-no").strip()
    assert re.fullmatch(r"GG\d{6}[A-Z2-9]{6}", tracking_no)
    screenshot(resident, "03-resident-received")
    case = Case.objects.get(tracking_no=tracking_no)
    assert case.grid == world.grid_a and case.attachments.count() == 1

    resident.goto(base + "/my/")
    assert tracking_no in resident.content()
    screenshot(resident, "04-resident-my")

    # 派单: the dispatcher at a desktop, picks the item; the suggestion fills in worker A.
    dispatcher = login(new_page, base, "dispatcher", DESKTOP, "/console/")
    row = dispatcher.locator(f"#case-row-{case.pk}")
    assert "幸福社区第一网格" in row.text_content()
    row.locator("a.button").click()
    dispatcher.wait_for_selector(f"#panel-case-{case.pk}")
    dispatcher.locator("#panel select[name=item]").select_option(str(world.item_lamp.pk))
    dispatcher.wait_for_selector(f"#assignee-{case.pk} .suggest")
    assert "王网格" in dispatcher.text_content(f"#assignee-{case.pk} .suggest")
    assert dispatcher.input_value("#panel select[name=worker]") == str(world.worker_a.pk)
    screenshot(dispatcher, "05-dispatcher-console-desktop")
    dispatcher.locator("#panel textarea[name=note]").fill("请今天内处理")
    dispatcher.locator("#panel form.dispatch-form button[type=submit]").click()
    dispatcher.wait_for_url(re.compile(r"/console/$"))
    assert "已派单" in dispatcher.text_content(".messages")
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED and case.handler == world.worker_a
    # The console at phone width too, to see how it degrades.
    dispatcher.set_viewport_size(PHONE)
    dispatcher.goto(base + "/console/?status=dispatched")
    screenshot(dispatcher, "06-dispatcher-console-phone")
    dispatcher.goto(f"{base}/cases/{case.pk}/")
    screenshot(dispatcher, "07-dispatcher-case")

    # 接单 and 办结 by worker A, on the phone.
    worker = login(new_page, base, "worker_a", PHONE, "/inbox/")
    assert tracking_no in worker.content()
    screenshot(worker, "08-worker-inbox")
    worker.click(f"a[href='/cases/{case.pk}/']")
    screenshot(worker, "09-worker-case-dispatched")
    worker.click("button[value=accept]")
    worker.wait_for_selector("#panel-resolve")
    assert "已接单" in worker.text_content(".messages")
    worker.fill("#panel-resolve textarea[name=result]", "已更换路灯灯泡，恢复照明")
    worker.set_input_files("#panel-resolve input[name=photos]", photo_file("fixed.jpg", "gold"))
    screenshot(worker, "10-worker-resolve")
    worker.click("#panel-resolve button[type=submit]")
    worker.wait_for_selector(".messages .msg-success")
    screenshot(worker, "11-worker-resolved")
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED and case.attachments.filter(kind="evidence").count() == 1

    worker.goto(base + "/patrol/")
    screenshot(worker, "12-worker-patrol")

    # 评单 by the resident.
    resident.goto(f"{base}/cases/{case.pk}/")
    resident.wait_for_selector("#panel-rate")
    resident.click("#panel-rate label.pill:has-text('满意') >> nth=0")
    resident.fill("#panel-rate textarea[name=comment]", "处理很及时，谢谢")
    screenshot(resident, "13-resident-rate")
    resident.click("#panel-rate button[type=submit]")
    resident.wait_for_selector(".messages .msg-success")
    assert resident.locator(".photos img").count() == 2  # the report photo and the evidence photo
    broken = resident.evaluate(
        "Array.from(document.querySelectorAll('.photos img')).filter(i => !i.complete || !i.naturalWidth).length"
    )
    assert broken == 0
    screenshot(resident, "14-resident-closed")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.ratings.get().score == "satisfied"

    # 查询进度 without logging in: masked.
    anon.goto(base + "/track/")
    anon.fill("input[name=tracking_no]", tracking_no)
    anon.fill("input[name=phone_last4]", "1234")
    anon.click("form button[type=submit]")
    anon.wait_for_selector("#track-result")
    text = anon.text_content("#track-result")
    assert "已办结" in text and "138****1234" in text and "13812341234" not in text and "张三" not in text
    screenshot(anon, "15-anonymous-track")

    assert not new_page.errors, new_page.errors

    # 晒单: the public board (another app) shows the closed case without personal data.
    response = anon.goto(base + "/board/")
    if response is None or response.status == 404:
        pytest.skip("the public board /board/ is not built yet; every other step passed")
    assert response.status == 200
    html = anon.content()
    assert "13812341234" not in html and "张三" not in html
    assert "已更换路灯灯泡" in html or tracking_no in html
    screenshot(anon, "16-public-board")

    assert not new_page.errors, new_page.errors
