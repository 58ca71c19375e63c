"""The pages that the case loop does not visit, under the Content-Security-Policy (a violation fails the
test, see conftest.new_page), and map labels that cannot inject HTML."""

from __future__ import annotations

import pytest

from gridgov.territory.models import Region
from gridgov.territory.selectors import grid_reset_index

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "test-pass-123"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
EVIL = '<img src=x onerror="window.__owned=1">'


def login(new_page, base: str, username: str, next_url: str = "/", viewport: dict = DESKTOP):
    page = new_page(viewport)
    page.goto(f"{base}/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def test_a_grid_name_with_html_is_shown_as_text_on_the_map(new_page, live_server, world):
    Region.objects.filter(pk=world.grid_a.pk).update(name=f"第一网格{EVIL}")
    grid_reset_index()
    page = login(new_page, live_server.url, "resident", "/report/", PHONE)
    page.wait_for_selector("#map[data-ready='1']")
    labels = page.locator(".leaflet-tooltip.grid-label")
    texts = labels.all_text_contents()
    assert any(EVIL in t for t in texts), texts
    assert page.locator(".leaflet-tooltip img").count() == 0
    assert page.evaluate("window.__owned") is None


def test_the_leaders_measures_draw_their_chart(new_page, live_server, world):
    page = login(new_page, live_server.url, "leader", "/kpi/")
    assert page.url.endswith("/kpi/")
    if page.locator("#kpi-chart").count():
        page.wait_for_selector("#kpi-chart canvas")
    page.wait_for_timeout(300)
    assert new_page.errors == []


def test_the_board_filter_submits_on_change(new_page, live_server, world):
    page = new_page(PHONE)
    page.goto(live_server.url + "/board/")
    with page.expect_navigation():
        page.select_option("select[name=township]", value=world.street.code)
    assert f"township={world.street.code}" in page.url
    assert new_page.errors == []


def test_language_switch_and_error_page(new_page, live_server, world):
    page = new_page(PHONE)
    page.goto(live_server.url + "/")
    page.click(".lang-switch button")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    response = page.goto(live_server.url + "/no-such-page/")
    assert response.status == 404
    assert page.locator("a[href='/']").count() >= 1


def test_two_factor_enrolment_and_the_admin_render_under_the_policy(new_page, live_server, world):
    page = login(new_page, live_server.url, "admin", "/account/2fa/")
    assert page.locator(".qr svg").is_visible()
    assert page.locator("#manual-key").text_content().strip()
    page.goto(live_server.url + "/admin/")
    assert page.locator("#site-name").is_visible()
    page.goto(live_server.url + "/admin/axes/accessattempt/")
    assert page.locator("#changelist").count() == 1


def test_the_policy_blocks_an_injected_handler_and_the_tests_would_notice(new_page, live_server, world):
    page = new_page(PHONE)
    page.goto(live_server.url + "/")
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<img src=\"/static/none.png\" onerror=\"window.__owned=1\">')"
    )
    page.wait_for_timeout(500)
    assert page.evaluate("window.__owned") is None
    assert any("script-src" in v for v in new_page.csp_violations)
    new_page.csp_violations.clear()  # seen on purpose: do not fail this test at teardown
