"""A patrol report survives a lost connection: kept on the phone, sent when the network is back.

Worker A on a phone opens 巡查上报, the network drops, the report is submitted: the page says it is kept
on the phone (1 条待提交) and nothing reaches the server. The network comes back: the queue replays by
itself and the page shows the tracking number; exactly one case exists. Replaying the same stored item
again (the answer to the first send lost on the way) still leaves one case.
"""

from __future__ import annotations

import pytest

from gridgov.cases.models import Case, Channel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "test-pass-123"  # the personas' password in the root conftest's `world`
PHONE = {"width": 390, "height": 844}
BANNER = "#offline-queue"


def login(new_page, base: str, username: str, next_url: str):
    page = new_page(PHONE)
    page.goto(f"{base}/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


@pytest.fixture
def photo(tmp_path) -> str:
    from PIL import Image

    path = tmp_path / "ditch.jpg"
    Image.new("RGB", (640, 480), "teal").save(path, format="JPEG")
    return str(path)


def fill_patrol(page, description: str) -> None:
    page.select_option("select[name=category]", label="城乡建设")
    page.fill("textarea[name=description]", description)


def test_a_patrol_report_waits_offline_and_is_sent_once_when_online(
    new_page, live_server, world, screenshot, photo
):
    base = live_server.url
    worker = login(new_page, base, "worker_a", "/patrol/")
    assert worker.url.endswith("/patrol/")
    worker.wait_for_selector("#map[data-ready]")
    context = worker.context

    # Offline: the submission is kept on the phone, the server sees nothing.
    context.set_offline(True)
    fill_patrol(worker, "村口水渠堵塞，雨天积水漫到路面，车辆难以通行")
    worker.set_input_files("input[name=photos]", photo)  # kept in IndexedDB as a Blob
    worker.click("#report-form button[type=submit]")
    worker.wait_for_selector(f"{BANNER} .queue-pending")
    text = worker.text_content(BANNER)
    assert "网络不可用，已保存在本机，恢复网络后自动提交（1 条待提交）" in text
    assert not Case.objects.exists()
    assert worker.url.endswith("/patrol/")
    screenshot(worker, "20-worker-patrol-offline-queued")

    # Online again: the queue replays by itself and shows the tracking number.
    context.set_offline(False)
    worker.wait_for_selector(f"{BANNER} .queue-done", timeout=10000)
    case = Case.objects.get()
    assert case.channel == Channel.PATROL and case.recorded_by == world.worker_a
    assert case.attachments.count() == 1
    assert f"已提交：受理编号 {case.tracking_no}" in worker.text_content(BANNER)
    assert worker.locator(f"{BANNER} .queue-pending").count() == 0
    assert worker.evaluate("window.gridgovOfflineQueue.all().then(items => items.length)") == 0
    screenshot(worker, "21-worker-patrol-queue-sent")

    # A second report queued offline, its stored item replayed twice (the first answer lost): one case.
    context.set_offline(True)
    fill_patrol(worker, "二组路口的护栏被撞倒，存在安全隐患")
    worker.click("#report-form button[type=submit]")
    # Functions, not expression strings: Playwright evals a bare expression inside the page, which the
    # site's Content-Security-Policy (rightly) refuses.
    worker.wait_for_function("() => document.getElementById('offline-queue').dataset.pending === '1'")
    assert Case.objects.count() == 1
    stored = worker.evaluate("window.gridgovOfflineQueue.all().then(items => items[0].key)")
    assert stored and stored != case.idempotency_key  # the form got a new key after queuing
    worker.evaluate(
        "window.__kept = null; window.gridgovOfflineQueue.all().then(i => { window.__kept = i[0]; })"
    )
    worker.wait_for_function("() => window.__kept !== null")
    context.set_offline(False)
    worker.wait_for_function(
        "() => document.getElementById('offline-queue').dataset.pending === '0'", timeout=10000
    )
    assert Case.objects.count() == 2
    # The same item back in the queue, as if the first answer never arrived: replayed again.
    worker.evaluate(
        "window.gridgovOfflineQueue.put(window.__kept).then(() => window.gridgovOfflineQueue.flush())"
    )
    worker.wait_for_function("() => document.getElementById('offline-queue').dataset.pending === '0'")
    assert worker.evaluate("window.gridgovOfflineQueue.all().then(items => items.length)") == 0
    assert Case.objects.count() == 2
    second = Case.objects.get(idempotency_key=stored)
    assert second.channel == Channel.PATROL
    assert worker.text_content(BANNER).count(second.tracking_no) == 2  # both sends answered the same number

    # The inbox carries the queue too: nothing waits, nothing broke.
    worker.goto(base + "/inbox/")
    assert worker.locator(f"{BANNER} .queue-pending").count() == 0
    screenshot(worker, "22-worker-inbox-after-queue")
    assert not new_page.errors, new_page.errors
