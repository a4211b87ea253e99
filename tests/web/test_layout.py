"""The page frame: viewport and ☰ navigation, titles, breadcrumbs, favicon, Chinese error pages, the CSS rules that
keep a phone-width page from scrolling sideways, and scripts/run serving the production-like error pages."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, override_settings
from django.urls import path as url_path

from tasks.models import TaskRole
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
PAGES = ["/", "/tasks/", "/progress/", "/documents/", "/notifications/", "/notifications/preferences/"]
SUPERVISOR_PAGES = ["/overdue/", "/imports/new/", "/names/", "/unassigned/"]


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _html(resp) -> str:
    return resp.content.decode()


def _title(html: str) -> str:
    m = re.search(r"<title>(.*?)</title>", html, re.S)
    assert m, "no <title>"
    return m.group(1).strip()


def _breadcrumb(html: str) -> str:
    m = re.search(r'<nav class="breadcrumb" aria-label="当前位置">(.*?)</nav>', html, re.S)
    assert m, "no breadcrumb bar"
    return m.group(1)


@pytest.fixture
def task(department):
    return factories.TaskFactory(department=department, role=TaskRole.LEAD, deadline=dt.date(2099, 12, 31))


# --- Frame on every page ---


@pytest.mark.parametrize("path", PAGES + SUPERVISOR_PAGES)
def test_every_page_has_viewport_toggle_favicon_and_titled(supervisor, task, path):
    resp = login(supervisor).get(path)
    assert resp.status_code == 200, path
    html = _html(resp)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    # the ☰ button opens the navigation panel it controls; the script is a static file, not inline
    assert re.search(
        r'<button type="button" class="nav-toggle" id="nav-toggle" aria-controls="nav-panel"'
        r' aria-expanded="false">',
        html,
    )
    assert 'id="nav-panel"' in html and 'aria-label="主导航"' in html
    assert '<script src="/static/duban/duban.js"></script>' in html
    # no executable inline script (json_script data blocks are fine under a CSP)
    assert re.search(r'<script(?![^>]*\b(?:src=|type="application/json"))[^>]*>', html) is None, path
    assert 'rel="icon" href="/static/duban/favicon.svg"' in html
    title = _title(html)
    assert title.endswith(" - 督办") and len(title) > len(" - 督办"), title


def test_department_user_pages_have_the_frame_too(staff, task):
    client = login(staff)
    for path in PAGES + [f"/tasks/{task.pk}/"]:
        html = _html(client.get(path))
        assert 'class="nav-toggle"' in html, path
        assert _title(html).endswith(" - 督办"), path


def test_titles_name_the_page(supervisor, task):
    client = login(supervisor)
    assert _title(_html(client.get("/"))) == "工作台 - 督办"
    assert _title(_html(client.get("/progress/"))) == "部门进度 - 督办"
    measure = task.measure
    title = _title(_html(client.get(f"/tasks/{task.pk}/")))
    assert title.startswith(measure.title[:10]) and task.department.name in title and title.endswith(" - 督办")
    doc_title = _title(_html(client.get(f"/documents/{measure.document_id}/")))
    assert doc_title.startswith(measure.document.title[:10])


def test_login_page_is_titled_and_fits_a_phone(client):
    html = _html(client.get("/accounts/login/"))
    assert _title(html) == "登录 - 督办"
    assert 'name="viewport"' in html


# --- Breadcrumbs ---


def test_task_page_breadcrumb(staff, task):
    html = _html(login(staff).get(f"/tasks/{task.pk}/"))
    crumb = _breadcrumb(html)
    assert '<a href="/">工作台</a>' in crumb
    assert '<a href="/tasks/">任务</a>' in crumb
    assert f'<a href="/documents/{task.measure.document_id}/">' in crumb
    current = re.search(r'<span aria-current="page">(.*?)</span>', crumb, re.S)
    assert current and task.measure.title[:8] in current.group(1)
    # in order: 工作台 › 任务 › 文件 › 本措施
    assert crumb.index("工作台") < crumb.index("任务") < crumb.index("/documents/") < crumb.index("aria-current")


@pytest.mark.parametrize(
    ("path", "links", "current"),
    [
        ("/names/", ['<a href="/">工作台</a>'], "待处理名称"),
        ("/notifications/", ['<a href="/">工作台</a>'], "通知"),
        ("/notifications/preferences/", ['<a href="/">工作台</a>', '<a href="/notifications/">通知</a>'], "通知设置"),
        ("/progress/", ['<a href="/">工作台</a>'], "部门进度"),
    ],
)
def test_breadcrumbs_on_detail_and_tool_pages(supervisor, path, links, current):
    crumb = _breadcrumb(_html(login(supervisor).get(path)))
    for link in links:
        assert link in crumb, (path, crumb)
    assert f'<span aria-current="page">{current}</span>' in crumb


def test_document_page_breadcrumb(supervisor, task):
    doc = task.measure.document
    crumb = _breadcrumb(_html(login(supervisor).get(f"/documents/{doc.pk}/")))
    assert '<a href="/documents/">文件</a>' in crumb and 'aria-current="page"' in crumb


def test_list_pages_have_an_empty_breadcrumb_bar_hidden_by_css(supervisor):
    html = _html(login(supervisor).get("/"))
    assert '<nav class="breadcrumb" aria-label="当前位置"></nav>' in html
    css = (ROOT / "static/duban/duban.css").read_text()
    assert ".breadcrumb:empty { display: none; }" in css


# --- Favicon ---


def test_favicon_redirects_to_a_static_icon(client):
    resp = client.get("/favicon.ico")
    assert resp.status_code == 301
    assert resp["Location"] == "/static/duban/favicon.ico"
    ico = finders.find("duban/favicon.ico")
    assert ico, "favicon.ico is not a static file"
    data = Path(ico).read_bytes()
    assert data[:4] == b"\x00\x00\x01\x00"  # ICO header
    assert int.from_bytes(data[4:6], "little") == 3  # 16, 32 and 48 px
    svg = Path(str(finders.find("duban/favicon.svg"))).read_text()
    assert svg.lstrip().startswith("<svg") and "<text" not in svg  # drawn in paths: no font needed


def test_favicon_answers_200_through_whitenoise(tmp_path, settings):
    """With DEBUG off (as scripts/run serves) the collected files are served by WhiteNoise: /favicon.ico → 301 → 200."""
    from django.core.management import call_command

    assert settings.DEBUG is False
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", "--noinput", verbosity=0)
    client = Client()  # a new client builds the middleware, so WhiteNoise indexes tmp_path
    resp = client.get("/favicon.ico", follow=True)
    assert resp.redirect_chain == [("/static/duban/favicon.ico", 301)]
    assert resp.status_code == 200
    body = b"".join(resp.streaming_content)  # type: ignore[attr-defined]
    assert body[:4] == b"\x00\x00\x01\x00"
    for asset in ("/static/duban/duban.css", "/static/duban/duban.js", "/static/duban/favicon.svg"):
        assert client.get(asset).status_code == 200, asset


# --- Error pages ---


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [url_path("boom/", boom)]


def test_404_is_chinese_with_debug_off(staff):
    assert settings.DEBUG is False
    resp = login(staff).get("/no-such-page/")
    assert resp.status_code == 404
    html = _html(resp)
    assert 'lang="zh-hans"' in html
    assert "页面不存在" in html and "返回工作台" in html
    assert _title(html) == "页面不存在 - 督办"
    assert "Page not found" not in html and "Not Found" not in html
    assert 'name="viewport"' in html and "/static/duban/duban.css" in html


def test_404_for_an_object_outside_the_users_scope_is_the_same_page(staff):
    other = factories.TaskFactory(deadline=dt.date(2099, 12, 31))
    resp = login(staff).get(f"/tasks/{other.pk}/")
    assert resp.status_code == 404
    assert "页面不存在" in _html(resp)


def test_403_is_chinese(staff):
    resp = login(staff).get("/overdue/")
    assert resp.status_code == 403
    html = _html(resp)
    assert "无权访问" in html and "返回工作台" in html and "换一个账号登录" in html
    assert "/accounts/login/?next=/overdue/" in html
    assert "403 Forbidden" not in html


@override_settings(ROOT_URLCONF=__name__)
def test_500_is_chinese_and_shows_no_traceback():
    client = Client(raise_request_exception=False)
    resp = client.get("/boom/")
    assert resp.status_code == 500
    html = _html(resp)
    assert "系统出错了" in html and 'lang="zh-hans"' in html
    assert "RuntimeError" not in html and "Traceback" not in html and "boom" not in html
    assert _title(html) == "系统出错 - 督办"


def test_csrf_failure_page_is_chinese(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    resp = client.post("/accounts/logout/")
    assert resp.status_code == 403
    html = _html(resp)
    assert "页面已过期" in html and "CSRF verification failed" not in html


def test_scripts_run_serves_production_like_pages():
    run = (ROOT / "scripts/run").read_text()
    assert 'export DJANGO_DEBUG="${DJANGO_DEBUG:-False}"' in run
    assert "collectstatic" in run  # WhiteNoise serves the collected files with DEBUG off
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
    assert 'tee -a "$RUN_DIR/web.log"' in run


# --- Responsive rules (the browser tests measure the real widths at 390 px) ---


def test_css_has_the_narrow_screen_rules():
    css = (ROOT / "static/duban/duban.css").read_text()
    assert "@media (max-width: 760px)" in css
    narrow = css[css.index("@media (max-width: 760px)") :]
    assert ".js .nav-open .nav-panel { display: block; }" in narrow
    assert ".js .nav-panel { display: none; }" in narrow
    assert "min-height: 44px" in narrow and "min-height: 40px" in narrow  # touch targets
    assert ".filters { flex-direction: column; align-items: stretch; }" in narrow  # forms: one column
    assert ".login-card { width: auto;" in narrow  # the 380 px login card fits 360 px
    assert ".table-wrap { overflow-x: auto;" in css  # wide tables scroll inside their box
    assert "grid-template-columns: minmax(0, 1fr)" in css  # a grid column never grows to its table's width


def test_nav_script_toggles_aria_expanded():
    js = (ROOT / "static/duban/duban.js").read_text()
    assert 'getElementById("nav-toggle")' in js
    assert 'setAttribute("aria-expanded"' in js and '"nav-open"' in js
    assert 'classList.add("js")' in js  # without JS the navigation stays open


def test_wide_tables_are_wrapped_in_templates():
    """Every <table> in the templates sits in a .table-wrap (or another *-wrap box that scrolls) on a phone."""
    unwrapped = []
    for tpl in sorted((ROOT / "templates").rglob("*.html")):
        text = tpl.read_text()
        for m in re.finditer(r"<table\b", text):
            before = text[max(0, m.start() - 60) : m.start()]
            if not re.search(r'class="[^"]*\bwrap|-wrap\b', before):
                unwrapped.append(f"{tpl.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}")
    assert not unwrapped, unwrapped
