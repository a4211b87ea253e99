"""The 待识别名称 page: suggestions (one click maps), where each name was printed, supervisors only;
and the suggestion API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from departments.models import DepartmentAlias, UnresolvedName
from tasks.models import PendingAssignment, PolicyDocument, PolicyUpload, Task, TaskRole
from tests import factories

pytestmark = pytest.mark.django_db

# A small made-up document: the old names 市经信委 and 市环保局 are printed after the 机构改革.
DOC = """江海市关于推进名称测试工作的实施方案
江政发〔2026〕98号

一、重点任务
（一）推进工业互联网建设。到2027年培育工业互联网平台3个。（牵头单位：市经信委；责任单位：市网页测试局）
（二）加强污染防治。开展工业园区专项检查。（牵头单位：市环保局；责任单位：市经信委）
（三）推动企业上云。全年新增上云企业100家。（牵头单位：市经信委）
（四）培育专精特新企业。每年认定一批。（牵头单位：市经信委）
"""


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def imported(supervisor):
    """The document imported by a supervisor; returns (client, 市工业和信息化局, 市生态环境局)."""
    factories.DepartmentFactory(name="市网页测试局")
    industry = factories.DepartmentFactory(name="市工业和信息化局")
    ecology = factories.DepartmentFactory(name="市生态环境局")
    client = login(supervisor)
    client.post("/imports/new/", {"file": SimpleUploadedFile("方案.txt", DOC.encode())})
    client.post(f"/imports/{PolicyUpload.objects.get().pk}/")
    assert set(UnresolvedName.objects.values_list("name", flat=True)) == {"市经信委", "市环保局"}
    return client, industry, ecology


def test_page_shows_suggestion_and_contexts(imported):
    client, industry, ecology = imported
    doc = PolicyDocument.objects.get()
    resp = client.get("/names/")
    html = resp.content.decode()
    assert resp.status_code == 200
    # Suggestions with their reason and a one-click form posting d:<id>.
    assert "机构改革：市经信委 已更名为 市工业和信息化局（2019年）" in html
    assert "机构改革：市环保局 已更名为 市生态环境局（2019年）" in html
    assert f'name="target" value="d:{industry.pk}"' in html
    assert f'name="target" value="d:{ecology.pk}"' in html
    # Contexts: document link, measure label and title, the sentence with the name marked.
    assert f'href="/documents/{doc.pk}/"' in html and doc.title in html
    assert "（二）" in html and "加强污染防治" in html
    assert "开展工业园区专项检查。（牵头单位：<mark>市环保局</mark>；责任单位：市经信委）" in html
    # 市经信委 is printed in four measures: three shown, then "等 4 处".
    row = next(r for r in resp.context["rows"] if r.unresolved.name == "市经信委")
    assert len(row.contexts) == 3 and row.total == 4 and row.more
    assert "等 4 处" in html
    assert "等 1 处" not in html  # 市环保局: one place, no "等"


def test_one_click_suggestion_maps_and_creates_tasks(imported):
    client, industry, _ = imported
    name = UnresolvedName.objects.get(name="市经信委")
    row = next(r for r in client.get("/names/").context["rows"] if r.unresolved.pk == name.pk)
    suggestion = row.suggestions[0]
    assert suggestion.department_id == industry.pk
    resp = client.post("/names/", {"name": name.pk, "action": "map", "target": f"d:{suggestion.department_id}"})
    assert resp.status_code == 302
    name.refresh_from_db()
    assert name.status == UnresolvedName.Status.MAPPED and name.department_id == industry.pk
    assert DepartmentAlias.objects.filter(name="市经信委", department=industry).exists()
    assert Task.objects.filter(department=industry, role=TaskRole.LEAD).count() == 3
    assert Task.objects.filter(department=industry, role=TaskRole.RESPONSIBLE).count() == 1
    assert not PendingAssignment.objects.filter(unresolved=name, status=PendingAssignment.Status.OPEN).exists()
    html = client.get("/names/").content.decode()
    assert "已更名为 市工业和信息化局" not in html and "市环保局" in html


def test_page_query_count_does_not_grow_with_names(supervisor, django_assert_max_num_queries):
    client = login(supervisor)
    factories.DepartmentFactory(name="市生态环境局")

    def add_name(name: str) -> None:
        u = UnresolvedName.objects.create(name=name, occurrences=1)
        m = factories.MeasureFactory(text=f"开展检查。由{name}负责。")
        PendingAssignment.objects.create(
            measure=m, printed_name=name, role=TaskRole.LEAD, reason=PendingAssignment.Reason.UNRESOLVED, unresolved=u
        )

    add_name("市环保局")
    client.get("/names/")  # warm up
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/names/")
    for name in ("市环境保护局", "市经信委", "市质监局", "区环保局"):
        add_name(name)
    with django_assert_max_num_queries(len(one.captured_queries)):
        resp = client.get("/names/")
    assert len(resp.context["rows"]) == 5
    assert "由<mark>市质监局</mark>负责。" in resp.content.decode()


@pytest.mark.parametrize("role", ["staff", "liaison", "leader"])
def test_non_supervisors_refused(request, role):
    user = request.getfixturevalue(role)
    name = UnresolvedName.objects.create(name="市经信委")
    target = factories.DepartmentFactory(name="市工业和信息化局")
    client = login(user)
    assert client.get("/names/").status_code == 403
    assert client.post("/names/", {"name": name.pk, "action": "map", "target": f"d:{target.pk}"}).status_code == 403
    name.refresh_from_db()
    assert name.status == UnresolvedName.Status.OPEN


# --- API ---


def test_api_suggestions_for_supervisor(client_for, supervisor):
    target = factories.DepartmentFactory(name="市生态环境局")
    resp = client_for(supervisor).get("/api/v1/departments/suggestions/", {"name": "市环保局"})
    assert resp.status_code == 200
    assert resp.json() == {
        "name": "市环保局",
        "suggestions": [
            {
                "department_id": target.pk,
                "name": "市生态环境局",
                "kind": "rename",
                "reason": "机构改革：市环保局 已更名为 市生态环境局（2019年）",
            }
        ],
    }
    body = client_for(supervisor).get("/api/v1/departments/suggestions/", {"name": "市海洋渔业局"}).json()
    assert body["suggestions"] == []
    assert client_for(supervisor).get("/api/v1/departments/suggestions/").status_code == 400


def test_api_suggestions_refused_for_staff(client_for, staff, api_client):
    resp = client_for(staff).get("/api/v1/departments/suggestions/", {"name": "市环保局"})
    assert resp.status_code == 403 and resp.json()["detail"] == "仅督查室可以访问。"
    assert api_client.get("/api/v1/departments/suggestions/", {"name": "市环保局"}).status_code in (401, 403)
