"""Browser tests: Playwright for Python driving Debian's Chromium (no browser download).

`/usr/bin/chromium` (Debian package `chromium`; scripts/test installs it when missing) runs headless
against pytest-django's live server. Every page load is watched for console errors and failed
requests; a failing test leaves a full-page screenshot in `test-artifacts/browser/`.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("DUBAN_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "pass12345"  # tests.factories.UserFactory

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are plain synchronous code, so Django's async-safety check must not refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (scripts/test does this).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


class Browser:
    """One signed-in browser tab against the live server, collecting console errors."""

    def __init__(self, chromium: Any, base_url: str, viewport: dict[str, int]) -> None:
        self.base_url = base_url
        self.context = chromium.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on(
            "response",
            lambda r: self.errors.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 500 or (r.status == 404 and "/static/" in r.url)
            else None,
        )

    def go(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status < 400, (path, response and response.status)
        return response

    def login(self, user: Any) -> None:
        self.go("/accounts/login/")
        self.page.fill("#id_username", user.username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(re.compile(r".*/$"))

    def open_panel(self, label: str) -> Any:
        """The action form under the task page's panel `label` (opened if closed)."""
        panel = self.page.locator("details.action", has=self.page.locator("summary", has_text=label)).first
        if panel.get_attribute("open") is None:
            panel.locator("summary").click()
        return panel.locator("form")

    def no_horizontal_scroll(self) -> bool:
        return bool(self.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_browser(chromium: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """open_browser(user, phone=False) → a Browser signed in as `user`; screenshots on failure."""
    opened: list[Browser] = []

    def make(user: Any = None, *, phone: bool = False) -> Browser:
        browser = Browser(chromium, live_server.url, PHONE if phone else DESKTOP)
        opened.append(browser)
        if user is not None:
            browser.login(user)
        return browser

    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for i, browser in enumerate(opened):
        if failed:
            browser.screenshot(f"{request.node.name}-{i}")
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report
