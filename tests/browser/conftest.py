"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright's sync API against live_server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread with a
# running loop unless told that this is deliberate (the test thread only reads for its assertions).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def browser(live_server):
    # Depends on live_server so the browser (and its keep-alive connections) goes before the server does.
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Every page runs under the site's Content-Security-Policy; a violation (an inline script or style, a
# handler attribute, a resource from elsewhere) is reported by the browser as this event. The init script
# is injected by Playwright outside the page's CSP, so it sees every violation.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def new_page(browser):
    """Open a page in a fresh context (its own cookies); JS errors are collected in `new_page.errors`.

    Content-Security-Policy violations are collected in `new_page.csp_violations`; a test with any
    fails at teardown, so every page the browser tests visit is proven to work under the CSP.
    """
    contexts = []
    errors: list[str] = []
    violations: list[str] = []

    def on_console(message) -> None:
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text:
            violations.append(f"{message.page.url if message.page else ''}: {text}")

    def make(viewport: dict):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        contexts.append(context)
        context.add_init_script(CSP_LISTENER)
        page = context.new_page()
        page.set_default_timeout(8000)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", on_console)
        return page

    make.errors = errors
    make.csp_violations = violations
    yield make
    # Close before the test's database goes away, so no request is still being served.
    for context in contexts:
        context.close()
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        # Wait for what a person would wait for: the maps drawn and every photo decoded.
        page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; })")
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('.map[data-geojson]')).every(m => m.dataset.ready)"
            " && Array.from(document.images).every(i => i.complete)"
        )
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
